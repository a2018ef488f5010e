/**
 * The candidates of a forecast stack (`forecast-stacking.ts`) and the forecast of one patient by one of them:
 *
 * - a population model (`gompertz`, `gompertz/diagonal/log-time`): the patient's first readings update its prior
 *   (`populationForecast`); with `/carry` (`gompertz/full/log/carry`) the patient's deviation from their curve at
 *   the last training reading is carried forward, decaying with a time constant chosen by the inner
 *   cross-validation from CARRY_GRID (an autocorrelated residual); with `/exp` (`gompertz/full/log/exp`) or
 *   `/exp-nugget` the residual autocorrelation is in the population model itself (nlme's corExp, range T — and
 *   nugget — estimated by maximum likelihood with Ω and σ) and the forecast is the conditional (kriging)
 *   prediction given all the patient's training residuals;
 * - a classical model fitted per patient without a prior (`bertalanffy-classic`, `per-patient:exponential`): the
 *   Laleh 2022 baselines;
 * - `analog`: the median course of the reference patients whose early course is nearest the patient's
 *   (`forecast-analog.ts`), the references being the training patients.
 */
import { analogForecast, type AnalogCourse, type AnalogOptions } from "./forecast-analog.js";
import { classicalForecast } from "./forecast-baselines.js";
import { populationForecast, type ForecastReading } from "./forecast.js";
import { type Series } from "./growth-fit.js";
import { growthModels } from "./growth-models.js";
import type { PopulationParameters } from "./population-fit.js";
import { populationModels } from "./population-models.js";

export interface StackCandidate {
  readonly model: string;
  readonly kind: "population" | "classical" | "analog";
  readonly covariance: "full" | "diagonal";
  readonly errorModel: "log" | "constant" | "combined" | "log-time";
  /** A population candidate whose deviation at the last training reading is carried forward. */
  readonly carry?: boolean;
  /** A population candidate whose residuals are correlated within a patient (nlme corExp, fitted). */
  readonly correlation?: "exp" | "exp-nugget";
}

const PER_PATIENT = "per-patient:";

/**
 * The default of `immunoplan forecast` (docs/forecasting.md, how it was chosen): the Gompertz population (full Ω,
 * error on ln y) with the patient's deviation at the last training reading carried forward, its time constant
 * chosen by the inner leave-one-study-out.
 */
export const DEFAULT_STACK: readonly string[] = ["gompertz/full/log/carry"];

/** The previous default (before 2026-11-30, third session): the Gompertz population and the six classical models. */
export const CLASSICAL_STACK: readonly string[] = [
  "gompertz",
  "per-patient:exponential",
  "logistic",
  "bertalanffy-classic",
  "von-bertalanffy",
  "gompertz-classic",
  "gompertz-general",
];

/**
 * Time constants (in the data's time unit; days for Laleh 2022) among which the inner cross-validation chooses
 * that of a `/carry` candidate: 0 is no carry (independent residuals), Infinity a deviation that persists. An
 * assumption: a grid from a month to more than a year of scans, fixed before the forecasts were measured.
 */
export const CARRY_GRID: readonly number[] = [0, 30, 60, 120, 240, 480, Infinity];
/**
 * The shares of the last deviation a `/carry` candidate may carry, chosen with the time constant by the inner
 * cross-validation (1 first: the full carry wins ties) — pre-registered 2026-12-06 (docs/forecasting.md).
 */
export const CARRY_FRACTIONS: readonly number[] = [1, 0.75, 0.5, 0.25];
/** The (time constant, share) pairs of a `/carry` candidate's inner search: no carry once, then every pair. */
export const CARRY_PAIRS: readonly { readonly T: number; readonly fraction: number }[] = [
  { T: 0, fraction: 1 },
  ...CARRY_FRACTIONS.flatMap((fraction) => CARRY_GRID.filter((T) => T > 0).map((T) => ({ T, fraction }))),
];

/** A time constant as the JSON names it. */
export const carryName = (T: number) => (T === 0 ? "none" : T === Infinity ? "∞" : String(T));

/** The analog candidate's options (besides the floor): fixed, docs/forecasting.md says how they were set. */
export const ANALOG_OPTIONS: Omit<AnalogOptions, "floor"> = { anchor: "last", fraction: 0.2, k: 5 };

/**
 * `gompertz`, `gompertz/diagonal`, `gompertz/full/log-time`, `gompertz/full/log/carry`: a population
 * model[/covariance[/error model[/carry]]]; `bertalanffy-classic` or `per-patient:exponential` (for a name that is
 * also a population model): a classical model fitted per patient; `analog`: the nearest courses.
 */
export function parseCandidate(
  text: string,
  defaults: Omit<StackCandidate, "model" | "kind">,
): StackCandidate {
  const perPatient = text.trim().startsWith(PER_PATIENT);
  if (text.trim() === "analog") return { model: "analog", kind: "analog", ...defaults };
  const [model, covariance, errorModel, carry, ...rest] = text
    .trim()
    .slice(perPatient ? PER_PATIENT.length : 0)
    .split("/");
  if (perPatient || !populationModels().some((m) => m.name === model)) {
    if (!growthModels().some((m) => m.name === model) || covariance !== undefined)
      throw new RangeError(
        `'${text}' is not a population model nor a classical model fitted per patient (nor 'analog')`,
      );
    return { model, kind: "classical", ...defaults };
  }
  const cov = covariance || defaults.covariance;
  const err = errorModel || defaults.errorModel;
  if (cov !== "full" && cov !== "diagonal")
    throw new RangeError(`'${text}': covariance '${cov}' is not full or diagonal`);
  if (err !== "log" && err !== "constant" && err !== "combined" && err !== "log-time")
    throw new RangeError(`'${text}': error model '${err}' is not log, constant, combined or log-time`);
  if ((carry !== undefined && carry !== "carry" && carry !== "exp" && carry !== "exp-nugget") || rest.length)
    throw new RangeError(`'${text}': '${[carry, ...rest].join("/")}' is not 'carry', 'exp' or 'exp-nugget'`);
  if ((carry === "exp" || carry === "exp-nugget") && err !== "log" && err !== "constant")
    throw new RangeError(`'${text}': a residual correlation needs the log or constant error model`);
  return {
    model,
    kind: "population",
    covariance: cov,
    errorModel: err,
    ...(carry === "carry" ? { carry: true } : {}),
    ...(carry === "exp" || carry === "exp-nugget" ? { correlation: carry } : {}),
  };
}

export const candidateName = (c: StackCandidate) =>
  c.kind === "classical"
    ? `${c.model} (per patient)`
    : c.kind === "analog"
      ? "analog (nearest courses)"
      : `${c.model}/${c.covariance}/${c.errorModel}${c.carry ? "/carry" : ""}${c.correlation ? `/${c.correlation}` : ""}`;

/**
 * The population a candidate needs fitted (the same for a `/carry` candidate as without; with its residual
 * correlation for `/exp`), null for the others.
 */
export const populationOf = (c: StackCandidate): StackCandidate | null =>
  c.kind === "population" ? { ...c, carry: undefined } : null;

/** What a candidate forecasts from: its fitted population or the reference courses, and its time constant. */
export interface CandidateContext {
  readonly population: PopulationParameters | null;
  readonly courses: readonly AnalogCourse[] | null;
  /** The floor of the log scale (mm) of the analog candidate. */
  readonly floor: number;
  /** The carry's time constant (0: none). */
  readonly carry: number;
  /** The share of the deviation carried (1 when not given). */
  readonly carryFraction?: number;
}

/** One candidate's forecast of a patient's readings `test` from their first readings `train`. */
export function candidateForecast(
  c: StackCandidate,
  ctx: CandidateContext,
  train: Series,
  test: readonly { t: number; y: number }[],
  opts: { seed?: number; posterior?: "laplace" | "importance"; draws?: number } = {},
): ForecastReading[] {
  if (c.kind === "classical") return classicalForecast(c.model, train, test);
  if (c.kind === "analog") {
    const p = analogForecast(
      ctx.courses ?? [],
      train,
      test.map((r) => r.t),
      { ...ANALOG_OPTIONS, floor: ctx.floor },
    );
    return test.map((r, j) => ({
      t: r.t,
      observed: r.y,
      predicted: p[j],
      lo80: NaN,
      hi80: NaN,
      lo95: NaN,
      hi95: NaN,
    }));
  }
  if (!ctx.population) throw new RangeError(`${candidateName(c)}: no population`);
  return populationForecast(ctx.population, train, test, {
    ...opts,
    ...(c.carry && ctx.carry > 0
      ? { carry: ctx.carry, ...(ctx.carryFraction !== undefined ? { carryFraction: ctx.carryFraction } : {}) }
      : {}),
  });
}
