import { describe, expect, it } from "vitest";
import { combineStages, denseCoefficients } from "./stage-combination.js";

/** A deterministic pseudo-random sequence spanning many magnitudes (so that the order of additions shows). */
function values(count: number, seed: number): Float64Array {
  let x = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const u = x / 2 ** 32;
    out[i] = (u - 0.5) * 10 ** Math.floor(u * 24 - 12);
  }
  return out;
}

describe("combineStages", () => {
  it("gives the same bits as one axpy per term, in place or not, for 0 to 9 terms", () => {
    const n = 13;
    const s = 9;
    const K = values(s * n, 7);
    for (let m = 0; m <= s; m++) {
      const cf = values(m, 100 + m);
      // stages in a scrambled order, as a tableau's non-zero coefficients pick them
      const co = Int32Array.from({ length: m }, (_, q) => ((q * 5 + 3) % s) * n);
      const base = values(n, 200 + m);
      const expected = base.slice();
      for (let q = 0; q < m; q++) for (let i = 0; i < n; i++) expected[i] += cf[q] * K[co[q] + i];
      const out = new Float64Array(n);
      combineStages(out, base, K, cf, co, m, n);
      const inPlace = base.slice();
      combineStages(inPlace, inPlace, K, cf, co, m, n);
      for (let i = 0; i < n; i++) {
        expect(Object.is(out[i], expected[i])).toBe(true);
        expect(Object.is(inPlace[i], expected[i])).toBe(true);
      }
    }
  });

  it("differs from a reordered sum (the test can see the order of additions)", () => {
    const K = Float64Array.from([1e16, 1, -1e16]);
    const cf = Float64Array.from([1, 1, 1]);
    const out = new Float64Array(1);
    combineStages(out, new Float64Array(1), K, cf, Int32Array.from([0, 1, 2]), 3, 1);
    expect(out[0]).toBe(0); // (1e16 + 1) − 1e16 rounds the 1 away
    combineStages(out, new Float64Array(1), K, cf, Int32Array.from([0, 2, 1]), 3, 1);
    expect(out[0]).toBe(1);
  });
});

describe("denseCoefficients", () => {
  it("gives the same bits as the triple loop summing from 0 in the order of the stages, for 6 and 8 stages", () => {
    const n = 11;
    for (const s of [6, 8]) {
      const nDense = 3;
      const H = values(nDense * s, 300 + s);
      H[1] = 0; // a zero coefficient, as Rodas4's rows have
      const K = values(s * n, 400 + s);
      K[n + 2] = -0;
      const expected = new Float64Array(nDense * n);
      for (let r = 0; r < nDense; r++)
        for (let i = 0; i < n; i++) {
          let v = 0;
          for (let j = 0; j < s; j++) v += H[r * s + j] * K[j * n + i];
          expected[r * n + i] = v;
        }
      const dense = new Float64Array(nDense * n).fill(NaN);
      denseCoefficients(dense, H, K, nDense, s, n);
      for (let k = 0; k < nDense * n; k++) expect(Object.is(dense[k], expected[k])).toBe(true);
    }
  });
});
