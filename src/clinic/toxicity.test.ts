import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportBundle } from "./fhir-export.js";
import { importBundle } from "./fhir-import.js";
import { loadCase } from "./case-file.js";
import {
  gradeCaseLabs,
  gradeCrs,
  gradeIcans,
  gradeLab,
  iceScore,
  iraeManagement,
  toxicityData,
  type LabGrade,
  type LabReading,
} from "./toxicity.js";

/** The grade of a reading a rule covers and can grade (undefined otherwise). */
function graded(r: LabReading, baseline?: LabReading): LabGrade | undefined {
  const g = gradeLab(r, baseline);
  return g && !("problem" in g) ? g : undefined;
}
import path from "node:path";

const alt = (value: number, referenceHigh = 40): LabReading => ({
  name: "ALT",
  code: "1742-6",
  value,
  unit: "U/L",
  referenceHigh,
});

describe("CTCAE v5 lab grading (worked examples and boundaries of clinical.md §3.2)", () => {
  it("ALT 4.2 × ULN with a normal baseline is grade 2; 7 × an abnormal baseline (2 × ULN) is grade 3", () => {
    expect(graded(alt(168))).toMatchObject({
      grade: 2,
      term: "Alanine aminotransferase increased",
      ctcaeVersion: "5.0",
    });
    const g = graded(alt(560), alt(80));
    expect(g?.grade).toBe(3);
    expect(g?.criterion).toMatch(/7 × baseline 80 U\/L \(baseline above ULN\)/);
  });

  it("grade boundaries are exclusive (> 3.0 × ULN is grade 2, exactly 3.0 × is grade 1) and 20 × is grade 3", () => {
    expect(graded(alt(120))?.grade).toBe(1);
    expect(graded(alt(120.01))?.grade).toBe(2);
    expect(graded(alt(40))?.grade).toBe(0);
    expect(graded(alt(800))?.grade).toBe(3);
    expect(graded(alt(801))?.grade).toBe(4);
    // abnormal baseline: grade 1 starts at exactly 1.5 × baseline
    expect(graded(alt(120), alt(80))?.grade).toBe(1);
    expect(graded(alt(119), alt(80))?.grade).toBe(0);
  });

  it("count decreases use absolute thresholds below the LLN", () => {
    const anc = (v: number): LabReading => ({
      name: "Neutrophils",
      code: "751-8",
      value: v,
      unit: "10*9/L",
      referenceLow: 1.8,
    });
    expect([1.9, 1.7, 1.4, 0.9, 0.4].map((v) => graded(anc(v))?.grade)).toEqual([0, 1, 2, 3, 4]);
    expect(graded({ name: "Platelets", value: 49, unit: "10^9/L" })?.grade).toBe(3);
    // haemoglobin has no lab grade 4 (life-threatening anaemia is a clinical call)
    expect(graded({ name: "Hemoglobin", value: 5, unit: "g/dL" })?.grade).toBe(3);
  });

  it("converts SI units and states the assumptions it made", () => {
    const hb = graded({ name: "Haemoglobin", code: "718-7", value: 95, unit: "g/L", referenceLow: 120 });
    expect(hb).toMatchObject({ grade: 2, value: 9.5 });
    expect(hb?.assumptions.join()).toMatch(/95 g\/L converted to g\/dL/);
    // creatinine 265 µmol/L = 3.0 mg/dL = 2.5 × ULN (1.2) → grade 2
    const cr = graded({ name: "Creatinine", code: "2160-0", value: 265.2, unit: "umol/L" });
    expect(cr?.grade).toBe(2);
    expect(cr?.assumptions.join()).toMatch(/ULN 1.2 mg\/dL assumed/);
    // creatinine grades against the baseline too ("also"): 3.2 × baseline is grade 3 while still < 3 × ULN
    expect(
      graded(
        { name: "creatinine", value: 1.6, unit: "mg/dL", referenceHigh: 1.2 },
        { name: "creatinine", value: 0.5, unit: "mg/dL" },
      )?.grade,
    ).toBe(3);
    expect(gradeLab({ name: "ALT", value: 100, unit: "mmHg" })).toMatchObject({
      problem: expect.stringMatching(/not convertible/),
    });
    expect(gradeLab({ name: "Sodium", value: 140, unit: "mmol/L" })).toBeNull();
    // the mCODE IG's "Jenny M" neutrophils: 3000 × 10³/µL is a unit slip, not a count to grade
    expect(gradeLab({ name: "Neutrophils", code: "751-8", value: 3000, unit: "10*3/uL" })).toMatchObject({
      problem: expect.stringMatching(/implausible .* check the unit/),
    });
  });

  it("grades never decrease as a value worsens (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          expect(graded(alt(hi))!.grade).toBeGreaterThanOrEqual(graded(alt(lo))!.grade);
          const plt = (v: number) => graded({ name: "Platelets", value: v / 10, unit: "10*9/L" })!.grade;
          expect(plt(lo)).toBeGreaterThanOrEqual(plt(hi));
        },
      ),
    );
  });

  it("grades the example case's labs against their own reference ranges and the earliest value as baseline", () => {
    const c = loadCase(path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json"));
    const { grades, ungradable } = gradeCaseLabs(c);
    expect(ungradable).toEqual([]);
    const byTerm = (t: string) => grades.filter((g) => g.term === t);
    expect(byTerm("Alanine aminotransferase increased").map((g) => g.grade)).toEqual([0, 2]); // 151 / 45 = 3.4 × ULN
  });

  it("keeps the lab reference range through FHIR export and import", () => {
    const c = loadCase(path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json"));
    const back = importBundle(exportBundle(c), c.id).case;
    const a = back.labs.find((l) => l.code.code === "1742-6" && l.value === 151);
    expect(a).toMatchObject({ referenceLow: 7, referenceHigh: 45, unit: "U/L" });
  });
});

describe("ASTCT CRS and ICANS grading (Lee 2019; worked examples of clinical.md §3.3)", () => {
  it("39.1 °C on norepinephrine alone is CRS grade 3; afebrile after tocilizumab on two vasopressors is grade 4", () => {
    expect(gradeCrs({ temperatureC: 39.1, hypotension: "one-vasopressor", hypoxia: "none" }).grade).toBe(3);
    const g = gradeCrs({
      temperatureC: 37.2,
      feverTreated: true,
      hypotension: "multiple-vasopressors",
      hypoxia: "low-flow",
    });
    expect(g.grade).toBe(4);
    expect(g.management).toMatch(/methylprednisolone/);
  });

  it("grade is the worse of hypotension and hypoxia; no fever (untreated) is no CRS", () => {
    expect(gradeCrs({ temperatureC: 38, hypotension: "no-vasopressor", hypoxia: "high-flow" }).grade).toBe(3);
    expect(gradeCrs({ temperatureC: 38.5, hypotension: "none", hypoxia: "none" }).grade).toBe(1);
    expect(gradeCrs({ temperatureC: 38.5, hypotension: "none", hypoxia: "low-flow" }).management).toMatch(
      /tocilizumab 8 mg\/kg/,
    );
    const none = gradeCrs({ temperatureC: 37.9, hypotension: "one-vasopressor", hypoxia: "none" });
    expect(none.grade).toBe(0);
    expect(none.reasons.join()).toMatch(/37.9 °C < 38 °C/);
  });

  it("ICE 3 with a generalised seizure is ICANS grade 3; ICE 0 unarousable is grade 4", () => {
    expect(gradeIcans({ ice: 3, seizure: "resolving-rapidly" }).grade).toBe(3);
    expect(gradeIcans({ ice: 0, consciousness: "unarousable" }).grade).toBe(4);
    expect(gradeIcans({ ice: 0, consciousness: "awakens-to-voice" }).grade).toBe(3);
    expect(gradeIcans({ ice: 7 }).grade).toBe(1);
    expect(gradeIcans({ ice: 6 }).grade).toBe(2);
    expect(gradeIcans({ ice: 10 }).grade).toBe(0);
    expect(gradeIcans({ ice: 9, cerebralEdema: "diffuse" }).management).toMatch(/intracranial pressure/);
  });

  it("computes the ICE score from its five items and rejects impossible items", () => {
    expect(iceScore({ orientation: 4, naming: 3, commands: 1, writing: 1, attention: 1 })).toBe(10);
    expect(iceScore({ orientation: 2, naming: 1, commands: 0, writing: 0, attention: 0 })).toBe(3);
    expect(() => iceScore({ orientation: 5, naming: 3, commands: 1, writing: 1, attention: 1 })).toThrow(
      /orientation/,
    );
  });
});

describe("management guidance", () => {
  it("gives the ASCO/SITC action by grade and holds cardiac irAEs at any grade", () => {
    expect(iraeManagement(2)?.checkpointInhibitor).toMatch(/^hold/);
    expect(iraeManagement(4)?.checkpointInhibitor).toMatch(/discontinue permanently/);
    expect(iraeManagement(1)?.checkpointInhibitor).toMatch(/^continue/);
    expect(iraeManagement(1, "cardiac")?.checkpointInhibitor).toMatch(/^hold/);
    expect(iraeManagement(0)).toBeNull();
    expect(toxicityData().terms.find((t) => t.term === "Pneumonitis")?.grades[2]).toMatch(/oxygen indicated/);
  });
});
