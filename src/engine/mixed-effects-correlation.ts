/**
 * Within-subject correlation of the residual errors of a mixed-effects model, as R nlme's
 * `correlation = corExp(form = ~ t | id)` (Pinheiro & Bates, Mixed-Effects Models in S and S-PLUS, 2000, §5.3.1):
 * two residuals of a subject d apart in time have correlation
 *
 *   Corr(ε_ij, ε_ik) = (1 − ν)·e^(−d/T),  d = |t_ij − t_ik| > 0  (1 for j = k)
 *
 * with the range T > 0 and, for "exp-nugget", a nugget ν in (0, 1) (nlme's corExp(nugget = TRUE): the share of the
 * residual variance that is independent from reading to reading, e.g. measurement error). Without a nugget ν is
 * fixed at MIN_NUGGET, so that two readings at the same time (a data set's duplicates) keep R positive definite.
 * Var ε_i = σ²·R_i. Parameterized in θ by ln T, then logit ν.
 */

export type ResidualCorrelation = "exp" | "exp-nugget";

/** ν of "exp" (no nugget estimated): 10⁻⁶, so that readings at equal times keep R positive definite. */
export const MIN_NUGGET = 1e-6;

/** Number of components of θ the correlation takes (0 without one). */
export const correlationParameters = (kind: ResidualCorrelation | undefined): number =>
  kind === "exp-nugget" ? 2 : kind === "exp" ? 1 : 0;

export interface CorrelationValues {
  readonly range: number;
  readonly nugget: number;
}

/** T and ν from θ (offset `at`). */
export function correlationFromTheta(
  theta: ArrayLike<number>,
  at: number,
  kind: ResidualCorrelation,
): CorrelationValues {
  return {
    range: Math.exp(theta[at]),
    nugget: kind === "exp-nugget" ? 1 / (1 + Math.exp(-theta[at + 1])) : MIN_NUGGET,
  };
}

/** θ components of T and ν. */
export function correlationToTheta(kind: ResidualCorrelation, range: number, nugget = 0.1): number[] {
  return kind === "exp-nugget" ? [Math.log(range), Math.log(nugget / (1 - nugget))] : [Math.log(range)];
}

/** Correlation of two residuals `d` apart in time (d ≥ 0; the same reading when `same`). */
export const residualCorrelation = (c: CorrelationValues, d: number, same = false): number =>
  same ? 1 : (1 - Math.max(c.nugget, MIN_NUGGET)) * Math.exp(-Math.abs(d) / c.range);

/** R (n × n, row-major, full) of readings at times t. */
export function correlationMatrix(c: CorrelationValues, t: ArrayLike<number>): Float64Array {
  const n = t.length;
  const R = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) R[a * n + b] = residualCorrelation(c, t[a] - t[b], a === b);
  return R;
}

/** Solves L·x = b in place (L lower triangular, n × n row-major). */
export function forwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** The whitening L⁻¹ of the columns of an n × q matrix Z (row-major), in place. */
export function forwardSolveColumns(L: Float64Array, n: number, Z: Float64Array, q: number): void {
  for (let c = 0; c < q; c++)
    for (let i = 0; i < n; i++) {
      let s = Z[i * q + c];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * Z[k * q + c];
      Z[i * q + c] = s / L[i * n + i];
    }
}
