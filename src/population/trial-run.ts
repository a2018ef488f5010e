/**
 * An in-silico trial: each arm's patients simulated by the arm simulator at the trial's scan schedule, their
 * responses read as the trial read them (patient-outcome.ts), the arm outcomes and two-arm differences
 * (trial-outcomes.ts), and every published end point set against its simulated value.
 *
 * `within`: inside the published confidence interval when one is published; otherwise within `tolerance`
 * (default ±0.05 for proportions — issue 13's "±5 points" —, ±1 month for median PFS, ±10 % (at least 1 month) for
 * median OS, ±0.1 for hazard ratios).
 *
 * Overall survival (median_OS_months, OS_<n>mo, OS_HR) comes from overall-survival.ts, censored at the published
 * number's data cut, else at the trial's `assessment.os_follow_up_weeks`, else at catalog/survival.yaml's default
 * (5 years) or just after the latest published OS landmark, whichever is later.
 */
import { simulatorEvidence, type ArmEvidence } from "./arm-evidence.js";
import { defaultTolerance, withinInterval, withinPublished } from "./published-within.js";
import { reviewEffect, toCentral } from "./central-review.js";
import {
  predictionInterval,
  shippedModelError,
  survivalPrediction,
  withPredictions,
  type OutOfSampleError,
} from "./model-error.js";
import { assessmentSettings, readKey, readOf, readSettings } from "./published-read.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import type { Trial } from "./trial-file.js";
import { overallSurvival, survivalModel, type SurvivalOutcome } from "./overall-survival.js";
import { evaluateCourse, type PatientOutcome } from "./patient-outcome.js";
import { scanDays } from "./scan-schedule.js";
import { osFollowUpDays, survivalValue, type SurvivalRead } from "./trial-survival.js";
import {
  compareArms,
  dorKaplanMeier,
  hazardRatio,
  pfsAt,
  pfsKaplanMeier,
  summarizeArm,
  type ArmDifference,
  type ArmOutcomes,
} from "./trial-outcomes.js";
import { CANCER_TYPES, type ArmSimulator, type SimulatedCourse, type TrialPopulation } from "./types.js";

export interface TrialRunOptions {
  /** Overrides every arm's number of patients. */
  readonly patients?: number;
  readonly seed?: number;
  /**
   * Every arm given to the same virtual patients with the same reader noise (common random numbers): the
   * population's own difference between arms, not a trial's. Default false: arms draw different patients.
   */
  readonly paired?: boolean;
  /** Called after each simulated patient, over all arms. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Comparison {
  /** The arm, or the pooled arms joined by " + ". */
  readonly arm: string;
  readonly endpoint: string;
  /** The published value; null for a median not reached (`not_reached`). */
  readonly published: number | null;
  readonly not_reached?: true;
  readonly ci: [number, number | null] | null;
  readonly simulated: number | null;
  /** Whether the simulated value is within the published CI (or the tolerance); null when not simulated. */
  readonly within: boolean | null;
  readonly simulated_ci: [number | null, number | null] | null;
  /**
   * 95 % prediction interval of the published number from the model (model-error.ts): the simulation at the
   * trial's own size widened by the model's leave-one-trial-out error; absent for hazard ratios, OS, DCR and DRR.
   */
  readonly prediction_interval?: [number | null, number | null];
  /** Whether the published value lies inside the prediction interval (null when there is none). */
  readonly within_prediction?: boolean | null;
  readonly rule: string;
  readonly versus?: string;
  readonly ci_level?: number;
  readonly certainty?: string;
  /** The trial file's note on the published number. */
  readonly note?: string;
  /** The published number's data cut: the simulated value reads only the scans up to it. */
  readonly data_cut_weeks?: number;
  /** Response criteria of the published number, when the file names them (they may differ from the trial's). */
  readonly criteria?: string;
  /**
   * A centrally reviewed number (central-review.ts): `simulated` and `simulated_ci` are on the central scale, the
   * investigator-read simulated value was `investigator`.
   */
  readonly central_review?: {
    readonly odds_ratio: number;
    readonly investigator: number | null;
    readonly source: string;
  };
  /**
   * For a median PFS: the simulated PFS at the published median, with its CI (50 % if the curves agree there). Less
   * fragile than the simulated median when the curve stays near 50 % for several scans.
   */
  readonly pfs_at_published_median?: {
    readonly value: number | null;
    readonly ci: [number | null, number | null];
  };
}

export interface TrialResult {
  readonly trial: string;
  readonly source: string;
  readonly criteria: string;
  readonly confirm: boolean;
  readonly seed: number;
  readonly scan_days: number[];
  readonly arms: ArmOutcomes[];
  readonly comparisons: Comparison[];
  /** Every pair of arms, the first listed against the later one. */
  readonly differences: ArmDifference[];
  /** The model's out-of-sample error behind the prediction intervals (model-error.ts). */
  readonly model_error: OutOfSampleError;
  readonly warnings: string[];
  /** Per arm, the calibration or label trials behind its agents and combination (arm-evidence.ts). */
  readonly evidence?: ArmEvidence[];
}

export { withinPublished } from "./published-within.js";

/** A trial that cannot be simulated (bad input: exit 2). */
export class TrialInputError extends Error {
  override readonly name = "TrialInputError";
}

function simulatedValue(
  p: PublishedEndpoint,
  pooled: readonly PatientOutcome[],
  arm: ArmOutcomes,
  byArm: ReadonlyMap<string, PatientOutcome[]>,
): { value: number | null; ci: [number | null, number | null] | null } {
  const e = p.endpoint;
  const est = (x: { value: number | null; ci: [number | null, number | null] }) => ({
    value: x.value,
    ci: x.ci,
  });
  if (e === "ORR" || e === "CR" || e === "PR" || e === "DCR" || e === "DRR") return est(arm[e]);
  if (e === "SD" || e === "PD") return { value: pooled.length ? arm.bor[e] / pooled.length : null, ci: null };
  if (e === "median_PFS_months") return est(arm.median_PFS_months);
  if (e === "median_DOR_months") return est(arm.median_DOR_months);
  const lm = LANDMARK.exec(e);
  if (lm && lm[1] === "PFS") return est(pfsAt(pfsKaplanMeier(pooled), Number(lm[2])));
  if (lm && lm[1] === "DOR") {
    const km = dorKaplanMeier(pooled);
    return km.n > 0 ? est(pfsAt(km, Number(lm[2]))) : { value: null, ci: null };
  }
  if (e === "PFS_HR" && p.versus !== undefined) {
    const hr = hazardRatio(pooled, byArm.get(p.versus) ?? []);
    return hr ? { value: hr.value, ci: hr.ci } : { value: null, ci: null };
  }
  return { value: null, ci: null }; // OS end points: survivalValue
}

/** The data cut of a published number (weeks), when the file gives one. */
const dataCutWeeks = (p: PublishedEndpoint): number | undefined =>
  (p as { data_cut_weeks?: number }).data_cut_weeks;

function compare(
  p: PublishedEndpoint,
  byArm: ReadonlyMap<string, PatientOutcome[]>,
  reviewer: string | undefined,
  os: SurvivalRead,
  prediction: { readonly sizes: ReadonlyMap<string, number>; readonly error: OutOfSampleError },
): Comparison {
  const names = Array.isArray(p.arm) ? p.arm : [p.arm];
  const pooled = names.flatMap((n) => byArm.get(n) ?? []);
  // the pooled arm's outcomes, summarized once (its value and, for a median, its curve)
  const pooledArm = /OS/.test(p.endpoint) ? null : summarizeArm("pooled", pooled);
  const read = pooledArm ? simulatedValue(p, pooled, pooledArm, byArm) : survivalValue(p, names, os);
  // a centrally reviewed number is set against the simulated (investigator-read) one on the central scale
  const review = reviewEffect(p, reviewer);
  const central = (x: number | null) => (x === null || !review ? x : toCentral(x, review));
  const sim = review
    ? {
        value: central(read.value),
        ci: read.ci && ([central(read.ci[0]), central(read.ci[1])] as [number | null, number | null]),
      }
    : read;
  const within = withinPublished(p, sim.value);
  const rule = p.not_reached
    ? "needs a simulated median not reached too"
    : p.ci
      ? `inside the published ${+((p.ci_level ?? 0.95) * 100).toPrecision(3)} % CI`
      : `within ±${Number((p.tolerance ?? defaultTolerance(p.endpoint, p.value)).toPrecision(6))} of the published value`;
  const ruleText = /OS/.test(p.endpoint)
    ? `${rule} (overall survival: the tumour-dynamics survival model, catalog/survival.yaml)`
    : rule;
  const atMedian =
    p.endpoint === "median_PFS_months" && !p.not_reached ? pfsAt(pfsKaplanMeier(pooled), p.value) : null;
  const trialN = names.reduce((s, n) => s + (prediction.sizes.get(n) ?? 0), 0);
  const pi = /OS/.test(p.endpoint)
    ? survivalPrediction(p, names, read, os, prediction.sizes)
    : predictionInterval(
        p.endpoint,
        { value: read.value, ci: read.ci ?? [null, null] },
        p.endpoint === "median_PFS_months" ? pooledArm!.pfs_curve : null,
        pooled.length,
        trialN,
        prediction.error,
      );
  const piReported = pi && ([central(pi[0]), central(pi[1])] as [number | null, number | null]);
  return {
    arm: names.join(" + "),
    endpoint: p.endpoint,
    published: p.not_reached ? null : p.value,
    ...(p.not_reached ? { not_reached: true as const } : {}),
    ci: p.ci ?? null,
    simulated: sim.value === null ? null : Math.round(sim.value * 1e4) / 1e4,
    within,
    simulated_ci: sim.ci,
    ...(piReported
      ? {
          prediction_interval: piReported,
          // a median not reached lies in a prediction interval that is open above
          within_prediction: p.not_reached ? piReported[1] === null : withinInterval(p, piReported),
        }
      : {}),
    rule: ruleText,
    ...(p.versus !== undefined ? { versus: p.versus } : {}),
    ...(p.ci_level !== undefined ? { ci_level: p.ci_level } : {}),
    ...(p.certainty !== undefined ? { certainty: p.certainty } : {}),
    ...(p.note !== undefined ? { note: p.note } : {}),
    ...(dataCutWeeks(p) !== undefined ? { data_cut_weeks: dataCutWeeks(p) } : {}),
    ...(p.criteria !== undefined ? { criteria: p.criteria } : {}),
    ...(atMedian ? { pfs_at_published_median: { value: atMedian.value, ci: atMedian.ci } } : {}),
    ...(review
      ? {
          central_review: {
            odds_ratio: review.or,
            investigator: read.value === null ? null : Math.round(read.value * 1e4) / 1e4,
            source: review.source,
          },
        }
      : {}),
  };
}

/** The population block as the simulator takes it (the cancer type must have a virtual population). */
export function simulatorPopulation(trial: Trial): TrialPopulation {
  const pop = trial.document.population;
  if (!(CANCER_TYPES as readonly string[]).includes(pop.cancer))
    throw new TrialInputError(
      `${trial.file}: population.cancer: no virtual population for ${pop.cancer} (simulated cancer types: ${CANCER_TYPES.join(", ")})`,
    );
  const { baseline_sum_mm: _b, notes: _n, ...rest } = pop;
  return rest as TrialPopulation;
}

/** One simulated arm: its patients' courses and their outcomes as the trial reads them. */
export interface SimulatedArm {
  readonly name: string;
  readonly courses: SimulatedCourse[];
  readonly outcomes: PatientOutcome[];
}

/**
 * Every arm of a trial simulated at the trial's scans and read with its criteria; arms draw different patients from
 * the seed unless paired.
 */
export async function simulateTrialArms(
  trial: Trial,
  simulator: ArmSimulator,
  opts: TrialRunOptions = {},
): Promise<SimulatedArm[]> {
  const population = simulatorPopulation(trial);
  const a = trial.document.assessment;
  const days = scanDays(a);
  const seed = opts.seed ?? 1;
  const sizes = trial.arms.map((arm) => opts.patients ?? arm.patients);
  const total = sizes.reduce((s, n) => s + n, 0);
  const settings = assessmentSettings(a);
  const out: SimulatedArm[] = [];
  let before = 0;
  for (let i = 0; i < trial.arms.length; i++) {
    const offset = before;
    const courses = await simulator.simulateArm({
      population,
      protocol: trial.arms[i].protocol,
      scanDays: days,
      patients: sizes[i],
      seed: opts.paired ? seed : (seed + 7919 * i) >>> 0,
      onProgress: opts.onProgress ? (done) => opts.onProgress!(offset + done, total) : undefined,
    });
    before += sizes[i];
    out.push({
      name: trial.arms[i].name,
      courses,
      outcomes: courses.map((c) => evaluateCourse(c, settings)),
    });
  }
  return out;
}

export async function runTrial(
  trial: Trial,
  simulator: ArmSimulator,
  opts: TrialRunOptions = {},
): Promise<TrialResult> {
  const a = trial.document.assessment;
  const seed = opts.seed ?? 1;
  const byArm = new Map<string, PatientOutcome[]>();
  const coursesByArm = new Map<string, SimulatedCourse[]>();
  const settings = assessmentSettings(a);
  const survival = survivalModel(simulatorPopulation(trial).cancer);
  const followUpDays = osFollowUpDays(trial, survival);
  const deathsByArm = new Map<string, SurvivalOutcome[]>();
  const arms: ArmOutcomes[] = [];
  const error = shippedModelError();
  // the published trial's own arm sizes (the simulated ones may differ: --patients)
  const sizes = new Map(trial.arms.map((arm) => [arm.name, arm.patients]));
  for (const { name, courses, outcomes } of await simulateTrialArms(trial, simulator, opts)) {
    byArm.set(name, outcomes);
    coursesByArm.set(name, courses);
    const deaths = overallSurvival(courses, outcomes, survival, seed);
    deathsByArm.set(name, deaths);
    const arm = summarizeArm(name, outcomes, 0.95, { deaths, followUpDays });
    arms.push(withPredictions(arm, sizes.get(name) ?? outcomes.length, error));
  }
  const prediction = { sizes, error };
  const cuts = new Map<string, Map<string, PatientOutcome[]>>();
  const differences: ArmDifference[] = [];
  for (let i = 0; i < arms.length; i++)
    for (let j = i + 1; j < arms.length; j++) {
      const [a1, a2] = [arms[i].name, arms[j].name];
      differences.push(
        compareArms(arms[i], byArm.get(a1)!, arms[j], byArm.get(a2)!, 0.95, {
          a: deathsByArm.get(a1)!,
          b: deathsByArm.get(a2)!,
          followUpDays,
        }),
      );
    }
  return {
    trial: trial.document.name,
    source: trial.document.source,
    criteria: a.criteria,
    confirm: a.confirm,
    seed,
    scan_days: scanDays(a),
    arms,
    comparisons: trial.published.map((p) => {
      const os = { deaths: deathsByArm, followUpDays, accrualDays: settings.accrualDays };
      // every data cut is kept here (the calibration drops one at or after the follow-up)
      const read = readOf(p, a.criteria, Infinity);
      if (read === undefined) return compare(p, byArm, a.reviewer, os, prediction);
      // the outcomes as the analysis at the data cut, with its criteria, saw them (cached per read)
      const key = readKey(read);
      let atCut = cuts.get(key);
      if (!atCut) {
        atCut = new Map(
          [...coursesByArm].map(([name, cs]) => [
            name,
            cs.map((c) => evaluateCourse(c, readSettings(settings, read))),
          ]),
        );
        cuts.set(key, atCut);
      }
      return compare(p, atCut, a.reviewer, os, prediction);
    }),
    differences,
    model_error: error,
    ...simulatorEvidence(trial, simulator),
    warnings: trial.warnings.map(
      (w) => `${w.file}${w.line !== undefined ? `:${w.line}` : ""}: ${w.path}: ${w.message}`,
    ),
  };
}
