import { describe, expect, it } from "vitest";
import { levenbergMarquardt, multiStartLeastSquares } from "./least-squares.js";
import { seededRandom } from "./statistics.js";

// NIST StRD nonlinear regression "Misra1a" (lower difficulty): y = b1·(1 − exp(−b2·x)), certified values.
const x = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0];
const y = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.4, 75.47, 81.78];
const misra = {
  m: x.length,
  residuals(b: Float64Array, r: Float64Array) {
    for (let i = 0; i < x.length; i++) r[i] = b[0] * (1 - Math.exp(-b[1] * x[i])) - y[i];
  },
  lower: [0, 0],
  upper: [1e4, 1],
};

describe("Levenberg–Marquardt", () => {
  it("reproduces the NIST StRD Misra1a certified estimates, standard errors and residual sum of squares", () => {
    for (const start of [
      [500, 1e-4],
      [250, 5e-4],
    ]) {
      const fit = levenbergMarquardt(misra, start);
      expect(fit.converged).toBe(true);
      expect(fit.theta[0]).toBeCloseTo(238.94212918, 4);
      expect(fit.theta[1] / 5.5015643181e-4).toBeCloseTo(1, 6);
      expect(fit.ssr / 1.2455138894e-1).toBeCloseTo(1, 6);
      expect(fit.standardErrors[0] / 2.7070075241).toBeCloseTo(1, 3);
      expect(fit.standardErrors[1] / 7.2668688436e-6).toBeCloseTo(1, 3);
    }
  });

  it("respects bounds: the estimate stays inside and stops at an active bound", () => {
    const fit = levenbergMarquardt({ ...misra, upper: [200, 1] }, [100, 1e-3]);
    expect(fit.theta[0]).toBe(200);
    expect(fit.theta[1]).toBeGreaterThan(5.5e-4);
  });

  it("multi-start is reproducible with a seed and finds the optimum from a bad start", () => {
    const range = { lower: [1, 1e-6], upper: [1e3, 1e-1] };
    const a = multiStartLeastSquares(misra, [1, 0.5], range, { seed: 7, starts: 10 });
    const b = multiStartLeastSquares(misra, [1, 0.5], range, { seed: 7, starts: 10 });
    expect(a.theta).toEqual(b.theta);
    expect(a.theta[0]).toBeCloseTo(238.942, 2);
    const r = seededRandom(3);
    expect([r(), r()]).not.toEqual([r(), r()]);
  });
});
