/**
 * What the patient's scans taught the clinical model: for each patient parameter, its prior (the conditioned
 * population) and posterior (importance-weighted) median and 90 % interval, and whether the data informed it —
 * the posterior interval at most INFORMED_RATIO of the prior's width (on the log scale for positive
 * parameters) — and which parameters decide a candidate's outcome (rank correlation over the samples).
 */
import { seededRandom, weightedQuantile } from "../engine/statistics.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

/** A posterior interval narrower than this share of the prior's counts as informed by the data [Immunoplan choice]. */
export const INFORMED_RATIO = 0.7;
/** A parameter whose rank correlation with a candidate's outcome reaches this decides it [Immunoplan choice]. */
export const DECISIVE_CORRELATION = 0.3;
/**
 * Permutations of the outcomes between the distinct virtual patients for the chance level of the largest |ρ|
 * [Immunoplan choice: 200 give its 95th percentile within about ±0.03].
 */
export const DECISIVE_PERMUTATIONS = 200;

interface Quantiles {
  readonly median: number;
  readonly lower90: number;
  readonly upper90: number;
  readonly lower95: number;
  readonly upper95: number;
}

export interface ClinicalPosteriorEntry {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly prior: Quantiles;
  readonly posterior: Quantiles;
  readonly informedByData: boolean;
}

export const PATIENT_PARAMETERS: readonly {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly get: (vp: VirtualPatient) => number;
}[] = [
  {
    name: "vdt_days",
    description: "volume doubling time of untreated disease",
    unit: "day",
    get: (v) => v.covariates.vdt_days,
  },
  {
    name: "f_imm",
    description: "immune pressure at baseline (share of growth cancelled by killing)",
    unit: "1",
    get: (v) => v.fImm,
  },
  {
    name: "beta_pd1",
    description: "PD-1 block of killing (what anti-PD-1 can lift)",
    unit: "1",
    get: (v) => v.parameters.beta_pd1,
  },
  {
    name: "supp",
    description: "suppression (Treg/MDSC) of priming and killing",
    unit: "1",
    get: (v) => v.parameters.supp,
  },
  {
    name: "kmax",
    description: "largest per-cell killing rate by effectors",
    unit: "1/day",
    get: (v) => v.parameters.kmax,
  },
  {
    name: "kex",
    description: "exhaustion rate of effectors by antigen",
    unit: "1/day",
    get: (v) => v.parameters.kex,
  },
  {
    name: "kc",
    description: "chemotherapy kill per unit exposure",
    unit: "1/day",
    get: (v) => v.parameters.kc,
  },
  {
    name: "r0",
    description: "chemotherapy-resistant share of tumour cells at baseline",
    unit: "1",
    get: (v) => v.r0,
  },
  {
    name: "kclear",
    description: "clearance rate of dead tumour cells",
    unit: "1/day",
    get: (v) => v.parameters.kclear,
  },
];

function quantiles(x: readonly number[], w: ArrayLike<number>): Quantiles {
  return {
    median: weightedQuantile(x, w, 0.5),
    lower90: weightedQuantile(x, w, 0.05),
    upper90: weightedQuantile(x, w, 0.95),
    lower95: weightedQuantile(x, w, 0.025),
    upper95: weightedQuantile(x, w, 0.975),
  };
}

const width = (q: Quantiles) => (q.lower90 > 0 ? Math.log(q.upper90 / q.lower90) : q.upper90 - q.lower90);

export function posteriorSummary(
  vps: readonly VirtualPatient[],
  priorWeights: ArrayLike<number>,
  posteriorWeights: ArrayLike<number>,
): ClinicalPosteriorEntry[] {
  return PATIENT_PARAMETERS.map((p) => {
    const x = vps.map(p.get);
    const prior = quantiles(x, priorWeights);
    const posterior = quantiles(x, posteriorWeights);
    const wp = width(prior);
    return {
      name: p.name,
      description: p.description,
      unit: p.unit,
      prior,
      posterior,
      informedByData: wp > 0 && width(posterior) <= INFORMED_RATIO * wp,
    };
  });
}

function ranks(x: readonly number[]): number[] {
  const idx = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Array<number>(x.length);
  for (let k = 0; k < idx.length;) {
    let j = k;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[k]]) j++;
    for (let m = k; m <= j; m++) r[idx[m]] = (k + j) / 2;
    k = j + 1;
  }
  return r;
}

/** Spearman rank correlation (0 when either side is constant). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * The 95th percentile of the largest |ρ| over the patient parameters when the outcomes are shuffled between the
 * distinct virtual patients (a patient resampled k times keeps k equal outcomes): the |ρ| chance alone reaches in
 * one plan in twenty (a max-statistic permutation test over the parameters). The posterior of 100 samples holds
 * 20–45 distinct patients, many tied at elimination: chance alone gives the largest of nine |ρ| about 0.36.
 */
export function chanceCorrelation(
  vps: readonly VirtualPatient[],
  outcome: readonly number[],
  permutations = DECISIVE_PERMUTATIONS,
  seed = 1,
): number {
  const ids = [...new Set(vps.map((v) => v.id))];
  const index = new Map(ids.map((id, k) => [id, k]));
  const own = new Array<number>(ids.length);
  vps.forEach((v, i) => (own[index.get(v.id)!] = outcome[i]));
  const values = PATIENT_PARAMETERS.map((p) => vps.map(p.get));
  const rand = seededRandom(seed);
  const maxima: number[] = [];
  for (let r = 0; r < permutations; r++) {
    const perm = [...own];
    for (let k = perm.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [perm[k], perm[j]] = [perm[j], perm[k]];
    }
    const shuffled = vps.map((v) => perm[index.get(v.id)!]);
    maxima.push(Math.max(...values.map((x) => Math.abs(spearman(x, shuffled)))));
  }
  maxima.sort((a, b) => a - b);
  return maxima[Math.min(maxima.length - 1, Math.floor(0.95 * maxima.length))] ?? 0;
}

/**
 * Parameters whose values over the samples correlate with an outcome (e.g. final burden) by ≥ DECISIVE_CORRELATION
 * and by more than chance (chanceCorrelation). An association over the posterior, not a cause: a parameter that
 * varies with a decisive one in the calibrated population correlates too.
 */
export function decisiveParameters(
  vps: readonly VirtualPatient[],
  outcome: readonly number[],
): { name: string; correlation: number }[] {
  const ok = outcome.map((o, i) => (Number.isFinite(o) ? i : -1)).filter((i) => i >= 0);
  if (ok.length < 10) return [];
  const kept = ok.map((i) => vps[i]);
  const y = ok.map((i) => outcome[i]);
  const found = PATIENT_PARAMETERS.map((p) => ({
    name: p.name,
    correlation: spearman(kept.map(p.get), y),
  })).filter((d) => Math.abs(d.correlation) >= DECISIVE_CORRELATION);
  if (!found.length) return found;
  const chance = chanceCorrelation(kept, y);
  return found.filter((d) => Math.abs(d.correlation) > chance);
}
