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
  const load: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = pos[i * n + j];
      if (p < 0) continue;
      const src = perm[i] * n + perm[j];
      const structural = a[src] === 1;
      if (i === j) load.push(`lu[${p}] = d - J[${src}];`);
      else load.push(structural ? `lu[${p}] = -J[${src}];` : `lu[${p}] = 0;`);
    }
  }

  // factor: right-looking elimination with the static pivots. The threshold test reads W·C with C the states'
  // typical magnitudes (each column in the units of its state, as the error norm reads them) and each row then
  // equilibrated (scaled by 1 / max_j |w_ij·c_j|, as KLU scales rows): states in very different units (1e10 cells,
  // a fraction, 1e6 virus particles) compare on one scale. Scalings change neither the factors (without row
  // exchanges LU commutes with diagonal scaling) nor, in a column test, the factor c_k.
  const fac: string[] = ["let d, r, l;"];
  for (let j = 0; j < n; j++) fac.push(`const c${j} = scale[${perm[j]}];`);
  for (let i = 0; i < n; i++) {
    const m: string[] = [];
    for (let j = 0; j < n; j++)
      if (a[perm[i] * n + perm[j]]) m.push(`Math.abs(lu[${pos[i * n + j]}]) * c${j}`);
    fac.push(`const s${i} = 1 / ${m.length === 1 ? `(${m[0]})` : `Math.max(${m.join(", ")})`};`);
  }
  for (let k = 0; k < n; k++) {
    const below: number[] = [];
    for (let i = k + 1; i < n; i++) if (f[i * n + k]) below.push(i);
    const right: number[] = [];
    for (let j = k + 1; j < n; j++) if (f[k * n + j]) right.push(j);
    const pk = pos[k * n + k];
    fac.push(`d = lu[${pk}];`);
    if (below.length === 0) fac.push(`if (!(d !== 0 && Math.abs(d) < Infinity)) return false;`);
    else {
      const m = below.map((i) => `Math.abs(lu[${pos[i * n + k]}]) * s${i}`);
      const max = m.length === 1 ? m[0] : `Math.max(${m.join(", ")})`;
      fac.push(
        `if (!(d !== 0 && Math.abs(d) < Infinity && Math.abs(d) * s${k} >= ${PIVOT_THRESHOLD} * ${max})) return false;`,
      );
      fac.push(`r = 1 / d;`);
      for (const i of below) {
        const pik = pos[i * n + k];
        fac.push(`l = lu[${pik}] * r; lu[${pik}] = l;`);
        for (const j of right) fac.push(`lu[${pos[i * n + j]}] -= l * lu[${pos[k * n + j]}];`);
      }
    }
  }
  fac.push("return true;");

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

  const loadFn = new Function("J", "d", "lu", `"use strict";\n${load.join("\n")}`) as SparseLu["load"];
  const factorFn = new Function("lu", "scale", `"use strict";\n${fac.join("\n")}`) as SparseLu["factor"];
  const solveFn = new Function("lu", "b", `"use strict";\n${sol.join("\n")}`) as SparseLu["solve"];
  return { n, size, load: loadFn, factor: factorFn, solve: solveFn };
}
