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
