import fc from "fast-check";
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
    expect(() => entropyWeights(new Float64Array(4), 2, 2, [1, 1], { sides: [0] })).toThrow(/sides has 1/);
    expect(() => entropyWeights(new Float64Array(4), 2, 2, [1, 1], { sides: [0, 2] })).toThrow(/sides\[1\]/);
  });

  describe("one-sided constraints", () => {
    it("a one-sided constraint that the prior already meets leaves the prior alone (λ = 0)", () => {
      // 20 % have the feature; asking the share ≥ 10 % (g = share − 0.1 ≥ 0) is met by the uniform weights
      const n = 50;
      const r = entropyWeights(binaryProblem(n, 10, 0.1), n, 1, [0.01], { sides: [1] });
      expect(r.converged).toBe(true);
      expect(r.lambda[0]).toBe(0);
      for (let i = 0; i < n; i++) expect(r.weights[i]).toBeCloseTo(1 / n, 12);
      // the same constraint two-sided pulls the share down toward 10 %
      const two = entropyWeights(binaryProblem(n, 10, 0.1), n, 1, [0.01]);
      expect(two.moments[0]).toBeLessThan(0.01);
    });

    it("a violated one-sided constraint gives the two-sided solution (it binds on its wrong side)", () => {
      // 20 % have the feature; asking ≥ 50 % is violated by the prior, so the bound binds
      const n = 50;
      const one = entropyWeights(binaryProblem(n, 10, 0.5), n, 1, [0.05], { sides: [1] });
      const two = entropyWeights(binaryProblem(n, 10, 0.5), n, 1, [0.05]);
      expect(one.converged).toBe(true);
      expect(one.lambda[0]).toBeGreaterThan(0);
      expect(one.lambda[0]).toBeCloseTo(two.lambda[0], 8);
      for (let i = 0; i < n; i++) expect(one.weights[i]).toBeCloseTo(two.weights[i], 12);
      // and asking "≤ 50 %" of the same samples is met: the prior stays
      const upper = entropyWeights(binaryProblem(n, 10, 0.5), n, 1, [0.05], { sides: [-1] });
      expect(upper.lambda[0]).toBe(0);
    });

    it("an interval (two one-sided constraints) holds the share between its ends", () => {
      // share of the first n1 samples in [0.3, 0.4]: from 0.1 it is pulled to the lower end only
      const n = 60;
      const a = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        const x = i < 6 ? 1 : 0;
        a[i * 2] = x - 0.3; // ≥ 0
        a[i * 2 + 1] = x - 0.4; // ≤ 0
      }
      const r = entropyWeights(a, n, 2, [1e-4, 1e-4], { sides: [1, -1] });
      expect(r.converged).toBe(true);
      expect(r.moments[0]).toBeCloseTo(0, 6);
      expect(r.lambda[1]).toBe(0);
      let share = 0;
      for (let i = 0; i < 6; i++) share += r.weights[i];
      expect(share).toBeCloseTo(0.3, 6);
    });

    it("random problems with mixed sides meet the KKT conditions of the convex dual", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 5, max: 40 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 1_000_000 }),
          (n, k, seed) => {
            let state = seed;
            const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
            const a = Float64Array.from({ length: n * k }, () => rand() - 0.5);
            const sigma = Array.from({ length: k }, () => 0.02 + rand() * 0.3);
            const sides = Array.from({ length: k }, () => Math.floor(rand() * 3) - 1);
            const r = entropyWeights(a, n, k, sigma, { sides });
            expect(r.converged).toBe(true);
            for (let j = 0; j < k; j++) {
              const g = r.moments[j];
              const s2 = sigma[j] * sigma[j];
              if (sides[j] === 0 || r.lambda[j] !== 0) {
                // stationarity: g = −σ²λ, and a one-sided multiplier on its own side
                expect(Math.abs(g + s2 * r.lambda[j])).toBeLessThan(1e-8);
                if (sides[j] !== 0) expect(sides[j] * r.lambda[j]).toBeGreaterThan(0);
              } else {
                // λ at its bound: the constraint holds
                expect(sides[j] * g).toBeGreaterThan(-1e-8);
              }
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
