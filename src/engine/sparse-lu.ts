/**
 * Sparse LU of the Rosenbrock iteration matrix W = I/(hγ) − J for a Jacobian whose structural non-zeros are known
 * once per model (the generated analytic Jacobian only ever writes those entries). The symbolic work is done once
 * per pattern: a minimum-degree symmetric ordering (fewer fill-ins), the fill pattern of L + U, and straight-line
 * JavaScript for loading W, factoring and solving, with only numeric indices in the generated code.
 *
 * Pivots are static (the diagonal of the reordered matrix); a factorization whose pivot fails the threshold test
 * |pivot| ≥ τ·max|entries below it| (threshold partial pivoting, τ = 0.1, as in sparse direct solvers) or is 0 or
 * not finite reports failure, and the caller factors the dense matrix with partial pivoting instead, so the
 * sparse path never trades stability for speed.
 */

/** Threshold of the static-pivot test (growth per elimination step ≤ 1/τ). */
export const PIVOT_THRESHOLD = 0.1;

/** Above this many multiply-adds the unrolled code would be too large; the dense LU is used. */
const MAX_OPERATIONS = 20_000;

/** Up to this many entries plus multiply-adds, load and factor are also generated as one straight-line function. */
const MAX_FUSED = 6_000;

export interface SparseLu {
  readonly n: number;
  /** Entries of L + U (including fill-ins), stored in a compact array of this length. */
  readonly size: number;
  /** lu ← I·diagonal − J (J row-major n×n), compact. */
  load(jac: Float64Array, diagonal: number, lu: Float64Array): void;
  /**
   * Factors in place; false when a static pivot fails the threshold test (use the dense LU then). `scale` holds a
   * typical magnitude of each state (original order, > 0), e.g. atol + rtol·|y|: the test reads the matrix with its
   * columns in those units and its rows equilibrated.
   */
  factor(lu: Float64Array, scale: Float64Array): boolean;
  /** Solves (LU) x = b in place, b in the original state order. */
  solve(lu: Float64Array, b: Float64Array): void;
  /**
   * load then factor, the same operations in the same order (bit-identical factors and verdict), as straight-line
   * code with the entries in locals (see fusedLoadFactor); `lu` is written only when the factorization succeeds.
   */
  loadFactor(jac: Float64Array, diagonal: number, lu: Float64Array, scale: Float64Array): boolean;
}

const cache = new WeakMap<Int32Array, SparseLu | null>();

/**
 * The sparse LU of the pattern (row-major indices i·n + j of the Jacobian's structural non-zeros), built once per
 * pattern object; null when it would not pay (a nearly dense pattern) or would be too large.
 */
export function sparseLuFor(n: number, pattern: Int32Array): SparseLu | null {
  let lu = cache.get(pattern);
  if (lu === undefined) {
    lu = buildSparseLu(n, pattern);
    cache.set(pattern, lu);
  }
  return lu;
}

/** Minimum-degree ordering of the symmetric pattern S (ties: lowest index). */
function minimumDegree(n: number, s: Uint8Array): Int32Array {
  const g = s.slice();
  const left = new Set<number>(Array.from({ length: n }, (_, i) => i));
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let best = -1;
    let bestDeg = Infinity;
    for (const v of left) {
      let deg = 0;
      for (const u of left) if (u !== v && g[v * n + u]) deg++;
      if (deg < bestDeg || (deg === bestDeg && v < best)) {
        best = v;
        bestDeg = deg;
      }
    }
    order[k] = best;
    left.delete(best);
    const nb = [...left].filter((u) => g[best * n + u]);
    for (const a of nb) for (const b of nb) g[a * n + b] = 1;
  }
  return order;
}

/** `maxDensity`: above this share of n² entries in L + U the dense LU is kept (null). */
export function buildSparseLu(n: number, pattern: ArrayLike<number>, maxDensity = 0.75): SparseLu | null {
  if (n < 1) return null;
  const a = new Uint8Array(n * n); // pattern of W in the original numbering
  for (let k = 0; k < pattern.length; k++) {
    const v = pattern[k];
    if (!(Number.isInteger(v) && v >= 0 && v < n * n))
      throw new RangeError(`pattern entry ${v} is outside 0..${n * n - 1}`);
    a[v] = 1;
  }
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  const sym = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = a[i * n + j] | a[j * n + i];
  const perm = minimumDegree(n, sym); // new index k holds original state perm[k]
  // pattern of the reordered matrix, then symbolic elimination (fill-ins)
  const f = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[i * n + j] = a[perm[i] * n + perm[j]];
  let ops = 0;
  for (let k = 0; k < n; k++) {
    for (let i = k + 1; i < n; i++) {
      if (!f[i * n + k]) continue;
      for (let j = k + 1; j < n; j++) {
        if (f[k * n + j]) {
          f[i * n + j] = 1;
          ops++;
        }
      }
    }
  }
  // compact positions, row by row
  const pos = new Int32Array(n * n).fill(-1);
  let size = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (f[i * n + j]) pos[i * n + j] = size++;
  if (ops > MAX_OPERATIONS || size > maxDensity * n * n) return null;

  // load: lu[pos(i, j)] = −J[perm i, perm j] (+ diagonal), fill-ins 0
  const source = new Int32Array(size).fill(-1);
  const diagonal = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = pos[i * n + j];
      if (p < 0) continue;
      const src = perm[i] * n + perm[j];
      if (a[src] === 1) source[p] = src;
      if (i === j) diagonal[i] = p;
    }
  }
  const load = (J: Float64Array, d: number, lu: Float64Array): void => {
    for (let p = 0; p < size; p++) {
      const src = source[p];
      lu[p] = src >= 0 ? -J[src] : 0;
    }
    for (let i = 0; i < n; i++) lu[diagonal[i]] += d;
  };

  // factor: right-looking elimination with the static pivots. The threshold test reads W·C with C the states'
  // typical magnitudes (each column in the units of its state, as the error norm reads them) and each row then
  // equilibrated (scaled by 1 / max_j |w_ij·c_j|, as KLU scales rows): states in very different units (1e10 cells,
  // a fraction, 1e6 virus particles) compare on one scale. Scalings change neither the factors (without row
  // exchanges LU commutes with diagonal scaling) nor, in a column test, the factor c_k.
  // Index lists (not generated code: one compiled loop serves every model, no per-model JIT work):
  // rows' structural entries and their states; per pivot the entries below it; per entry below, its updates.
  const rowStart = new Int32Array(n + 1);
  const rowPos: number[] = [];
  const rowState: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (a[perm[i] * n + perm[j]]) {
        rowPos.push(pos[i * n + j]);
        rowState.push(perm[j]);
      }
    }
    rowStart[i + 1] = rowPos.length;
  }
  const colStart = new Int32Array(n + 1);
  const belowPos: number[] = [];
  const belowRow: number[] = [];
  const updStart: number[] = [0];
  const updTarget: number[] = [];
  const updSource: number[] = [];
  for (let k = 0; k < n; k++) {
    for (let i = k + 1; i < n; i++) {
      if (!f[i * n + k]) continue;
      belowPos.push(pos[i * n + k]);
      belowRow.push(i);
      for (let j = k + 1; j < n; j++) {
        if (f[k * n + j]) {
          updTarget.push(pos[i * n + j]);
          updSource.push(pos[k * n + j]);
        }
      }
      updStart.push(updTarget.length);
    }
    colStart[k + 1] = belowPos.length;
  }
  const rp = Int32Array.from(rowPos);
  const rsState = Int32Array.from(rowState);
  const bp = Int32Array.from(belowPos);
  const br = Int32Array.from(belowRow);
  const us = Int32Array.from(updStart);
  const ut = Int32Array.from(updTarget);
  const uf = Int32Array.from(updSource);
  const rowScale = new Float64Array(n);
  const factor = (lu: Float64Array, scale: Float64Array): boolean => {
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
        const v = Math.abs(lu[rp[e]]) * scale[rsState[e]];
        if (v > m) m = v;
      }
      rowScale[i] = 1 / m;
    }
    for (let k = 0; k < n; k++) {
      const d = lu[diagonal[k]];
      const ad = Math.abs(d);
      if (!(d !== 0 && ad < Infinity)) return false;
      const b0 = colStart[k];
      const b1 = colStart[k + 1];
      if (b0 === b1) continue;
      let mx = 0;
      for (let e = b0; e < b1; e++) {
        const v = Math.abs(lu[bp[e]]) * rowScale[br[e]];
        if (!(v <= mx)) mx = v; // NaN sticks: the test below fails
        if (mx !== mx) return false;
      }
      if (!(ad * rowScale[k] >= PIVOT_THRESHOLD * mx)) return false;
      const r = 1 / d;
      for (let e = b0; e < b1; e++) {
        const p = bp[e];
        const l = lu[p] * r;
        lu[p] = l;
        for (let u = us[e]; u < us[e + 1]; u++) lu[ut[u]] -= l * lu[uf[u]];
      }
    }
    return true;
  };

  // solve: permute, forward (unit L), backward (U), permute back
  const sol: string[] = [];
  for (let i = 0; i < n; i++) sol.push(`let x${i} = b[${perm[i]}];`);
  for (let i = 1; i < n; i++) {
    const terms: string[] = [];
    for (let j = 0; j < i; j++) if (f[i * n + j]) terms.push(`lu[${pos[i * n + j]}] * x${j}`);
    if (terms.length) sol.push(`x${i} -= ${terms.join(" + ")};`);
  }
  for (let i = n - 1; i >= 0; i--) {
    const terms: string[] = [];
    for (let j = i + 1; j < n; j++) if (f[i * n + j]) terms.push(`lu[${pos[i * n + j]}] * x${j}`);
    const num = terms.length ? `(x${i} - (${terms.join(" + ")}))` : `x${i}`;
    sol.push(`x${i} = ${num} / lu[${pos[i * n + i]}];`);
  }
  for (let i = 0; i < n; i++) sol.push(`b[${perm[i]}] = x${i};`);

  const solveFn = new Function(
    "lu",
    "b",
    `"use strict";\n${sol.join("\n")}\n//# sourceURL=generated-sparse-solve.js`,
  ) as SparseLu["solve"];
  const loadFactor =
    size + ut.length <= MAX_FUSED
      ? fusedLoadFactor({ n, size, source, diagonal, rowStart, rp, rsState, colStart, bp, br, us, ut, uf })
      : (J: Float64Array, d: number, lu: Float64Array, scale: Float64Array): boolean => {
          load(J, d, lu);
          return factor(lu, scale);
        };
  return { n, size, load, factor, solve: solveFn, loadFactor };
}

/** The index lists of load and factor (buildSparseLu). */
interface FactorLists {
  readonly n: number;
  readonly size: number;
  readonly source: Int32Array;
  readonly diagonal: Int32Array;
  readonly rowStart: Int32Array;
  readonly rp: Int32Array;
  readonly rsState: Int32Array;
  readonly colStart: Int32Array;
  readonly bp: Int32Array;
  readonly br: Int32Array;
  readonly us: Int32Array;
  readonly ut: Int32Array;
  readonly uf: Int32Array;
}

/**
 * load and factor unrolled into one generated function, entry p of L + U in the local v<p> (registers or the stack
 * instead of a typed array read and bounds-checked per use): each statement is one of the loops' iterations, in
 * their order, with the same floating-point operations, so the factors and the threshold verdict are bit-identical.
 * The locals are stored into `lu` at the end of a successful factorization (after a failure the caller factors the
 * dense matrix and does not read `lu`).
 */
function fusedLoadFactor(x: FactorLists): SparseLu["loadFactor"] {
  const { n, size, source, diagonal, rowStart, rp, rsState, colStart, bp, br, us, ut, uf } = x;
  const isDiagonal = new Uint8Array(size);
  for (let i = 0; i < n; i++) isDiagonal[diagonal[i]] = 1;
  const code: string[] = ['"use strict";', "let v, m, mx, r, l, d, ad;"];
  for (let p = 0; p < size; p++) {
    const loaded = source[p] >= 0 ? `-J[${source[p]}]` : "0";
    code.push(`let v${p} = ${loaded}${isDiagonal[p] ? " + dg" : ""};`);
  }
  for (let i = 0; i < n; i++) {
    code.push("m = 0;");
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++)
      code.push(`v = Math.abs(v${rp[e]}) * scale[${rsState[e]}]; if (v > m) m = v;`);
    code.push(`const rs${i} = 1 / m;`);
  }
  for (let k = 0; k < n; k++) {
    code.push(`d = v${diagonal[k]}; ad = Math.abs(d); if (!(d !== 0 && ad < Infinity)) return false;`);
    if (colStart[k] === colStart[k + 1]) continue;
    code.push("mx = 0;");
    for (let e = colStart[k]; e < colStart[k + 1]; e++)
      code.push(`v = Math.abs(v${bp[e]}) * rs${br[e]}; if (!(v <= mx)) mx = v; if (mx !== mx) return false;`);
    code.push(`if (!(ad * rs${k} >= ${PIVOT_THRESHOLD} * mx)) return false;`, "r = 1 / d;");
    for (let e = colStart[k]; e < colStart[k + 1]; e++) {
      code.push(`l = v${bp[e]} * r; v${bp[e]} = l;`);
      for (let u = us[e]; u < us[e + 1]; u++) code.push(`v${ut[u]} -= l * v${uf[u]};`);
    }
  }
  for (let p = 0; p < size; p++) code.push(`lu[${p}] = v${p};`);
  code.push("return true;");
  code.push("//# sourceURL=generated-sparse-load-factor.js");
  return new Function("J", "dg", "lu", "scale", code.join("\n")) as SparseLu["loadFactor"];
}
