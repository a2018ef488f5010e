/**
 * Fits a few identifiable quantities of a mechanistic model (parameters such as the growth rate or the immune kill
 * efficacy, or initial states such as the burden at the first scan) to a patient's series of one observation
 * (volume, sum of diameters, PSA, …), the rest staying at their published values. Weighted least squares by
 * Levenberg–Marquardt on the log scale of positive quantities, each residual evaluation one ODE solve.
 */
import type { CompiledModel } from "../engine/language/compile.js";
import type { DoseSpec } from "../engine/language/index.js";
import { multiStartLeastSquares } from "../engine/least-squares.js";
import { solve } from "../engine/solve.js";
import { informationCriteria, residualFunction, type ErrorModel, type Series } from "./growth-fit.js";

export interface MechanisticFitOptions {
  /** The observation of the model the series measures (e.g. "volume", "sld", "psa"). */
  readonly observation: string;
  /** Free quantities: parameter names or "init.STATE", optionally with bounds "name=lo..hi". */
  readonly free: readonly string[];
  readonly errorModel?: ErrorModel;
  /** Parameters and initial state to start from (default: the model's published values). */
  readonly parameters?: Float64Array;
  readonly y0?: Float64Array;
  readonly doses?: readonly DoseSpec[];
  /** The series' time of the model's t = 0 (default: the first observation). */
  readonly t0?: number;
  readonly starts?: number;
  readonly seed?: number;
}

export interface MechanisticFit {
  /** Each free quantity: estimate, standard error, published value and the bounds the fit was kept in. */
  readonly parameters: Record<
    string,
    { value: number; se: number; published: number; lower?: number; upper?: number }
  >;
  readonly ssr: number;
  readonly n: number;
  readonly aic: number;
  readonly bic: number;
  readonly converged: boolean;
  /** The fitted observation at the given series times. */
  readonly fitted: number[];
}

interface Free {
  name: string;
  kind: "parameter" | "initial";
  index: number;
  log: boolean;
  lower: number;
  upper: number;
  published: number;
}

function parseFree(model: CompiledModel, spec: string, p: Float64Array, y0: Float64Array): Free {
  const m = /^([\w.]+)(?:=([^.]+)\.\.(.+))?$/.exec(spec.trim());
  if (!m) throw new RangeError(`free quantity '${spec}' is not NAME or NAME=LOW..HIGH`);
  const name = m[1];
  const isInit = name.startsWith("init.");
  const index = isInit ? model.stateIndex(name.slice(5)) : model.parameterIndex(name);
  if (index < 0)
    throw new RangeError(
      isInit
        ? `'${name}': ${model.spec.name} has no state ${name.slice(5)} (${model.stateNames.join(", ")})`
        : `'${name}': ${model.spec.name} has no parameter ${name}`,
    );
  const published = isInit ? y0[index] : p[index];
  let lower = published > 0 ? published / 100 : 0;
  let upper = published > 0 ? published * 100 : 10;
  if (m[2] !== undefined) {
    lower = Number(m[2]);
    upper = Number(m[3]);
    if (!Number.isFinite(lower) || !Number.isFinite(upper) || !(lower < upper))
      throw new RangeError(`free quantity '${spec}': bounds must be numbers with LOW < HIGH`);
  }
  const log = lower > 0;
  return { name, kind: isInit ? "initial" : "parameter", index, log, lower, upper, published };
}

export function fitMechanistic(model: CompiledModel, s: Series, opts: MechanisticFitOptions): MechanisticFit {
  const obsIndex = model.observationNames.indexOf(opts.observation);
  if (obsIndex < 0)
    throw new RangeError(
      `${model.spec.name} has no observation '${opts.observation}' (${model.observationNames.join(", ") || "none"})`,
    );
  const p = Float64Array.from(opts.parameters ?? model.defaultParameters());
  const y0 = Float64Array.from(opts.y0 ?? model.defaultInitialState());
  const free = opts.free.map((f) => parseFree(model, f, p, y0));
  if (free.length === 0) throw new RangeError("no free quantity to fit");
  const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
  const t0 = opts.t0 ?? s.t[order[0]];
  const times = Float64Array.from(order.map((i) => s.t[i] - t0));
  if (times[0] < 0) throw new RangeError("observations before the model's t = 0");
  const n = s.t.length;
  if (n < free.length + 1)
    throw new RangeError(`${n} observations cannot identify ${free.length} free quantities`);
  const residual = residualFunction(
    opts.errorModel ?? { kind: "proportional", alpha: 1 },
    order.map((i) => s.y[i]),
    s.id,
  );
  const tEnd = Math.max(times[times.length - 1], 1e-9);
  const fitted = new Float64Array(n);
  const apply = (theta: ArrayLike<number>) => {
    free.forEach((f, j) => {
      const v = f.log ? Math.exp(theta[j]) : theta[j];
      if (f.kind === "parameter") p[f.index] = v;
      else y0[f.index] = v;
    });
  };
  const simulate = (theta: ArrayLike<number>): boolean => {
    apply(theta);
    try {
      const sol = solve(model.problem({ tEnd, parameters: p, y0, doses: opts.doses ?? [], events: false }), {
        times,
        rtol: 1e-8,
        atol: 1e-6,
        maxSteps: 200_000,
      });
      const o = model.observe(sol.times, sol.values, p)[obsIndex];
      for (let i = 0; i < n; i++) fitted[i] = o[i];
      return true;
    } catch {
      return false; // a solver failure makes this point infeasible for the optimizer
    }
  };
  const toTheta = (v: number, f: Free) => (f.log ? Math.log(v) : v);
  const fit = multiStartLeastSquares(
    {
      m: n,
      residuals: (theta, r) => {
        if (!simulate(theta)) {
          r.fill(NaN);
          return;
        }
        for (let i = 0; i < n; i++) r[i] = residual(i, fitted[i]);
      },
      lower: free.map((f) => toTheta(f.lower, f)),
      upper: free.map((f) => toTheta(f.upper, f)),
      // the residuals carry the solver's error (rtol 1e-8): a step of 1e-4 keeps the Jacobian's error near 1e-4
      fdStep: 1e-4,
    },
    free.map((f) => toTheta(Math.min(Math.max(f.published, f.lower), f.upper), f)),
    {
      lower: free.map((f) => toTheta(f.log ? Math.max(f.lower, f.published / 10) : f.lower, f)),
      upper: free.map((f) => toTheta(f.log ? Math.min(f.upper, f.published * 10) : f.upper, f)),
    },
    { starts: opts.starts ?? 4, seed: opts.seed ?? 1 },
  );
  simulate(fit.theta);
  const k = free.length;
  const back = new Array<number>(n);
  order.forEach((i, j) => (back[i] = fitted[j]));
  return {
    parameters: Object.fromEntries(
      free.map((f, j) => {
        const v = f.log ? Math.exp(fit.theta[j]) : fit.theta[j];
        // delta method: se(v) = v · se(log v)
        const se = f.log ? v * fit.standardErrors[j] : fit.standardErrors[j];
        return [f.name, { value: v, se, published: f.published, lower: f.lower, upper: f.upper }];
      }),
    ),
    ssr: fit.ssr,
    n,
    ...informationCriteria(fit.ssr, n, k),
    converged: fit.converged,
    fitted: back,
  };
}
