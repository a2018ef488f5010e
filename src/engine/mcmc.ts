/**
 * Random-walk Metropolis with a multivariate normal proposal whose scale adapts during warm-up (target acceptance
 * 0.234, Roberts–Gelman–Gilks), several seeded chains, and the usual diagnostics: split R-hat (Gelman et al.,
 * BDA3 §11.4) and the effective sample size from the chains' autocorrelations (Geyer's initial positive sequence).
 */
import { mean, sampleVariance as variance, seededRandom, standardNormal } from "./statistics.js";

export interface MetropolisOptions {
  readonly chains?: number;
  readonly warmup?: number;
  readonly samples?: number;
  readonly seed?: number;
  /** Proposal covariance (d × d) before scaling; the identity × 0.01 by default. */
  readonly proposalCovariance?: readonly (readonly number[])[];
  /** Spread of the chains' start points around `start`, in proposal standard deviations. Default 1. */
  readonly dispersion?: number;
}

export interface McmcResult {
  /** Post-warm-up draws per chain: chains × samples × d. */
  readonly draws: number[][][];
  readonly acceptance: number[];
  readonly rhat: number[];
  readonly ess: number[];
}

function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const L = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  return L;
}

export function metropolis(
  logDensity: (x: Float64Array) => number,
  start: readonly number[],
  opts: MetropolisOptions = {},
): McmcResult {
  const d = start.length;
  const nChains = opts.chains ?? 4;
  const warmup = opts.warmup ?? 1000;
  const nSamples = opts.samples ?? 1000;
  const base = opts.proposalCovariance ?? start.map((_, i) => start.map((__, j) => (i === j ? 0.01 : 0)));
  const L =
    cholesky(base) ?? cholesky(base.map((row, i) => row.map((v, j) => (i === j ? Math.max(v, 1e-8) : 0))))!;
  const draws: number[][][] = [];
  const acceptance: number[] = [];
  const x = new Float64Array(d);
  const y = new Float64Array(d);
  const z = new Float64Array(d);
  for (let c = 0; c < nChains; c++) {
    const rand = seededRandom((opts.seed ?? 1) * 7919 + c * 104729 + 1);
    let scale = 2.38 / Math.sqrt(d);
    const propose = (from: Float64Array, to: Float64Array, s: number) => {
      for (let i = 0; i < d; i++) z[i] = standardNormal(rand);
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let k = 0; k <= i; k++) v += L[i][k] * z[k];
        to[i] = from[i] + s * v;
      }
    };
    // dispersed start: try a few times to find a point with finite density
    let lp = -Infinity;
    for (let tries = 0; tries < 100 && !Number.isFinite(lp); tries++) {
      x.set(start);
      if (tries < 99) propose(x, y, opts.dispersion ?? 1);
      else y.set(start);
      lp = logDensity(y);
      if (Number.isFinite(lp)) x.set(y);
    }
    if (!Number.isFinite(lp))
      throw new RangeError("metropolis: the log density is not finite at the start point");
    const chain: number[][] = [];
    let accepted = 0;
    let windowAccepted = 0;
    for (let it = 0; it < warmup + nSamples; it++) {
      propose(x, y, scale);
      const lq = logDensity(y);
      if (Number.isFinite(lq) && Math.log(rand()) < lq - lp) {
        x.set(y);
        lp = lq;
        if (it >= warmup) accepted++;
        else windowAccepted++;
      }
      if (it < warmup && (it + 1) % 50 === 0) {
        // Robbins–Monro style adaptation of the global scale toward 23.4 % acceptance
        scale *= Math.exp((windowAccepted / 50 - 0.234) * 2);
        windowAccepted = 0;
      }
      if (it >= warmup) chain.push(Array.from(x));
    }
    draws.push(chain);
    acceptance.push(accepted / nSamples);
  }
  return { draws, acceptance, rhat: splitRhat(draws), ess: effectiveSampleSize(draws) };
}

/** Split R-hat per dimension: each chain is halved, then the Gelman–Rubin statistic over the halves. */
export function splitRhat(draws: readonly (readonly (readonly number[])[])[]): number[] {
  const d = draws[0]?.[0]?.length ?? 0;
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const halves: number[][] = [];
    for (const ch of draws) {
      const n = ch.length >> 1;
      halves.push(
        ch.slice(0, n).map((x) => x[k]),
        ch.slice(n, 2 * n).map((x) => x[k]),
      );
    }
    const n = halves[0].length;
    const means = halves.map(mean);
    const W = mean(halves.map(variance));
    const B = n * variance(means);
    const varPlus = ((n - 1) / n) * W + B / n;
    out.push(W > 0 ? Math.sqrt(varPlus / W) : 1);
  }
  return out;
}

/** Effective sample size per dimension (BDA3 §11.5, Geyer's initial positive sequence on the combined chains). */
export function effectiveSampleSize(draws: readonly (readonly (readonly number[])[])[]): number[] {
  const d = draws[0]?.[0]?.length ?? 0;
  const m = draws.length;
  const n = draws[0]?.length ?? 0;
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const chains = draws.map((ch) => ch.map((x) => x[k]));
    const means = chains.map(mean);
    const W = mean(chains.map(variance));
    const B = n * variance(means.length > 1 ? means : [means[0], means[0]]);
    const varPlus = ((n - 1) / n) * W + (m > 1 ? B / n : 0);
    if (!(varPlus > 0)) {
      out.push(m * n);
      continue;
    }
    const rho = (lag: number) => {
      let v = 0;
      for (let c = 0; c < m; c++) {
        const ch = chains[c];
        const mu = means[c];
        let s = 0;
        for (let i = 0; i + lag < n; i++) s += (ch[i] - mu) * (ch[i + lag] - mu);
        v += s / n;
      }
      return 1 - (W - v / m) / varPlus;
    };
    let sum = 0;
    for (let t = 1; t + 1 < n; t += 2) {
      const pair = rho(t) + rho(t + 1);
      if (pair < 0) break;
      sum += pair;
    }
    out.push((m * n) / (1 + 2 * sum));
  }
  return out;
}
