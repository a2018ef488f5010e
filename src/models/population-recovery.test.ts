import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import type { Series } from "./growth-fit.js";
import { fitPopulation } from "./population-fit.js";
import { populationModel, toNatural, toPhi } from "./population-models.js";

/**
 * Recovery: a population simulated from known parameters (log-normal / logit-normal / normal random effects,
 * diagonal Ω, residual error on ln y), fitted by the same method; the estimates must come back within tolerances
 * of a few standard errors (200 patients, 9 readings each: SE of a typical value ≈ SD/√200 ≈ 0.02–0.03 on φ).
 */
function simulate(
  model: string,
  theta: number[],
  sd: number[],
  sigma: number,
  patients: number,
  seed: number,
): Series[] {
  const m = populationModel(model);
  const mu = toPhi(m, theta);
  const rand = seededRandom(seed);
  const t = Float64Array.from({ length: 9 }, (_, j) => 42 * j);
  const out = new Float64Array(t.length);
  return Array.from({ length: patients }, (_, i) => {
    const phi = Float64Array.from(mu, (v, k) => v + sd[k] * standardNormal(rand));
    m.logSize(phi, t, out);
    return {
      id: `p${i}`,
      t: Array.from(t),
      y: Array.from(out, (v) => Math.exp(v + sigma * standardNormal(rand))),
    };
  });
}

describe("population models recover the parameters they were simulated from", () => {
  it("gompertz-drift: y∞·(y0/y∞)^(e^(−ωt))·e^(kt), regrowth after shrinkage", () => {
    const theta = [35, 15, 0.02, 0.2];
    const sd = [0.3, 0.4, 0.3, 0.1];
    const fit = fitPopulation("gompertz-drift", simulate("gompertz-drift", theta, sd, 0.1, 200, 11), {
      floor: 0.5,
    });
    expect(fit.converged).toBe(true);
    const m = populationModel("gompertz-drift");
    const est = toNatural(m, fit.population.mu);
    // y0, y∞, ω within 10 % (≈ 3–4 SE), k (per 100 days) within 0.04 (≈ 4 SE: SD 0.1/√200 plus the noise)
    for (const k of [0, 1, 2]) expect(Math.abs(est[k] / theta[k] - 1), m.parameters[k]).toBeLessThan(0.1);
    expect(Math.abs(est[3] - theta[3])).toBeLessThan(0.04);
    expect(Math.abs(fit.population.sigma / 0.1 - 1)).toBeLessThan(0.1);
    // the between-patient SDs of y0 and y∞ within 25 %
    expect(Math.abs(fit.randomEffects.y0.sd / 0.3 - 1)).toBeLessThan(0.25);
    expect(Math.abs(fit.randomEffects.yinf.sd / 0.4 - 1)).toBeLessThan(0.25);
  });

  it("resistant-fraction: y0·(f·e^(gt) + (1 − f)·e^(−dt)), f on the logit scale", () => {
    const theta = [35, 0.2, 0.004, 0.015];
    const sd = [0.3, 0.5, 0.2, 0.2];
    const fit = fitPopulation("resistant-fraction", simulate("resistant-fraction", theta, sd, 0.1, 200, 12), {
      floor: 0.5,
    });
    expect(fit.converged).toBe(true);
    const m = populationModel("resistant-fraction");
    const est = toNatural(m, fit.population.mu);
    for (const k of [0, 1, 2, 3]) expect(Math.abs(est[k] / theta[k] - 1), m.parameters[k]).toBeLessThan(0.15);
    expect(Math.abs(fit.population.sigma / 0.1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.randomEffects.y0.sd / 0.3 - 1)).toBeLessThan(0.25);
  });

  it("the logit transform round-trips and keeps f in (0, 1)", () => {
    const m = populationModel("resistant-fraction");
    for (const f of [1e-6, 0.2, 0.5, 0.999]) {
      const back = toNatural(m, toPhi(m, [35, f, 0.01, 0.01]));
      expect(Math.abs(back[1] - f)).toBeLessThan(1e-12);
    }
    // at the extremes of φ the size stays finite: f → 0 (pure decay) and f → 1 (pure growth)
    const out = new Float64Array(2);
    m.logSize(
      Float64Array.from([Math.log(35), -800, Math.log(0.01), Math.log(0.02)]),
      Float64Array.from([0, 100]),
      out,
    );
    expect(out[1]).toBeCloseTo(Math.log(35) - 2, 9);
    m.logSize(
      Float64Array.from([Math.log(35), 800, Math.log(0.01), Math.log(0.02)]),
      Float64Array.from([0, 100]),
      out,
    );
    expect(out[1]).toBeCloseTo(Math.log(35) + 1, 9);
  });
});
