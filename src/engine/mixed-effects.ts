/**
 * Nonlinear mixed-effects models by the first-order conditional estimation method (FOCE; Lindstrom & Bates,
 * Biometrics 1990;46:673 — the approximation of R's nlme — and NONMEM's FOCE, which is the Laplace approximation
 * with the Gauss–Newton Hessian for a homoscedastic residual):
 *
 *   y_ij = f(φ_i, t_ij) + ε_ij,  ε ~ N(0, σ²),  φ_i = μ + A·η_i,  η_i ~ N(0, Ω)
 *
 * where A places the q random effects on q of the p components of φ. For each subject the conditional mode η̂_i
 * minimizes Σ_j (y_ij − f)²/σ² + ηᵀΩ⁻¹η (damped Gauss–Newton); the model is linearized there (Z = ∂f/∂η) and the
 * subject's contribution to the objective (−2 log-likelihood) is
 *
 *   n_i·ln(2πσ²) + SSR_i/σ² + η̂ᵀΩ⁻¹η̂ + ln|Ω| + ln|Ω⁻¹ + ZᵀZ/σ²|
 *
 * (equal to ln|V_i| + the Mahalanobis term of the linearized marginal y_i ~ N(·, ZΩZᵀ + σ²I)).
 *
 * A model may declare a residual variance function of the fitted values (nlme's varFunc): Var ε_ij = σ²·g_ij
 * with g_ij = 1 + κ²·h(f_ij, t_ij)² (κ ≥ 0 estimated). The mode then minimizes the full conditional density,
 * Σ_j [(y_ij − f)²/(σ²g_ij) + ln g_ij] + ηᵀΩ⁻¹η with g following f (FOCE with interaction, NONMEM's FOCEI), and
 * the subject's objective gains Σ ln g_ij with its residuals and Z scaled by 1/√g_ij.
 *
 * With a within-subject residual correlation (nlme's corExp; mixed-effects-correlation.ts), Var ε_i = σ²R_i: the
 * residuals and Z are whitened by the Cholesky factor of R_i (r̃ = L⁻¹r, Z̃ = L⁻¹Z), the mode minimizes
 * r̃ᵀr̃/σ² + ηᵀΩ⁻¹η, and the objective gains ln|R_i| (homoscedastic models only).
 */
import {
  correlationMatrix,
  forwardSolve,
  forwardSolveColumns,
  type CorrelationValues,
} from "./mixed-effects-correlation.js";
import type { LinearizedSubject } from "./linear-mixed.js";

export interface MixedSubject {
  readonly t: Float64Array;
  readonly y: Float64Array;
  /** Times of the readings for a residual correlation (default t). */
  readonly tc?: Float64Array;
}

export interface MixedModel {
  /** Number of components of φ. */
  readonly p: number;
  /** Writes f(φ, t_j) for every j into out. */
  predict(phi: Float64Array, t: Float64Array, out: Float64Array): void;
  /** h of the residual variance σ²·(1 + κ²·h(f, t)²) at a fitted value f and time t (none: homoscedastic). */
  readonly varianceShape?: (f: number, t: number) => number;
}

/** The population quantities a conditional-mode search needs (κ of the variance function, 0 when none). */
export interface ModePopulation {
  readonly mu: Float64Array;
  readonly omegaInv: Float64Array;
  readonly logDetOmega: number;
  readonly sigma: number;
  readonly kappa?: number;
  /** Within-subject residual correlation (range T and nugget ν), none when absent. */
  readonly correlation?: CorrelationValues;
}

export interface PopulationState {
  readonly mu: Float64Array;
  /** Ω, q × q row-major. */
  readonly omega: Float64Array;
  readonly sigma: number;
}

export interface ConditionalMode {
  readonly eta: Float64Array;
  readonly ssr: number;
  /** Posterior precision at the mode, Ω⁻¹ + ZᵀZ/σ² (q × q). */
  readonly precision: Float64Array;
  /** The subject's contribution to −2 log-likelihood (FOCE). */
  readonly objective: number;
  readonly converged: boolean;
}

/** Cholesky factor (lower, in place on a copy) of a symmetric positive-definite q × q matrix; null if not SPD. */
export function cholesky(a: ArrayLike<number>, q: number): Float64Array | null {
  const L = new Float64Array(q * q);
  for (let i = 0; i < q; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * q + j];
      for (let k = 0; k < j; k++) s -= L[i * q + k] * L[j * q + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * q + i] = Math.sqrt(s);
      } else L[i * q + j] = s / L[j * q + j];
    }
  return L;
}

/** Solves (L Lᵀ) x = b in place given the Cholesky factor L. */
export function choleskySolve(L: Float64Array, q: number, b: Float64Array): void {
  forwardSolve(L, q, b);
  for (let i = q - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < q; k++) s -= L[k * q + i] * b[k];
    b[i] = s / L[i * q + i];
  }
}

/** Inverse of a symmetric positive-definite matrix from its Cholesky factor. */
export function choleskyInverse(L: Float64Array, q: number): Float64Array {
  const inv = new Float64Array(q * q);
  const e = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    e.fill(0);
    e[j] = 1;
    choleskySolve(L, q, e);
    for (let i = 0; i < q; i++) inv[i * q + j] = e[i];
  }
  return inv;
}

export const logDetFromCholesky = (L: Float64Array, q: number): number => {
  let s = 0;
  for (let i = 0; i < q; i++) s += 2 * Math.log(L[i * q + i]);
  return s;
};

/** Workspace for one subject's conditional-mode search (reused across subjects of up to `maxN` observations). */
export class ModeSolver {
  private readonly phi: Float64Array;
  private readonly f: Float64Array;
  private readonly fh: Float64Array;
  private readonly Z: Float64Array;
  private readonly H: Float64Array;
  private readonly rhs: Float64Array;
  private readonly trial: Float64Array;
  /** Variance factors g_j = 1 + κ²h(f_j)² at the last evaluation (1 when homoscedastic). */
  private readonly g: Float64Array;
  private kappa = 0;
  /** Cholesky factor of the subject's residual correlation R (null: independent residuals). */
  private LR: Float64Array | null = null;
  /** The whitened residuals L⁻¹(y − f) at the last evaluation (with a correlation). */
  private readonly rw: Float64Array;

  constructor(
    private readonly model: MixedModel,
    private readonly random: Int32Array,
    maxN: number,
  ) {
    const q = random.length;
    this.phi = new Float64Array(model.p);
    this.f = new Float64Array(maxN);
    this.fh = new Float64Array(maxN);
    this.Z = new Float64Array(maxN * q);
    this.H = new Float64Array(q * q);
    this.rhs = new Float64Array(q);
    this.trial = new Float64Array(q);
    this.g = new Float64Array(maxN).fill(1);
    this.rw = new Float64Array(maxN);
  }

  private get heteroscedastic(): boolean {
    return this.model.varianceShape !== undefined && this.kappa > 0;
  }

  /**
   * −2 log of the subject's conditional density up to constants, Σ r²/(σ²g) + Σ ln g + ηᵀΩ⁻¹η, at η (f and g
   * filled); Infinity when the model is not finite there.
   */
  private penalized(
    s: MixedSubject,
    mu: Float64Array,
    omegaInv: Float64Array,
    s2: number,
    eta: Float64Array,
  ) {
    const q = this.random.length;
    this.phi.set(mu);
    for (let k = 0; k < q; k++) this.phi[this.random[k]] += eta[k];
    const n = s.t.length;
    const f = this.f.subarray(0, n);
    this.model.predict(this.phi, s.t, f);
    const shape = this.heteroscedastic ? this.model.varianceShape! : null;
    const k2 = this.kappa * this.kappa;
    let ssr = 0;
    let logG = 0;
    for (let j = 0; j < n; j++) {
      const r = s.y[j] - f[j];
      let g = 1;
      if (shape) {
        const h = shape(f[j], s.t[j]);
        g = 1 + k2 * h * h;
        logG += Math.log(g);
      }
      this.g[j] = g;
      ssr += (r * r) / g;
    }
    if (this.LR) {
      const rw = this.rw.subarray(0, n);
      for (let j = 0; j < n; j++) rw[j] = s.y[j] - f[j];
      forwardSolve(this.LR, n, rw);
      ssr = 0;
      for (let j = 0; j < n; j++) ssr += rw[j] * rw[j];
    }
    let pen = 0;
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) pen += eta[a] * omegaInv[a * q + b] * eta[b];
    const v = ssr / s2 + logG + pen;
    return { ssr, logG, value: Number.isFinite(v) ? v : Infinity };
  }

  /** Z = ∂f/∂η at η by forward differences (f must hold f(η)). */
  private jacobian(s: MixedSubject, mu: Float64Array, eta: Float64Array): boolean {
    const q = this.random.length;
    const n = s.t.length;
    const fh = this.fh.subarray(0, n);
    for (let k = 0; k < q; k++) {
      this.phi.set(mu);
      for (let a = 0; a < q; a++) this.phi[this.random[a]] += eta[a];
      const idx = this.random[k];
      const h = 1e-7 * Math.max(1, Math.abs(this.phi[idx]));
      this.phi[idx] += h;
      this.model.predict(this.phi, s.t, fh);
      for (let j = 0; j < n; j++) {
        const z = (fh[j] - this.f[j]) / h;
        if (!Number.isFinite(z)) return false;
        this.Z[j * q + k] = z;
      }
    }
    if (this.LR) forwardSolveColumns(this.LR, n, this.Z, q);
    return true;
  }

  /**
   * The conditional mode of η for one subject, starting from eta0 (not modified): damped Gauss–Newton, or with a
   * variance function Fisher scoring on the full conditional density (the weights follow f, their log enters the
   * objective: the first-order conditional estimation "with interaction" of NONMEM's FOCEI).
   */
  solve(s: MixedSubject, pop: ModePopulation, eta0: ArrayLike<number>): ConditionalMode {
    this.kappa = pop.kappa ?? 0;
    const q = this.random.length;
    const n = s.t.length;
    let logDetR = 0;
    this.LR = null;
    if (pop.correlation) {
      if (this.heteroscedastic)
        throw new RangeError("mixed-effects model: a residual correlation needs a homoscedastic error model");
      this.LR = cholesky(correlationMatrix(pop.correlation, s.tc ?? s.t), n);
      if (!this.LR)
        throw new RangeError("mixed-effects model: the residual correlation is not positive definite");
      logDetR = logDetFromCholesky(this.LR, n);
    }
    const s2 = pop.sigma * pop.sigma;
    const eta = Float64Array.from(eta0);
    let cur = this.penalized(s, pop.mu, pop.omegaInv, s2, eta);
    if (!Number.isFinite(cur.value)) {
      eta.fill(0);
      cur = this.penalized(s, pop.mu, pop.omegaInv, s2, eta);
    }
    let lambda = 1e-4;
    let converged = false;
    for (let it = 0; it < 100 && Number.isFinite(cur.value); it++) {
      if (!this.jacobian(s, pop.mu, eta)) break;
      this.normalEquations(s, pop.omegaInv, s2, eta, true);
      let improved = false;
      for (let tries = 0; tries < 30; tries++) {
        const A = Float64Array.from(this.H);
        for (let a = 0; a < q; a++) A[a * q + a] *= 1 + lambda;
        const L = cholesky(A, q);
        if (!L) {
          lambda = Math.max(lambda * 10, 1e-8);
          continue;
        }
        const d = Float64Array.from(this.rhs);
        choleskySolve(L, q, d);
        for (let a = 0; a < q; a++) this.trial[a] = eta[a] + d[a];
        const next = this.penalized(s, pop.mu, pop.omegaInv, s2, this.trial);
        if (next.value <= cur.value) {
          let dmax = 0;
          for (let a = 0; a < q; a++) dmax = Math.max(dmax, Math.abs(d[a]));
          const dec = cur.value - next.value;
          eta.set(this.trial);
          cur = next;
          lambda = Math.max(lambda / 10, 1e-10);
          improved = true;
          if (dmax < 1e-9 || dec < 1e-13 * (1 + Math.abs(cur.value))) converged = true;
          break;
        }
        lambda *= 10;
      }
      if (!improved) converged = true; // no decrease left along the damped Gauss–Newton direction
      if (converged) break;
    }
    // linearize at the mode
    const final = this.penalized(s, pop.mu, pop.omegaInv, s2, eta);
    const ok = Number.isFinite(final.value) && this.jacobian(s, pop.mu, eta);
    if (ok) this.normalEquations(s, pop.omegaInv, s2, eta, false);
    const L = ok ? cholesky(this.H, q) : null;
    const objective = L
      ? n * Math.log(2 * Math.PI * s2) + final.value + pop.logDetOmega + logDetFromCholesky(L, q) + logDetR
      : Infinity;
    return { eta, ssr: final.ssr, precision: Float64Array.from(this.H), objective, converged };
  }

  /**
   * H = Ω⁻¹ + ZᵀG⁻¹Z/σ² (G = diag g), rhs = ZᵀG⁻¹r/σ² − Ω⁻¹η (half the descent direction of the objective).
   * With `scoring` and a variance function, the terms of g's dependence on f are added: the gradient of ½Σ ln g
   * and of the weights, and the expected information ½(g′/g)² z zᵀ.
   */
  private normalEquations(
    s: MixedSubject,
    omegaInv: Float64Array,
    s2: number,
    eta: Float64Array,
    scoring: boolean,
  ): void {
    const q = this.random.length;
    const n = s.t.length;
    const shape = scoring && this.heteroscedastic ? this.model.varianceShape! : null;
    const k2 = this.kappa * this.kappa;
    // per observation: the weight w_j of z_j in rhs and c_j of z_j z_jᵀ in H
    const w = this.fh.subarray(0, n);
    const c = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const g = this.g[j];
      const r = this.LR ? this.rw[j] : s.y[j] - this.f[j];
      w[j] = r / (s2 * g);
      c[j] = 1 / (s2 * g);
      if (shape) {
        const fj = this.f[j];
        const tj = s.t[j];
        const h = shape(fj, tj);
        const dh = (shape(fj + 1e-6, tj) - shape(fj - 1e-6, tj)) / 2e-6;
        const dg = 2 * k2 * h * dh;
        if (Number.isFinite(dg)) {
          w[j] += 0.5 * dg * ((r * r) / (s2 * g * g) - 1 / g);
          c[j] += 0.5 * (dg / g) * (dg / g);
        }
      }
    }
    for (let a = 0; a < q; a++) {
      let g = 0;
      for (let b = 0; b < q; b++) g -= omegaInv[a * q + b] * eta[b];
      for (let j = 0; j < n; j++) g += this.Z[j * q + a] * w[j];
      this.rhs[a] = g;
      for (let b = 0; b <= a; b++) {
        let h = omegaInv[a * q + b];
        for (let j = 0; j < n; j++) h += this.Z[j * q + a] * this.Z[j * q + b] * c[j];
        this.H[a * q + b] = this.H[b * q + a] = h;
      }
    }
  }
}

/** f(φ̂_i) and J = ∂f/∂φ (forward differences) into a linearized subject. */
export function linearize(
  model: MixedModel,
  s: MixedSubject,
  phi: Float64Array,
  f: Float64Array,
  fh: Float64Array,
): LinearizedSubject {
  const n = s.t.length;
  const p = model.p;
  const X = new Float64Array(n * p);
  const w = new Float64Array(n);
  const fi = f.subarray(0, n);
  const fhi = fh.subarray(0, n);
  model.predict(phi, s.t, fi);
  const work = Float64Array.from(phi);
  for (let k = 0; k < p; k++) {
    const h = 1e-7 * Math.max(1, Math.abs(phi[k]));
    work[k] = phi[k] + h;
    model.predict(work, s.t, fhi);
    work[k] = phi[k];
    for (let j = 0; j < n; j++) {
      const d = (fhi[j] - fi[j]) / h;
      X[j * p + k] = Number.isFinite(d) ? d : 0; // the model is not finite beside the mode: no slope
    }
  }
  for (let j = 0; j < n; j++) {
    let v = s.y[j] - (Number.isFinite(fi[j]) ? fi[j] : s.y[j]);
    for (let k = 0; k < p; k++) v += X[j * p + k] * phi[k];
    w[j] = v;
  }
  const shape = model.varianceShape;
  if (!shape) return { n, X, w, tc: s.tc ?? s.t };
  const h2 = Float64Array.from(fi, (v, j) => {
    const h = shape(v, s.t[j]);
    return Number.isFinite(h) ? h * h : 0;
  });
  return { n, X, w, h2 };
}
