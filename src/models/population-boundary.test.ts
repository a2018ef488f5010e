/**
 * A population fit whose data cannot support one of its random effects: every simulated patient shares the same
 * Gompertz rate ω, so the between-patient variance of ln ω goes to 0, its boundary. The Lindstrom–Bates iteration
 * cannot converge there (the log-Cholesky parameter runs to −∞); the fit stops when the SD is below 0.1 % and is
 * refitted without that random effect (the nested model the data support), saying so in its attempts.
 */
import { describe, expect, it } from "vitest";
import { standardNormal } from "../engine/statistics.js";
import type { Series } from "./growth-fit.js";
import { fitPopulation } from "./population-fit.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
}

describe("a random effect whose variance is 0", () => {
  const rand = lcg(7);
  const series: Series[] = Array.from({ length: 60 }, (_, i) => {
    const y0 = 40 * Math.exp(0.3 * standardNormal(rand));
    const yinf = 15 * Math.exp(0.4 * standardNormal(rand));
    const omega = 0.01; // the same for every patient
    const t = [0, 42, 84, 126, 168, 210];
    const y = t.map(
      (ti) => yinf * (y0 / yinf) ** Math.exp(-omega * ti) * Math.exp(0.05 * standardNormal(rand)),
    );
    return { id: `p${i}`, t, y };
  });

  it("stops at the boundary and refits without it: y0 and y∞ random, ω fixed, converged", () => {
    const fit = fitPopulation("gompertz", series, { covariance: "diagonal" });
    expect(fit.converged).toBe(true);
    expect(fit.population.random).toEqual(["y0", "yinf"]);
    expect(fit.fixedEffects.omega.variability).toBe("none");
    // within 3 standard errors of the simulated 0.01/day
    const om = fit.fixedEffects.omega;
    expect(Math.abs(om.value - 0.01)).toBeLessThan(3 * om.se);
    expect(fit.randomEffects.y0.sd).toBeGreaterThan(0.2);
    expect(fit.randomEffects.y0.sd).toBeLessThan(0.4);
    const first = fit.attempts[0];
    expect(first.converged).toBe(false);
    expect(first.note).toMatch(/SD went to 0/);
    expect(fit.attempts[fit.chosenAttempt].start).toMatch(/^without the random effect on omega/);
    expect(fit.iterations).toBeLessThan(200);
  });
});

describe("a model the data do not identify", () => {
  it("exponential courses (growing and shrinking) under a Gompertz population: each start stops before the iteration limit, and the fit says it did not converge", () => {
    const rand = lcg(11);
    const series: Series[] = Array.from({ length: 80 }, (_, i) => {
      const y0 = 45 * Math.exp(0.35 * standardNormal(rand));
      const k = -0.003 + 0.004 * standardNormal(rand);
      const t = [0, 42, 84, 126, 168, 210];
      return { id: `p${i}`, t, y: t.map((ti) => y0 * Math.exp(k * ti + 0.08 * standardNormal(rand))) };
    });
    const fit = fitPopulation("gompertz", series, { covariance: "diagonal" });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBeLessThan(200);
    for (const a of fit.attempts.filter((x) => !x.converged)) expect(a.note, a.start).toMatch(/stopped/);
  });
});
