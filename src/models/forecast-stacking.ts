/**
 * Stacking of several population models' forecasts (Wolpert, Neural Networks 1992;5:241; Breiman, Mach Learn
 * 1996;24:49): the forecast is the weighted geometric mean of the candidates' point forecasts, its 80 % and 95 %
 * intervals the weighted means of their quantiles on the log scale (quantile averaging, "Vincentization": Ratcliff,
 * Psychol Bull 1979;86:446; Lichtendahl, Grushka-Cockayne & Winkler, Manage Sci 2013;59:1594), with weights on
 * the simplex chosen to minimize the median absolute error of the forecasts of an inner cross-validation on the
 * training patients only: the populations are fitted without one group of the training data (a study, with
 * leave-one-study-out) and that group's later readings forecast from its first K. The held-out patients never
 * inform the weights, nor the time constant of a candidate that carries the last deviation forward
 * (`forecast-candidates.ts`).
 */
import { analogCourses, type AnalogCourse } from "./forecast-analog.js";
import {
  CARRY_PAIRS,
  carryName,
  candidateForecast,
  candidateName,
  populationOf,
  type CandidateContext,
  type StackCandidate,
} from "./forecast-candidates.js";
import { splitSeries, type ForecastReading, type Split } from "./forecast.js";
import {
  applyIntervalScale,
  fitIntervalScale,
  type CalibrationReading,
  type IntervalScale,
  widenOnly,
} from "./forecast-recalibration.js";
import { combineForecasts, SMALL } from "./forecast-combine.js";
import { medianInPlace } from "./forecast-median.js";
import type { Series } from "./growth-fit.js";
import { defaultFloor, type PopulationParameters } from "./population-fit.js";

export { medianInPlace } from "./forecast-median.js";
export { combineForecasts } from "./forecast-combine.js";
export {
  CLASSICAL_STACK,
  DEFAULT_STACK,
  candidateName,
  parseCandidate,
  type StackCandidate,
} from "./forecast-candidates.js";

/** Every point of the simplex in `candidates` dimensions on a grid of `step` (1/step an integer). */
export function simplexGrid(candidates: number, step: number): number[][] {
  const n = Math.round(1 / step);
  if (!(n >= 1) || Math.abs(n * step - 1) > 1e-9)
    throw new RangeError(`step ${step}: 1/step is not an integer`);
  const out: number[][] = [];
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === candidates - 1) {
      out.push([...prefix, left].map((k) => k / n));
      return;
    }
    for (let k = 0; k <= left; k++) rec([...prefix, k], left - k);
  };
  if (candidates === 1) return [[1]];
  rec([], n);
  return out;
}

/**
 * Weights minimizing the median absolute error of the stacked point forecasts over the readings of an inner
 * cross-validation: predicted[c][r] is candidate c's forecast of reading r, observed[r] the reading. Ties (the
 * median is flat in places) are broken by the mean absolute error, then by the first grid point (the first
 * candidate favoured). Readings without a finite forecast of every candidate are left out.
 */
export function stackWeights(
  predicted: readonly (readonly number[])[],
  observed: readonly number[],
  step = 0.05,
  criterion: "median" | "mean" = "median",
): { weights: number[]; medianAe: number; mae: number; readings: number } {
  const C = predicted.length;
  const rows: number[] = [];
  for (let r = 0; r < observed.length; r++)
    if (predicted.every((p) => Number.isFinite(p[r])) && Number.isFinite(observed[r])) rows.push(r);
  if (rows.length === 0) throw new RangeError("stacking: no reading with a forecast of every candidate");
  let best = { weights: [] as number[], medianAe: Infinity, mae: Infinity, readings: rows.length };
  const m = rows.length;
  // the logs of the forecasts, once (a forecast of 0 mm counts as SMALL)
  const logs = predicted.map((p) => Float64Array.from(rows, (r) => Math.log(Math.max(p[r], SMALL))));
  const obs = Float64Array.from(rows, (r) => observed[r]);
  const errors = new Float64Array(m);
  const sum = new Float64Array(m);
  for (const w of simplexGrid(C, step)) {
    sum.fill(0);
    for (let c = 0; c < C; c++) {
      const wc = w[c];
      if (wc === 0) continue;
      const l = logs[c];
      for (let i = 0; i < m; i++) sum[i] += wc * l[i];
    }
    let total = 0;
    for (let i = 0; i < m; i++) {
      errors[i] = Math.abs(Math.exp(sum[i]) - obs[i]);
      total += errors[i];
    }
    const median = medianInPlace(errors);
    const mae = total / m;
    const [a, b] = criterion === "median" ? [median, mae] : [mae, median];
    const [bestA, bestB] = criterion === "median" ? [best.medianAe, best.mae] : [best.mae, best.medianAe];
    if (a < bestA - 1e-12 || (Math.abs(a - bestA) <= 1e-12 && b < bestB))
      best = { weights: w, medianAe: median, mae, readings: m };
  }
  return best;
}

/**
 * The fewest patients an inner cross-validation must forecast for its weights to be used (an assumption: weights
 * of 7 candidates from a few dozen patients' readings follow their noise — on 20 synthetic Gompertz patients they
 * went to a single classical model).
 */
export const MIN_INNER_PATIENTS = 50;

/** What the inner cross-validation needs of a series: its readings and the group (e.g. study) it belongs to. */
export interface GroupedSeries extends Series {
  readonly groupKey: string;
}

export interface InnerStack {
  /** The candidates' names (a `/carry` candidate's with its time constant). */
  readonly candidates: string[];
  readonly weights: number[];
  /** The time constant chosen for each `/carry` candidate (0: none; Infinity: the deviation persists), else null. */
  readonly carry: (number | null)[];
  /** The share of the deviation each `/carry` candidate carries (1: all of it), else null. */
  readonly carryFraction: (number | null)[];
  /** The inner cross-validation's median and mean absolute error of the stacked point forecasts (mm). */
  readonly medianAe: number;
  readonly mae: number;
  readonly readings: number;
  /** Each candidate alone in the inner cross-validation. */
  readonly alone: { candidate: string; medianAe: number; mae: number }[];
  /** "group" (leave one group of the training data out) or "patients" (3 folds of patients). */
  readonly folds: "group" | "patients";
  /** Patients forecast by the inner cross-validation. */
  readonly patients: number;
  /**
   * Fewer than MIN_INNER_PATIENTS patients forecast: weights that noisy are not used, the first candidate (the
   * population) takes all the weight, and a `/carry` candidate carries nothing.
   */
  readonly tooFew: boolean;
  /** The intervals' scales from the inner cross-validation (forecast-recalibration.ts); null: not recalibrated. */
  readonly scale: IntervalScale | null;
}

/** Fits a candidate's population on some series (may memoize on `key`). */
export type StackFit = (c: StackCandidate, series: readonly Series[], key: string) => PopulationParameters;
export interface StackOptions {
  readonly seed?: number;
  readonly step?: number;
  readonly criterion?: "median" | "mean";
  /** Scale the intervals by the inner cross-validation (split conformal, forecast-recalibration.ts). */
  readonly recalibrate?: boolean;
  /** The posterior of the forecasts (the inner forecasts that calibrate the intervals use the same). */
  readonly posterior?: "laplace" | "importance";
  /**
   * The patients forecast are outside the training data (a held-out group, another file): with patient folds
   * (a single training group) the recalibrated intervals are then only widened (widenOnly).
   */
  readonly outOfSample?: boolean;
}

/**
 * Stacking weights from an inner cross-validation on `training` only: for each group of the training series
 * (3 folds of patients when there is a single group), every candidate's population is fitted on the other groups
 * (`fit`, which may memoize on `key`; the analog candidate's references are those groups' patients) and the
 * group's series with at least `minPoints` readings (K + 1 when none has that many) are forecast from their first
 * `trainPoints`. A `/carry` candidate's time constant and share carried are the pair of CARRY_PAIRS whose forecasts have the lowest
 * median absolute error alone; the weights are then chosen with it.
 */
export function innerStack(
  candidates: readonly StackCandidate[],
  training: readonly GroupedSeries[],
  trainPoints: number,
  minPoints: number,
  fit: StackFit,
  opts: StackOptions = {},
): InnerStack {
  let groups = [...new Set(training.map((s) => s.groupKey))].sort();
  let folds: "group" | "patients" = "group";
  let foldOf = (s: GroupedSeries, i: number) => (void i, s.groupKey);
  if (groups.length < 2) {
    folds = "patients";
    groups = ["0", "1", "2"];
    foldOf = (_s, i) => String(i % 3);
  }
  const foldIndex = training.map((s, i) => foldOf(s, i));
  // predicted[c][g][r]: candidate c's forecast of reading r with the g-th time constant (one for most candidates)
  const grids = candidates.map((c) => (c.carry ? CARRY_PAIRS : [{ T: 0, fraction: 1 }]));
  const predicted: number[][][] = grids.map((g) => g.map(() => []));
  let patients = 0;
  const observed: number[] = [];
  /** Each fold's forecast patients and fitted candidates, for the intervals' recalibration. */
  const foldContexts: { splits: Split[]; contexts: CandidateContext[] }[] = [];
  for (const g of groups) {
    const inFold = training.filter((_, i) => foldIndex[i] === g);
    let splits = splitSeries(inFold, trainPoints, minPoints);
    if (splits.length === 0) splits = splitSeries(inFold, trainPoints, trainPoints + 1);
    if (splits.length === 0) continue;
    const rest = training.filter((s, i) => foldIndex[i] !== g && s.t.length >= 2);
    const key = `${folds}:${groups.filter((h) => h !== g).join("+")}`;
    const floor = defaultFloor(rest);
    const courses = candidates.some((c) => c.kind === "analog") ? analogCourses(rest, floor) : null;
    const contexts: CandidateContext[] = [];
    candidates.forEach((c, k) => {
      const pc = populationOf(c);
      const population = pc ? fit(pc, rest, key) : null;
      contexts.push({ population, courses, floor, carry: 0 });
      grids[k].forEach(({ T, fraction }, m) => {
        const ctx = { population, courses, floor, carry: T, carryFraction: fraction };
        for (const s of splits)
          for (const r of candidateForecast(c, ctx, s.train, s.test, { draws: 20, seed: opts.seed ?? 1 }))
            predicted[k][m].push(r.predicted);
      });
    });
    for (const s of splits) for (const r of s.test) observed.push(r.y);
    patients += splits.length;
    foldContexts.push({ splits, contexts });
  }
  // each /carry candidate's time constant: its lowest median absolute error alone (ties: the first, no carry)
  const chosen = predicted.map((byT) => {
    let best = 0;
    let bestAe = Infinity;
    byT.forEach((p, m) => {
      const ae = stackWeights([p], observed).medianAe;
      if (ae < bestAe - 1e-12) [best, bestAe] = [m, ae];
    });
    return best;
  });
  const tooFew = patients < MIN_INNER_PATIENTS;
  const preds = predicted.map((byT, k) => byT[chosen[k]]);
  // too few patients: no carry either (the inner populations, fitted on a few patients, are then poorer than the
  // one the forecasts use, and the carry mends what they miss: on 20-patient synthetic studies with independent
  // noise it chose ∞ and raised the median error from 2.97 to 3.31 mm)
  const carry = candidates.map((c, k) => (c.carry ? (tooFew ? 0 : grids[k][chosen[k]].T) : null));
  const carryFraction = candidates.map((c, k) =>
    c.carry ? (tooFew ? 1 : grids[k][chosen[k]].fraction) : null,
  );
  const names = candidates.map(
    (c, k) =>
      candidateName(c) +
      (c.carry
        ? ` (time constant ${carryName(carry[k]!)}${carry[k]! > 0 && carryFraction[k]! < 1 ? `, share carried ${carryFraction[k]}` : ""})`
        : ""),
  );
  const best = stackWeights(
    preds,
    observed,
    opts.step ?? (candidates.length <= 6 ? 0.05 : 0.1),
    opts.criterion ?? "median",
  );
  const alone = candidates.map((_, k) => {
    const one = stackWeights([preds[k]], observed);
    return { candidate: names[k], medianAe: one.medianAe, mae: one.mae };
  });
  const weights = tooFew ? candidates.map((_, k) => (k === 0 ? 1 : 0)) : best.weights;
  // the intervals' scales: the stacked forecasts of the inner folds (chosen weights and time constants) against
  // their readings (none with too few patients)
  let scale: IntervalScale | null = null;
  if (opts.recalibrate && !tooFew) {
    const calibration: CalibrationReading[] = [];
    for (const { splits, contexts } of foldContexts) {
      const ctx = contexts.map((c, k) => ({
        ...c,
        carry: carry[k] ?? 0,
        carryFraction: carryFraction[k] ?? 1,
      }));
      const stack = { candidates, weights, contexts: ctx };
      for (const s of splits)
        stackedReadings(stack, s.train, s.test, {
          seed: opts.seed ?? 1,
          draws: RECALIBRATION_DRAWS,
          ...(opts.posterior ? { posterior: opts.posterior } : {}),
        }).forEach((reading, horizon) => calibration.push({ reading, horizon, floor: ctx[0].floor }));
    }
    scale = fitIntervalScale(calibration);
    if (scale && folds === "patients" && opts.outOfSample) scale = widenOnly(scale);
  }
  return {
    candidates: names,
    ...best,
    weights,
    carry,
    carryFraction,
    alone,
    folds,
    patients,
    tooFew,
    scale,
  };
}

/** Predictive draws of the inner forecasts whose intervals calibrate the scales (pre-registered, 2026-12-05). */
export const RECALIBRATION_DRAWS = 400;

/** Every weighted candidate's forecast (and every population's: the intervals may come from them), combined. */
function stackedReadings(
  stack: {
    candidates: readonly StackCandidate[];
    weights: readonly number[];
    contexts: readonly CandidateContext[];
  },
  train: Series,
  test: readonly { t: number; y: number }[],
  opts: { seed?: number; posterior?: "laplace" | "importance"; draws?: number },
): ForecastReading[] {
  const forecasts = stack.candidates.map((c, k) =>
    stack.weights[k] === 0 && c.kind !== "population"
      ? []
      : candidateForecast(c, stack.contexts[k], train, test, opts),
  );
  return combineForecasts(forecasts, stack.weights);
}

/** A fitted stack: the inner cross-validation's weights and each weighted candidate's population. */
export interface FittedStack {
  readonly inner: InnerStack;
  readonly candidates: readonly StackCandidate[];
  /** The population of each population candidate fitted on all the training series (null: the others). */
  readonly populations: (PopulationParameters | null)[];
  /** The analog candidate's reference courses (all the training series), null without one. */
  readonly courses: readonly AnalogCourse[] | null;
  readonly floor: number;
}

/**
 * The stack of `candidates` for patients outside `training`: weights (and time constants) by the inner
 * cross-validation (`innerStack`; not run for a single candidate without `/carry`), then every population
 * candidate fitted on all the training series with ≥ 2 readings.
 */
export function fitStack(
  candidates: readonly StackCandidate[],
  training: readonly GroupedSeries[],
  trainPoints: number,
  minPoints: number,
  fit: StackFit,
  opts: StackOptions = {},
): FittedStack {
  const inner =
    candidates.length === 1 && !candidates[0].carry
      ? null
      : innerStack(candidates, training, trainPoints, minPoints, fit, opts);
  const usable = training.filter((s) => s.t.length >= 2);
  const key = `all:${[...new Set(training.map((s) => s.groupKey))].sort().join("+")}`;
  const weights = inner?.weights ?? [1];
  const floor = defaultFloor(usable);
  return {
    inner: inner ?? {
      candidates: candidates.map(candidateName),
      weights,
      carry: candidates.map(() => null),
      carryFraction: candidates.map(() => null),
      medianAe: NaN,
      mae: NaN,
      readings: 0,
      alone: [],
      folds: "group",
      patients: 0,
      tooFew: false,
      scale: null,
    },
    candidates,
    // every population candidate, weighted or not: the intervals of a stack of classical models come from them
    populations: candidates.map((c) => {
      const pc = populationOf(c);
      return pc ? fit(pc, usable, key) : null;
    }),
    courses: candidates.some((c) => c.kind === "analog") ? analogCourses(usable, floor) : null,
    floor,
  };
}

/** A patient's stacked forecast: each weighted candidate's forecast (and every population's), combined. */
export function stackedForecast(
  stack: FittedStack,
  train: Series,
  test: readonly { t: number; y: number }[],
  opts: { seed?: number; posterior?: "laplace" | "importance"; draws?: number } = {},
): ForecastReading[] {
  const readings = stackedReadings(
    {
      candidates: stack.candidates,
      weights: stack.inner.weights,
      contexts: stack.candidates.map((_, k) => ({
        population: stack.populations[k],
        courses: stack.courses,
        floor: stack.floor,
        carry: stack.inner.carry[k] ?? 0,
        carryFraction: stack.inner.carryFraction[k] ?? 1,
      })),
    },
    train,
    test,
    opts,
  );
  return stack.inner.scale ? applyIntervalScale(readings, stack.inner.scale, stack.floor) : readings;
}
