/**
 * Tumor growth models (growth-models.ts) fitted to one subject's series by weighted least squares
 * (Levenberg–Marquardt, multi-start, bounds), with standard errors and AIC/BIC; and the population summary of
 * per-subject fits. Model forms as in Benzekry et al., PLoS Comput Biol 2014;10:e1003800 (Table 1).
 */
import {
  levenbergMarquardt,
  multiStartLeastSquares,
  type LeastSquaresOptions,
  type LeastSquaresProblem,
} from "../engine/least-squares.js";
import { growthModel, type GrowthModel } from "./growth-models.js";
import { mean, median, sampleVariance } from "../engine/statistics.js";

/**
 * The model a general model contains, and the general parameters that reproduce a fit of it: general Gompertz
 * at λ = 1 (δ = ω·ln V∞, γ = ω); general (von) Bertalanffy at γ = 2/3.
 */
const NESTED: Record<string, { model: string; embed: (p: readonly number[]) => number[] }> = {
  "gompertz-general": { model: "gompertz-classic", embed: ([vinf, w]) => [w * Math.log(vinf), w, 1] },
  "von-bertalanffy": { model: "bertalanffy-classic", embed: ([a, b]) => [a, b, 2 / 3] },
};

/** Residual weighting: (model − data) / data^α (α = 0 constant, 1 proportional), or ln(model) − ln(data) ("log"). */
export interface ErrorModel {
  readonly kind: "constant" | "proportional" | "power" | "log";
  readonly alpha: number;
}

export function parseErrorModel(s: string): ErrorModel {
  if (s === "constant") return { kind: "constant", alpha: 0 };
  if (s === "proportional") return { kind: "proportional", alpha: 1 };
  if (s === "log") return { kind: "log", alpha: 0 };
  const m = /^power:([0-9.]+)$/.exec(s);
  if (m && Number.isFinite(Number(m[1])) && Number(m[1]) <= 2) return { kind: "power", alpha: Number(m[1]) };
  throw new RangeError(`error model '${s}' is not constant, proportional, log or power:α (0 ≤ α ≤ 2)`);
}

/**
 * The residual of a model value against observation i under an error model: (v − yᵢ)/yᵢ^α, or ln v − ln yᵢ.
 * Built once per fit (the weights are precomputed); throws when the log model meets a non-positive value.
 */
export function residualFunction(
  errorModel: ErrorModel,
  y: readonly number[],
  subject: string,
): (i: number, v: number) => number {
  if (errorModel.kind === "log") {
    if (y.some((x) => !(x > 0)))
      throw new RangeError(`subject ${subject}: the log error model needs positive values`);
    const logY = y.map(Math.log);
    return (i, v) => Math.log(Math.max(v, 1e-300)) - logY[i];
  }
  const a = errorModel.alpha;
  const w = y.map((x) => (a === 0 ? 1 : 1 / Math.pow(Math.max(Math.abs(x), 1e-12), a)));
  return (i, v) => (v - y[i]) * w[i];
}

/** AIC and BIC of a least-squares fit with k parameters to n points (constant terms dropped). */
export function informationCriteria(ssr: number, n: number, k: number): { aic: number; bic: number } {
  const ll = n * Math.log(Math.max(ssr, 1e-300) / n);
  return { aic: ll + 2 * k, bic: ll + k * Math.log(n) };
}

export interface Series {
  readonly id: string;
  readonly t: readonly number[];
  readonly y: readonly number[];
}

export interface GrowthFit {
  readonly id: string;
  readonly model: string;
  readonly parameters: Record<string, { value: number; se: number }>;
  readonly ssr: number;
  readonly n: number;
  readonly aic: number;
  readonly bic: number;
  readonly converged: boolean;
}

export interface FitOptions {
  readonly errorModel?: ErrorModel;
  /** Initial condition V(t0) = v0 (fixed). Default: t0 = 0 and v0 = 1 (one mm³ of injected cells, Benzekry 2014). */
  readonly t0?: number;
  readonly v0?: number;
  readonly starts?: number;
  readonly seed?: number;
  /** Fit V(t0) too (clinical series: the first measurement is noisy); t0 defaults to the first time. */
  readonly fitV0?: boolean;
  /**
   * Fit series with no more observations than parameters (the bounds and the starts decide among the exact
   * fits; a general model starts from its nested model's fit). Default false: n > k is required.
   */
  readonly allowUnderdetermined?: boolean;
}

/** The weighted residual problem of one subject's series (shared by the least-squares and the Bayesian fit). */
export interface GrowthResiduals {
  readonly problem: LeastSquaresProblem;
  /** Fitted parameter names ("v0" first when the initial volume is free). */
  readonly names: readonly string[];
  readonly start: readonly number[];
  readonly startRange: { lower: readonly number[]; upper: readonly number[] };
  readonly n: number;
  /** Σ of the squared weighted readings (n for the log error model): the scale of an exact fit's SSR. */
  readonly scale: number;
  /** V at time t (absolute) for fitted parameters p. */
  predict(p: ArrayLike<number>, t: number): number;
}

export function growthResiduals(model: GrowthModel, s: Series, opts: FitOptions = {}): GrowthResiduals {
  const residual = residualFunction(opts.errorModel ?? { kind: "proportional", alpha: 1 }, s.y, s.id);
  const free = opts.fitV0 === true;
  const t0 = opts.t0 ?? (free ? Math.min(...s.t) : 0);
  const v0 = opts.v0 ?? 1;
  const n = s.t.length;
  const k = model.parameters.length + (free ? 1 : 0);
  if (n < (opts.allowUnderdetermined ? Math.min(k, 2) : k + 1))
    throw new RangeError(`subject ${s.id}: ${n} observations cannot identify ${k} parameters`);
  const first = s.y[s.t.indexOf(Math.min(...s.t))];
  const yMax = Math.max(...s.y.map(Math.abs), 1e-12);
  const v0Start = first > 0 ? first : yMax / 10;
  const theta = new Float64Array(model.parameters.length);
  const predict = (p: ArrayLike<number>, t: number) => {
    for (let j = 0; j < theta.length; j++) theta[j] = p[j + (free ? 1 : 0)];
    return model.value(theta, t - t0, free ? p[0] : v0);
  };
  // one pass over the readings for models integrated numerically (when the times are ascending from t0)
  const tRel = Float64Array.from(s.t, (t) => t - t0);
  const batch = model.values && tRel.every((t, i) => t >= 0 && (i === 0 || t >= tRel[i - 1]));
  const vOut = new Float64Array(n);
  return {
    problem: {
      m: n,
      residuals: batch
        ? (p, r) => {
            for (let j = 0; j < theta.length; j++) theta[j] = p[j + (free ? 1 : 0)];
            model.values!(theta, tRel, free ? p[0] : v0, vOut);
            for (let i = 0; i < n; i++) r[i] = residual(i, vOut[i]);
          }
        : (p, r) => {
            for (let i = 0; i < n; i++) r[i] = residual(i, predict(p, s.t[i]));
          },
      fdStep: model.fdStep,
      lower: free ? [0, ...model.lower] : model.lower,
      upper: free ? [10 * yMax, ...model.upper] : model.upper,
    },
    names: free ? ["v0", ...model.parameters] : [...model.parameters],
    start: free ? [v0Start, ...model.start] : model.start,
    startRange: free
      ? { lower: [v0Start / 3, ...model.startLower], upper: [v0Start * 3, ...model.startUpper] }
      : { lower: model.startLower, upper: model.startUpper },
    n,
    scale: opts.errorModel?.kind === "log" ? n : s.y.reduce((a, y, i) => a + residual(i, 0) ** 2, 0) || n,
    predict,
  };
}

const EXACT = 1e-12;

/**
 * Levenberg–Marquardt settings of a model integrated numerically (its Jacobian a finite difference of an ODE
 * solution, fdStep ≥ 1e-5; closed-form models keep the defaults): the tolerances of MINPACK and SciPy's
 * least_squares (relative decrease of SSR or relative step below 1e-8); a stop when 10 iterations lowered SSR by
 * less than 1e-4 (relative: −2 log L by < 1e-4·n), where on flat ridges and against a bound the iterations crept
 * on to the iteration limit; and a stop when the residuals are a millionth of the readings (SSR ≤ 1e-12 of
 * Σ(weighted reading)²), exact far below the readings' precision, where a series that falls to 0 was otherwise
 * fitted ever closer to a degenerate limit.
 */
const lmOptions = (model: GrowthModel, g: GrowthResiduals): LeastSquaresOptions =>
  model.fdStep !== undefined
    ? { ssrFloor: EXACT * g.scale, ftol: 1e-8, xtol: 1e-8, stall: { iterations: 10, reduction: 1e-4 } }
    : {};

/** An SSR at the data's precision: an exact fit, which no other start can meaningfully improve. */
const exact = (ssr: number, g: GrowthResiduals) => ssr <= EXACT * g.scale;

/**
 * Least-squares fit with multi-start; a general model (general Gompertz, general Bertalanffy) is also started from
 * the fit of the model it contains, so that it is never worse than that model. When that start already fits the
 * readings exactly (as many readings as parameters, say), it is the fit: the other starts could only find other
 * exact fits, equal to rounding, and the nested model's is the parsimonious one.
 */
export function leastSquaresGrowth(model: GrowthModel, s: Series, opts: FitOptions = {}) {
  const g = growthResiduals(model, s, opts);
  const nested = NESTED[model.name];
  const extraStarts: number[][] = [];
  const lm = lmOptions(model, g);
  if (nested) {
    const inner = leastSquaresGrowth(growthModel(nested.model), s, opts);
    const free = opts.fitV0 === true;
    const p = inner.fit.theta;
    const embedded = nested.embed(free ? p.slice(1) : p);
    const start = free ? [p[0], ...embedded] : embedded;
    if (exact(inner.fit.ssr, g)) {
      try {
        const fit = levenbergMarquardt(g.problem, start, lm);
        if (exact(fit.ssr, g)) return { g, fit: { ...fit, starts: 1 } };
      } catch {
        // the general model is not finite there: the other starts decide
      }
    }
    extraStarts.push(start);
  }
  const fit = multiStartLeastSquares(g.problem, g.start, g.startRange, {
    ...lm,
    starts: opts.starts ?? 8,
    seed: opts.seed ?? 1,
    extraStarts,
  });
  return { g, fit };
}

export function fitGrowth(model: GrowthModel, s: Series, opts: FitOptions = {}): GrowthFit {
  const { g, fit } = leastSquaresGrowth(model, s, opts);
  const { n } = g;
  const k = g.names.length;
  return {
    id: s.id,
    model: model.name,
    parameters: Object.fromEntries(
      g.names.map((name, j) => [name, { value: fit.theta[j], se: fit.standardErrors[j] }]),
    ),
    ssr: fit.ssr,
    n,
    ...informationCriteria(fit.ssr, n, k),
    converged: fit.converged,
  };
}

export interface PopulationSummary {
  readonly model: string;
  readonly subjects: number;
  readonly parameters: Record<string, { median: number; mean: number; cvPercent: number }>;
  readonly meanAic: number;
}

export function summarizeFits(fits: readonly GrowthFit[]): PopulationSummary {
  const names = Object.keys(fits[0]?.parameters ?? {});
  return {
    model: fits[0]?.model ?? "",
    subjects: fits.length,
    parameters: Object.fromEntries(
      names.map((p) => {
        const v = fits.map((f) => f.parameters[p].value);
        const m = mean(v);
        const cvPercent = v.length > 1 ? (100 * Math.sqrt(sampleVariance(v))) / Math.abs(m) : NaN;
        return [p, { median: median(v), mean: m, cvPercent }];
      }),
    ),
    meanAic: fits.length ? mean(fits.map((f) => f.aic)) : 0,
  };
}
