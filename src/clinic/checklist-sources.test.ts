import { describe, expect, it } from "vitest";
import { CaseSchema } from "./case-schema.js";
import { checklistHints } from "./checklist-sources.js";
import { evaluateCase } from "./evaluate.js";

describe("what would supply the missing records", () => {
  it("names the documents for each missing item and the uploads that probably hold it", () => {
    const empty = CaseSchema.parse({ id: "c", patient: { source: { kind: "manual" } } });
    const items = checklistHints(evaluateCase(empty, "2026-11-24").checklist, [
      { id: "d1", filename: "Pathology_report-2026.pdf" },
      { id: "d2", filename: "IM0001", dicom: { modality: "CT" } },
      { id: "d3", filename: "holiday.jpg" },
    ]);
    const by = (id: string) => items.find((i) => i.id === id)!;
    expect(by("pathology").status).toBe("missing");
    expect(by("pathology").suppliedBy[0]).toMatch(/pathology report/);
    expect(by("pathology").uploaded.map((d) => d.filename)).toEqual(["Pathology_report-2026.pdf"]);
    expect(by("imaging").uploaded.map((d) => d.id)).toEqual(["d2"]);
    expect(items.flatMap((i) => i.uploaded).some((d) => d.id === "d3")).toBe(false);
  });

  it("says nothing more about what is present", () => {
    const c = CaseSchema.parse({
      id: "c",
      patient: { source: { kind: "manual" } },
      weights: [{ kg: 70, date: "2026-11-20", source: { kind: "manual" } }],
      heights: [{ cm: 170, date: "2026-11-20", source: { kind: "manual" } }],
    });
    const body = checklistHints(evaluateCase(c, "2026-11-24").checklist, [
      { id: "x", filename: "letter.pdf" },
    ]).find((i) => i.id === "body-size")!;
    expect(body).toMatchObject({ status: "present", suppliedBy: [], uploaded: [] });
  });
});
