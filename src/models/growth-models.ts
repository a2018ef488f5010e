/**
 * Tumor growth models with closed-form solutions (the general Gompertz's through the exponential integral, with
 * numerical integration where that gives no value). Model forms as in Benzekry et al., PLoS Comput Biol
 * 2014;10:e1003800 (Table 1). Fitted by growth-fit.ts.
 */
import { integrateScalar } from "../engine/scalar-ode.js";
import { solve } from "../engine/solve.js";
import { generalGompertzLog } from "./general-gompertz.js";
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
