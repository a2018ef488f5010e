/**
 * Structural models of tumor size y(t) (t from treatment start) for population fits, written on the scale of the
 * individual parameters φ: ln θ for positive parameters (log-normal between-patient variability), θ for signed
 * ones (normal). Each writes ln y(t) (the "log" residual model, additive on ln y) or y(t).
 *
 * - stein: y0·(e^(−d·t) + e^(g·t) − 1) — Stein et al., Clin Cancer Res 2008;14:1541 (bi-exponential regression /
 *   growth), the standard tumor-growth-inhibition form of clinical sum-of-diameters series.
 * - claret: y0·exp(KL·t − (KD/λ)·(1 − e^(−λt))) — Claret et al., J Clin Oncol 2009;27:4103 (constant exposure,
 *   resistance decaying the kill rate at λ).
 * - gompertz: y∞·(y0/y∞)^(e^(−ω·t)) — classic Gompertz (Laleh et al., PLoS Comput Biol 2022;18:e1009822).
 * - gompertz-drift: y∞·(y0/y∞)^(e^(−ω·t))·e^(k·t/100), k signed (per 100 time units) — a Gompertz approach to a
 *   plateau times a slow exponential drift: regrowth of a resistant part after shrinkage (k > 0); k = 0 is the
 *   classic Gompertz (nested). Claret's log-size form with a signed rate.
 * - resistant-fraction: y0·(f·e^(g·t) + (1 − f)·e^(−d·t)), f on the logit scale — a sensitive part shrinking and a
 *   resistant fraction f growing (the mixture form of tumor-growth-inhibition models).
 * - general-gompertz: dy/dt = y^λ·(δ − γ·ln y) — Laleh 2022's general Gompertz on the measured size (λ = 1: the
 *   classic Gompertz with y∞ = e^(δ/γ), ω = γ), integrated by RK4 in u = ln y.
 * - exponential: y0·e^(k·t), k signed.
 */
import { integrateScalar } from "../engine/scalar-ode.js";

export interface PopulationModel {
  readonly name: string;
  readonly equation: string;
  readonly parameters: readonly string[];
  readonly units: readonly string[];
  /** "log": φ = ln θ (log-normal variability); "logit": φ = ln(θ/(1 − θ)) (a fraction); "none": φ = θ. */
  readonly transform: readonly ("log" | "logit" | "none")[];
  /** Typical values θ for sizes in mm and time in days (the naive pooled fit starts here). */
  readonly start: readonly number[];
  /** Parameters without a random effect by default. */
  readonly fixedOnly?: readonly string[];
  /** ln y(t_j) for individual parameters φ. */
  logSize(phi: Float64Array, t: Float64Array, out: Float64Array): void;
}

const log1pSafe = (x: number) => (x > -1 ? Math.log1p(x) : -745);
/** ln(1 + e^x) without overflow. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

const MODELS: readonly PopulationModel[] = [
  {
    name: "stein",
    equation: "y = y0·(e^(−d·t) + e^(g·t) − 1)",
    parameters: ["y0", "d", "g"],
    units: ["size unit", "1/time unit", "1/time unit"],
    transform: ["log", "log", "log"],
    start: [35, 0.01, 0.002],
    logSize: (phi, t, out) => {
      const d = Math.exp(phi[1]);
      const g = Math.exp(phi[2]);
      for (let j = 0; j < t.length; j++)
        out[j] = phi[0] + log1pSafe(Math.exp(-d * t[j]) + Math.expm1(g * t[j]) - 1);
    },
  },
  {
    name: "claret",
    equation: "y = y0·exp(KL·t − (KD/λ)·(1 − e^(−λ·t)))",
    parameters: ["y0", "KL", "KD", "lambda"],
    units: ["size unit", "1/time unit", "1/time unit", "1/time unit"],
    transform: ["log", "log", "log", "log"],
    start: [35, 0.002, 0.01, 0.01],
    logSize: (phi, t, out) => {
      const kl = Math.exp(phi[1]);
      const kd = Math.exp(phi[2]);
      const lam = Math.exp(phi[3]);
      for (let j = 0; j < t.length; j++) out[j] = phi[0] + kl * t[j] - (kd / lam) * -Math.expm1(-lam * t[j]);
    },
  },
  {
    name: "gompertz",
    equation: "y = y∞·(y0/y∞)^(e^(−ω·t))",
    parameters: ["y0", "yinf", "omega"],
    units: ["size unit", "size unit", "1/time unit"],
    transform: ["log", "log", "log"],
    start: [35, 25, 0.01],
    logSize: (phi, t, out) => {
      const w = Math.exp(phi[2]);
      for (let j = 0; j < t.length; j++) out[j] = phi[1] + (phi[0] - phi[1]) * Math.exp(-w * t[j]);
    },
  },
  {
    name: "gompertz-drift",
    equation: "y = y∞·(y0/y∞)^(e^(−ω·t))·e^(k·t/100)",
    parameters: ["y0", "yinf", "omega", "k"],
    // k per 100 time units: its random effect's SD is then of the order of the others' (conditioning of Ω)
    units: ["size unit", "size unit", "1/time unit", "1/(100 time units)"],
    transform: ["log", "log", "log", "none"],
    start: [35, 25, 0.01, 0],
    logSize: (phi, t, out) => {
      const w = Math.exp(phi[2]);
      const k = phi[3] / 100;
      for (let j = 0; j < t.length; j++) out[j] = phi[1] + (phi[0] - phi[1]) * Math.exp(-w * t[j]) + k * t[j];
    },
  },
  {
    name: "resistant-fraction",
    equation: "y = y0·(f·e^(g·t) + (1 − f)·e^(−d·t))",
    parameters: ["y0", "f", "g", "d"],
    units: ["size unit", "1", "1/time unit", "1/time unit"],
    transform: ["log", "logit", "log", "log"],
    start: [35, 0.5, 0.002, 0.01],
    logSize: (phi, t, out) => {
      // ln f = −ln(1 + e^(−x)), ln(1 − f) = −ln(1 + e^x), x = logit f; the two terms added on the log scale
      const x = phi[1];
      const lf = -softplus(-x);
      const l1f = -softplus(x);
      const g = Math.exp(phi[2]);
      const d = Math.exp(phi[3]);
      for (let j = 0; j < t.length; j++) {
        const a = lf + g * t[j];
        const b = l1f - d * t[j];
        const hi = a > b ? a : b;
        out[j] = phi[0] + hi + Math.log1p(Math.exp(-Math.abs(a - b)));
      }
    },
  },
  {
    name: "general-gompertz",
    equation: "dy/dt = y^λ·(δ − γ·ln y)  (λ = 1: classic Gompertz)",
    parameters: ["y0", "delta", "gamma", "lambda"],
    units: ["size unit", "1/time unit", "1/time unit", "1"],
    transform: ["log", "none", "log", "log"],
    start: [35, 0.03, 0.01, 1],
    fixedOnly: ["lambda"],
    logSize: (phi, t, out) => generalGompertzLog(phi[0], phi[1], Math.exp(phi[2]), Math.exp(phi[3]), t, out),
  },
  {
    name: "exponential",
    equation: "y = y0·e^(k·t)",
    parameters: ["y0", "k"],
    units: ["size unit", "1/time unit"],
    transform: ["log", "none"],
    start: [35, 0],
    logSize: (phi, t, out) => {
      for (let j = 0; j < t.length; j++) out[j] = phi[0] + phi[1] * t[j];
    },
  },
];

/**
 * ln y(t_j) of dy/dt = y^λ(δ − γ ln y), y(0) = e^u0, for ascending t ≥ 0: u = ln y obeys
 * du/dt = e^((λ−1)u)·(δ − γu), integrated by Dormand–Prince 5(4) (rtol 1e-9); NaN where that takes more than
 * 5,000 steps (stiff: the fit's step is then refused).
 */
export function generalGompertzLog(
  u0: number,
  delta: number,
  gamma: number,
  lambda: number,
  t: ArrayLike<number>,
  out: Float64Array,
): void {
  const a = lambda - 1;
  const rate = (u: number) => {
    const v = Math.exp(a * (u > 700 ? 700 : u)) * (delta - gamma * u);
    return Number.isFinite(v) ? v : 0;
  };
  integrateScalar(rate, u0, 0, t, out, { rtol: 1e-9, atol: 1e-12, maxSteps: 5000 });
}

export function populationModels(): readonly PopulationModel[] {
  return MODELS;
}

export function populationModel(name: string): PopulationModel {
  const m = MODELS.find((x) => x.name === name);
  if (!m)
    throw new RangeError(
      `unknown population model '${name}' (one of ${MODELS.map((x) => x.name).join(", ")})`,
    );
  return m;
}

/** θ from φ. */
export const toNatural = (m: PopulationModel, phi: ArrayLike<number>): number[] =>
  m.transform.map((tr, j) =>
    tr === "log" ? Math.exp(phi[j]) : tr === "logit" ? 1 / (1 + Math.exp(-phi[j])) : phi[j],
  );

/** φ from θ. */
export const toPhi = (m: PopulationModel, theta: ArrayLike<number>): number[] =>
  m.transform.map((tr, j) =>
    tr === "log" ? Math.log(theta[j]) : tr === "logit" ? Math.log(theta[j] / (1 - theta[j])) : theta[j],
  );
