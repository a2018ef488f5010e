import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { luFactor } from "./lu.js";
import { buildSparseLu } from "./sparse-lu.js";

/** A random sparse n×n Jacobian: its pattern and values (LCG, reproducible from the seed). */
function randomSparse(n: number, density: number, seed: number) {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pattern: number[] = [];
  const jac = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (rnd() < density) {
        pattern.push(i * n + j);
        jac[i * n + j] = (rnd() * 2 - 1) * 10 ** Math.floor(rnd() * 6 - 3);
      }
    }
  }
  return { pattern: Int32Array.from(pattern), jac, rnd };
}

describe("sparse LU of I·d − J with static pivots", () => {
  it("solves random sparse systems with a rounding-level residual whenever its pivots pass the threshold test", () => {
    let solved = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (n, density, seed, logD) => {
          const { pattern, jac, rnd } = randomSparse(n, density, seed);
          const d = 10 ** logD;
          const sp = buildSparseLu(n, pattern);
          if (!sp) return; // nearly dense: the solver keeps the dense LU
          // states of very different magnitudes (units)
          const x = Float64Array.from({ length: n }, () => (rnd() * 2 - 1) * 10 ** (rnd() * 8 - 4));
          // b = (I·d − J) x
          const w = new Float64Array(n * n);
          for (let k = 0; k < n * n; k++) w[k] = -jac[k];
          for (let i = 0; i < n; i++) w[i * n + i] += d;
          const b = new Float64Array(n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += w[i * n + j] * x[j];
          const lu = new Float64Array(sp.size);
          sp.load(jac, d, lu);
          const piv = new Int32Array(n);
          const dense = w.slice();
          const denseOk = luFactor(dense, n, piv);
          // the states' magnitudes: the rows and columns of W in the units of x
          const scale = Float64Array.from(x, (v) => Math.abs(v) + 1e-6);
          if (!sp.factor(lu, scale)) return; // the caller falls back to the dense LU
          expect(denseOk).toBe(true);
          const xs = b.slice();
          sp.solve(lu, xs);
          // backward stable: the residual is at rounding level of |W|·|x| + |b| in every row
          for (let i = 0; i < n; i++) {
            let r = -b[i];
            let mag = Math.abs(b[i]);
            for (let j = 0; j < n; j++) {
              r += w[i * n + j] * xs[j];
              mag += Math.abs(w[i * n + j] * xs[j]);
            }
            expect(Math.abs(r)).toBeLessThanOrEqual(1e-9 * mag);
          }
          solved++;
        },
      ),
      { numRuns: 300 },
    );
    expect(solved).toBeGreaterThan(100); // most random systems take the sparse path
  });

  it("loadFactor (generated, unrolled) gives load + factor's verdict and factors to the last bit", () => {
    let compared = 0;
    let failed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (n, density, seed, logD) => {
          const { pattern, jac, rnd } = randomSparse(n, density, seed);
          const sp = buildSparseLu(n, pattern);
          if (!sp) return;
          const d = 10 ** logD;
          const scale = Float64Array.from({ length: n }, () => 10 ** (rnd() * 8 - 4));
          const a = new Float64Array(sp.size);
          sp.load(jac, d, a);
          const ok = sp.factor(a, scale);
          const b = new Float64Array(sp.size).fill(NaN);
          expect(sp.loadFactor(jac, d, b, scale)).toBe(ok);
          if (ok)
            expect(Array.from(b, (v) => (Object.is(v, -0) ? "-0" : v))).toEqual(
              Array.from(a, (v) => (Object.is(v, -0) ? "-0" : v)),
            );
          else failed++;
          compared++;
        },
      ),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(0); // the failure verdict is exercised too
  });

  it("solves a diagonally dominant system to near machine precision", () => {
    const n = 12;
    const { pattern, jac } = randomSparse(n, 0.3, 7);
    const sp = buildSparseLu(n, pattern)!;
    expect(sp).not.toBeNull();
    const d = 1e4; // I·d − J is strongly diagonally dominant
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      b[i] = d * x[i];
      for (let j = 0; j < n; j++) b[i] -= jac[i * n + j] * x[j];
    }
    const lu = new Float64Array(sp.size);
    sp.load(jac, d, lu);
    expect(sp.factor(lu, new Float64Array(n).fill(1))).toBe(true);
    sp.solve(lu, b);
    for (let i = 0; i < n; i++) expect(Math.abs(b[i] - x[i])).toBeLessThan(1e-13);
  });

  it("refuses a static pivot that is small against its column (the dense LU pivots instead)", () => {
    // W = [[1e-9, 1], [1, 1]] needs a row exchange: the sparse factorization must report failure
    const jac = Float64Array.from([0, -1, -1, -1]);
    const sp = buildSparseLu(2, Int32Array.from([0, 1, 2, 3]), 1)!;
    const lu = new Float64Array(sp.size);
    sp.load(jac, 1e-9, lu);
    expect(sp.factor(lu, Float64Array.from([1, 1]))).toBe(false);
  });

  it("keeps only the fill-in of a minimum-degree ordering for an arrow matrix", () => {
    // dense first row and column (an arrow): eliminating the hub first would fill everything
    const n = 10;
    const pattern: number[] = [];
    for (let i = 0; i < n; i++) pattern.push(i, i * n, i * n + i);
    const sp = buildSparseLu(n, Int32Array.from(pattern))!;
    expect(sp.size).toBe(3 * n - 2);
  });

  it("reports a zero pivot (a singular matrix) as a failure", () => {
    const jac = Float64Array.from([1, 0, 0, 1]);
    const sp = buildSparseLu(2, Int32Array.from([0, 3]), 1)!;
    const lu = new Float64Array(sp.size);
    sp.load(jac, 1, lu); // I − J = 0
    expect(sp.factor(lu, Float64Array.from([1, 1]))).toBe(false);
  });

  it("judges pivots in the states' units: a virus row with a 1e7 entry for a fraction still pivots on V", () => {
    // states V (1e6 particles) and A (a fraction near 0): dV/dt = -(2 + 10 A) V, dA/dt = 1e-8·V·(1 − A)-like
    const v = 4e6;
    const jac = Float64Array.from([-2, -10 * v, 6e-9, -0.1]);
    const sp = buildSparseLu(2, Int32Array.from([0, 1, 2, 3]), 1)!;
    const lu = new Float64Array(sp.size);
    const d = 1;
    sp.load(jac, d, lu);
    // with unit scales the V row looks dominated by its A entry; in the states' magnitudes it is not
    expect(sp.factor(lu, Float64Array.from([1e-3 * v, 1e-8]))).toBe(true);
    const x = Float64Array.from([v, 0.5]);
    const b = Float64Array.from([(d + 2) * x[0] + 10 * v * x[1], -6e-9 * x[0] + (d + 0.1) * x[1]]);
    sp.solve(lu, b);
    expect(Math.abs(b[0] - x[0]) / x[0]).toBeLessThan(1e-14);
    expect(Math.abs(b[1] - x[1])).toBeLessThan(1e-14);
  });
});
