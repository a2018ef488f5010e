/**
 * What a published end point asks of the calibration (calibrate.ts): the per-patient indicator whose weighted mean
 * it is, its target value and its tolerance.
 */
import { logOrSd, toInvestigator, type ReviewEffect } from "./central-review.js";
import { isResponder, type PatientOutcome } from "./patient-outcome.js";
import { scanWindowOf } from "./simulate-batch.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";

/** The calibration's method, as a population file records it. */
export const calibrationMethod = (
  draws: number,
  timingExpected: boolean,
  bounds = false,
  dor = false,
): string =>
  "maximum-entropy prevalence weights (KL to the prior) with soft constraints on published ORR, CR, DCR, DRR, " +
  "landmark PFS and median PFS (as PFS(median) = 0.5" +
  (bounds
    ? `, and PFS ≥ 0.5 at the lower end of its CI, ≤ 0.5 at the upper, one-sided with tolerance ${BOUND_SIGMA}, ` +
      "the scan's day read as its expectation over the visit window"
    : "") +
  ")" +
  (dor
    ? ", and median duration of response (half of the responders observed at the median still responding there; " +
      "tolerance the binomial SE among the published responders with the discrepancy floor, times the ORR)"
    : "") +
  "; tolerance = published standard error (CI / 3.92, or " +
  "binomial at the trial's N) × 1.5 for [H]/[M] values, with a model-discrepancy floor of 0.03 in quadrature; " +
  `each patient's outcome is its mean over ${draws} draws of reader noise and scan timing` +
  (timingExpected
    ? "; a PFS target reads the day of the scan that showed progression as its expectation over the scan's visit window"
    : "");

/**
 * Draws of reader noise and scan timing (each a simulation of its own: the scan days move) over which a plausible
 * patient's outcome is averaged in the calibration. With one draw the weights can pick patients whose single
 * reading happened to land on a target — a population calibrated that way missed OPTiM's T-VEC DCR by 7 points
 * when its patients were read again (docs/calibration.md, 2026-11-30). With three draws it still missed it by 5
 * points (calibrated 76.2 %, read again 71.0 %); with six, 75.3 % and 72.7 % (melanoma ESS 289 → 206). Twelve
 * were tried on 2026-12-06: over melanoma's 52 targets the mean |read again − calibrated| fell from 1.19 / 1.28 to
 * 0.93 / 1.13 points (seeds 1 / 2), and CheckMate 067's nivolumab median, read again, came inside its CI (4.2 → 5.4
 * months); the melanoma population was rebuilt with twelve on 2026-12-07 and this default raised. The other four
 * shipped populations keep six (renal-cell carcinoma and prostate as LEGACY_NOISE_DRAWS: their files predate the
 * field; NSCLC and large B-cell lymphoma rebuilt with `--noise-draws 6` on 2026-12-07 record it; docs/calibration.md).
 */
export const NOISE_DRAWS = 12;
/** The readings of a population file that does not record its own (built before `noise_draws` was written). */
export const LEGACY_NOISE_DRAWS = 6;

/**
 * Tolerance of a published median's confidence bounds (medianBounds). An assumption, not a published figure: the
 * bounds are held nearly hard (a point below a lower bound costs two nats, as much as 2.8 σ of a typical target),
 * because "the median inside its CI" is what the calibration is checked on and the CI already carries the trial's
 * sampling error; the point target PFS(median) = 0.5 keeps its own tolerance.
 */
export const BOUND_SIGMA = 0.005;

/** One end of a published median's CI as a one-sided constraint on PFS there: side +1 asks PFS ≥ 0.5, −1 ≤ 0.5. */
export interface MedianBound {
  readonly months: number;
  readonly side: 1 | -1;
}

/**
 * The ends of a published median's 95 % CI as one-sided constraints (2026-12-07): a median inside (lo, hi) means the
 * Kaplan–Meier curve is still at or above 50 % at lo and at or below it at hi. The point target PFS(median) = 0.5
 * alone let the weights leave CheckMate 067's nivolumab curve at 48 % from the week-18 scan to the median, so that
 * its median fell a scan early, outside the CI. None for a median without a CI, or an end the CI leaves open (NR).
 */
export function medianBounds(p: PublishedEndpoint): MedianBound[] {
  if (p.endpoint !== "median_PFS_months" || !p.ci || p.not_reached) return [];
  const out: MedianBound[] = [];
  if (p.ci[0] < p.value) out.push({ months: p.ci[0], side: 1 });
  if (p.ci[1] !== null && p.ci[1] > p.value) out.push({ months: p.ci[1], side: -1 });
  return out;
}

/** Model-discrepancy floor of every tolerance, in quadrature (calibrationMethod). */
export const DISCREPANCY = 0.03;

/** A trial's scheduled scan days (day 0 the baseline scan) and the visit window each scan may move within. */
export interface ScanGrid {
  readonly days: readonly number[];
  /** ± days around each scheduled scan, at most a third of the gap to the one before (scanWindowOf). */
  readonly windowDays: number;
}

/** Index of the scheduled day nearest `day` (days sorted ascending). */
function nearestScan(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (days[mid] <= day) lo = mid;
    else hi = mid;
  }
  return Math.abs(days[hi] - day) < Math.abs(day - days[lo]) ? hi : lo;
}

/**
 * Whether the patient is still progression-free after `t` days — as a probability over the visit window when a grid
 * is given: a patient who progressed at scheduled scan k would have had that scan anywhere in its window (uniform,
 * simulate-batch.ts patientScanDays), so the indicator is replaced by its expectation over the scan's day
 * (Rao–Blackwell). Most published medians fall inside a scan's window; with the bare indicator the weights picked
 * patients whose few readings happened to have early or late scans (KEYNOTE-006 ipilimumab, PFS at 2.8 months:
 * calibrated 51.6 %, read again 63.0 %).
 */
export function pfsBeyond(o: PatientOutcome, t: number, grid?: ScanGrid): number {
  const bare = o.pfsDays > t ? 1 : 0;
  if (!grid || !o.progressed || grid.days.length < 2) return bare;
  const k = nearestScan(grid.days, o.pfsDays);
  if (k === 0) return bare;
  const w = scanWindowOf(grid.days, k, grid.windowDays);
  // a progression day off the grid (not a scan of this schedule) keeps its own indicator
  if (!(w > 0) || Math.abs(o.pfsDays - grid.days[k]) > w + 1) return bare;
  const lo = grid.days[k] - w;
  const hi = grid.days[k] + w;
  if (t < lo) return 1;
  if (t >= hi) return 0;
  return (hi - t) / (2 * w);
}

/**
 * The indicator a published end point averages over patients, or null when it is not a proportion of patients.
 * With the trial's scan grid, a time-to-progression end point reads the scan's day as its window's expectation.
 */
export function feature(
  endpoint: string,
  value: number,
  grid?: ScanGrid,
): ((o: PatientOutcome) => number) | null {
  switch (endpoint) {
    case "ORR":
      return (o) => (isResponder(o) ? 1 : 0);
    case "CR":
      return (o) => (o.bor === "CR" ? 1 : 0);
    case "DCR":
      return (o) => (o.bor === "CR" || o.bor === "PR" || o.bor === "SD" || o.bor === "NON-CR/NON-PD" ? 1 : 0);
    case "DRR":
      return (o) => (o.durable ? 1 : 0);
    case "median_PFS_months": {
      const t = value * DAYS_PER_MONTH;
      return (o) => pfsBeyond(o, t, grid);
    }
  }
  const lm = LANDMARK.exec(endpoint);
  if (lm && lm[1] === "PFS") {
    const d = Number(lm[2]) * DAYS_PER_MONTH;
    return (o) => pfsBeyond(o, d, grid);
  }
  return null;
}

/**
 * Target value of the feature's mean (a median becomes PFS(median) = 0.5). A centrally reviewed proportion is
 * aimed at on the investigator scale the simulation reads in (central-review.ts).
 */
export function targetOf(p: PublishedEndpoint, review: ReviewEffect | null = null): number {
  if (p.endpoint === "median_PFS_months") return 0.5;
  return review ? toInvestigator(p.value, review) : p.value;
}

export function sigmaOf(p: PublishedEndpoint, n: number, review: ReviewEffect | null = null): number {
  let se: number;
  const scale = (x: number) => (review ? toInvestigator(x, review) : x);
  if (p.ci && p.endpoint !== "median_PFS_months" && p.ci[1] !== null) {
    const z = (p.ci_level ?? 0.95) >= 0.95 ? 3.92 : 3.29;
    se = (scale(p.ci[1]) - scale(p.ci[0])) / z;
  } else {
    const t = targetOf(p, review);
    se = Math.sqrt(Math.max(t * (1 - t), 0.01) / Math.max(n, 1));
  }
  if (p.certainty && /\[(H|M)\]|^(H|M)$/.test(p.certainty)) se *= 1.5;
  // the odds ratio's own uncertainty, on the proportion scale (delta method)
  if (review) {
    const t = targetOf(p, review);
    se = Math.hypot(se, t * (1 - t) * logOrSd(review));
  }
  return Math.sqrt(se * se + DISCREPANCY * DISCREPANCY);
}

/**
 * Whether a responder is known to be still responding `t` days after the first scan that showed the response (1),
 * known to have progressed by then (0), or neither (null: not a responder, or censored before t at the data cut).
 */
export function respondingBeyond(o: PatientOutcome, t: number): 0 | 1 | null {
  if (!isResponder(o) || o.responseDays === undefined || o.responseDays === null) return null;
  const duration = o.pfsDays - o.responseDays;
  if (duration > t) return 1;
  return o.progressed ? 0 : null;
}

/**
 * A published median duration of response as a linear constraint (2026-12-07, `vpop build --dor-targets on`): half
 * of the responders whose response is observed past the median, or ended before it, still respond there — the
 * weighted mean of 1[observed] · (1[DoR > median] − 0.5) is 0. Responders censored before the median are left out
 * (with one data cut for every patient, as the simulation reads it, that biases the share up a little).
 */
export function dorFeature(months: number): (o: PatientOutcome) => number {
  const t = months * DAYS_PER_MONTH;
  return (o) => {
    const r = respondingBeyond(o, t);
    return r === null ? 0 : r - 0.5;
  };
}

/** The responders a DoR constraint reads (its share's denominator): 1 for an observed responder, else 0. */
export function dorObserved(months: number): (o: PatientOutcome) => number {
  const t = months * DAYS_PER_MONTH;
  return (o) => (respondingBeyond(o, t) === null ? 0 : 1);
}

/**
 * Tolerance of a DoR constraint on its scale (the ORR times the share's deviation): the binomial SE of a share of
 * 0.5 among the arm's responders (published ORR × N), × 1.5 for [H]/[M] values, the model-discrepancy floor in
 * quadrature, times the published ORR.
 */
export function dorSigma(p: PublishedEndpoint, orr: number, n: number): number {
  const responders = Math.max(1, Math.round(orr * n));
  let se = 0.5 / Math.sqrt(responders);
  if (p.certainty && /\[(H|M)\]|^(H|M)$/.test(p.certainty)) se *= 1.5;
  return orr * Math.hypot(se, DISCREPANCY);
}
