import { describe, expect, it } from "vitest";
import { entropyWeights } from "./entropy-weights.js";

/** n samples with a binary feature (the first n1 have it), constraint: the weighted share equals t. */
function binaryProblem(n: number, n1: number, t: number) {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (i < n1 ? 1 : 0) - t;
  return a;
}

describe("maximum-entropy weights with soft constraints", () => {
  it("a tight constraint gives the exact maximum-entropy solution: uniform weights within each group", () => {
    const n = 100;
    const n1 = 20;
    const r = entropyWeights(binaryProblem(n, n1, 0.5), n, 1, [1e-6]);
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(r.weights[i]).toBeCloseTo(i < n1 ? 0.5 / n1 : 0.5 / (n - n1), 9);
    // Kish ESS of that solution: 1 / (20·(0.025)² + 80·(0.00625)²) = 64
    expect(r.effectiveSampleSize).toBeCloseTo(64, 6);
  });

  it("a loose constraint keeps the prior: weights barely move and the violation is −σ²λ", () => {
    const n = 50;
    const r = entropyWeights(binaryProblem(n, 10, 0.5), n, 1, [10]);
    expect(r.converged).toBe(true);
    expect(r.moments[0]).toBeCloseTo(-100 * r.lambda[0], 10);
    expect(Math.abs(r.moments[0] - (10 / 50 - 0.5))).toBeLessThan(0.01);
  });

  it("matches the one-dimensional dual solved by bisection for an intermediate tolerance", () => {
    const n = 40;
    const n1 = 8;
    const t = 0.45;
    const sigma = 0.1;
    const r = entropyWeights(binaryProblem(n, n1, t), n, 1, [sigma]);
    const p1 = n1 / n;
    const mean = (l: number) => {
      const e1 = p1 * Math.exp(l * (1 - t));
      const e0 = (1 - p1) * Math.exp(-l * t);
      return (e1 * (1 - t) - e0 * t) / (e1 + e0);
    };
    let lo = -100;
    let hi = 100;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (mean(mid) + sigma * sigma * mid > 0) hi = mid;
      else lo = mid;
    }
    expect(r.lambda[0]).toBeCloseTo((lo + hi) / 2, 7);
  });

  it("respects prior weights and leaves unconcerned samples in proportion", () => {
    // constraint concerns samples 0..3 only (a = 0 elsewhere); the prior doubles sample 5
    const n = 6;
    const a = Float64Array.from([0.5, 0.5, -0.5, -0.5, 0, 0]);
    const prior = [1, 1, 1, 1, 1, 2];
    const r = entropyWeights(a, n, 1, [1e-6], { prior });
    expect(r.weights[5] / r.weights[4]).toBeCloseTo(2, 9);
    expect(r.weights[0]).toBeCloseTo(r.weights[2], 9);
  });

  it("rejects inconsistent dimensions and non-positive tolerances", () => {
    expect(() => entropyWeights(new Float64Array(5), 2, 2, [1, 1])).toThrow(/expected 2 × 2/);
    expect(() => entropyWeights(new Float64Array(4), 2, 2, [1, 0])).toThrow(/sigma\[1\]/);
  });
});
