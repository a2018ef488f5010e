import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CaseSchema, type CaseRecord } from "./case-schema.js";
import { loadCase } from "./case-file.js";
import { caseBurden, evaluateCase } from "./evaluate.js";
import { importBundle } from "./fhir-import.js";
import { kirLigands, scoreDonors } from "./kir.js";

const JENNY = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/mcode-stu4-ig-examples/Bundle-mcode-patient-bundle-jenny-m.json",
);
const jenny = () => importBundle(JSON.parse(readFileSync(JENNY, "utf8")), "jenny").case;
const manual = { kind: "manual" as const };
const verdict = (c: CaseRecord, modality: string) =>
  evaluateCase(c, "2018-05-01").eligibility.find((e) => e.modality === modality)!;

describe("records review and evaluation", () => {
  it("checklist: what is present, outdated or missing, and what to request", () => {
    const e = evaluateCase(jenny(), "2018-05-01");
    const status = Object.fromEntries(e.checklist.map((i) => [i.id, i.status]));
    expect(status).toMatchObject({
      imaging: "present",
      pathology: "present",
      staging: "present",
      treatments: "present",
      performance: "present",
      "body-size": "missing",
    });
    expect(e.toRequest).toEqual(["current weight and height"]);
    const later = evaluateCase(jenny(), "2019-06-01");
    expect(later.checklist.find((i) => i.id === "imaging")).toMatchObject({ status: "outdated" });
  });

  it("eligibility per modality with reasons and sources", () => {
    const c = jenny();
    expect(verdict(c, "checkpoint-inhibitor")).toMatchObject({
      verdict: "caution",
      reasons: [{ rule: "icb-no-biomarker" }],
    });
    expect(verdict(c, "car-t").verdict).toBe("not-recommended");
    // breast cancer: no oncolytic virus is approved for it (issue 14 §3 tumor-type gate)
    expect(verdict(c, "oncolytic-virus")).toMatchObject({
      verdict: "caution",
      reasons: [{ rule: "virus-tumor-type" }],
    });
    for (const e of evaluateCase(c, "2018-05-01").eligibility)
      for (const r of e.reasons) expect(r.source.length).toBeGreaterThan(5);
  });

  it("poor performance status makes immunotherapy not recommended; autoimmune disease and transplant exclude checkpoint inhibitors", () => {
    const c = jenny();
    c.performance.push({ scale: "ECOG", value: 3, date: "2018-04-30", source: manual });
    expect(verdict(c, "checkpoint-inhibitor").verdict).toBe("not-recommended");
    expect(verdict(c, "chemotherapy").verdict).toBe("suitable");
    const k = jenny();
    k.performance.push({ scale: "Karnofsky", value: 40, date: "2018-04-30", source: manual });
    expect(verdict(k, "nk-cell-therapy").verdict).toBe("not-recommended");
    const a = jenny();
    a.conditions.push({
      category: "autoimmune",
      text: "systemic lupus erythematosus",
      active: true,
      source: manual,
    });
    expect(verdict(a, "checkpoint-inhibitor").reasons.map((r) => r.rule)).toContain("autoimmune-active");
    const t = jenny();
    t.conditions.push({ category: "transplant", text: "kidney transplant", source: manual });
    expect(verdict(t, "checkpoint-inhibitor").verdict).toBe("not-recommended");
  });

  it("biomarker gates: PD-L1 ≥ 1 % or MSI-H lifts the checkpoint caution; CD19 lifts the CAR-T antigen gate", () => {
    const c = jenny();
    c.biomarkers.push({
      name: "PD-L1 TPS",
      code: { display: "PD-L1" },
      value: 60,
      unit: "%",
      source: manual,
    });
    expect(verdict(c, "checkpoint-inhibitor").verdict).toBe("suitable");
    c.biomarkers.push({ name: "CD19", code: {}, value: "positive", source: manual });
    // the antigen gate is lifted; breast cancer still is no tumor type of an approved CAR-T
    expect(verdict(c, "car-t").reasons.map((r) => r.rule)).toEqual(["cart-tumor-type"]);
  });

  it("labs below typical trial thresholds give a caution", () => {
    const c = jenny();
    c.labs.push({
      name: "Neutrophils [#/volume] in Blood",
      code: { code: "751-8" },
      value: 0.9,
      unit: "10*9/L",
      date: "2018-05-25",
      source: manual,
    });
    expect(verdict(c, "car-t").reasons.map((r) => r.rule)).toContain("neutrophils-low");
  });

  it("burden from imaging and the therapeutic window", () => {
    const e = evaluateCase(jenny(), "2018-05-01");
    expect(e.burden.sumOfDiametersMm).toBe(25);
    expect(e.burden.volumeCm3!).toBeCloseTo((Math.PI / 6) * 2.5 ** 3, 9);
    expect(e.burden.cells!).toBeCloseTo(8.18e9, -8);
    expect(e.burden.window).toBe("reduced");
    const bulky = CaseSchema.parse({
      id: "b",
      patient: { source: manual },
      imaging: [
        {
          date: "2024-01-01",
          lesions: [{ id: "L", role: "target", nodal: false, diameterMm: 62 }],
          source: manual,
        },
      ],
    });
    expect(evaluateCase(bulky, "2024-01-10").burden.window).toBe("bulky");
    const mrd = CaseSchema.parse({
      id: "m",
      patient: { source: manual },
      imaging: [
        {
          date: "2024-01-01",
          lesions: [{ id: "L", role: "target", nodal: false, diameterMm: 1.5 }],
          source: manual,
        },
      ],
    });
    expect(evaluateCase(mrd, "2024-01-10").burden.window).toBe("minimal residual disease");
  });

  it("a scan without measurable tumor is below detection (≤ 1e8 cells), not minimal residual disease", () => {
    // the NSCLC example's last scan: both lung lesions gone, an 8 mm node (normal by RECIST 1.1)
    const c = loadCase(path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json"));
    const b = evaluateCase(c, "2024-05-10").burden;
    expect(b).toMatchObject({
      date: "2024-05-02",
      sumOfDiametersMm: 8,
      volumeCm3: 0,
      window: "below detection",
    });
    expect(b.cells).toBe(1e8);
    expect(b.assumptions.join(" ")).toMatch(/residual cells are unknown, at most about 1e\+8/);
    // the burden is read from the latest scan on or before the date: on 2024-03-10 the March scan
    expect(evaluateCase(c, "2024-03-10").burden).toMatchObject({ date: "2024-03-06", window: "reduced" });
    expect(caseBurden(c, "2024-05-10")).toEqual(b);
  });
});

describe("KIR-ligand mismatch (missing self)", () => {
  it("the worked example of clinical.md §5.2: two mismatches (C2 and Bw4)", () => {
    const recipient = ["C*07:01", "C*07:02", "B*08:01", "B*07:02"];
    expect([...kirLigands(recipient)]).toEqual(["C1"]);
    const [best, other] = scoreDonors(recipient, [
      { id: "sibling", hla: ["C*07:01", "C*07:02", "B*08:01", "B*07:02"] },
      { id: "haplo", hla: ["C*07:01", "C*06:02", "B*08:01", "B*57:01"] },
    ]);
    expect(best).toMatchObject({ donor: "haplo", mismatches: ["C2", "Bw4"], score: 2 });
    expect(best.note).toMatch(/KIR2DL1 and KIR3DL1/);
    expect(other.score).toBe(0);
    expect(() => kirLigands(["DRB1*15:01"])).toThrow(/not an HLA class I allele/);
  });
});
