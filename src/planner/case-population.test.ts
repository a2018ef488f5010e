/**
 * The conditioned prior of a case: covariates are relaxed softly (a virtual patient who does not share one keeps a
 * fraction of its weight) before they are dropped, the least decisive first and the refractory class last.
 */
import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import { BURDEN_BANDWIDTH, conditionedPrior, MIN_PRIOR_ESS, RELAX_STEPS } from "./case-population.js";

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
