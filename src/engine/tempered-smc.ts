/**
 * Sequential Monte Carlo with adaptive likelihood tempering and Metropolis moves (Del Moral, Doucet & Jasra 2006,
 * "Sequential Monte Carlo samplers", JRSS B 68:411; the next temperature chosen by bisection so that the effective
 * sample size of the incremental weights is a set share of the particles, Jasra et al. 2011, Scand J Stat 38:1).
 *
 * The target is π_β(c, y) ∝ p(c, y)·L(c, y)^β, β from 0 to 1, on a prior that is a mixture: c names a component and
 * y ∈ ℝ^d the continuous coordinates, p(y | c) a density the caller evaluates. At each stage the particles are
 * reweighted by L^Δβ, resampled (systematic) and moved by random-walk Metropolis on y with c held fixed, which leaves
 * π_β invariant. The proposal's SD per coordinate is the particles' spread around their components' centres (or the
 * prior's own scale where they have collapsed) times λ, and λ follows the acceptance rate towards 0.234 (Roberts,
 * Gelman & Gilks 1997). A likelihood of −∞ (a constraint the particle breaks) or a failed evaluation (null) has no
 * weight once β > 0 and is never accepted by a move.
 */
import { kishEss, systematicResample } from "./statistics.js";

export interface SmcParticle<P> {
  readonly component: number;
  readonly y: Float64Array;
  readonly logPrior: number;
  readonly logLik: number;
  readonly payload: P | null;
}

export interface TemperedSmcProblem<P> {
  /** log p(y | c), up to a constant; −∞ outside the support. */
  readonly logPrior: (component: number, y: Float64Array) => number;
  /**
   * The log-likelihood (−∞: a constraint broken) and what the caller keeps, or null when the evaluation failed, of
   * each point of a batch (one proposal per particle: the caller may evaluate them in parallel).
   */
  readonly evaluate: (
    points: readonly { readonly component: number; readonly y: Float64Array }[],
  ) => Promise<({ logLik: number; payload: P } | null)[]>;
  /** The centre of component c (proposal scale from the residuals y − centre); the coordinates' mean if absent. */
  readonly center?: (component: number) => Float64Array;
  /** The prior's own SD per coordinate within a component; 0: the coordinate is never moved. */
  readonly scale: Float64Array;
}

export interface TemperedSmcOptions {
  /** Particles after the first resampling (default 500). */
  readonly particles?: number;
  /** Each step keeps this share of the particles' effective sample size (default 0.5). */
  readonly essFraction?: number;
  /** Metropolis moves per particle and stage (default 3). */
  readonly moves?: number;
  /** Stop (not reaching β = 1) after this many stages or likelihood evaluations. */
  readonly maxStages?: number;
  readonly maxEvaluations?: number;
  readonly rand: () => number;
  readonly normal: (rand: () => number) => number;
}

export interface SmcStage {
  readonly beta: number;
  /** Effective sample size of the reweighted particles, before resampling. */
  readonly ess: number;
  readonly acceptance: number;
  /** Distinct particles after the moves, and the distinct components they belong to. */
  readonly distinct: number;
  readonly components: number;
}

export interface TemperedSmcResult<P> {
  /** Equally weighted particles of the last stage (after its moves). */
  readonly particles: SmcParticle<P>[];
  readonly stages: SmcStage[];
  readonly evaluations: number;
  /** β reached 1: the particles target the posterior; false when a budget stopped the run first. */
  readonly complete: boolean;
  /** log of the normalizing constant's estimate, Σ log mean incremental weight (the model evidence at β = 1). */
  readonly logEvidence: number;
}

/** Incremental weights exp(Δβ·ℓ) scaled by their largest; Δβ·(−∞) gives 0. */
function incremental(logLik: ArrayLike<number>, dBeta: number, out: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < logLik.length; i++) if (logLik[i] > max) max = logLik[i];
  if (max === -Infinity) {
    out.fill(0);
    return -Infinity;
  }
  for (let i = 0; i < logLik.length; i++) {
    const l = logLik[i];
    out[i] = l === -Infinity || Number.isNaN(l) ? 0 : Math.exp(dBeta * (l - max));
  }
  return dBeta * max;
}

export async function temperedSmc<P>(
  problem: TemperedSmcProblem<P>,
  initial: readonly SmcParticle<P>[],
  opts: TemperedSmcOptions,
): Promise<TemperedSmcResult<P>> {
  const n = opts.particles ?? 500;
  const fraction = opts.essFraction ?? 0.5;
  const moves = opts.moves ?? 3;
  const maxStages = opts.maxStages ?? 100;
  const maxEvaluations = opts.maxEvaluations ?? Infinity;
  const d = problem.scale.length;
  let particles = [...initial];
  let beta = 0;
  let evaluations = 0;
  let logEvidence = 0;
  let lambda = 2.38 / Math.sqrt(Math.max(1, problem.scale.filter((s) => s > 0).length));
  const stages: SmcStage[] = [];
  const sd = new Float64Array(d);
  while (beta < 1 && stages.length < maxStages && evaluations < maxEvaluations) {
    const ll = Float64Array.from(particles, (p) => p.logLik);
    const w = new Float64Array(particles.length);
    // the next β: the largest whose reweighting keeps ESS ≥ fraction × particles (1 when it does at 1)
    const target = fraction * particles.length;
    let next = 1;
    incremental(ll, 1 - beta, w);
    if (kishEss(w) < target) {
      let lo = 0;
      let hi = 1 - beta;
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        incremental(ll, mid, w);
        if (kishEss(w) >= target) lo = mid;
        else hi = mid;
      }
      next = beta + Math.max(lo, 1e-12);
    }
    const shift = incremental(ll, next - beta, w);
    let mean = 0;
    for (let i = 0; i < w.length; i++) mean += w[i];
    mean /= w.length;
    if (!(mean > 0)) break; // every particle breaks a constraint: no posterior
    logEvidence += shift + Math.log(mean);
    beta = next;
    const ess = kishEss(w);
    const idx = systematicResample(w, n, opts.rand());
    particles = Array.from(idx, (i) => particles[i]);
    // proposal SD per coordinate: the particles' spread around their centres, the prior's scale where collapsed
    const centers = particles.map((p) => problem.center?.(p.component));
    for (let k = 0; k < d; k++) {
      if (!(problem.scale[k] > 0)) {
        sd[k] = 0;
        continue;
      }
      let m = 0;
      for (let i = 0; i < n; i++) m += particles[i].y[k] - (centers[i]?.[k] ?? 0);
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (particles[i].y[k] - (centers[i]?.[k] ?? 0) - m) ** 2;
      const spread = Math.sqrt(v / n);
      sd[k] = spread > 0.05 * problem.scale[k] ? spread : problem.scale[k];
    }
    // each move proposes one point per particle, evaluated as a batch; the particles' chains are independent
    let accepted = 0;
    let proposed = 0;
    for (let m = 0; m < moves; m++) {
      const points: { component: number; y: Float64Array; i: number; lp: number }[] = [];
      for (let i = 0; i < n; i++) {
        const p = particles[i];
        const y = new Float64Array(d);
        for (let k = 0; k < d; k++)
          y[k] = sd[k] > 0 ? p.y[k] + lambda * sd[k] * opts.normal(opts.rand) : p.y[k];
        proposed++;
        const lp = problem.logPrior(p.component, y);
        if (lp === -Infinity || Number.isNaN(lp)) continue;
        points.push({ component: p.component, y, i, lp });
      }
      const results = await problem.evaluate(points);
      evaluations += points.length;
      for (let j = 0; j < points.length; j++) {
        const { i, y, lp } = points[j];
        const ev = results[j];
        const u = opts.rand();
        if (!ev || Number.isNaN(ev.logLik) || ev.logLik === -Infinity) continue;
        const p = particles[i];
        if (Math.log(u) < lp - p.logPrior + beta * (ev.logLik - p.logLik)) {
          particles[i] = { component: p.component, y, logPrior: lp, logLik: ev.logLik, payload: ev.payload };
          accepted++;
        }
      }
      if (evaluations >= maxEvaluations) break;
    }
    const acceptance = proposed ? accepted / proposed : 0;
    stages.push({
      beta,
      ess,
      acceptance,
      distinct: new Set(particles).size,
      components: new Set(particles.map((p) => p.component)).size,
    });
    lambda *= Math.exp(2 * (acceptance - 0.234));
  }
  return { particles, stages, evaluations, complete: beta >= 1, logEvidence };
}
