/**
 * Dense LU factorization with partial pivoting, in place, for small systems.
 * `a` is row-major n×n; `pivots` receives the row permutation.
 * Returns false when the matrix is singular (a zero pivot).
 */
export function luFactor(a: Float64Array, n: number, pivots: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    pivots[k] = p;
    if (max === 0 || !Number.isFinite(max)) return false;
    if (p !== k) {
      const rp = p * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const tmp = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = tmp;
      }
    }
    const rk = k * n;
    const inv = 1 / a[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = a[ri + k] * inv;
      a[ri + k] = f;
      if (f !== 0) {
        for (let j = k + 1; j < n; j++) a[ri + j] -= f * a[rk + j];
      }
    }
  }
  return true;
}

/** Solves LU x = b in place (b becomes x), using the factors and pivots from `luFactor`. */
export function luSolve(lu: Float64Array, n: number, pivots: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = pivots[k];
    if (p !== k) {
      const tmp = b[k];
      b[k] = b[p];
      b[p] = tmp;
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= lu[ri + j] * b[j];
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= lu[ri + j] * b[j];
    b[i] = s / lu[ri + i];
  }
}

type LuSolve = (lu: Float64Array, pivots: Int32Array, b: Float64Array) => void;
const unrolled = new Map<number, LuSolve>();

/**
 * luSolve for one size n, its substitutions unrolled as generated straight-line code (built once per n, for the
 * stiff solver's dense fallback, eight solves per factorization): the same subtractions in the same order, on locals,
 * so the results are bit-identical to luSolve's.
 */
export function luSolveFor(n: number): LuSolve {
  let f = unrolled.get(n);
  if (!f) {
    const code = ['"use strict";', `for (let k = 0; k < ${n}; k++) {`];
    code.push("const p = pivots[k];", "if (p !== k) { const tmp = b[k]; b[k] = b[p]; b[p] = tmp; }", "}");
    for (let i = 0; i < n; i++) code.push(`let x${i} = b[${i}];`);
    for (let i = 1; i < n; i++) {
      const terms = Array.from({ length: i }, (_, j) => ` - lu[${i * n + j}] * x${j}`);
      code.push(`x${i} = x${i}${terms.join("")};`);
    }
    for (let i = n - 1; i >= 0; i--) {
      const terms = Array.from(
        { length: n - 1 - i },
        (_, q) => ` - lu[${i * n + i + 1 + q}] * x${i + 1 + q}`,
      );
      code.push(`x${i} = (x${i}${terms.join("")}) / lu[${i * n + i}];`);
    }
    for (let i = 0; i < n; i++) code.push(`b[${i}] = x${i};`);
    code.push("//# sourceURL=generated-dense-lu-solve.js");
    f = new Function("lu", "pivots", "b", code.join("\n")) as LuSolve;
    unrolled.set(n, f);
  }
  return f;
}
