/**
 * Tumor growth models with closed-form solutions (the general Gompertz's through the exponential integral), fitted to one subject's series by weighted least squares
 * (Levenberg–Marquardt, multi-start, bounds), with standard errors and AIC/BIC; and the population summary of
 * per-subject fits. Model forms as in Benzekry et al., PLoS Comput Biol 2014;10:e1003800 (Table 1).
 */
import {
  levenbergMarquardt,
  multiStartLeastSquares,
  type LeastSquaresOptions,
  type LeastSquaresProblem,
} from "../engine/least-squares.js";
import { integrateScalar } from "../engine/scalar-ode.js";
import { generalGompertzLog } from "./general-gompertz.js";
import { solve } from "../engine/solve.js";
import { mean, median, sampleVariance } from "../engine/statistics.js";

export interface GrowthModel {
  readonly name: string;
  readonly equation: string;
  readonly parameters: readonly string[];
  readonly units: readonly string[];
  /** Starting values and the box multi-start draws from; hard bounds. */
  readonly start: readonly number[];
  readonly startLower: readonly number[];
  readonly startUpper: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** V(t) for V(t0) = v0. */
  value(theta: ArrayLike<number>, t: number, v0: number): number;
  /**
   * V at ascending times t ≥ 0 in one pass (models integrated numerically; the fits use it), and the relative
   * step of the finite-difference Jacobian suited to its accuracy.
   */
  values?(theta: ArrayLike<number>, t: Float64Array, v0: number, out: Float64Array): void;
  readonly fdStep?: number;
}

const GROWTH_MODELS: readonly GrowthModel[] = [
  {
    name: "exponential",
    equation: "dV/dt = a·V",
    parameters: ["a"],
    units: ["1/day"],
    start: [0.3],
    startLower: [0.01],
    startUpper: [2],
    lower: [-20],
    upper: [20],
    value: (p, t, v0) => v0 * Math.exp(p[0] * t),
  },
  {
    name: "logistic",
    equation: "dV/dt = a·V·(1 − V/K)",
    parameters: ["a", "K"],
    units: ["1/day", "volume"],
    start: [0.5, 1000],
    startLower: [0.01, 10],
    startUpper: [5, 1e5],
    lower: [0, 1e-9],
    upper: [50, 1e12],
    value: (p, t, v0) => (p[1] * v0) / (v0 + (p[1] - v0) * Math.exp(-p[0] * t)),
  },
  {
    name: "gompertz",
    equation: "dV/dt = a·e^(−β·t)·V",
    parameters: ["a", "beta"],
    units: ["1/day", "1/day"],
    start: [0.7, 0.08],
    startLower: [0.01, 1e-3],
    startUpper: [5, 1],
    lower: [0, 0],
    upper: [50, 20],
    value: (p, t, v0) => v0 * Math.exp((p[1] > 1e-12 ? (1 - Math.exp(-p[1] * t)) / p[1] : t) * p[0]),
  },
  {
    name: "gompertz-classic",
    equation: "dV/dt = ω·V·ln(V∞/V)",
    parameters: ["vinf", "omega"],
    units: ["volume", "1/time"],
    start: [1, 0.05],
    startLower: [1e-6, 1e-3],
    startUpper: [1e4, 2],
    lower: [1e-300, 0],
    upper: [1e15, 50],
    value: (p, t, v0) => (v0 <= 0 ? 0 : p[0] * Math.pow(v0 / p[0], Math.exp(-p[1] * t))),
  },
  {
    name: "bertalanffy-classic",
    equation: "dV/dt = a·V^(2/3) − b·V",
    parameters: ["a", "b"],
    units: ["volume^(1/3)/time", "1/time"],
    start: [0.5, 0.1],
    startLower: [1e-4, 1e-4],
    startUpper: [10, 5],
    lower: [0, 0],
    upper: [1e4, 1e3],
    value: (p, t, v0) => {
      const [a, b] = [p[0], p[1]];
      if (b < 1e-12) return Math.pow(Math.cbrt(v0) + (a * t) / 3, 3);
      const base = a / b + (Math.cbrt(v0) - a / b) * Math.exp((-b * t) / 3);
      return base > 0 ? base * base * base : 0;
    },
  },
  {
    name: "power-law",
    equation: "dV/dt = a·V^γ",
    parameters: ["a", "gamma"],
    units: ["volume^(1−γ)/day", "1"],
    start: [0.9, 0.8],
    startLower: [0.01, 0.1],
    startUpper: [10, 0.99],
    lower: [0, 0],
    upper: [1e3, 0.9999],
    value: (p, t, v0) => {
      const e = 1 - p[1];
      const base = Math.pow(v0, e) + e * p[0] * t;
      return base > 0 ? Math.pow(base, 1 / e) : 0;
    },
  },
  {
    name: "von-bertalanffy",
    equation: "dV/dt = a·V^γ − b·V",
    parameters: ["a", "b", "gamma"],
    units: ["volume^(1−γ)/day", "1/day", "1"],
    start: [1, 0.1, 0.8],
    startLower: [0.01, 1e-3, 0.1],
    startUpper: [20, 10, 0.99],
    lower: [0, 0, 0],
    upper: [1e3, 1e3, 0.9999],
    value: (p, t, v0) => {
      const [a, b, g] = [p[0], p[1], p[2]];
      const e = 1 - g;
      if (b < 1e-12) return Math.pow(Math.pow(v0, e) + e * a * t, 1 / e);
      const inf = a / b;
      const base = inf + (Math.pow(v0, e) - inf) * Math.exp(-e * b * t);
      return base > 0 ? Math.pow(base, 1 / e) : 0;
    },
  },
  {
    name: "gompertz-general",
    equation: "dV/dt = V^λ·(δ − γ·ln V)  (Laleh 2022 'general Gompertz'; λ = 1: the classic Gompertz)",
    parameters: ["delta", "gamma", "lambda"],
    units: ["1/time", "1/time", "1"],
    start: [0.1, 0.05, 1],
    startLower: [-1, 1e-3, 0.7],
    startUpper: [1, 1, 1.2],
    lower: [-50, 0, 0.5],
    upper: [50, 50, 1.5],
    value: (p, t, v0) => generalGompertz(p[0], p[1], p[2], v0, t),
    values: (p, t, v0, out) => generalGompertzPath(p[0], p[1], p[2], v0, t, out),
    fdStep: 1e-5,
  },
];

/**
 * ln V below which the tumor is extinct (V < 1e-304) and stays so: with λ < 1 and a shrinking tumor the rate
 * e^((λ−1)u)·(δ − γu) grows without bound as u → −∞ (V reaches 0 in finite time), which the integrator could only
 * follow in thousands of steps and then handed to the stiff solver.
 */
const EXTINCT = -700;

/**
 * V(t) of the general Gompertz model: its closed form (general-gompertz.ts) forward in time; where that gives no
 * value, and backwards, u = ln V, du/dt = ±e^((λ−1)u)·(δ − γu), is integrated by Dormand–Prince 5(4) (rtol 1e-11;
 * backwards with the sign flipped), and where that is stiff (more than 20,000 steps) by the engine's stiff solver.
 */
function generalGompertz(delta: number, gamma: number, lambda: number, v0: number, t: number): number {
  if (v0 <= 0) return 0;
  if (t === 0) return v0;
  if (t > 0) {
    const u = generalGompertzLog(delta, gamma, lambda, Math.log(v0), t);
    if (!Number.isNaN(u)) return Math.exp(u);
  }
  return integrateGeneralGompertz(delta, gamma, lambda, v0, t);
}

/** V(t) by integrating the equation (backwards in time, or where the closed form gives no value). */
function integrateGeneralGompertz(
  delta: number,
  gamma: number,
  lambda: number,
  v0: number,
  t: number,
): number {
  if (v0 <= 0) return 0;
  const sign = t > 0 ? 1 : -1;
  const a = lambda - 1;
  const rate = (u: number) => {
    if (u < EXTINCT) return 0;
    const r = sign * Math.exp(a * (u > 700 ? 700 : u)) * (delta - gamma * u);
    return Number.isFinite(r) ? r : 0;
  };
  const out = new Float64Array(1);
  if (
    integrateScalar(rate, Math.log(v0), 0, [Math.abs(t)], out, { rtol: 1e-11, atol: 1e-13, maxSteps: 20000 })
  )
    return Math.exp(out[0]);
  const system = {
    dimension: 1,
    rhs: (_t: number, y: Float64Array, dy: Float64Array) => {
      const v = y[0] > 1e-300 ? y[0] : 1e-300;
      dy[0] = sign * Math.pow(v, lambda) * (delta - gamma * Math.log(v));
    },
  };
  try {
    const sol = solve(
      { system, y0: [v0], t0: 0, tEnd: Math.abs(t), nonnegative: [true] },
      { nOut: 2, rtol: 1e-10, atol: 1e-14 * v0, dense: false, maxSteps: 100_000 },
    );
    return sol.final[0];
  } catch {
    return NaN; // the solution blows up before t: no value (a fit refuses the step)
  }
}

/** V at ascending times t ≥ 0 in one integration (rtol 1e-9; the stiff solver where that is not enough). */
function generalGompertzPath(
  delta: number,
  gamma: number,
  lambda: number,
  v0: number,
  t: Float64Array,
  out: Float64Array,
): void {
  if (v0 > 0) {
    // the closed form (general-gompertz.ts) at every time; the integration where it gives no value
    const u0 = Math.log(v0);
    let j = 0;
    for (; j < t.length; j++) {
      const u = generalGompertzLog(delta, gamma, lambda, u0, t[j]);
      if (Number.isNaN(u)) break;
      out[j] = Math.exp(u);
    }
    if (j === t.length) return;
  }
  const a = lambda - 1;
  const rate = (u: number) => {
    if (u < EXTINCT) return 0;
    const r = Math.exp(a * (u > 700 ? 700 : u)) * (delta - gamma * u);
    return Number.isFinite(r) ? r : 0;
  };
  if (v0 > 0 && integrateScalar(rate, Math.log(v0), 0, t, out, { rtol: 1e-9, atol: 1e-12, maxSteps: 20000 }))
    for (let j = 0; j < t.length; j++) out[j] = Math.exp(out[j]);
  else for (let j = 0; j < t.length; j++) out[j] = integrateGeneralGompertz(delta, gamma, lambda, v0, t[j]);
}

/**
 * The model a general model contains, and the general parameters that reproduce a fit of it: general Gompertz
 * at λ = 1 (δ = ω·ln V∞, γ = ω); general (von) Bertalanffy at γ = 2/3.
 */
const NESTED: Record<string, { model: string; embed: (p: readonly number[]) => number[] }> = {
  "gompertz-general": { model: "gompertz-classic", embed: ([vinf, w]) => [w * Math.log(vinf), w, 1] },
  "von-bertalanffy": { model: "bertalanffy-classic", embed: ([a, b]) => [a, b, 2 / 3] },
};

export function growthModels(): readonly GrowthModel[] {
  return GROWTH_MODELS;
}

export function growthModel(name: string): GrowthModel {
  const m = GROWTH_MODELS.find((x) => x.name === name);
  if (!m)
    throw new RangeError(
      `unknown growth model '${name}' (one of ${GROWTH_MODELS.map((x) => x.name).join(", ")})`,
    );
  return m;
}

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
