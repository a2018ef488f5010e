/**
 * The entries of a Jacobian's sparsity pattern (OdeSystem.jacobianPattern; every entry without one), row by row, and
 * the Rosenbrock stepper's per-step pass over them: the row sums Σ_j |J_ij|·c_j (its stiffness measure and the
 * finiteness check of J), generated as straight-line code once per pattern.
 */
import { SolverError } from "./errors.js";

/** rowSum[i] ← Σ_j |J_ij|·c_j over row i's entries, added in their order; false when one of the sums is not finite. */
export type RowSums = (jac: Float64Array, c: Float64Array, rowSum: Float64Array) => boolean;

export interface PatternEntries {
  readonly col: Int32Array;
  /** Row-major indices i·n + j, sorted. */
  readonly idx: Int32Array;
  /** Entries of row i are start[i] … start[i + 1] − 1. */
  readonly start: Int32Array;
  readonly rowSums: RowSums;
}

/** Above this many entries the row sums stay a loop over the index lists (the unrolled code would be too large). */
const MAX_UNROLLED = 5_000;

const cache = new WeakMap<Int32Array, PatternEntries>();

/** The entries of `pattern` (null: all n² entries), computed once per pattern array. */
export function patternEntries(n: number, pattern: Int32Array | null): PatternEntries {
  const cached = pattern ? cache.get(pattern) : undefined;
  if (cached) return cached;
  const idx = pattern
    ? Int32Array.from(new Set(pattern)).sort()
    : Int32Array.from({ length: n * n }, (_, k) => k);
  const row = idx.map((k) => Math.floor(k / n));
  const start = new Int32Array(n + 1);
  for (let k = 0; k < row.length; k++) start[row[k] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const col = idx.map((k) => k % n);
  const out = { col, idx, start, rowSums: rowSumsFunction(n, idx, col, start) };
  if (pattern) cache.set(pattern, out);
  return out;
}

/**
 * The row sums as one generated function (each statement one iteration of the loop below, the same operations in
 * the same order: bit-identical sums), or that loop for a very large pattern.
 */
function rowSumsFunction(n: number, idx: Int32Array, col: Int32Array, start: Int32Array): RowSums {
  if (idx.length > MAX_UNROLLED) {
    return (jac, c, rowSum) => {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let k = start[i]; k < start[i + 1]; k++) sum += Math.abs(jac[idx[k]]) * c[col[k]];
        rowSum[i] = sum;
      }
      for (let i = 0; i < n; i++) if (!(rowSum[i] < Infinity)) return false;
      return true;
    };
  }
  const code = ['"use strict";', "let s;", "let ok = true;"];
  for (let i = 0; i < n; i++) {
    code.push("s = 0;");
    for (let k = start[i]; k < start[i + 1]; k++) code.push(`s += Math.abs(J[${idx[k]}]) * c[${col[k]}];`);
    code.push(`rowSum[${i}] = s;`, "if (!(s < Infinity)) ok = false;");
  }
  code.push("return ok;", "//# sourceURL=generated-jacobian-row-sums.js");
  return new Function("J", "c", "rowSum", code.join("\n")) as RowSums;
}

/**
 * The states that are exactly 0 with f_i = 0 and no coupling to the others (J_ij = 0 for j ≠ i, over the pattern's
 * entries, or over the whole row when `entries` is null) written to `frozen`; returns how many.
 */
export function invariantZeros(
  y: Float64Array,
  f0: Float64Array,
  J: Float64Array,
  n: number,
  entries: { readonly start: Int32Array; readonly col: Int32Array; readonly idx: Int32Array } | null,
  frozen: Int32Array,
): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let zero = y[i] === 0 && f0[i] === 0;
    if (!zero) continue;
    if (!entries) for (let j = 0; zero && j < n; j++) zero = j === i || J[i * n + j] === 0;
    else
      for (let k = entries.start[i]; zero && k < entries.start[i + 1]; k++)
        zero = entries.col[k] === i || J[entries.idx[k]] === 0;
    if (zero) frozen[m++] = i;
  }
  return m;
}

/** Throws a typed solver error naming the first non-finite entry of J (row-major n × n), if there is one. */
export function assertFiniteJacobian(
  J: Float64Array,
  n: number,
  t: number,
  y: Float64Array,
  names: readonly string[] | undefined,
): void {
  for (let k = 0; k < n * n; k++) {
    if (Number.isFinite(J[k])) continue;
    const i = Math.floor(k / n);
    const j = k % n;
    throw new SolverError(
      "non-finite-derivative",
      t,
      Array.from(y),
      `Jacobian entry d(d${names?.[i] ?? `y[${i}]`}/dt)/d${names?.[j] ?? `y[${j}]`} = ${J[k]}`,
      names,
    );
  }
}
