/**
 * The conditioned prior of a case: covariates are relaxed softly (a virtual patient who does not share one keeps a
 * fraction of its weight) before they are dropped, the least decisive first and the refractory class last.
 */
import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import {
  BURDEN_BANDWIDTH,
  conditionedPrior,
  MIN_PRIOR_ESS,
  readAlkStatus,
  readBrafStatus,
  readKrasG12cStatus,
  readEgfrStatus,
  RELAX_STEPS,
} from "./case-population.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CaseSchema } from "../clinic/case-schema.js";

const DATE = "2026-11-30";
const c = melanomaCase();
// the progressing melanoma case's conditions, most decisive first
const ORDER = ["refractory to anti-PD-1", "stage M1c", "LDH above normal", "PD-L1 1–49 %", "ECOG ≥ 1"];
const parse = (r: string) => {
  const m = /^(.*) \(others keep ([0-9.]+) of their weight\)$/.exec(r);
  return m ? { name: m[1], eps: Number(m[2]) } : { name: r, eps: 1 };
};

describe("conditionedPrior: relaxing the record's conditions", () => {
  for (const sld of [undefined, 120, 80, 48, 30, 20]) {
    it(`keeps the order of relaxation (burden kernel ${sld ?? "none"} mm)`, () => {
      const p = conditionedPrior(c, DATE, undefined, sld)!;
      const relaxed = p.relaxed.map(parse);
      const kept = p.applied.filter((a) => !a.startsWith("baseline sum"));
      // every condition is kept or relaxed, none lost, in the order of decisiveness
      expect([...kept, ...relaxed.map((r) => r.name)]).toEqual(ORDER);
      for (const r of relaxed) expect(RELAX_STEPS).toContain(r.eps);
      // the refractory class is relaxed only once every other condition is dropped entirely
      if (relaxed[0]?.name === ORDER[0]) expect(relaxed.slice(1).every((r) => r.eps === 1)).toBe(true);
      // softening goes round the covariates: no covariate is softer than one after it by more than one step
      const steps = relaxed.filter((r) => r.name !== ORDER[0]).map((r) => RELAX_STEPS.indexOf(r.eps as 1));
      for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
      // enough virtual patients, unless every condition has given way
      if (!(relaxed.length === ORDER.length && relaxed.every((r) => r.eps === 1)))
        expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
    });
  }

  it("a softly relaxed condition still tilts the prior towards the virtual patients who share it", () => {
    // with the burden kernel at the case's first scan (48 mm), as the personalization conditions it (without the
    // kernel the population rebuilt on 2026-12-01 meets every condition: nothing is relaxed)
    const p = conditionedPrior(c, DATE, undefined, 48)!;
    const soft = p.relaxed.map(parse).find((r) => r.name === "LDH above normal" && r.eps < 1);
    expect(soft).toBeDefined();
    let shared = 0;
    let calibratedShared = 0;
    let calibratedTotal = 0;
    p.weights.forEach((w, i) => {
      const ldh = p.patients[i].covariates.ldh_elevated;
      if (ldh) shared += w;
      // the calibrated population under the same burden kernel
      const z = Math.log(p.patients[i].covariates.sld_mm / 48) / BURDEN_BANDWIDTH;
      const b = p.vpop.patients[i].weight * Math.exp(-0.5 * z * z);
      calibratedTotal += b;
      if (ldh) calibratedShared += b;
    });
    const base = calibratedShared / calibratedTotal;
    // the odds of LDH above normal are about 1/eps times those of the calibrated population under the same kernel (the other conditions,
    // correlated with LDH, move them too: 10 % allowed)
    const odds = (x: number) => x / (1 - x);
    expect(odds(shared) / odds(base)).toBeGreaterThan(0.9 / soft!.eps);
  });
});

describe("conditionedPrior: BRAF V600 status", () => {
  const withBraf = (value: string, history: boolean) =>
    melanomaCase((raw) => {
      const b = (raw.biomarkers as { name: string; value: string }[]).find((x) => /BRAF/.test(x.name))!;
      b.value = value;
      if (history)
        (raw.treatments as unknown[]).push({
          kind: "medication",
          name: "dabrafenib + trametinib",
          start: "2025-01-10",
          end: "2025-08-01",
          bestResponse: "PR",
          reasonStopped: "progression",
          source: { kind: "manual" },
        });
    });

  it("reads the record's wording: V600E / mutated / detected are mutant; wild type / negative / not detected are not", () => {
    for (const v of ["V600E", "BRAF V600K mutation", "mutated", "positive", "detected"])
      expect(readBrafStatus(v), v).toBe(true);
    for (const v of ["wild type", "wild-type", "WT", "negative", "not detected", "no V600 mutation"])
      expect(readBrafStatus(v), v).toBe(false);
    for (const v of [undefined, "", "pending", 3]) expect(readBrafStatus(v), String(v)).toBeNull();
  });

  it("conditions the prior only when the history holds a BRAF or MEK inhibitor: then only patients of that status", () => {
    // without a BRAF-inhibitor history the status changes nothing the model simulates: not applied
    const plain = conditionedPrior(withBraf("V600E", false), DATE)!;
    expect(plain.conditions.brafApplies).toBe(false);
    expect([...plain.applied, ...plain.relaxed].some((a) => /BRAF/.test(a))).toBe(false);
    for (const [value, mutant] of [
      ["V600E", true],
      ["wild type", false],
    ] as const) {
      const p = conditionedPrior(withBraf(value, true), DATE)!;
      expect(p.conditions.brafV600).toBe(mutant);
      expect(
        p.conditions.sources.some((s) => s.startsWith(`BRAF V600 ${mutant ? "mutant" : "wild-type"}`)),
      ).toBe(true);
      const name = `BRAF V600 ${mutant ? "mutant" : "wild-type"}`;
      if (p.applied.includes(name)) {
        // kept: every virtual patient of the other status has no weight
        p.weights.forEach((w, i) => {
          if (p.patients[i].covariates.braf_v600 !== mutant) expect(w).toBe(0);
        });
        expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
      } else expect(p.relaxed.map(parse).some((r) => r.name === name)).toBe(true);
    }
  });
});

describe("conditionedPrior: EGFR status", () => {
  const NSCLC = path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json");
  const withEgfr = (value: string, history: boolean) => {
    const raw = JSON.parse(readFileSync(NSCLC, "utf8")) as Record<string, unknown[]>;
    raw.biomarkers.push({
      name: "EGFR mutation",
      code: { system: "http://loinc.org", code: "21667-1", display: "EGFR gene mutations analysis" },
      value,
      date: "2023-06-20",
      source: { kind: "document", ref: "pathology-2023-06-20" },
    });
    if (history)
      raw.treatments.push({
        kind: "medication",
        name: "osimertinib",
        start: "2023-11-01",
        end: "2024-09-01",
        bestResponse: "PR",
        reasonStopped: "progression",
        source: { kind: "manual" },
      });
    return CaseSchema.parse(raw);
  };

  it("reads the record's wording: exon 19 deletion / L858R / mutated are mutant; wild type / negative are not", () => {
    for (const v of ["exon 19 deletion", "L858R", "EGFR del19", "mutated", "positive", "detected"])
      expect(readEgfrStatus(v), v).toBe(true);
    for (const v of ["wild type", "WT", "negative", "not detected", "no mutation"])
      expect(readEgfrStatus(v), v).toBe(false);
    for (const v of [undefined, "", "pending", 3]) expect(readEgfrStatus(v), String(v)).toBeNull();
  });

  it("conditions the prior only when the history holds an EGFR inhibitor: then only patients of that status", () => {
    const plain = conditionedPrior(withEgfr("exon 19 deletion", false), DATE)!;
    expect(plain.conditions.egfrApplies).toBe(false);
    expect([...plain.applied, ...plain.relaxed].some((a) => /EGFR/.test(a))).toBe(false);
    for (const [value, mutant] of [
      ["L858R", true],
      ["wild type", false],
    ] as const) {
      const p = conditionedPrior(withEgfr(value, true), DATE)!;
      expect(p.conditions.egfrMutant).toBe(mutant);
      expect(p.conditions.sources.some((x) => x.startsWith(`EGFR ${mutant ? "mutant" : "wild-type"}`))).toBe(
        true,
      );
      const name = `EGFR ${mutant ? "mutant" : "wild-type"}`;
      if (p.applied.includes(name)) {
        p.weights.forEach((w, i) => {
          if (p.patients[i].covariates.egfr_mutant !== mutant) expect(w).toBe(0);
        });
        expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
      } else expect(p.relaxed.map(parse).some((r) => r.name === name)).toBe(true);
    }
  });
});

describe("conditionedPrior: ALK status", () => {
  const NSCLC = path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json");
  const withAlk = (value: string, history: boolean) => {
    const raw = JSON.parse(readFileSync(NSCLC, "utf8")) as Record<string, unknown[]>;
    raw.biomarkers.push({
      name: "ALK rearrangement (FISH)",
      code: { system: "http://loinc.org", code: "46993-2", display: "ALK gene rearrangement" },
      value,
      date: "2023-06-20",
      source: { kind: "document", ref: "pathology-2023-06-20" },
    });
    if (history)
      raw.treatments.push({
        kind: "medication",
        name: "alectinib",
        start: "2023-11-01",
        end: "2024-09-01",
        bestResponse: "PR",
        reasonStopped: "progression",
        source: { kind: "manual" },
      });
    return CaseSchema.parse(raw);
  };

  it("reads the record's wording: rearranged / EML4-ALK fusion / positive are rearranged; negative / no rearrangement are not", () => {
    for (const v of [
      "rearranged",
      "EML4-ALK fusion",
      "ALK rearrangement detected",
      "positive",
      "translocation",
    ])
      expect(readAlkStatus(v), v).toBe(true);
    for (const v of ["negative", "not detected", "no rearrangement", "wild type", "no fusion"])
      expect(readAlkStatus(v), v).toBe(false);
    for (const v of [undefined, "", "pending", 3]) expect(readAlkStatus(v), String(v)).toBeNull();
  });

  it("conditions the prior only when the history holds an ALK inhibitor: then only patients of that status", () => {
    const plain = conditionedPrior(withAlk("rearranged", false), DATE)!;
    expect(plain.conditions.alkApplies).toBe(false);
    expect([...plain.applied, ...plain.relaxed].some((a) => /ALK/.test(a))).toBe(false);
    for (const [value, rearranged] of [
      ["EML4-ALK fusion", true],
      ["negative", false],
    ] as const) {
      const p = conditionedPrior(withAlk(value, true), DATE)!;
      expect(p.conditions.alkRearranged).toBe(rearranged);
      const name = `ALK ${rearranged ? "rearranged" : "negative"}`;
      expect(p.conditions.sources.some((x) => x.startsWith(name))).toBe(true);
      if (p.applied.includes(name)) {
        p.weights.forEach((w, i) => {
          if (p.patients[i].covariates.alk_rearranged !== rearranged) expect(w).toBe(0);
        });
        expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
      } else expect(p.relaxed.map(parse).some((r) => r.name === name)).toBe(true);
    }
  });
});

describe("conditionedPrior: KRAS G12C status", () => {
  it("reads the record's wording: G12C is G12C; wild type, negative or another variant is not; a bare 'mutated' is unreadable", () => {
    for (const v of ["G12C", "KRAS p.G12C", "c.34G>T (p.Gly12Cys) G12C"])
      expect(readKrasG12cStatus(v), v).toBe(true);
    for (const v of ["wild type", "negative", "not detected", "G12D", "p.G12V", "G13D", "Q61H"])
      expect(readKrasG12cStatus(v), v).toBe(false);
    for (const v of [undefined, "", "mutated", "pending", 3])
      expect(readKrasG12cStatus(v), String(v)).toBeNull();
  });
});
