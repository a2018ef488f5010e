import { describe, expect, it } from "vitest";
import { enrol, refractoryClass, stageMatches, type PoolMember } from "./eligibility.js";
import { sampleVirtualPatient } from "./virtual-patient.js";

const pool: PoolMember[] = Array.from({ length: 2000 }, (_, i) => ({
  covariates: sampleVirtualPatient("melanoma", i + 1).covariates,
  refractory: i % 3 === 0 ? ["anti-PD-1", "anti-PD-L1"] : [],
}));
const uniform = new Float64Array(pool.length).fill(1 / pool.length);
const share = (factor: Float64Array, pred: (m: PoolMember) => boolean) => {
  let num = 0;
  let den = 0;
  pool.forEach((m, i) => {
    den += factor[i] * uniform[i];
    if (pred(m)) num += factor[i] * uniform[i];
  });
  return num / den;
};

describe("enrolment of a virtual population into a trial arm", () => {
  it("matches stage labels with their usual groupings", () => {
    expect(stageMatches("M1c", "M1c")).toBe(true);
    expect(stageMatches("M0", "IIIC")).toBe(true);
    expect(stageMatches("IV", "M1b")).toBe(true);
    expect(stageMatches("M1c", "M1b")).toBe(false);
  });

  it("post-stratifies to the trial's stage distribution and LDH share", () => {
    const { factor } = enrol(
      pool,
      { cancer: "melanoma", stage: { M0: 0.05, M1a: 0.1, M1b: 0.2, M1c: 0.65 }, ldh_elevated: 0.35 },
      uniform,
    );
    expect(share(factor, (m) => m.covariates.stage === "M1c")).toBeCloseTo(0.65, 1);
    expect(share(factor, (m) => m.covariates.ldh_elevated)).toBeCloseTo(0.35, 10);
  });

  it("names the population field that admits nobody", () => {
    const none = enrol(pool, { cancer: "melanoma", stage: ["M1d"], ecog: [0, 1] }, uniform);
    expect(none.factor.every((f) => f === 0)).toBe(true);
    expect(none.excludedBy).toEqual(["stage"]);
    const braf = enrol(pool, { cancer: "melanoma", braf: "mutant", stage: ["M1c"] }, uniform);
    expect(braf.excludedBy).toEqual([]);
    expect(braf.factor.some((f) => f > 0)).toBe(true);
  });

  it("applies hard criteria: allowed stages, PD-L1, refractoriness by class or by agent", () => {
    const stages = enrol(pool, { cancer: "melanoma", stage: ["M1c"] }, uniform).factor;
    expect(pool.every((m, i) => stages[i] === 0 || m.covariates.stage === "M1c")).toBe(true);
    const high = enrol(pool, { cancer: "melanoma", pdl1: "high" }, uniform).factor;
    expect(pool.every((m, i) => high[i] === 0 || m.covariates.pdl1_tps >= 50)).toBe(true);
    expect(refractoryClass("nivolumab")).toBe("anti-PD-1");
    expect(refractoryClass("dacarbazine")).toBe("chemotherapy");
    const refr = enrol(pool, { cancer: "melanoma", refractory_to: ["nivolumab"] }, uniform).factor;
    expect(pool.every((m, i) => refr[i] > 0 === m.refractory.includes("anti-PD-1"))).toBe(true);
  });

  it("covers lymphoma's grouped Ann Arbor stages with I, II, III and IV, and keeps a finer distribution's total", () => {
    const lbcl: PoolMember[] = Array.from({ length: 1000 }, (_, i) => ({
      covariates: sampleVirtualPatient("large-b-cell-lymphoma", i + 1).covariates,
      refractory: [],
    }));
    const w = new Float64Array(lbcl.length).fill(1 / lbcl.length);
    expect(new Set(lbcl.map((m) => m.covariates.stage))).toEqual(new Set(["I-II", "III-IV"]));
    expect(stageMatches("III", "III-IV")).toBe(true);
    expect(stageMatches("I", "I-II")).toBe(true);
    expect(stageMatches("I", "III-IV")).toBe(false);
    // a list: the allowed stages
    const late = enrol(lbcl, { cancer: "large-b-cell-lymphoma", stage: ["III", "IV"] }, w);
    expect(lbcl.every((m, i) => late.factor[i] > 0 === (m.covariates.stage === "III-IV"))).toBe(true);
    // a distribution in single stages: III and IV are one stratum of 0.25 + 0.6
    const en = enrol(
      lbcl,
      { cancer: "large-b-cell-lymphoma", stage: { I: 0.05, II: 0.1, III: 0.25, IV: 0.6 } },
      w,
    );
    expect(en.stageLabels).toEqual(["I + II", "III + IV"]);
    expect(en.stageTargets[0]).toBeCloseTo(0.15, 12);
    expect(en.stageTargets[1]).toBeCloseTo(0.85, 12);
    expect(en.notes).toEqual([]);
    let late85 = 0;
    let all = 0;
    lbcl.forEach((m, i) => {
      all += en.factor[i] * w[i];
      if (m.covariates.stage === "III-IV") late85 += en.factor[i] * w[i];
    });
    expect(late85 / all).toBeCloseTo(0.85, 10);
    // melanoma's stages are finer than a trial's III / IV: unchanged, one stratum a label
    const mel = enrol(pool, { cancer: "melanoma", stage: { III: 0.1, IV: 0.9 } }, uniform);
    expect(mel.stageLabels).toEqual(["III", "IV"]);
  });

  it("says which criteria it cannot apply", () => {
    const { notes } = enrol(
      pool,
      { cancer: "melanoma", refractory_to: ["talimogene-laherparepvec"], stage: { IIIA: 1 } },
      uniform,
    );
    expect(notes.join("\n")).toMatch(/talimogene-laherparepvec/);
    expect(notes.join("\n")).toMatch(/IIIA/);
  });
});
