import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patternEntries } from "./jacobian-pattern.js";

/** The row sums as the loop the generated code unrolls: Σ |J_ij|·c_j over the pattern, added by ascending j. */
function loopSums(n: number, pattern: readonly number[], J: Float64Array, c: Float64Array): number[] {
  const sums = new Array<number>(n).fill(0);
  for (const k of [...new Set(pattern)].sort((a, b) => a - b))
    sums[Math.floor(k / n)] += Math.abs(J[k]) * c[k % n];
  return sums;
}

describe("Jacobian pattern entries and their row sums", () => {
  it("lists the entries row by row and sums them bit for bit as the loop does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 144, maxLength: 144 }),
        fc.array(fc.double({ min: 1e-8, max: 1e4, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (n, values, scales, keep) => {
          const pattern = Array.from({ length: n * n }, (_, k) => k).filter((k) => keep[k]);
          const J = Float64Array.from({ length: n * n }, (_, k) => (keep[k] ? values[k] : 0));
          const c = Float64Array.from(scales.slice(0, n));
          const e = patternEntries(n, Int32Array.from([...pattern].reverse()));
          expect(Array.from(e.idx)).toEqual(pattern);
          for (let i = 0; i < n; i++)
            for (let k = e.start[i]; k < e.start[i + 1]; k++) expect(e.idx[k]).toBe(i * n + e.col[k]);
          const rowSum = new Float64Array(n);
          expect(e.rowSums(J, c, rowSum)).toBe(true);
          expect(Array.from(rowSum)).toEqual(loopSums(n, pattern, J, c));
        },
      ),
    );
  });

  it("reports a non-finite entry, and every entry without a pattern", () => {
    const e = patternEntries(2, null);
    expect(Array.from(e.idx)).toEqual([0, 1, 2, 3]);
    const rowSum = new Float64Array(2);
    const c = Float64Array.from([1, 2]);
    expect(e.rowSums(Float64Array.from([1, -1, 0, 3]), c, rowSum)).toBe(true);
    expect(Array.from(rowSum)).toEqual([3, 6]);
    expect(e.rowSums(Float64Array.from([1, 0, NaN, 3]), c, rowSum)).toBe(false);
    expect(e.rowSums(Float64Array.from([Infinity, 0, 0, 3]), c, rowSum)).toBe(false);
  });

  it("is computed once per pattern array", () => {
    const p = Int32Array.from([0, 3]);
    expect(patternEntries(2, p)).toBe(patternEntries(2, p));
  });
});
