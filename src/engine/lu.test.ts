import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { luFactor, luSolve, luSolveFor } from "./lu.js";

describe("dense LU with partial pivoting", () => {
  it("solves random well-conditioned systems to near machine precision", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        let s = seed;
        const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
        const a = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) a[i] = rnd();
        for (let i = 0; i < n; i++) a[i * n + i] += n; // diagonally dominant: well conditioned
        const x = Float64Array.from({ length: n }, rnd);
        const b = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += a[i * n + j] * x[j];
        const lu = a.slice();
        const piv = new Int32Array(n);
        expect(luFactor(lu, n, piv)).toBe(true);
        luSolve(lu, n, piv, b);
        for (let i = 0; i < n; i++) expect(Math.abs(b[i] - x[i])).toBeLessThan(1e-12);
      }),
    );
  });

  it("needs pivoting for a zero leading entry", () => {
    const a = Float64Array.from([0, 1, 1, 0]);
    const piv = new Int32Array(2);
    expect(luFactor(a, 2, piv)).toBe(true);
    const b = Float64Array.from([2, 3]);
    luSolve(a, 2, piv, b);
    expect(Array.from(b)).toEqual([3, 2]);
  });

  it("reports a singular matrix", () => {
    const a = Float64Array.from([1, 2, 2, 4]);
    expect(luFactor(a, 2, new Int32Array(2))).toBe(false);
  });

  it("luSolveFor (unrolled per size) gives luSolve's results to the last bit, pivoting or not", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 420, maxLength: 420 }),
        (n, v) => {
          // entries of many magnitudes and some exact zeros (a sparse matrix factored densely)
          const a = Float64Array.from({ length: n * n }, (_, k) =>
            k % 3 === 1 ? 0 : v[k] * 10 ** ((k % 7) - 3),
          );
          const piv = new Int32Array(n);
          if (!luFactor(a, n, piv)) return;
          const b = Float64Array.from({ length: n }, (_, i) => v[400 + i]);
          const expected = b.slice();
          luSolve(a, n, piv, expected);
          luSolveFor(n)(a, piv, b);
          for (let i = 0; i < n; i++) expect(Object.is(b[i], expected[i])).toBe(true);
        },
      ),
    );
  });
});
