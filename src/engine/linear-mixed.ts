/**
 * The maximum-likelihood objective of a linear mixed-effects model w_i = X_i·μ + Z_i·η_i + ε_i, η_i ~ N(0, Ω),
 * ε_i ~ N(0, σ²I), with μ profiled out by generalized least squares (Pinheiro & Bates, Mixed-Effects Models in S
 * and S-PLUS, 2000, §2.2). Z_i is the subset `random` of the columns of X_i. The covariance is parameterized by
 * θ = (Cholesky factor of Ω — log diagonal, then raw off-diagonal when full — row by row, ln σ), unconstrained.
 * With a residual variance function (heteroscedastic), Var ε_ij = σ²·(1 + κ²·h2_ij) with h2 = h(f̂)² fixed at
 * the fitted values of the linearization (as nlme's varFunc), and ln κ is the next component of θ. With a residual
 * correlation (mixed-effects-correlation.ts; nlme's corExp), Var ε_i = σ²·G^½ R_i G^½ and θ ends with ln T (then
 * logit ν).
 */
import {
  correlationFromTheta,
  correlationParameters,
  residualCorrelation,
  type ResidualCorrelation,
} from "./mixed-effects-correlation.js";

export interface LinearizedSubject {
  readonly n: number;
  /** n × p, row-major. */
  readonly X: Float64Array;
  readonly w: Float64Array;
  /** h(f̂_j)² of the residual variance function at the fitted values (heteroscedastic objective only). */
  readonly h2?: Float64Array;
  /** Times of the readings for the residual correlation (default: none needed). */
  readonly tc?: Float64Array;
}

/** Number of Cholesky parameters of a q × q covariance. */
export const choleskyParameters = (q: number, full: boolean) => (full ? (q * (q + 1)) / 2 : q);

/** Ω = L·Lᵀ from the packed parameters (offset `at` in θ). */
export function omegaFromPacked(
  theta: ArrayLike<number>,
  at: number,
  q: number,
  full: boolean,
): Float64Array {
  const L = new Float64Array(q * q);
  let k = at;
  for (let i = 0; i < q; i++)
    if (full) for (let j = 0; j <= i; j++) L[i * q + j] = i === j ? Math.exp(theta[k++]) : theta[k++];
    else L[i * q + i] = Math.exp(theta[k++]);
  const O = new Float64Array(q * q);
  for (let i = 0; i < q; i++)
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let m = 0; m < q; m++) s += L[i * q + m] * L[j * q + m];
      O[i * q + j] = s;
    }
  return O;
}

/** Packed Cholesky parameters of a positive-definite Ω (the diagonal of a full Ω when `full` is false). */
export function packOmega(omega: ArrayLike<number>, q: number, full: boolean): number[] {
  const L = new Float64Array(q * q);
  for (let i = 0; i < q; i++)
    for (let j = 0; j <= i; j++) {
      let s = full || i === j ? omega[i * q + j] : 0;
      for (let m = 0; m < j; m++) s -= L[i * q + m] * L[j * q + m];
      L[i * q + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * q + j];
    }
  const out: number[] = [];
  for (let i = 0; i < q; i++)
    if (full) for (let j = 0; j <= i; j++) out.push(i === j ? Math.log(L[i * q + j]) : L[i * q + j]);
    else out.push(Math.log(L[i * q + i]));
  return out;
}

export class LinearMixedObjective {
  /** The GLS estimate of μ at the last evaluation. */
  readonly mu: Float64Array;
  /** Σ XᵀV⁻¹X at the last evaluation (its inverse is the covariance of the GLS μ). */
  readonly information: Float64Array;
  private readonly V: Float64Array;
  private readonly U: Float64Array;
  private readonly u: Float64Array;
  private readonly b: Float64Array;
  readonly q: number;
  readonly dimension: number;

  constructor(
    private readonly subjects: readonly LinearizedSubject[],
    private readonly p: number,
    private readonly random: Int32Array,
    private readonly full: boolean,
    private readonly heteroscedastic = false,
    private readonly correlation?: ResidualCorrelation,
  ) {
    const maxN = Math.max(...subjects.map((s) => s.n));
    this.q = random.length;
    this.dimension =
      choleskyParameters(this.q, full) + (heteroscedastic ? 2 : 1) + correlationParameters(correlation);
    if (correlation && subjects.some((s) => !s.tc))
      throw new RangeError("linear mixed model: a residual correlation needs every subject's times");
    this.mu = new Float64Array(p);
    this.information = new Float64Array(p * p);
    this.V = new Float64Array(maxN * maxN);
    this.U = new Float64Array(maxN * p);
    this.u = new Float64Array(maxN);
    this.b = new Float64Array(p);
  }

  /** −2 log-likelihood (ML) at θ, μ profiled; Infinity when a covariance is not positive definite. */
  value(theta: ArrayLike<number>): number {
    const { p, q, random, V, U, u, b } = this;
    // SDs and σ between e^−25 and e^25: beyond, the likelihood is degenerate (and rounding decides)
    for (let k = 0; k < this.dimension; k++) if (!(Math.abs(theta[k]) < 25)) return Infinity;
    const omega = omegaFromPacked(theta, 0, q, this.full);
    const nChol = choleskyParameters(q, this.full);
    const s2 = Math.exp(2 * theta[nChol]);
    const k2 = this.heteroscedastic ? Math.exp(2 * theta[nChol + 1]) : 0;
    const corr = this.correlation
      ? correlationFromTheta(theta, nChol + (this.heteroscedastic ? 2 : 1), this.correlation)
      : null;
    const A = this.information;
    A.fill(0);
    b.fill(0);
    let c = 0;
    let logDet = 0;
    let nTotal = 0;
    for (const s of this.subjects) {
      const n = s.n;
      const X = s.X;
      const h2 = s.h2;
      nTotal += n;
      // V = Z Ω Zᵀ + σ² G^½ R G^½ (lower triangle; R = I without a correlation), then its Cholesky factor in place
      const tc = s.tc;
      for (let a = 0; a < n; a++)
        for (let bb = 0; bb <= a; bb++) {
          const ga = h2 && k2 > 0 ? 1 + k2 * h2[a] : 1;
          let v = a === bb ? s2 * ga : 0;
          if (corr && tc && a !== bb) {
            const gb = h2 && k2 > 0 ? 1 + k2 * h2[bb] : 1;
            v = s2 * Math.sqrt(ga * gb) * residualCorrelation(corr, tc[a] - tc[bb]);
          }
          for (let k = 0; k < q; k++) {
            const za = X[a * p + random[k]];
            if (za === 0) continue;
            for (let l = 0; l < q; l++) v += za * omega[k * q + l] * X[bb * p + random[l]];
          }
          V[a * n + bb] = v;
        }
      for (let a = 0; a < n; a++) {
        for (let bb = 0; bb <= a; bb++) {
          let v = V[a * n + bb];
          for (let k = 0; k < bb; k++) v -= V[a * n + k] * V[bb * n + k];
          if (a === bb) {
            if (!(v > 0)) return Infinity;
            V[a * n + a] = Math.sqrt(v);
            logDet += 2 * Math.log(V[a * n + a]);
          } else V[a * n + bb] = v / V[bb * n + bb];
        }
      }
      // forward solves: U = L⁻¹X, u = L⁻¹w
      for (let a = 0; a < n; a++) {
        let v = s.w[a];
        for (let k = 0; k < a; k++) v -= V[a * n + k] * u[k];
        u[a] = v / V[a * n + a];
        for (let j = 0; j < p; j++) {
          let x = X[a * p + j];
          for (let k = 0; k < a; k++) x -= V[a * n + k] * U[k * p + j];
          U[a * p + j] = x / V[a * n + a];
        }
      }
      for (let a = 0; a < n; a++) {
        c += u[a] * u[a];
        for (let j = 0; j < p; j++) {
          b[j] += U[a * p + j] * u[a];
          for (let k = 0; k <= j; k++) A[j * p + k] += U[a * p + j] * U[a * p + k];
        }
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) A[k * p + j] = A[j * p + k];
    // μ = A⁻¹b by Cholesky of A (a 1e-10 relative ridge: a parameter the linearization does not see stays put)
    const L = new Float64Array(p * p);
    let ridge = 0;
    for (let i = 0; i < p; i++) ridge = Math.max(ridge, A[i * p + i]);
    ridge *= 1e-10;
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let v = A[i * p + j] + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) v -= L[i * p + k] * L[j * p + k];
        if (i === j) {
          if (!(v > 0)) return Infinity;
          L[i * p + i] = Math.sqrt(v);
        } else L[i * p + j] = v / L[j * p + j];
      }
    const z = new Float64Array(p);
    let quad = c;
    for (let i = 0; i < p; i++) {
      let v = b[i];
      for (let k = 0; k < i; k++) v -= L[i * p + k] * z[k];
      z[i] = v / L[i * p + i];
      quad -= z[i] * z[i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let v = z[i];
      for (let k = i + 1; k < p; k++) v -= L[k * p + i] * this.mu[k];
      this.mu[i] = v / L[i * p + i];
    }
    const out = nTotal * Math.log(2 * Math.PI) + logDet + quad;
    return Number.isFinite(out) ? out : Infinity;
  }
}

/** The lower Cholesky factor L of Ω (Ω = L·Lᵀ) from the packed parameters (offset `at` in θ). */
export function choleskyFromPacked(
  theta: ArrayLike<number>,
  at: number,
  q: number,
  full: boolean,
): Float64Array {
  const L = new Float64Array(q * q);
  let k = at;
  for (let i = 0; i < q; i++)
    if (full) for (let j = 0; j <= i; j++) L[i * q + j] = i === j ? Math.exp(theta[k++]) : theta[k++];
    else L[i * q + i] = Math.exp(theta[k++]);
  return L;
}
