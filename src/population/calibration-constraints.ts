/**
 * The calibration's constraints (calibrate.ts): one for every published end point the weights can take (a proportion
 * of patients: ORR, CR, DCR, DRR, landmark PFS, PFS at the median) and, for a median with a CI, its ends as
 * one-sided constraints; the weights that meet them (entropy-weights.ts) and their values under any weights.
 */
import { entropyWeights } from "../engine/entropy-weights.js";
import type { CovariateConstraint } from "./calibration-covariates.js";
import {
  BOUND_SIGMA,
  dorFeature,
  dorSigma,
  feature,
  medianBounds,
  pfsBeyond,
  sigmaOf,
  targetOf,
  type MedianBound,
} from "./calibration-targets.js";
import { reviewEffect, type ReviewEffect } from "./central-review.js";
import type { PatientOutcome } from "./patient-outcome.js";
import { readKey, readOf, type Read } from "./published-read.js";
import { scanDays } from "./scan-schedule.js";
import { SCAN_WINDOW_DAYS } from "./simulate-batch.js";
import type { Trial } from "./trial-file.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";

export interface ArmRun {
  readonly trial: number;
  readonly arm: string;
  readonly patients: number;
  /** Enrolment factor of every pool member and the outcome of those enrolled (at the trial's follow-up). */
  readonly factor: Float64Array;
  readonly outcomes: Map<number, PatientOutcome[]>;
  /** Outcomes of other reads: earlier data cuts, other criteria (read key → pool index → each noise draw's). */
  readonly at: Map<string, Map<number, PatientOutcome[]>>;
}

/** The arm's outcomes read as a published number reads them, or at the full follow-up with the trial's criteria. */
const outcomesOf = (arm: ArmRun, read: Read | undefined) =>
  read === undefined ? arm.outcomes : arm.at.get(readKey(read))!;

/** A feature's mean over a patient's noise draws. */
function featureMean(f: (o: PatientOutcome) => number, os: readonly PatientOutcome[]): number {
  let s = 0;
  for (const o of os) s += f(o);
  return s / os.length;
}

export interface Constraint {
  readonly trial: number;
  /** A centrally reviewed proportion: the features are investigator-read, the published value central. */
  readonly review: ReviewEffect | null;
  /** How the published value reads the scans (data cut earlier than the follow-up, other criteria), if it differs. */
  readonly read?: Read;
  readonly published: PublishedEndpoint;
  readonly arms: readonly ArmRun[];
  readonly f: (o: PatientOutcome) => number;
  readonly target: number;
  readonly sigma: number;
  /** One end of a median's CI (one-sided), not a target of its own: reported apart (calibration.bounds). */
  readonly bound?: MedianBound;
  /** A published median duration of response (calibration-targets.ts dorFeature): reported apart (calibration.dor). */
  readonly dor?: { readonly months: number };
}

/** A constraint reported as a target of its own (the published value is the feature's mean): not a bound or a DoR. */
export const isTarget = (c: Constraint): boolean => !c.bound && !c.dor;

const sameArms = (a: PublishedEndpoint["arm"], b: PublishedEndpoint["arm"]) =>
  JSON.stringify(Array.isArray(a) ? [...a].sort() : [a]) ===
  JSON.stringify(Array.isArray(b) ? [...b].sort() : [b]);

/** The published ORR of the arm(s) of a DoR figure: the one of the same data cut if there is one. */
function publishedOrr(trial: Trial, p: PublishedEndpoint): number | null {
  const orrs = trial.published.filter(
    (q) => q.endpoint === "ORR" && !q.not_reached && sameArms(q.arm, p.arm),
  );
  const same = orrs.find((q) => q.data_cut_weeks === p.data_cut_weeks && q.criteria === p.criteria);
  return (same ?? orrs[0])?.value ?? null;
}

/**
 * The constraint's value under weights w: the trial-size-weighted mean over its arms of the enrolled mean. With
 * `factor` (the trial's enrolment under w, post-stratified as the arm simulator does) instead of the eligibility.
 */
export function valueOf(c: Constraint, w: ArrayLike<number>, factor?: ArrayLike<number>): number | null {
  let total = 0;
  let acc = 0;
  for (const arm of c.arms) {
    let mass = 0;
    let sum = 0;
    const f = factor ?? arm.factor;
    for (const [i, os] of outcomesOf(arm, c.read)) {
      const m = w[i] * f[i];
      mass += m;
      sum += m * featureMean(c.f, os);
    }
    if (mass <= 0) continue;
    acc += arm.patients * (sum / mass);
    total += arm.patients;
  }
  return total > 0 ? acc / total : null;
}

/** Row contributions a_ik of constraint c (normalised by the arm's enrolled prior mass). */
function fillColumn(c: Constraint, col: number, k: number, a: Float64Array, u: ArrayLike<number>): void {
  const total = c.arms.reduce((s, arm) => s + arm.patients, 0);
  for (const arm of c.arms) {
    const outcomes = outcomesOf(arm, c.read);
    let mass = 0;
    for (const [i] of outcomes) mass += u[i] * arm.factor[i];
    if (mass <= 0) continue;
    const share = arm.patients / total;
    for (const [i, os] of outcomes)
      a[i * k + col] += (share * arm.factor[i] * (featureMean(c.f, os) - c.target)) / mass;
  }
}

/** The maximum-entropy weights that meet the constraints (a CI bound one-sided) and the trials' baseline mix. */
export function solve(
  constraints: readonly Constraint[],
  covariates: readonly CovariateConstraint[],
  n: number,
) {
  const k = constraints.length + covariates.length;
  const u = new Float64Array(n).fill(1 / n);
  const a = new Float64Array(n * k);
  constraints.forEach((c, j) => fillColumn(c, j, k, a, u));
  covariates.forEach((c, j) => {
    const col = constraints.length + j;
    for (let i = 0; i < n; i++) a[i * k + col] = c.column[i];
  });
  return entropyWeights(a, n, k, [...constraints.map((c) => c.sigma), ...covariates.map((c) => c.sigma)], {
    sides: [...constraints.map((c) => c.bound?.side ?? 0), ...covariates.map(() => 0)],
  });
}

/**
 * The last day a published number's read can see: its data cut plus half the enrolment period (the longest-followed
 * patient; patient-outcome.ts patientCutDay), or the trial's follow-up without a cut.
 */
const horizonOf = (trial: Trial, read: Read | undefined, followUp: number): number =>
  read?.cutDay !== undefined
    ? read.cutDay + ((trial.document.assessment.accrual_weeks ?? 0) * 7) / 2
    : followUp;

/** The constraints of every published end point of the trials (notes: what was left out, and why). */
export function buildConstraints(
  trials: readonly Trial[],
  arms: readonly ArmRun[],
  opts: { readonly timingExpected: boolean; readonly withBounds: boolean; readonly withDor?: boolean },
  notes: string[],
): Constraint[] {
  const { timingExpected, withBounds } = opts;
  const constraints: Constraint[] = [];
  trials.forEach((trial, ti) => {
    // the trial's scans with their visit window: every CI bound reads them, the targets only with the expected timing
    const scans = { days: [0, ...scanDays(trial.document.assessment)], windowDays: SCAN_WINDOW_DAYS };
    const grid = timingExpected ? scans : undefined;
    for (const p of trial.published) {
      if (p.calibrate === false) {
        notes.push(
          `${trial.document.name}: ${p.endpoint} of ${Array.isArray(p.arm) ? p.arm.join(" + ") : p.arm}${p.data_cut_weeks ? ` (week ${p.data_cut_weeks})` : ""} is marked calibrate: false: a check, not a target`,
        );
        continue;
      }
      if (opts.withDor && p.endpoint === "median_DOR_months" && !p.not_reached) {
        const c = dorConstraint(trial, ti, p, arms, scans.days, notes);
        if (c) constraints.push(c);
        continue;
      }
      const f = p.not_reached ? null : feature(p.endpoint, p.value, grid);
      if (!f) continue;
      const followUp = trial.document.assessment.follow_up_weeks * 7;
      const read = readOf(p, trial.document.assessment.criteria, followUp);
      const horizon = horizonOf(trial, read, followUp);
      const lm = LANDMARK.exec(p.endpoint);
      const at = p.endpoint === "median_PFS_months" ? p.value : lm ? Number(lm[2]) : 0;
      if (at * DAYS_PER_MONTH > horizon) {
        notes.push(
          `${trial.document.name}: ${p.endpoint} of ${Array.isArray(p.arm) ? p.arm.join(" + ") : p.arm} lies beyond the simulated follow-up (${Math.round(horizon / 7)} weeks): not used`,
        );
        continue;
      }
      const names = Array.isArray(p.arm) ? p.arm : [p.arm];
      const mine = arms.filter((a) => a.trial === ti && names.includes(a.arm) && a.outcomes.size > 0);
      if (mine.length !== names.length) continue;
      const size = mine.reduce((s, a) => s + a.patients, 0);
      const review = reviewEffect(p, trial.document.assessment.reviewer);
      constraints.push({
        trial: ti,
        review,
        // a value published at an earlier data cut is compared with the outcomes at that cut (until 2026-11-30 the
        // cut was computed here and then dropped: every target was read at the full follow-up)
        ...(read !== undefined ? { read } : {}),
        published: p,
        arms: mine,
        f,
        target: targetOf(p, review),
        sigma: sigmaOf(p, size, review),
      });
      if (!withBounds) continue;
      for (const bound of medianBounds(p)) {
        const t = bound.months * DAYS_PER_MONTH;
        if (t > horizon) continue;
        constraints.push({
          trial: ti,
          review: null,
          ...(read !== undefined ? { read } : {}),
          published: p,
          arms: mine,
          f: (o) => pfsBeyond(o, t, scans),
          target: 0.5,
          sigma: BOUND_SIGMA,
          bound,
        });
      }
    }
  });
  return constraints;
}

/**
 * A published median duration of response as a constraint (calibration-targets.ts dorFeature), or null with a note
 * when the arm has no published ORR to scale its tolerance or the median cannot be observed before the data cut.
 */
function dorConstraint(
  trial: Trial,
  ti: number,
  p: PublishedEndpoint,
  arms: readonly ArmRun[],
  scanDays: readonly number[],
  notes: string[],
): Constraint | null {
  const name = `${trial.document.name}: median_DOR_months of ${Array.isArray(p.arm) ? p.arm.join(" + ") : p.arm}`;
  const followUp = trial.document.assessment.follow_up_weeks * 7;
  const read = readOf(p, trial.document.assessment.criteria, followUp);
  const horizon = horizonOf(trial, read, followUp);
  // a response starts at a scan after baseline: the earliest can be followed for horizon − first scan days
  const firstScan = scanDays.find((d) => d > 0) ?? 0;
  if (p.value * DAYS_PER_MONTH > horizon - firstScan) {
    notes.push(
      `${name} (${p.value} months) cannot be observed by the data cut (${Math.round(horizon / 7)} weeks for the longest-followed patient, first scan at week ${Math.round(firstScan / 7)}${trial.document.assessment.accrual_weeks ? "" : "; every simulated patient is cut on the same day (no assessment.accrual_weeks)"}): not a target`,
    );
    return null;
  }
  const orr = publishedOrr(trial, p);
  if (orr === null || orr <= 0) {
    notes.push(`${name}: the arm has no published ORR to count its responders: not a target`);
    return null;
  }
  const names = Array.isArray(p.arm) ? p.arm : [p.arm];
  const mine = arms.filter((a) => a.trial === ti && names.includes(a.arm) && a.outcomes.size > 0);
  if (mine.length !== names.length) return null;
  const size = mine.reduce((s, a) => s + a.patients, 0);
  return {
    trial: ti,
    review: null,
    ...(read !== undefined ? { read } : {}),
    published: p,
    arms: mine,
    f: dorFeature(p.value),
    target: 0,
    sigma: dorSigma(p, orr, size),
    dor: { months: p.value },
  };
}
