import { describe, expect, it } from "vitest";
import { foceObjective } from "./mixed-effects-fit.js";
import {
  correlationFromTheta,
  correlationMatrix,
  correlationToTheta,
  MIN_NUGGET,
} from "./mixed-effects-correlation.js";
import { LinearMixedObjective, packOmega } from "./linear-mixed.js";
import { cholesky, choleskySolve, logDetFromCholesky, type MixedModel } from "./mixed-effects.js";

/** −2 log N(y; m, V) computed directly (dense Cholesky). */
function gaussianM2ll(y: number[], m: number[], V: Float64Array): number {
  const n = y.length;
  const L = cholesky(V, n)!;
  const r = Float64Array.from(y, (v, j) => v - m[j]);
  const x = Float64Array.from(r);
  choleskySolve(L, n, x);
  let quad = 0;
  for (let j = 0; j < n; j++) quad += r[j] * x[j];
  return n * Math.log(2 * Math.PI) + logDetFromCholesky(L, n) + quad;
}

/** V = ZΩZᵀ + σ²R for a random intercept and slope (Z = [1, t]). */
function marginalV(t: number[], omega: number[], sigma: number, range: number, nugget: number) {
  const n = t.length;
  const R = correlationMatrix({ range, nugget }, t);
  const V = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const za = [1, t[a]];
      const zb = [1, t[b]];
      let v = sigma * sigma * R[a * n + b];
      for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) v += za[k] * omega[k * 2 + l] * zb[l];
      V[a * n + b] = v;
    }
  return V;
}

const line: MixedModel = {
  p: 2,
  predict: (phi, t, out) => {
    for (let j = 0; j < t.length; j++) out[j] = phi[0] + phi[1] * t[j];
  },
};

describe("within-subject residual correlation (nlme corExp)", () => {
  it("R: 1 on the diagonal, (1 − ν)·e^(−d/T) off it; θ round-trips", () => {
    const R = correlationMatrix({ range: 50, nugget: 0.2 }, [0, 50, 150]);
    expect(R[0]).toBe(1);
    expect(R[1]).toBeCloseTo(0.8 * Math.exp(-1), 14);
    expect(R[2]).toBeCloseTo(0.8 * Math.exp(-3), 14);
    expect(R[5]).toBeCloseTo(0.8 * Math.exp(-2), 14);
    const c = correlationFromTheta(correlationToTheta("exp-nugget", 70, 0.3), 0, "exp-nugget");
    expect(c.range).toBeCloseTo(70, 10);
    expect(c.nugget).toBeCloseTo(0.3, 12);
    expect(correlationFromTheta(correlationToTheta("exp", 70), 0, "exp").nugget).toBe(MIN_NUGGET);
  });

  it("for a linear model the conditional-mode (FOCE) objective is the exact marginal likelihood", () => {
    // a linear model's Laplace approximation is exact: the subject's objective must equal −2 log N(y; Xμ, V)
    const subjects = [
      { t: [0, 30, 75, 160], y: [3.1, 3.4, 3.2, 3.9] },
      { t: [-5, 40, 41, 120, 200], y: [2.2, 2.0, 2.1, 1.6, 1.7] },
    ];
    const mu = [3, 0.001];
    const omega = [0.3, 0.0004, 0.0004, 1e-5];
    for (const [range, nugget] of [
      [60, 0.25],
      [200, MIN_NUGGET],
    ]) {
      const got = foceObjective(
        line,
        subjects.map((s) => ({ t: Float64Array.from(s.t), y: Float64Array.from(s.y) })),
        {
          mu,
          omega: [omega.slice(0, 2), omega.slice(2)],
          sigma: 0.2,
          random: [0, 1],
          correlation: { range, nugget },
        },
      );
      let want = 0;
      for (const s of subjects)
        want += gaussianM2ll(
          s.y,
          s.t.map((t) => mu[0] + mu[1] * t),
          marginalV(s.t, omega, 0.2, range, nugget),
        );
      expect(Math.abs(got - want)).toBeLessThan(1e-6 * Math.abs(want) + 1e-6);
      // the linear mixed objective (μ profiled) at the same θ is at most that value, equal at the GLS μ
      const lin = new LinearMixedObjective(
        subjects.map((s) => ({
          n: s.t.length,
          X: Float64Array.from(s.t.flatMap((t) => [1, t])),
          w: Float64Array.from(s.y),
          tc: Float64Array.from(s.t),
        })),
        2,
        Int32Array.from([0, 1]),
        true,
        false,
        "exp-nugget",
      );
      const theta = [
        ...packOmega(omega, 2, true),
        Math.log(0.2),
        ...correlationToTheta("exp-nugget", range, nugget),
      ];
      const profiled = lin.value(theta);
      let atGls = 0;
      for (const s of subjects)
        atGls += gaussianM2ll(
          s.y,
          s.t.map((t) => lin.mu[0] + lin.mu[1] * t),
          marginalV(s.t, omega, 0.2, range, nugget),
        );
      // (the GLS solve adds a ridge ε = 1e-10 × the largest diagonal of XᵀV⁻¹X — the slope's, ≈ 3e5 with t in
      // days — and its quadratic form differs from the one at its μ by about ε·|μ|² ≈ 3e-4)
      expect(Math.abs(profiled - atGls)).toBeLessThan(1e-3);
      expect(profiled).toBeLessThanOrEqual(want + 1e-9);
    }
  });
});
