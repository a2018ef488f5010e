import { describe, expect, it } from "vitest";
import { fitMixedEffects } from "./mixed-effects-fit.js";
import type { MixedModel, MixedSubject } from "./mixed-effects.js";
import { seededRandom, standardNormal } from "./statistics.js";

/** ln(e^(−a·t) + e^(b·t) − 1) + c with a = e^φ1, b = e^φ2, c = φ0: a smooth three-parameter curve. */
const model: MixedModel = {
  p: 3,
  predict: (phi, t, out) => {
    const a = Math.exp(phi[1]);
    const b = Math.exp(phi[2]);
    for (let j = 0; j < t.length; j++)
      out[j] = phi[0] + Math.log(Math.exp(-a * t[j]) + Math.exp(b * t[j]) - 1);
  },
};

function simulate(n: number, mu: number[], sd: number[], rho01: number, sigma: number, seed: number) {
  const rand = seededRandom(seed);
  const times = Float64Array.from([0, 1, 2, 3, 4, 6, 8, 10]);
  const subjects: MixedSubject[] = [];
  const out = new Float64Array(times.length);
  for (let i = 0; i < n; i++) {
    const z0 = standardNormal(rand);
    const z1 = rho01 * z0 + Math.sqrt(1 - rho01 * rho01) * standardNormal(rand);
    const phi = Float64Array.from([
      mu[0] + sd[0] * z0,
      mu[1] + sd[1] * z1,
      mu[2] + sd[2] * standardNormal(rand),
    ]);
    model.predict(phi, times, out);
    subjects.push({ t: times, y: Float64Array.from(out, (v) => v + sigma * standardNormal(rand)) });
  }
  return subjects;
}

describe("nonlinear mixed-effects fit (Lindstrom–Bates)", () => {
  const mu = [3.5, Math.log(0.4), Math.log(0.1)];
  const sd = [0.5, 0.4, 0.3];

  it("recovers simulated fixed effects (within 3 SE), random-effect SDs (20 %) and σ (10 %)", () => {
    const subjects = simulate(150, mu, sd, 0, 0.1, 7);
    const fit = fitMixedEffects(model, subjects, { start: [3, Math.log(0.2), Math.log(0.2)] });
    expect(fit.converged).toBe(true);
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(fit.mu[k] - mu[k])).toBeLessThan(3 * fit.muSe[k]);
      expect(fit.muSe[k]).toBeGreaterThan(0);
      expect(Math.abs(fit.omegaSd[k] / sd[k] - 1)).toBeLessThan(0.2);
      expect(fit.omegaSdSe[k]).toBeGreaterThan(0);
    }
    expect(Math.abs(fit.sigma / 0.1 - 1)).toBeLessThan(0.1);
    expect(fit.modes).toHaveLength(150);
    expect(fit.aic).toBeCloseTo(fit.objective + 2 * 7, 8);
    expect(fit.bic).toBeCloseTo(fit.objective + 7 * Math.log(150 * 8), 8);
  });

  it("a full covariance recovers a correlation of 0.7 between two random effects and lowers −2 log L", () => {
    const subjects = simulate(150, mu, sd, 0.7, 0.1, 11);
    const start = [3, Math.log(0.2), Math.log(0.2)];
    const diag = fitMixedEffects(model, subjects, { start });
    const full = fitMixedEffects(model, subjects, { start, covariance: "full" });
    expect(full.converged).toBe(true);
    expect(full.correlation[0][1]).toBeGreaterThan(0.5);
    expect(full.correlation[0][1]).toBeLessThan(0.9);
    expect(full.objective).toBeLessThan(diag.objective - 10);
    expect(full.parameters).toBe(diag.parameters + 3);
  });

  it("random effects on a subset of the parameters", () => {
    const subjects = simulate(100, mu, [0.5, 0.4, 0], 0, 0.1, 3);
    const fit = fitMixedEffects(model, subjects, {
      start: [3, Math.log(0.2), Math.log(0.2)],
      random: [0, 1],
    });
    expect(fit.random).toEqual([0, 1]);
    expect(fit.omegaSd).toHaveLength(2);
    expect(Math.abs(fit.mu[2] - mu[2])).toBeLessThan(3 * fit.muSe[2]);
  });
});

describe("residual variance function (combined error, FOCE with interaction)", () => {
  /** The same curve with Var ε = σ²·(1 + κ²·e^(−2f)): on ln y, a proportional σ plus an additive σκ on y. */
  const combined: MixedModel = { ...model, varianceShape: (f) => Math.exp(-f) };

  function simulateCombined(n: number, sigma: number, additive: number, seed: number) {
    const rand = seededRandom(seed);
    const times = Float64Array.from([0, 1, 2, 3, 4, 6, 8, 10]);
    const out = new Float64Array(times.length);
    const subjects: MixedSubject[] = [];
    for (let i = 0; i < n; i++) {
      // sizes from about 2 to 60: the additive part dominates the small ones
      const phi = Float64Array.from([
        2.5 + 0.8 * standardNormal(rand),
        Math.log(0.4) + 0.4 * standardNormal(rand),
        Math.log(0.1) + 0.3 * standardNormal(rand),
      ]);
      model.predict(phi, times, out);
      subjects.push({
        t: times,
        y: Float64Array.from(out, (f) => {
          const y = Math.exp(f) * (1 + sigma * standardNormal(rand)) + additive * standardNormal(rand);
          return Math.log(Math.max(y, 0.5));
        }),
      });
    }
    return subjects;
  }

  it("recovers the proportional and additive SDs (20 %) and lowers −2 log L against a homoscedastic fit", () => {
    const subjects = simulateCombined(150, 0.08, 1, 5);
    const start = [2, Math.log(0.2), Math.log(0.2)];
    const fit = fitMixedEffects(combined, subjects, { start });
    const plain = fitMixedEffects(model, subjects, { start });
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.sigma / 0.08 - 1)).toBeLessThan(0.2);
    expect(Math.abs((fit.sigma * fit.kappa) / 1 - 1)).toBeLessThan(0.2);
    expect(fit.kappaSe).toBeGreaterThan(0);
    expect(fit.parameters).toBe(plain.parameters + 1);
    expect(fit.aic).toBeLessThan(plain.aic - 50);
    expect(Math.abs(fit.omegaSd[0] / 0.8 - 1)).toBeLessThan(0.2);
  });

  it("started at its own estimates (initial), a fit stays there; initial estimates of the wrong size are refused", () => {
    const subjects = simulate(100, [3.5, Math.log(0.4), Math.log(0.1)], [0.5, 0.4, 0.3], 0.7, 0.1, 11);
    const start = [3, Math.log(0.2), Math.log(0.2)];
    const a = fitMixedEffects(model, subjects, { start, covariance: "full" });
    expect(a.converged).toBe(true);
    const b = fitMixedEffects(model, subjects, {
      start,
      covariance: "full",
      initial: { mu: a.mu, omega: a.omega, sigma: a.sigma },
    });
    expect(b.converged).toBe(true);
    expect(b.iterations).toBeLessThan(a.iterations);
    expect(b.objective).toBeCloseTo(a.objective, 4);
    b.mu.forEach((m, k) => expect(m).toBeCloseTo(a.mu[k], 4));
    expect(b.sigma / a.sigma).toBeCloseTo(1, 4);
    expect(() =>
      fitMixedEffects(model, subjects, {
        start,
        initial: { mu: a.mu.slice(0, 2), omega: a.omega, sigma: 0.1 },
      }),
    ).toThrow(/initial estimates of the wrong size/);
  });
});
