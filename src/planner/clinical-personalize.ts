/**
 * Personalization on the calibrated clinical model: the prior is the calibrated virtual population of the case's
 * cancer type conditioned on its record (case-population.ts); each virtual patient drawn from it is given the
 * patient's own lesions at the first scan used (the anchor), simulated through the treatments the record says
 * were given (history-protocol.ts) and compared with every later scan, on and off treatment; importance weights
 * (likelihood of the measured lesion diameters) make the posterior, whose effective sample size is reported. A scan
 * that shows no new lesion is information too: a virtual patient whose occult metastasis had reached a detectable
 * 10 mm by then (a new lesion, as the trials' readers report it: observe.ts) contradicts the record and gets no weight.
 * The posterior samples are the patients carried forward to the plan's day 0.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { kishEss, seededRandom, systematicResample, weightedQuantile } from "../engine/statistics.js";
import { drawWeighted } from "../population/arm-simulator.js";
import { NEW_LESION_MM } from "../population/observe.js";
import { carryForward, lesionsAt } from "../population/personal-patient.js";
import type { GroupCourse } from "../population/simulate-patient.js";
import type { VirtualPatient } from "../population/virtual-patient.js";
import type { Patient } from "../therapy/patient.js";
import { conditionedPrior, type ConditionedPrior } from "./case-population.js";
import type { HistoryProtocol } from "./history-protocol.js";
import { historyOf, LOOKBACK_DAYS, MODEL_SD, READER_SD } from "./history-likelihood.js";
import { simulateHistories } from "./pool.js";
import { LEAD_IN_AFTER_END_DAYS } from "./lead-in.js";
import { SMC_MOVES, smcPosterior, type PriorDraw } from "./clinical-smc.js";
import type { SmcStage } from "../engine/tempered-smc.js";
import { smoothedPrior, SMOOTHING_H } from "./smoothed-prior.js";
import { visibleOccultAsLesions, type ClinicalSample } from "./posterior-samples.js";
import { casePatient, PersonalizationError, tumorSeries, type TumorObservation } from "./personalize.js";
import { posteriorSummary, type ClinicalPosteriorEntry } from "./clinical-posterior-summary.js";

export type { ClinicalSample } from "./posterior-samples.js";
export { LOOKBACK_DAYS, MODEL_SD } from "./history-likelihood.js";

/**
 * Draws from the discrete conditioned prior (`smoothing: 0`) [Immunoplan choice]. With 1,000 the PD-1-refractory
 * melanoma example's posterior rested on 14 effective distinct patients, with 3,000 on 21, with 10,000 on 25 (4.6 s):
 * the rarer patients the scans favour are then drawn.
 */
export const DEFAULT_DRAWS = 10_000;
/**
 * Draws from the smoothed prior, each a distinct patient simulated once [Immunoplan choice]. Measured on 2026-12-01
 * (effective patients, seconds on one core): PD-1-refractory melanoma 27 / 39 / 62 with 2,000 / 3,000 / 4,000 draws
 * (6 / 8 / 10 s), progressing melanoma 77 / 116 with 2,000 / 3,000 — against 25 and 24 on the discrete population
 * with 10,000 draws. The NSCLC example stays at 1 (one patient explains its scans far better than any other).
 */
export const DEFAULT_SMOOTHED_DRAWS = 3000;
/** Fewest effective posterior draws for the posterior to count as converged [Immunoplan choice]. */
export const MIN_POSTERIOR_ESS = 20;
/** GFR for Calvert dosing when the record has none [assumption: normal renal function, mL/min]. */
const DEFAULT_GFR = 90;

export interface ScanCheck {
  readonly date: string;
  readonly day: number;
  readonly observedSldMm: number;
  /** Posterior predictive sum of diameters (model, without reader noise): median and 90 % interval. */
  readonly median: number;
  readonly lower90: number;
  readonly upper90: number;
  readonly inside: boolean;
}

export interface ClinicalPersonalization {
  readonly method: string;
  /** The case's patient as dosing reads it (weight, height; GFR assumed when the record has none). */
  readonly patient: Patient;
  readonly prior: Pick<ConditionedPrior, "cancer" | "file" | "applied" | "relaxed" | "ess" | "burden"> & {
    readonly conditions: readonly string[];
    readonly plausible: number;
  };
  readonly anchor: { readonly date: string; readonly lesions: number };
  /** A treatment before the first scan used, simulated from its start (lead-in.ts); null without one. */
  readonly leadIn: { readonly from: string; readonly days: number; readonly unmatched: number } | null;
  readonly history: Pick<HistoryProtocol, "simulated" | "notSimulated">;
  readonly observations: readonly TumorObservation[];
  readonly excluded: readonly { readonly date: string; readonly reason: string }[];
  /** Draws from the prior, the distinct virtual patients among them (each simulated once), and how many failed. */
  readonly drawn: number;
  readonly distinct: number;
  readonly failures: number;
  /** Kish effective sample size of the posterior weights over the distinct virtual patients drawn. */
  readonly ess: number;
  readonly converged: boolean;
  readonly posterior: readonly ClinicalPosteriorEntry[];
  /** Posterior predictive check of the patient's own scans. */
  readonly ppc: { readonly scans: readonly ScanCheck[]; readonly coverage90: number | null };
  readonly burdenAtStart: { readonly median: number; readonly lower95: number; readonly upper95: number };
  readonly samples: readonly ClinicalSample[];
  readonly notes: readonly string[];
  /** The sequential Monte Carlo run after a degenerate importance sampler (null: not needed or not allowed). */
  readonly smc: {
    readonly particles: number;
    readonly distinct: number;
    readonly simulations: number;
    /** The tempering reached the full likelihood within its budget. */
    readonly complete: boolean;
    /** The importance sampler's ESS that called for it. */
    readonly importanceEss: number;
    readonly stages: readonly SmcStage[];
  } | null;
}

export interface ClinicalPersonalizeOptions {
  readonly startDate: string;
  /** Posterior samples kept for planning (default 100). */
  readonly samples?: number;
  /**
   * Draws from the conditioned prior (default 3,000 on the smoothed prior, each simulated; 10,000 on the discrete
   * one, where each distinct virtual patient drawn is simulated once).
   */
  readonly draws?: number;
  readonly seed?: number;
  readonly vpopFile?: string;
  /** Kernel width of the smoothed prior (smoothed-prior.ts; default SMOOTHING_H); 0: the discrete population. */
  readonly smoothing?: number;
  /** Use this prior instead of the case's conditioned prior (prior sensitivity). */
  readonly prior?: ConditionedPrior;
  /**
   * Sample the posterior again by sequential Monte Carlo when importance sampling leaves fewer than
   * MIN_POSTERIOR_ESS effective patients (clinical-smc.ts; default true, smoothed prior only).
   */
  readonly smc?: boolean;
  readonly smcOptions?: { particles?: number; moves?: number; maxSimulations?: number };
  /** Worker threads for the simulations through the history (default: every core; 1: this thread). */
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** The case's posterior on the calibrated model, or null when its cancer type has no calibrated population. */
export async function personalizeClinical(
  c: CaseRecord,
  opts: ClinicalPersonalizeOptions,
): Promise<ClinicalPersonalization | null> {
  const series = tumorSeries(c, opts.startDate).filter((o) => o.day <= 0);
  const anchorSld = series.find((o) => o.day >= -LOOKBACK_DAYS)?.sldMm;
  const prior = opts.prior ?? conditionedPrior(c, opts.startDate, opts.vpopFile, anchorSld || undefined);
  if (!prior) return null;
  const patient: Patient = { ...casePatient(c), gfr_ml_min: DEFAULT_GFR };
  const historyInput = { caseRecord: c, startDate: opts.startDate, patient };
  const h0 = historyOf(historyInput);
  // the simulations through the history run on the planning pool's workers (pool.ts)
  const simulate = (members: readonly VirtualPatient[]) =>
    simulateHistories(historyInput, h0, members, { threads: opts.threads, signal: opts.signal });
  const {
    used,
    excluded,
    measured,
    ids,
    later,
    noNewLesion,
    firstNew,
    leadFrom,
    lead,
    off,
    history,
    dayIndex,
  } = h0;

  const rand = seededRandom(opts.seed ?? 1);
  const h = opts.smoothing ?? SMOOTHING_H;
  const nDraw = opts.draws ?? (h > 0 ? DEFAULT_SMOOTHED_DRAWS : DEFAULT_DRAWS);
  const drawn = drawWeighted(prior.weights, nDraw, rand);
  // the patients to simulate and their prior weights
  const draws: { vp: VirtualPatient; prior: number; member?: number; y?: Float64Array }[] = [];
  const kernel = h > 0 ? smoothedPrior(prior.patients, prior.weights, h) : null;
  if (kernel) {
    // smoothed prior (smoothed-prior.ts): every draw is a distinct patient near its member, of equal prior weight
    const jitterRand = seededRandom(((opts.seed ?? 1) * 2654435761 + 97) >>> 0);
    for (const i of drawn) {
      const y = kernel.draw(prior.patients[i], jitterRand);
      draws.push({ vp: kernel.decode(prior.patients[i], y), prior: 1, member: i, y });
    }
  } else {
    // the discrete prior: each member drawn stands once for its prior mass, the Horvitz–Thompson weight p_i / π_i
    // with π_i = 1 − (1 − p_i)^n its chance of being among n draws. Until 2026-12-01 a member drawn k times weighed k
    // (and counted k times in the ESS): the same posterior in expectation, but an ESS that grew with the draws
    // beyond the distinct patients
    let priorTotal = 0;
    for (let i = 0; i < prior.weights.length; i++) priorTotal += prior.weights[i];
    for (const i of [...new Set(drawn)].sort((x, y) => x - y)) {
      const p = prior.weights[i] / priorTotal;
      draws.push({
        vp: prior.patients[i],
        prior: p / -Math.expm1(nDraw * Math.log1p(-Math.min(p, 1 - 1e-15))),
      });
    }
  }
  const runs: {
    vp: VirtualPatient;
    course: GroupCourse;
    ll: number;
    /** Prior weight of the patient (1 on the smoothed prior; Horvitz–Thompson on the discrete one). */
    prior: number;
    /** An occult metastasis reached 10 mm by a scan that shows no new lesion. */
    newLesion: boolean;
  }[] = [];
  let failures = 0;
  let unmatched = 0;
  const simulated: PriorDraw[] = [];
  const results = await simulate(draws.map((d) => d.vp));
  draws.forEach((d, i) => {
    const r = results[i];
    if (!r) failures++;
    if (d.y) simulated.push({ member: d.member!, y: d.y, run: r });
    if (!r) return;
    if (!r.matched) unmatched++;
    runs.push({ vp: r.vp, course: r.course, ll: r.ll, prior: d.prior, newLesion: r.newLesion });
  });
  if (!runs.length)
    throw new PersonalizationError("imaging", "every simulation of the patient's history failed");
  // a virtual patient with a new lesion the scans do not show is excluded, unless every one has one (then the
  // condition is not applied, and the plan says so)
  const contradicted = runs.filter((r) => r.newLesion).length;
  const useNewLesions = noNewLesion.length > 0 && runs.some((r) => !r.newLesion);
  const kept = (r: (typeof runs)[number]) => !(useNewLesions && r.newLesion);
  const maxLl = Math.max(...runs.filter(kept).map((r) => r.ll));
  const w = Float64Array.from(runs, (r) => (kept(r) ? r.prior * Math.exp(r.ll - maxLl) : 0));
  const priorW = Float64Array.from(runs, (r) => r.prior);
  // Kish ESS over the distinct virtual patients: how many independent patients the posterior is worth
  const isEss = kishEss(w);
  // too few effective patients: the posterior is sampled again by sequential Monte Carlo (clinical-smc.ts)
  const smc =
    kernel && isEss < MIN_POSTERIOR_ESS && (opts.smc ?? true)
      ? await smcPosterior(
          simulate,
          prior.patients,
          kernel,
          simulated,
          useNewLesions,
          seededRandom(((opts.seed ?? 1) * 40503 + 11) >>> 0),
          opts.smcOptions,
        )
      : null;
  const post: readonly { vp: VirtualPatient; course: GroupCourse }[] = smc ? smc.runs : runs;
  const postW = smc ? new Float64Array(smc.runs.length).fill(1) : w;
  // after the sequential Monte Carlo: the last reweighting's ESS, at most the distinct patients its moves left
  const ess = smc ? Math.min(smc.stages.at(-1)?.ess ?? 0, smc.distinct) : isEss;
  const nSamples = opts.samples ?? 100;
  // systematic resampling (Kitagawa 1996): one uniform, n evenly spaced positions on the weights' cumulative sum
  const chosen = systematicResample(postW, nSamples, rand());
  const samples = chosen.map((k) => visibleOccultAsLesions(carryForward(post[k].vp, post[k].course)));
  const viable = post.map((r) => {
    const f = r.course.final;
    return (f.Ss ?? 0) + (f.Rs ?? 0) + (f.Qs ?? 0) + (f.Sl ?? 0) + (f.Rl ?? 0) + (f.Ql ?? 0);
  });
  const ppcScans: ScanCheck[] = used.map((o, j) => {
    const idx = j === 0 ? dayIndex(lead) : dayIndex(o.day + off);
    const sld = post.map((r) => lesionsAt(r.vp, r.course, idx).reduce((a, b) => a + b, 0));
    const lo = weightedQuantile(sld, postW, 0.05);
    const hi = weightedQuantile(sld, postW, 0.95);
    const observed = later[j - 1]
      ? ids.reduce((a, id) => a + (later[j - 1].diameters.get(id) ?? 0), 0)
      : measured.reduce((a, m) => a + m.diameterMm, 0);
    return {
      date: o.date,
      day: o.day,
      observedSldMm: observed,
      median: weightedQuantile(sld, postW, 0.5),
      lower90: lo,
      upper90: hi,
      // the model's band plus the reader's 95 % limits of agreement on a sum (Yoon 2016: ±19.5 %)
      inside: observed >= lo / 1.195 && observed <= hi * 1.195,
    };
  });
  const checked = ppcScans.slice(1);
  const notes = [
    ...(lead > 0
      ? [
          `treatment before the first scan used: simulated from ${leadFrom} (${lead} days before it), each virtual patient's lesions scaled so that its sum of diameters on ${used[0].date} is the measured one${unmatched ? ` (${unmatched} of ${draws.length - failures} could not reach it with lesions 1/8–8 times the measured diameters: their reading of that scan weighs against them)` : ""}`,
        ]
      : []),
    ...history.notSimulated.map((n) => `not simulated: ${n}`),
    ...(prior.relaxed.length
      ? [`too few virtual patients share every condition of the record: relaxed ${prior.relaxed.join(", ")}`]
      : []),
    ...(noNewLesion.length === 0
      ? []
      : useNewLesions
        ? [
            `${contradicted} of ${draws.length - failures} virtual patients had an occult metastasis reach ${NEW_LESION_MM} mm (a new lesion) by a scan that shows none: excluded`,
          ]
        : [
            `every virtual patient had an occult metastasis reach ${NEW_LESION_MM} mm (a new lesion) by a scan that shows none: the absence of new lesions on the scans is not used`,
          ]),
    ...(smc
      ? [
          `the importance weights rested on ${isEss.toFixed(1)} effective patients: the posterior was sampled again by sequential Monte Carlo, whose ${smc.distinct} distinct final patients lie near ${smc.stages.at(-1)?.components ?? 0} member(s) of the population — the scans single out patients like them; other kinds of patient the population holds were not found to explain the scans`,
        ]
      : []),
    ...(firstNew >= 0
      ? [
          `the scans from ${later[firstNew].obs.date} show a new lesion: the posterior does not place it (only the measured target lesions)`,
        ]
      : []),
  ];
  return {
    method: `importance sampling: ${nDraw} draws (${draws.length} distinct virtual patients) from the calibrated ${prior.cancer} population conditioned on the record, each given the patient's lesions at the first scan used${lead > 0 ? ` (scaled back to ${leadFrom}, the start of a treatment that ended less than ${LEAD_IN_AFTER_END_DAYS} days before that scan, so that the simulated sum of diameters matches it)` : ""}, simulated through the recorded treatments and weighted by the likelihood of every later lesion measurement (log-normal: reader SD ${READER_SD} [Yoon 2016] and model SD ${MODEL_SD} [assumption]) and excluded when an occult metastasis reaches ${NEW_LESION_MM} mm by a scan that shows no new lesion${h > 0 ? `, each moved by the shrinkage kernel of Liu & West 2001 (h = ${h}) so that every draw is a distinct patient of a smoothed prior` : "; each distinct patient weighs its prior mass over its chance of being drawn (Horvitz–Thompson)"}${smc ? `; the weights left ${isEss.toFixed(1)} effective patients (< ${MIN_POSTERIOR_ESS}), so the posterior was sampled again by sequential Monte Carlo (Del Moral, Doucet & Jasra 2006): from those draws, ${smc.particles} particles brought through ${smc.stages.length} tempering steps of the likelihood${smc.complete ? "" : " (stopped at its budget before the full likelihood: not the posterior)"}, each step ${SMC_MOVES} Metropolis moves of every patient within its member's kernel, ${smc.simulations.toLocaleString("en")} further simulations; ${smc.distinct} distinct patients at the end, near ${smc.stages.at(-1)?.components ?? 0} members of the population` : ""}; ${nSamples} samples resampled in proportion to the weights`,
    patient,
    prior: {
      cancer: prior.cancer,
      file: prior.file,
      applied: prior.applied,
      relaxed: prior.relaxed,
      ess: prior.ess,
      burden: prior.burden,
      conditions: prior.conditions.sources,
      plausible: prior.patients.length,
    },
    anchor: { date: used[0].date, lesions: measured.length },
    leadIn: lead > 0 ? { from: leadFrom!, days: lead, unmatched } : null,
    history: { simulated: history.simulated, notSimulated: history.notSimulated },
    observations: used,
    excluded,
    drawn: nDraw,
    distinct: draws.length,
    failures,
    ess,
    converged: ess >= MIN_POSTERIOR_ESS && (!smc || smc.complete),
    // with the sequential Monte Carlo the prior is the importance sampler's draws, the posterior its particles
    posterior: smc
      ? posteriorSummary(
          [...runs, ...smc.runs].map((r) => r.vp),
          Float64Array.from([...priorW, ...smc.runs.map(() => 0)]),
          Float64Array.from([...runs.map(() => 0), ...smc.runs.map(() => 1)]),
        )
      : posteriorSummary(
          runs.map((r) => r.vp),
          priorW,
          w,
        ),
    smc: smc
      ? {
          particles: smc.particles,
          distinct: smc.distinct,
          simulations: smc.simulations,
          complete: smc.complete,
          importanceEss: isEss,
          stages: smc.stages,
        }
      : null,
    ppc: {
      scans: ppcScans,
      coverage90: checked.length ? checked.filter((s) => s.inside).length / checked.length : null,
    },
    burdenAtStart: {
      median: weightedQuantile(viable, postW, 0.5),
      lower95: weightedQuantile(viable, postW, 0.025),
      upper95: weightedQuantile(viable, postW, 0.975),
    },
    samples,
    notes,
  };
}
