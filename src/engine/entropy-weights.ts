/**
 * Maximum-entropy weights with soft moment constraints ("entropy balancing" with tolerances; the prevalence
 * weighting of virtual populations, Klinke 2008 / Cheng 2022, written as a convex problem):
 *
 *   minimise  KL(w ‖ u) + Σ_k g_k(w)² / (2 σ_k²)   over the simplex,   g_k(w) = Σ_i w_i a_ik,
 *
 * where u is the prior weight of each sample, a_ik the contribution of sample i to the violation of constraint k
 * (zero for samples a constraint does not concern) and σ_k its tolerance. The dual is smooth and convex:
 *
 *   λ* = argmin_λ  log Σ_i u_i exp(λ·a_i) + ½ Σ_k σ_k² λ_k²,     w_i ∝ u_i exp(λ*·a_i),
 *
 * with gradient E_w[a] + σ²λ and Hessian Cov_w(a) + diag(σ²); it is solved by Newton's method with a
 * backtracking line search. At the optimum g_k = −σ_k² λ_k: a constraint is met up to its tolerance.
 *
 * A one-sided constraint (`sides[k]` = +1: g_k ≥ 0 asked, −1: g_k ≤ 0) is penalised only on its wrong side,
 * min(0, s_k g_k)² / (2 σ_k²); its dual variable is then bounded, s_k λ_k ≥ 0 (zero while the constraint holds),
 * and the dual is solved by projected Newton (Bertsekas 1982: the bounds that are at zero with the gradient
 * pointing out are held fixed, Newton's step on the others, a projected Armijo search). Used for "the median lies
 * inside its confidence interval" (population/calibrate.ts).
 */
import { luFactor, luSolve } from "./lu.js";

export interface EntropyWeightsOptions {
  /** Prior weights (default uniform); normalised internally. */
  readonly prior?: ArrayLike<number>;
  readonly maxIterations?: number;
  /** Stop when the largest (projected) gradient component is below this (default 1e-10). */
  readonly tolerance?: number;
  /** Per constraint: 0 two-sided (default), +1 asks g_k ≥ 0, −1 asks g_k ≤ 0 (penalised only when violated). */
  readonly sides?: ArrayLike<number>;
}

export interface EntropyWeightsResult {
  readonly weights: Float64Array;
  readonly lambda: Float64Array;
  /** g_k = Σ_i w_i a_ik at the solution. */
  readonly moments: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** Kish effective sample size 1 / Σ w_i². */
  readonly effectiveSampleSize: number;
  /** KL divergence of the weights from the prior (nats). */
  readonly divergence: number;
}

/**
 * `a` is row-major n × k (a[i * k + j] = a_ij); `sigma` has k entries > 0.
 */
export function entropyWeights(
  a: Float64Array,
  n: number,
  k: number,
  sigma: ArrayLike<number>,
  options: EntropyWeightsOptions = {},
): EntropyWeightsResult {
  if (a.length !== n * k) throw new RangeError(`a has ${a.length} entries, expected ${n} × ${k}`);
  if (sigma.length !== k) throw new RangeError(`sigma has ${sigma.length} entries, expected ${k}`);
  for (let j = 0; j < k; j++)
    if (!(sigma[j] > 0)) throw new RangeError(`sigma[${j}] must be > 0, not ${sigma[j]}`);
  const side = new Int8Array(k);
  if (options.sides) {
    if (options.sides.length !== k)
      throw new RangeError(`sides has ${options.sides.length} entries, expected ${k}`);
    for (let j = 0; j < k; j++) {
      const sj = options.sides[j];
      if (sj !== 0 && sj !== 1 && sj !== -1)
        throw new RangeError(`sides[${j}] must be -1, 0 or 1, not ${sj}`);
      side[j] = sj;
    }
  }
  const logU = new Float64Array(n);
  let uSum = 0;
  for (let i = 0; i < n; i++) uSum += options.prior ? options.prior[i] : 1;
  for (let i = 0; i < n; i++) {
    const u = (options.prior ? options.prior[i] : 1) / uSum;
    logU[i] = u > 0 ? Math.log(u) : -Infinity;
  }
  const s2 = Float64Array.from(sigma, (s) => s * s);
  const lambda = new Float64Array(k);
  const w = new Float64Array(n);
  const grad = new Float64Array(k);
  const mean = new Float64Array(k);
  const hess = new Float64Array(k * k);
  const step = new Float64Array(k);
  const trial = new Float64Array(k);
  const piv = new Int32Array(k);
  /** 1 where a one-sided constraint's dual variable sits at its bound 0 with the gradient pointing out. */
  const held = new Uint8Array(k);
  /** The projection onto the dual's feasible set: s_j λ_j ≥ 0 for one-sided constraints. */
  const project = (lam: Float64Array) => {
    for (let j = 0; j < k; j++) if (side[j] !== 0 && side[j] * lam[j] < 0) lam[j] = 0;
  };

  /** The dual objective at λ; fills w (normalised weights) and mean (E_w[a]). */
  const evaluate = (lam: Float64Array): number => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      let z = logU[i];
      for (let j = 0; j < k; j++) z += lam[j] * a[i * k + j];
      w[i] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(w[i] - max);
      w[i] = e;
      sum += e;
    }
    mean.fill(0);
    for (let i = 0; i < n; i++) {
      w[i] /= sum;
      for (let j = 0; j < k; j++) mean[j] += w[i] * a[i * k + j];
    }
    let pen = 0;
    for (let j = 0; j < k; j++) pen += 0.5 * s2[j] * lam[j] * lam[j];
    return max + Math.log(sum) + pen;
  };

  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-10;
  let f = evaluate(lambda);
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    let gmax = 0;
    for (let j = 0; j < k; j++) {
      grad[j] = mean[j] + s2[j] * lambda[j];
      // blocked: at the bound, and descent (−grad) would leave the feasible side
      held[j] = side[j] !== 0 && side[j] * lambda[j] <= 0 && side[j] * grad[j] > 0 ? 1 : 0;
      if (!held[j]) gmax = Math.max(gmax, Math.abs(grad[j]));
    }
    if (gmax < tol) {
      converged = true;
      break;
    }
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      for (let p = 0; p < k; p++) {
        const dp = a[i * k + p] - mean[p];
        if (dp === 0) continue;
        for (let q = p; q < k; q++) hess[p * k + q] += wi * dp * (a[i * k + q] - mean[q]);
      }
    }
    for (let p = 0; p < k; p++) {
      hess[p * k + p] += s2[p];
      for (let q = 0; q < p; q++) hess[p * k + q] = hess[q * k + p];
    }
    // the held variables do not move: their rows and columns become the identity, their step 0
    for (let p = 0; p < k; p++) {
      if (!held[p]) continue;
      for (let q = 0; q < k; q++) hess[p * k + q] = hess[q * k + p] = 0;
      hess[p * k + p] = 1;
    }
    for (let j = 0; j < k; j++) step[j] = held[j] ? 0 : -grad[j];
    luFactor(hess, k, piv);
    luSolve(hess, k, piv, step);
    let slope = 0;
    for (let j = 0; j < k; j++) slope += grad[j] * step[j];
    if (!(slope < 0)) for (let j = 0; j < k; j++) step[j] = held[j] ? 0 : -grad[j];
    let t = 1;
    let accepted = false;
    if (-slope < 1e-12 * (1 + Math.abs(f))) {
      // the decrease is below the rounding of f: near the optimum Newton's full step is safe
      for (let j = 0; j < k; j++) lambda[j] += step[j];
      project(lambda);
      f = evaluate(lambda);
      continue;
    }
    for (let ls = 0; ls < 50; ls++) {
      for (let j = 0; j < k; j++) trial[j] = lambda[j] + t * step[j];
      project(trial);
      // Armijo along the projected path: the decrease the gradient promises for the step actually taken
      let moved = 0;
      for (let j = 0; j < k; j++) moved += grad[j] * (trial[j] - lambda[j]);
      const ft = evaluate(trial);
      if (ft <= f + 1e-4 * Math.min(moved, 0) || ft <= f) {
        lambda.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      // no decrease in floating point: converged if the gradient is at rounding level
      evaluate(lambda);
      converged = gmax < 1e-7;
      break;
    }
  }
  let sumSq = 0;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    sumSq += w[i] * w[i];
    if (w[i] > 0) kl += w[i] * (Math.log(w[i]) - logU[i]);
  }
  return {
    weights: Float64Array.from(w),
    lambda,
    moments: Float64Array.from(mean),
    iterations: it,
    converged,
    effectiveSampleSize: 1 / sumSq,
    divergence: kl,
  };
}
