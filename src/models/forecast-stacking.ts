/**
 * Stacking of several population models' forecasts (Wolpert, Neural Networks 1992;5:241; Breiman, Mach Learn
 * 1996;24:49): the forecast is the weighted geometric mean of the candidates' point forecasts, its 80 % and 95 %
 * intervals the weighted means of their quantiles on the log scale (quantile averaging, "Vincentization": Ratcliff,
 * Psychol Bull 1979;86:446; Lichtendahl, Grushka-Cockayne & Winkler, Manage Sci 2013;59:1594), with weights on
 * the simplex chosen to minimize the median absolute error of the forecasts of an inner cross-validation on the
 * training patients only: the populations are fitted without one group of the training data (a study, with
 * leave-one-study-out) and that group's later readings forecast from its first K. The held-out patients never
 * inform the weights.
 */
import { classicalForecast } from "./forecast-baselines.js";
import { populationForecast, splitSeries, type ForecastReading } from "./forecast.js";
import { growthModels, type Series } from "./growth-fit.js";
import { populationModels } from "./population-models.js";
import type { PopulationParameters } from "./population-fit.js";

/**
 * A candidate of a stack: a population model (the patient's first readings update its prior), or a classical
 * model fitted per patient to the same readings without a prior (`kind` "classical": the Laleh 2022 baselines).
 */
export interface StackCandidate {
  readonly model: string;
  readonly kind: "population" | "classical";
  readonly covariance: "full" | "diagonal";
  readonly errorModel: "log" | "constant" | "combined" | "log-time";
}

const PER_PATIENT = "per-patient:";

/**
 * The default stack of `immunoplan forecast` (docs/forecasting.md, how it was chosen): the Gompertz population
 * (full Ω, error on ln y) and the six classical models of Laleh 2022 fitted per patient (the baselines).
 */
export const DEFAULT_STACK: readonly string[] = [
  "gompertz",
  "per-patient:exponential",
  "logistic",
  "bertalanffy-classic",
  "von-bertalanffy",
  "gompertz-classic",
  "gompertz-general",
];

/**
 * `gompertz`, `gompertz/diagonal`, `gompertz/full/log-time`: a population model[/covariance[/error model]];
 * `bertalanffy-classic` or `per-patient:exponential` (for a name that is also a population model): a classical
 * model fitted per patient.
 */
export function parseCandidate(
  text: string,
  defaults: Omit<StackCandidate, "model" | "kind">,
): StackCandidate {
  const perPatient = text.trim().startsWith(PER_PATIENT);
  const [model, covariance, errorModel] = text
    .trim()
    .slice(perPatient ? PER_PATIENT.length : 0)
    .split("/");
  if (perPatient || !populationModels().some((m) => m.name === model)) {
    if (!growthModels().some((m) => m.name === model) || covariance !== undefined)
      throw new RangeError(`'${text}' is not a population model nor a classical model fitted per patient`);
    return { model, kind: "classical", ...defaults };
  }
  const cov = covariance || defaults.covariance;
  const err = errorModel || defaults.errorModel;
  if (cov !== "full" && cov !== "diagonal")
    throw new RangeError(`'${text}': covariance '${cov}' is not full or diagonal`);
  if (err !== "log" && err !== "constant" && err !== "combined" && err !== "log-time")
    throw new RangeError(`'${text}': error model '${err}' is not log, constant, combined or log-time`);
  return { model, kind: "population", covariance: cov, errorModel: err };
}

export const candidateName = (c: StackCandidate) =>
  c.kind === "classical" ? `${c.model} (per patient)` : `${c.model}/${c.covariance}/${c.errorModel}`;

const SMALL = 1e-3; // mm: the log of a forecast of 0 mm (a disappeared lesion), for averaging only

/** Weighted geometric mean (weights sum to 1) of positive numbers; values ≤ 0 count as SMALL. */
function geometric(values: readonly number[], w: readonly number[]): number {
  const one = w.indexOf(1);
  if (one >= 0) return values[one]; // a single candidate: its forecast as it is
  let s = 0;
  for (let k = 0; k < values.length; k++) if (w[k] > 0) s += w[k] * Math.log(Math.max(values[k], SMALL));
  return Math.exp(s);
}

/** k-th smallest of a[lo..hi] (Hoare's selection, in place). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i] = a[j];
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The median (reorders the array). */
export function medianInPlace(a: Float64Array): number {
  const m = a.length;
  if (m % 2) return select(a, (m - 1) / 2);
  const hi = select(a, m / 2);
  // the largest of the lower half: select leaves every element before m/2 ≤ a[m/2]
  let lo = -Infinity;
  for (let i = 0; i < m / 2; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

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

/** The stacked forecast of one patient from the candidates' forecasts of the same readings. */
export function combineForecasts(
  forecasts: readonly (readonly ForecastReading[])[],
  weights: readonly number[],
): ForecastReading[] {
  const positive = weights.flatMap((w, c) => (w > 0 ? [c] : []));
  const first = forecasts[positive[0]];
  return first.map((r, j) => {
    // a candidate without a finite forecast at this reading (a classical curve that blows up) is left out, the
    // others' weights renormalized
    const used = positive.filter((c) => Number.isFinite(forecasts[c][j].predicted));
    const total = used.reduce((a, c) => a + weights[c], 0);
    const w = weights.map((x, c) => (used.includes(c) ? x / total : 0));
    const pick = (key: keyof ForecastReading) => forecasts.map((f) => (f.length ? f[j][key] : NaN));
    const predicted = used.length ? geometric(pick("predicted"), w) : NaN;
    // the quantiles: of the candidates with intervals (a classical model with as many parameters as readings has
    // none), each as a ratio to its own point forecast, averaged on the log scale and put on the stacked forecast
    // (when no weighted candidate has intervals, those of the unweighted candidates that have some, equally)
    const hasInterval = (c: number) =>
      forecasts[c].length > 0 &&
      Number.isFinite(forecasts[c][j].lo80) &&
      Number.isFinite(forecasts[c][j].predicted);
    let withIntervals = used.filter(hasInterval);
    let wI = w;
    if (!withIntervals.length) {
      withIntervals = forecasts.flatMap((_, c) => (hasInterval(c) ? [c] : []));
      wI = forecasts.map(() => 1);
    }
    const totalI = withIntervals.reduce((a, c) => a + wI[c], 0);
    const q = (key: "lo80" | "hi80" | "lo95" | "hi95") => {
      if (!withIntervals.length) return NaN;
      if (withIntervals.length === used.length && wI === w) return geometric(pick(key), w);
      let s = 0;
      for (const c of withIntervals) {
        const f = forecasts[c][j];
        s += (wI[c] / totalI) * (Math.log(Math.max(f[key], SMALL)) - Math.log(Math.max(f.predicted, SMALL)));
      }
      return Math.max(predicted, SMALL) * Math.exp(s);
    };
    // SMALL stands for 0 mm on the log scale: a stacked quantile there is the censored end, a reading of 0 mm
    const mm = (v: number) => (v <= SMALL ? 0 : v);
    return {
      t: r.t,
      observed: r.observed,
      predicted,
      lo80: mm(q("lo80")),
      hi80: mm(q("hi80")),
      lo95: mm(q("lo95")),
      hi95: mm(q("hi95")),
    };
  });
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
  readonly candidates: string[];
  readonly weights: number[];
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
   * population) takes all the weight.
   */
  readonly tooFew: boolean;
}

/** Fits a candidate's population on some series (may memoize on `key`). */
export type StackFit = (c: StackCandidate, series: readonly Series[], key: string) => PopulationParameters;
export interface StackOptions {
  readonly seed?: number;
  readonly step?: number;
  readonly criterion?: "median" | "mean";
}

/**
 * Stacking weights from an inner cross-validation on `training` only: for each group of the training series
 * (3 folds of patients when there is a single group), every candidate's population is fitted on the other groups
 * (`fit`, which may memoize on `key`) and the group's series with at least `minPoints` readings (K + 1 when none
 * has that many) are forecast from their first `trainPoints`.
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
  const predicted: number[][] = candidates.map(() => []);
  let patients = 0;
  const observed: number[] = [];
  for (const g of groups) {
    const inFold = training.filter((_, i) => foldIndex[i] === g);
    let splits = splitSeries(inFold, trainPoints, minPoints);
    if (splits.length === 0) splits = splitSeries(inFold, trainPoints, trainPoints + 1);
    if (splits.length === 0) continue;
    const rest = training.filter((s, i) => foldIndex[i] !== g && s.t.length >= 2);
    const key = `${folds}:${groups.filter((h) => h !== g).join("+")}`;
    candidates.forEach((c, k) => {
      const pop = c.kind === "population" ? fit(c, rest, key) : null;
      for (const s of splits)
        for (const r of pop
          ? populationForecast(pop, s.train, s.test, { draws: 20, seed: opts.seed ?? 1 })
          : classicalForecast(c.model, s.train, s.test))
          predicted[k].push(r.predicted);
    });
    for (const s of splits) for (const r of s.test) observed.push(r.y);
    patients += splits.length;
  }
  const best = stackWeights(
    predicted,
    observed,
    opts.step ?? (candidates.length <= 6 ? 0.05 : 0.1),
    opts.criterion ?? "median",
  );
  const alone = candidates.map((c, k) => {
    const one = stackWeights([predicted[k]], observed);
    return { candidate: candidateName(c), medianAe: one.medianAe, mae: one.mae };
  });
  const tooFew = patients < MIN_INNER_PATIENTS;
  const weights = tooFew ? candidates.map((_, k) => (k === 0 ? 1 : 0)) : best.weights;
  return { candidates: candidates.map(candidateName), ...best, weights, alone, folds, patients, tooFew };
}

/** A fitted stack: the inner cross-validation's weights and each weighted candidate's population. */
export interface FittedStack {
  readonly inner: InnerStack;
  readonly candidates: readonly StackCandidate[];
  /** The population of each population candidate fitted on all the training series (null: classical). */
  readonly populations: (PopulationParameters | null)[];
}

/**
 * The stack of `candidates` for patients outside `training`: weights by the inner cross-validation
 * (`innerStack`), then every candidate with a weight fitted on all the training series with ≥ 2 readings.
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
    candidates.length === 1 ? null : innerStack(candidates, training, trainPoints, minPoints, fit, opts);
  const usable = training.filter((s) => s.t.length >= 2);
  const key = `all:${[...new Set(training.map((s) => s.groupKey))].sort().join("+")}`;
  const weights = inner?.weights ?? [1];
  return {
    inner: inner ?? {
      candidates: candidates.map(candidateName),
      weights,
      medianAe: NaN,
      mae: NaN,
      readings: 0,
      alone: [],
      folds: "group",
      patients: 0,
      tooFew: false,
    },
    candidates,
    // every population candidate, weighted or not: the intervals of a stack of classical models come from them
    populations: candidates.map((c) => (c.kind === "population" ? fit(c, usable, key) : null)),
  };
}

/** A patient's stacked forecast: each weighted candidate's population forecast, combined. */
export function stackedForecast(
  stack: FittedStack,
  train: Series,
  test: readonly { t: number; y: number }[],
  opts: { seed?: number; posterior?: "laplace" | "importance"; draws?: number } = {},
): ForecastReading[] {
  const weights = stack.inner.weights;
  const forecasts = stack.populations.map((pop, k) =>
    pop
      ? populationForecast(pop, train, test, opts)
      : weights[k] === 0
        ? []
        : classicalForecast(stack.candidates[k].model, train, test),
  );
  return combineForecasts(forecasts, weights);
}
