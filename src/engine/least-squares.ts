/**
 * Bounded nonlinear least squares: Levenberg–Marquardt with Marquardt's diagonal scaling, a forward-difference
 * Jacobian, projection onto the bounds, and seeded multi-start. Minimizes Σ rᵢ(θ)². The covariance of the estimate
 * is s²·(JᵀJ)⁻¹ with s² = SSR / (m − p) (Gauss–Newton approximation at the optimum).
 */
import { luFactor, luSolve } from "./lu.js";
import { seededRandom } from "./statistics.js";

export interface LeastSquaresProblem {
  /** Number of residuals. */
  readonly m: number;
  /** Writes the m residuals at θ into r. */
  residuals(theta: Float64Array, r: Float64Array): void;
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /**
   * Relative step of the forward-difference Jacobian (default 1e-7). Use about √(relative error of the residuals)
   * when they come from a numerical solution (an ODE solve), or the Jacobian is mostly noise.
   */
  readonly fdStep?: number;
}

export interface LeastSquaresOptions {
  readonly maxIterations?: number;
  /** Stop when the relative decrease of SSR is below this. Default 1e-12. */
  readonly ftol?: number;
  /** Stop when the relative step is below this. Default 1e-10. */
  readonly xtol?: number;
  /**
   * Stop when SSR fell by less than `reduction` (relative) over the last `iterations` iterations: a fit creeping
   * along a flat ridge or against a bound, where every single step still passes ftol. Default: not used.
   */
  readonly stall?: { readonly iterations: number; readonly reduction: number };
  /** Stop when SSR is at or below this (a fit exact to the data's precision). Default: not used. */
  readonly ssrFloor?: number;
}

export interface LeastSquaresResult {
  readonly theta: number[];
  readonly ssr: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Standard errors (NaN where JᵀJ is singular or there are no degrees of freedom). */
  readonly standardErrors: number[];
  readonly covariance: number[][];
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

function ssrOf(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/** Forward-difference Jacobian (m × p, row-major) of the residuals; steps move inward at an upper bound. */
function jacobian(
  prob: LeastSquaresProblem,
  theta: Float64Array,
  r0: Float64Array,
  work: Float64Array,
  rt: Float64Array,
  J: Float64Array,
): void {
  const p = theta.length;
  for (let j = 0; j < p; j++) {
    work.set(theta);
    let h = (prob.fdStep ?? 1e-7) * Math.max(Math.abs(theta[j]), 1e-4);
    if (theta[j] + h > prob.upper[j]) h = -h;
    work[j] = theta[j] + h;
    prob.residuals(work, rt);
    for (let i = 0; i < prob.m; i++) J[i * p + j] = (rt[i] - r0[i]) / h;
  }
}

export function levenbergMarquardt(
  prob: LeastSquaresProblem,
  start: readonly number[],
  opts: LeastSquaresOptions = {},
): LeastSquaresResult {
  const p = start.length;
  const m = prob.m;
  const maxIt = opts.maxIterations ?? 500;
  const ftol = opts.ftol ?? 1e-12;
  const xtol = opts.xtol ?? 1e-10;
  const theta = Float64Array.from(start, (x, j) => clamp(x, prob.lower[j], prob.upper[j]));
  const trial = new Float64Array(p);
  const r = new Float64Array(m);
  const rt = new Float64Array(m);
  const work = new Float64Array(p);
  const J = new Float64Array(m * p);
  const A = new Float64Array(p * p);
  const JtJ = new Float64Array(p * p);
  const g = new Float64Array(p);
  const step = new Float64Array(p);
  const piv = new Int32Array(p);
  prob.residuals(theta, r);
  let ssr = ssrOf(r);
  if (!Number.isFinite(ssr))
    throw new RangeError("least squares: residuals are not finite at the start point");
  let lambda = 1e-3;
  let converged = false;
  let it = 0;
  const stall = opts.stall;
  const history: number[] = [];
  for (; it < maxIt && !converged; it++) {
    if (opts.ssrFloor !== undefined && ssr <= opts.ssrFloor) {
      converged = true;
      break;
    }
    if (stall) {
      history.push(ssr);
      if (history.length > stall.iterations) {
        const then = history.shift()!;
        if (then - ssr <= stall.reduction * then) {
          converged = true;
          break;
        }
      }
    }
    jacobian(prob, theta, r, work, rt, J);
    JtJ.fill(0);
    g.fill(0);
    for (let i = 0; i < m; i++)
      for (let a = 0; a < p; a++) {
        const Jia = J[i * p + a];
        g[a] += Jia * r[i];
        for (let b = 0; b < p; b++) JtJ[a * p + b] += Jia * J[i * p + b];
      }
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      A.set(JtJ);
      for (let a = 0; a < p; a++) A[a * p + a] += lambda * Math.max(JtJ[a * p + a], 1e-12);
      for (let a = 0; a < p; a++) step[a] = -g[a];
      if (!luFactor(A, p, piv)) {
        lambda *= 10;
        continue;
      }
      luSolve(A, p, piv, step);
      for (let a = 0; a < p; a++) trial[a] = clamp(theta[a] + step[a], prob.lower[a], prob.upper[a]);
      prob.residuals(trial, rt);
      const s = ssrOf(rt);
      if (Number.isFinite(s) && s < ssr) {
        let rel = 0;
        for (let a = 0; a < p; a++)
          rel = Math.max(rel, Math.abs(trial[a] - theta[a]) / (Math.abs(theta[a]) + 1e-12));
        const decrease = (ssr - s) / Math.max(ssr, 1e-300);
        theta.set(trial);
        r.set(rt);
        ssr = s;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (decrease < ftol || rel < xtol) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      converged = true; // no descent direction left: at a (possibly bounded) minimum
      break;
    }
  }
  // covariance at the optimum
  jacobian(prob, theta, r, work, rt, J);
  JtJ.fill(0);
  for (let i = 0; i < m; i++)
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) JtJ[a * p + b] += J[i * p + a] * J[i * p + b];
  const dof = m - p;
  const s2 = dof > 0 ? ssr / dof : NaN;
  const cov: number[][] = [];
  A.set(JtJ);
  const ok = luFactor(A, p, piv);
  for (let b = 0; b < p; b++) {
    const e = new Float64Array(p);
    e[b] = 1;
    if (ok) luSolve(A, p, piv, e);
    cov.push(Array.from(e, (x) => (ok ? x * s2 : NaN)));
  }
  // cov is symmetric; rows built from columns of the inverse
  return {
    theta: Array.from(theta),
    ssr,
    iterations: it,
    converged,
    standardErrors: cov.map((row, j) => (row[j] >= 0 ? Math.sqrt(row[j]) : NaN)),
    covariance: cov,
  };
}

/**
 * Runs Levenberg–Marquardt from the `extraStarts` (first: they win ties), from `start` and from `starts − 1`
 * further points drawn log-uniformly (or uniformly where a bound is ≤ 0) between `startLower` and `startUpper`;
 * returns the best fit.
 */
export function multiStartLeastSquares(
  prob: LeastSquaresProblem,
  start: readonly number[],
  range: { lower: readonly number[]; upper: readonly number[] },
  opts: LeastSquaresOptions & {
    starts?: number;
    seed?: number;
    extraStarts?: readonly (readonly number[])[];
  } = {},
): LeastSquaresResult & { starts: number } {
  const rand = seededRandom(opts.seed ?? 1);
  const n = opts.starts ?? 8;
  let best: LeastSquaresResult | null = null;
  for (const x0 of opts.extraStarts ?? []) {
    try {
      const fit = levenbergMarquardt(prob, x0, opts);
      if (!best || fit.ssr < best.ssr) best = fit;
    } catch {
      // a start where the model is not finite
    }
  }
  for (let k = 0; k < n; k++) {
    const x0 =
      k === 0
        ? start
        : start.map((_, j) => {
            const lo = range.lower[j];
            const hi = range.upper[j];
            const u = rand();
            return lo > 0 ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
          });
    let fit: LeastSquaresResult;
    try {
      fit = levenbergMarquardt(prob, x0, opts);
    } catch {
      continue; // a start point where the model is not finite
    }
    if (!best || fit.ssr < best.ssr) best = fit;
  }
  if (!best) throw new RangeError("least squares: no start point gave finite residuals");
  return { ...best, starts: n };
}
