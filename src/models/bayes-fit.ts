/**
 * Bayesian fit of a growth model to one subject's series: priors on the parameters (log-normal for positive ones,
 * normal otherwise), a normal likelihood of the weighted residuals with unknown σ (prior ∝ 1/σ), sampled by
 * random-walk Metropolis started at the least-squares optimum, with R-hat and effective sample sizes, and
 * posterior predictive bands. Seeded and reproducible.
 */
import { levenbergMarquardt, multiStartLeastSquares } from "../engine/least-squares.js";
import { metropolis } from "../engine/mcmc.js";
import { quantileSorted } from "../engine/statistics.js";
import { growthResiduals, type FitOptions, type Series } from "./growth-fit.js";
import { type GrowthModel } from "./growth-models.js";

export interface Prior {
  /** Median (log-normal) or mean (normal) of the prior. */
  readonly center: number;
  /** Standard deviation on the log scale (log-normal) or the natural scale (normal). */
  readonly sd: number;
  readonly source: string;
}

export interface BayesOptions extends FitOptions {
  /** Priors by parameter name; others get a weak default (log-normal, median at the model's start, sd 2.5). */
  readonly priors?: Readonly<Record<string, Prior>>;
  readonly chains?: number;
  readonly warmup?: number;
  readonly samples?: number;
}

export interface PosteriorSummary {
  readonly median: number;
  readonly lower95: number;
  readonly upper95: number;
  readonly rhat: number;
  readonly ess: number;
  readonly prior: Prior;
}

export interface BayesGrowthFit {
  readonly id: string;
  readonly model: string;
  readonly parameters: Record<string, PosteriorSummary>;
  readonly sigma: { median: number; lower95: number; upper95: number };
  readonly acceptance: readonly number[];
  /** Posterior draws of the fitted parameters (all chains, thinned to at most 1000). */
  readonly draws: readonly (readonly number[])[];
  readonly converged: boolean;
  /** V(t) at times t for a posterior draw. */
  predict(draw: readonly number[], t: number): number;
}

export function bayesFitGrowth(model: GrowthModel, s: Series, opts: BayesOptions = {}): BayesGrowthFit {
  const g = growthResiduals(model, s, opts);
  const { lower, upper } = g.problem;
  const d = g.names.length;
  const logScale = g.names.map((_, j) => lower[j] >= 0);
  const priors: Prior[] = g.names.map(
    (name, j) =>
      opts.priors?.[name] ??
      (logScale[j]
        ? {
            center: g.start[j],
            sd: 2.5,
            source: "weakly informative default (log-normal, sd 2.5 on the log scale)",
          }
        : { center: 0, sd: 10, source: "weakly informative default (normal, sd 10)" }),
  );
  for (const [name] of Object.entries(opts.priors ?? {}))
    if (!g.names.includes(name))
      throw new RangeError(`prior for '${name}': not a parameter (${g.names.join(", ")})`);
  // start at the least-squares optimum
  const ls = multiStartLeastSquares(g.problem, g.start, g.startRange, { starts: 4, seed: opts.seed ?? 1 });
  const opt = levenbergMarquardt(g.problem, ls.theta);
  const toPhi = (theta: readonly number[]) =>
    theta.map((x, j) => (logScale[j] ? Math.log(Math.max(x, 1e-300)) : x));
  const phi0 = [...toPhi(opt.theta), Math.log(Math.sqrt(Math.max(opt.ssr / g.n, 1e-300)))];
  const cov = phi0.map((_, i) =>
    phi0.map((__, j) => {
      if (i === d || j === d) return i === j ? 0.5 / g.n : 0;
      const c = opt.covariance[i][j];
      const scale = (logScale[i] ? 1 / opt.theta[i] : 1) * (logScale[j] ? 1 / opt.theta[j] : 1);
      const v = c * scale;
      return Number.isFinite(v) ? v : i === j ? 0.01 : 0;
    }),
  );
  for (let i = 0; i < d; i++) cov[i][i] = Math.min(Math.max(cov[i][i], 1e-10), 1);
  const theta = new Float64Array(d);
  const r = new Float64Array(g.n);
  const logDensity = (x: Float64Array) => {
    let lp = 0;
    for (let j = 0; j < d; j++) {
      theta[j] = logScale[j] ? Math.exp(x[j]) : x[j];
      if (!(theta[j] >= lower[j] && theta[j] <= upper[j])) return -Infinity;
      const p = priors[j];
      const z = logScale[j] ? (x[j] - Math.log(p.center)) / p.sd : (x[j] - p.center) / p.sd;
      lp -= 0.5 * z * z;
    }
    g.problem.residuals(theta, r);
    let ssr = 0;
    for (let i = 0; i < g.n; i++) ssr += r[i] * r[i];
    if (!Number.isFinite(ssr)) return -Infinity;
    const logSigma = x[d];
    // normal likelihood; prior on σ ∝ 1/σ is flat in log σ
    return lp - g.n * logSigma - ssr / (2 * Math.exp(2 * logSigma));
  };
  const res = metropolis(logDensity, phi0, {
    chains: opts.chains ?? 4,
    warmup: opts.warmup ?? 2000,
    samples: opts.samples ?? 2000,
    seed: opts.seed ?? 1,
    proposalCovariance: cov,
    dispersion: 1,
  });
  const all = res.draws.flat();
  const natural = all.map((x) => x.slice(0, d).map((v, j) => (logScale[j] ? Math.exp(v) : v)));
  const summary = (k: number, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      median: quantileSorted(sorted, 0.5),
      lower95: quantileSorted(sorted, 0.025),
      upper95: quantileSorted(sorted, 0.975),
      k,
    };
  };
  const parameters = Object.fromEntries(
    g.names.map((name, j) => {
      const q = summary(
        j,
        natural.map((x) => x[j]),
      );
      return [
        name,
        {
          median: q.median,
          lower95: q.lower95,
          upper95: q.upper95,
          rhat: res.rhat[j],
          ess: res.ess[j],
          prior: priors[j],
        },
      ];
    }),
  );
  const sig = summary(
    d,
    all.map((x) => Math.exp(x[d])),
  );
  const step = Math.max(1, Math.floor(natural.length / 1000));
  return {
    id: s.id,
    model: model.name,
    parameters,
    sigma: { median: sig.median, lower95: sig.lower95, upper95: sig.upper95 },
    acceptance: res.acceptance,
    draws: natural.filter((_, i) => i % step === 0),
    converged: res.rhat.every((x) => x < 1.05) && res.ess.every((x) => x > 100),
    predict: (draw, t) => g.predict(draw, t),
  };
}

/** Posterior predictive quantiles of V(t) (the model's mean curve, without measurement noise). */
export function predictionBand(
  fit: BayesGrowthFit,
  times: readonly number[],
  probs: readonly number[] = [0.05, 0.5, 0.95],
): { t: number; quantiles: number[] }[] {
  return times.map((t) => {
    const v = fit.draws.map((d) => fit.predict(d, t)).sort((a, b) => a - b);
    return { t, quantiles: probs.map((p) => quantileSorted(v, p)) };
  });
}
