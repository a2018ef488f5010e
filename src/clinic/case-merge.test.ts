import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaseSchema } from "./case-schema.js";
import { diffCases } from "./case-diff.js";
import { mergeCases } from "./case-merge.js";

const manual = { kind: "manual" as const, by: "Dr A" };
const fhir = { kind: "fhir" as const, ref: "Observation/x" };
const base = CaseSchema.parse({
  id: "c",
  patient: { name: "Ada King", sex: "female", source: manual },
  weights: [{ kg: 61, date: "2024-03-01", source: manual }],
  labs: [{ name: "Hemoglobin", code: {}, value: 11, unit: "g/dL", date: "2024-03-01", source: manual }],
});

describe("merging an import into the record", () => {
  it("adds what is new, keeps what is there, and reports different patient details as conflicts", () => {
    const imported = CaseSchema.parse({
      id: "c",
      patient: { name: "Ada Lovelace", birthDate: "1961-04-02", source: fhir },
      weights: [{ kg: 61, date: "2024-03-01", source: fhir }],
      heights: [{ cm: 168, source: fhir }],
      hlaTyping: { alleles: ["A*02:01"], source: fhir },
    });
    const m = mergeCases(base, imported);
    expect(m.record.patient).toMatchObject({ name: "Ada King", birthDate: "1961-04-02", sex: "female" });
    expect(m.conflicts).toEqual([{ field: "patient.name", record: "Ada King", imported: "Ada Lovelace" }]);
    expect(m.record.weights).toHaveLength(1); // the same weight from another source is not a second weight
    expect(m.record.heights).toHaveLength(1);
    expect(m.record.labs).toEqual(base.labs);
    expect(m.record.hlaTyping?.alleles).toEqual(["A*02:01"]);
    expect(m.changes.map((c) => c.summary)).toEqual([
      'patient.birthDate: "1961-04-02"',
      'hlaTyping.alleles: ["A*02:01"]',
      'hlaTyping.source: {"kind":"fhir","ref":"Observation/x"}',
      "heights: added 168 cm",
    ]);
  });

  it("never loses an entry of the record (fuzzed) and merging twice changes nothing more", () => {
    const lab = fc.record({
      name: fc.constantFrom("Hb", "ANC", "ALT"),
      value: fc.integer({ min: 0, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(lab, { maxLength: 5 }), fc.array(lab, { maxLength: 5 }), (xs, ys) => {
        const mk = (ls: typeof xs) =>
          CaseSchema.parse({
            id: "c",
            patient: { source: manual },
            labs: ls.map((l) => ({ ...l, code: {}, source: manual })),
          });
        const a = mk(xs);
        const m = mergeCases(a, mk(ys));
        for (const l of a.labs) expect(m.record.labs).toContainEqual(l);
        expect(diffCases(a, m.record).every((c) => c.kind === "added")).toBe(true);
        expect(mergeCases(m.record, mk(ys)).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("differences between versions", () => {
  it("an edited lab is one removed and one added entry; patient fields are compared field by field", () => {
    const edited = {
      ...base,
      patient: { ...base.patient, birthDate: "1961-04-02" },
      labs: [{ ...base.labs[0], value: 9.1 }],
    };
    expect(diffCases(base, edited).map((c) => c.summary)).toEqual([
      'patient.birthDate: "1961-04-02"',
      "labs: removed Hemoglobin 11 g/dL (2024-03-01)",
      "labs: added Hemoglobin 9.1 g/dL (2024-03-01)",
    ]);
    expect(diffCases(base, base)).toEqual([]);
  });
});
