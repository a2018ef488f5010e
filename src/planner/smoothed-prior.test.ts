import { describe, expect, it } from "vitest";
import { seededRandom } from "../engine/statistics.js";
import { drawWeighted } from "../population/arm-simulator.js";
import { sampleVirtualPatient } from "../population/virtual-patient.js";
import { smoothedPrior } from "./smoothed-prior.js";

const members = Array.from({ length: 300 }, (_, i) => sampleVirtualPatient("melanoma", 1000 + i));
// unequal weights, as a conditioned prior has them
const weights = members.map((_, i) => 1 + (i % 7));

const logMoments = (xs: readonly number[], ws: readonly number[]) => {
  let sw = 0;
  let m = 0;
  xs.forEach((x, i) => {
    sw += ws[i];
    m += ws[i] * Math.log(x);
  });
  m /= sw;
  let v = 0;
  xs.forEach((x, i) => (v += ws[i] * (Math.log(x) - m) ** 2));
  return { mean: m, sd: Math.sqrt(v / sw) };
};

describe("smoothed prior (Liu & West 2001 shrinkage kernel)", () => {
  const kernel = smoothedPrior(members, weights, 0.3);
  const rand = seededRandom(7);
  const picks = drawWeighted(weights, 20_000, seededRandom(3));
  const draws = picks.map((i) => kernel.jitter(members[i], rand));

  it("keeps the prior's weighted mean and SD of a varying parameter (the shrinkage undoes the kernel's spread)", () => {
    const prior = logMoments(
      members.map((m) => m.covariates.vdt_days),
      weights,
    );
    const smoothed = logMoments(
      draws.map((d) => d.covariates.vdt_days),
      draws.map(() => 1),
    );
    // 20,000 draws: Monte Carlo error of the mean about sd/√(ESS of the draws) ≈ 0.01 sd
    expect(Math.abs(smoothed.mean - prior.mean)).toBeLessThan(0.05 * prior.sd);
    expect(smoothed.sd / prior.sd).toBeGreaterThan(0.95);
    expect(smoothed.sd / prior.sd).toBeLessThan(1.05);
  });

  it("moves every draw (distinct patients) but not the model's constants or the selecting covariates", () => {
    expect(kernel.smoothed).toBeGreaterThan(5);
    const d = draws[0];
    const m = members[picks[0]];
    expect(d.covariates.vdt_days).not.toBe(m.covariates.vdt_days);
    for (const k of ["stage", "ldh_elevated", "pdl1_tps", "ecog", "cancer"] as const)
      expect(d.covariates[k]).toEqual(m.covariates[k]);
    // a parameter equal in every member is a constant of the model: left as it is
    const constant = Object.keys(m.parameters).find((k) =>
      members.every((x) => x.parameters[k] === m.parameters[k]),
    );
    if (constant) expect(d.parameters[constant]).toBe(m.parameters[constant]);
    expect(new Set(draws.slice(0, 100).map((x) => x.fImm)).size).toBe(100);
    for (const x of draws.slice(0, 500)) {
      expect(x.r0 + x.q0).toBeLessThan(1);
      expect(x.fImm).toBeGreaterThan(0);
      expect(x.fImm).toBeLessThan(1);
    }
  });

  it("with h = 0 returns the member's values", () => {
    const none = smoothedPrior(members, weights, 0);
    const x = none.jitter(members[5], seededRandom(1));
    expect(x.covariates.vdt_days).toBeCloseTo(members[5].covariates.vdt_days, 10);
    for (const [k, v] of Object.entries(members[5].parameters))
      expect(v === 0 ? x.parameters[k] : x.parameters[k] / v).toBeCloseTo(v === 0 ? 0 : 1, 10);
  });

  it("is a density for samplers: a draw is the jitter, the log kernel is 0 at the centre and −½ one kernel SD away", () => {
    const m = members[5];
    const a = kernel.jitter(m, seededRandom(11));
    const y = kernel.draw(m, seededRandom(11));
    expect(kernel.decode(m, y)).toEqual(a);
    const c = kernel.center(m);
    expect(kernel.logKernel(c, c)).toBe(0);
    const k = kernel.keys.indexOf("vdt_days");
    expect(kernel.scale[k]).toBeGreaterThan(0);
    const moved = Float64Array.from(c);
    moved[k] += kernel.scale[k];
    expect(kernel.logKernel(c, moved)).toBeCloseTo(-0.5, 12);
    // the point decodes to the patient it stands for: vdt on the log scale
    expect(
      Math.log(kernel.decode(m, moved).covariates.vdt_days) -
        Math.log(kernel.decode(m, c).covariates.vdt_days),
    ).toBeCloseTo(kernel.scale[k], 12);
  });
});
