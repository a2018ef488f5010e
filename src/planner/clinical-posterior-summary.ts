/**
 * What the patient's scans taught the clinical model: for each patient parameter, its prior (the conditioned
 * population) and posterior (importance-weighted) median and 90 % interval, and whether the data informed it —
 * the posterior interval at most INFORMED_RATIO of the prior's width (on the log scale for positive
 * parameters) — and which parameters decide a candidate's outcome (rank correlation over the samples).
 */
import { weightedQuantile } from "../engine/statistics.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

/** A posterior interval narrower than this share of the prior's counts as informed by the data [Immunoplan choice]. */
export const INFORMED_RATIO = 0.7;
/** A parameter whose rank correlation with a candidate's outcome reaches this decides it [Immunoplan choice]. */
export const DECISIVE_CORRELATION = 0.3;

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

/** Parameters whose values over the samples correlate with an outcome (e.g. final burden) by ≥ DECISIVE_CORRELATION. */
export function decisiveParameters(
  vps: readonly VirtualPatient[],
  outcome: readonly number[],
): { name: string; correlation: number }[] {
  const ok = outcome.map((o, i) => (Number.isFinite(o) ? i : -1)).filter((i) => i >= 0);
  if (ok.length < 10) return [];
  return PATIENT_PARAMETERS.map((p) => ({
    name: p.name,
    correlation: spearman(
      ok.map((i) => p.get(vps[i])),
      ok.map((i) => outcome[i]),
    ),
  })).filter((d) => Math.abs(d.correlation) >= DECISIVE_CORRELATION);
}
