/**
 * Population (nonlinear mixed-effects) fit of a tumor-size model to many patients' series: typical values,
 * log-normal (or normal, for signed parameters) between-patient variability with diagonal or full covariance,
 * an additive residual error on ln y ("log", the exponential error model) or on y ("constant"), by FOCE
 * (src/engine/foce.ts), with standard errors, −2 log-likelihood, AIC/BIC and every patient's empirical Bayes
 * estimates. Negative times (readings before treatment) are taken at t = 0; with the log error model, readings
 * ≤ 0 (a lesion that disappeared) are raised to a floor, by default half the smallest positive reading.
 */
import { conditionalMode } from "../engine/mixed-effects-fit.js";
import type { ConditionalMode, MixedModel, MixedSubject } from "../engine/mixed-effects.js";
import type { ResidualCorrelation } from "../engine/mixed-effects-correlation.js";
import type { Series } from "./growth-fit.js";
import { populationModel, toNatural, toPhi, type PopulationModel } from "./population-models.js";
import { fitFromStarts, type FitAttempt } from "./population-starts.js";

/**
 * Residual error: "log", additive on ln y (the exponential, ≈ proportional, model); "constant", additive on y;
 * "combined", on ln y with Var = σ² + (σκ)²/y² — the delta-method form of the combined additive (σκ, in the unit
 * of y) + proportional (σ) error, so that small readings (and lesions read as 0, raised to the floor) are less
 * precise in relative terms than large ones; "log-time", on ln y with an SD growing with the time since treatment
 * start, Var = σ²·(1 + (κt)²) (nlme's varConstPower of time with power 1): the within-patient departures from the
 * structural curve that accumulate over months.
 */
export type ResidualModel = "log" | "constant" | "combined" | "log-time";

export interface PopulationFitOptions {
  readonly errorModel?: ResidualModel;
  readonly covariance?: "diagonal" | "full";
  /** Parameters with a random effect (default: all but the model's fixed-only ones). */
  readonly random?: readonly string[];
  /** Floor of readings for the log error model (default: half the smallest positive reading). */
  readonly floor?: number;
  /**
   * Typical values θ (natural scale) the naive pooled fit starts from (default: the model's start, with the
   * median first reading as the initial size) — e.g. a nested model's estimates.
   */
  readonly start?: readonly number[];
  /**
   * Within-patient residual correlation, nlme's corExp(form = ~ t | id): Corr = (1 − ν)·e^(−|Δt|/T) between two
   * readings of a patient, T (and, for "exp-nugget", ν) estimated with Ω and σ; on the readings' own times (a
   * reading before treatment keeps its negative time here). Homoscedastic error models (log, constant) only.
   */
  readonly correlation?: ResidualCorrelation;
}

/** What a forecast needs of a fitted population (the `population` member of the JSON output). */
export interface PopulationParameters {
  readonly model: string;
  readonly errorModel: ResidualModel;
  readonly floor: number;
  readonly mu: readonly number[];
  readonly random: readonly string[];
  readonly omega: readonly (readonly number[])[];
  readonly sigma: number;
  /** κ of the combined (additive SD σκ in the unit of y) or log-time (1/time unit) error model; absent otherwise. */
  readonly kappa?: number;
  /** The within-patient residual correlation (range T in the time unit, nugget ν), absent when independent. */
  readonly correlation?: { kind: ResidualCorrelation; range: number; nugget: number };
}

export interface PopulationFit {
  readonly model: string;
  readonly equation: string;
  readonly method: string;
  readonly errorModel: ResidualModel;
  readonly covariance: "diagonal" | "full";
  /** Typical values (the median patient), with standard errors (delta method for log-normal ones). */
  readonly fixedEffects: Record<string, { value: number; se: number; unit: string; variability: string }>;
  /** SD of the random effects (on ln θ for log-normal parameters: ≈ CV), with standard errors. */
  readonly randomEffects: Record<string, { sd: number; se: number }>;
  readonly correlation: Record<string, Record<string, number>> | null;
  readonly residual: {
    sigma: number;
    se: number;
    scale: string;
    /** κ of a variance function (combined, log-time) and its standard error. */
    kappa?: { value: number; se: number };
    /** Combined error model: the additive SD σκ (unit of y) and its standard error. */
    additive?: { sd: number; se: number };
    /** Within-patient correlation (nlme corExp): range T and nugget ν with standard errors. */
    correlation?: {
      kind: ResidualCorrelation;
      range: number;
      rangeSe: number;
      nugget: number;
      nuggetSe: number;
    };
  };
  readonly objective: number;
  readonly aic: number;
  readonly bic: number;
  readonly parameters: number;
  readonly subjects: number;
  readonly observations: number;
  readonly converged: boolean;
  readonly iterations: number;
  /** Every start tried (population-starts.ts) and the index of the one kept. */
  readonly attempts: readonly FitAttempt[];
  readonly chosenAttempt: number;
  readonly individuals: { id: string; n: number; parameters: Record<string, number>; eta: number[] }[];
  readonly population: PopulationParameters;
}

/**
 * The engine's model for a structural model and error model. `floor`: readings below it were raised to it, so the
 * combined error model's 1/y is taken at the fitted value or the floor, whichever is larger (a fitted size far below
 * any reading — a curve running to e^−50 mm — would otherwise give an infinite variance).
 */
export function mixedModel(m: PopulationModel, errorModel: ResidualModel, floor = 0): MixedModel {
  if (errorModel === "combined") {
    const lnFloor = floor > 0 ? Math.log(floor) : -Infinity;
    return {
      p: m.parameters.length,
      predict: (phi, t, out) => m.logSize(phi, t, out),
      // Var ln y ≈ σ² + (σκ)²/y²: h = 1/y at the fitted ln y (not below the floor)
      varianceShape: (f) => Math.exp(-Math.max(f, lnFloor)),
    };
  }
  if (errorModel === "log-time")
    return {
      p: m.parameters.length,
      predict: (phi, t, out) => m.logSize(phi, t, out),
      varianceShape: (_f, t) => t,
    };
  return {
    p: m.parameters.length,
    predict:
      errorModel === "log"
        ? (phi, t, out) => m.logSize(phi, t, out)
        : (phi, t, out) => {
            m.logSize(phi, t, out);
            for (let j = 0; j < t.length; j++) out[j] = Math.exp(out[j]);
          },
  };
}

/** SD of the residual error at a model value f (on the model's scale). */
export function residualSd(pop: PopulationParameters, f: number, t: number): number {
  if (!pop.kappa || (pop.errorModel !== "combined" && pop.errorModel !== "log-time")) return pop.sigma;
  const h =
    pop.kappa *
    (pop.errorModel === "combined" ? Math.exp(-Math.max(f, Math.log(pop.floor))) : Math.max(t, 0));
  return pop.sigma * Math.sqrt(1 + h * h);
}

/** Default floor: half the smallest positive reading. */
export function defaultFloor(series: readonly Series[]): number {
  let min = Infinity;
  for (const s of series) for (const y of s.y) if (y > 0 && y < min) min = y;
  return Number.isFinite(min) ? min / 2 : 1;
}

/** A series on the model's scale: sorted by time, t ≥ 0, ln(max(y, floor)) for the log error model. */
export function toSubject(s: Series, errorModel: ResidualModel, floor: number): MixedSubject {
  const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
  return {
    t: Float64Array.from(order, (i) => Math.max(s.t[i], 0)),
    tc: Float64Array.from(order, (i) => s.t[i]),
    y: Float64Array.from(order, (i) =>
      errorModel === "constant" ? s.y[i] : Math.log(Math.max(s.y[i], floor)),
    ),
  };
}

/** The SD (on the log or logit scale) below which a random effect's variance is taken to be 0. */
export const BOUNDARY_SD = 1e-3;

export function fitPopulation(
  modelName: string,
  series: readonly Series[],
  opts: PopulationFitOptions = {},
): PopulationFit {
  const m = populationModel(modelName);
  const errorModel = opts.errorModel ?? "log";
  const covariance = opts.covariance ?? "diagonal";
  const randomNames = opts.random ?? m.parameters.filter((p) => !(m.fixedOnly ?? []).includes(p));
  for (const r of randomNames)
    if (!m.parameters.includes(r))
      throw new RangeError(`--random: '${r}' is not a parameter of ${m.name} (${m.parameters.join(", ")})`);
  const random = m.parameters.flatMap((p, j) => (randomNames.includes(p) ? [j] : []));
  const floor = opts.floor ?? defaultFloor(series);
  const subjects = series.map((s) => toSubject(s, errorModel, floor));
  if (opts.start && opts.start.length !== m.parameters.length)
    throw new RangeError(
      `start: ${opts.start.length} values for the ${m.parameters.length} parameters of ${m.name}`,
    );
  const start = toPhi(m, opts.start ?? m.start);
  // the typical initial size: the median first reading (the model's start is for mm)
  const firsts = series.map((s) => s.y[s.t.indexOf(Math.min(...s.t))]).filter((y) => y > 0);
  firsts.sort((a, b) => a - b);
  if (firsts.length && !opts.start) start[0] = Math.log(firsts[Math.floor(firsts.length / 2)]);
  const { fit, attempts, chosen } = fitFromStarts(mixedModel(m, errorModel, floor), subjects, {
    start,
    random,
    covariance,
    // between-patient SDs below 0.1 % on the log (logit) scale are a variance at its boundary, 0
    boundarySd: random.map((j) => (m.transform[j] === "none" ? 0 : BOUNDARY_SD)),
    // κ starts at an additive SD of about σ·1 (unit of y), or an SD doubling in about 1,000 time units
    kappa: errorModel === "log-time" ? 1e-3 : 1,
    ...(opts.correlation ? { correlation: opts.correlation } : {}),
  });
  const rc = fit.residualCorrelation;
  const names = m.parameters;
  const rnames = random.map((j) => names[j]);
  if (!fit.converged && fit.collapsed.length && fit.collapsed.length < random.length) {
    // a variance at 0: the model without that random effect is the one the data support (it is nested)
    const dropped = fit.collapsed.map((k) => rnames[k]);
    const refit = fitPopulation(modelName, series, {
      ...opts,
      random: rnames.filter((r) => !dropped.includes(r)),
    });
    const label = `without the random effect on ${dropped.join(", ")} (its SD went to 0)`;
    return {
      ...refit,
      attempts: [...attempts, ...refit.attempts.map((a) => ({ ...a, start: `${label}: ${a.start}` }))],
      chosenAttempt: attempts.length + refit.chosenAttempt,
    };
  }
  return {
    model: m.name,
    equation: m.equation,
    method: "FOCE (first-order conditional estimation, maximum likelihood; Lindstrom–Bates as in R nlme)",
    errorModel,
    covariance,
    fixedEffects: Object.fromEntries(
      names.map((p, j) => {
        const tr = m.transform[j];
        const value = toNatural(m, fit.mu)[j];
        // delta method: dθ/dφ = θ (log), θ(1 − θ) (logit), 1
        const slope = tr === "log" ? value : tr === "logit" ? value * (1 - value) : 1;
        return [
          p,
          {
            value,
            se: slope * fit.muSe[j],
            unit: m.units[j],
            variability: !random.includes(j)
              ? "none"
              : tr === "log"
                ? "log-normal"
                : tr === "logit"
                  ? "logit-normal"
                  : "normal",
          },
        ];
      }),
    ),
    randomEffects: Object.fromEntries(
      rnames.map((p, k) => [p, { sd: fit.omegaSd[k], se: fit.omegaSdSe[k] }]),
    ),
    correlation:
      covariance === "full"
        ? Object.fromEntries(
            rnames.map((a, i) => [a, Object.fromEntries(rnames.map((b, j) => [b, fit.correlation[i][j]]))]),
          )
        : null,
    residual: {
      sigma: fit.sigma,
      se: fit.sigmaSe,
      scale:
        errorModel === "log"
          ? "additive on ln y (≈ proportional)"
          : errorModel === "combined"
            ? "on ln y, Var = σ² + additive²/y² (combined proportional + additive)"
            : errorModel === "log-time"
              ? "on ln y, SD σ·√(1 + (κ·t)²) growing with the time t since treatment start"
              : "additive on y",
      ...(fit.kappa > 0 ? { kappa: { value: fit.kappa, se: fit.kappaSe } } : {}),
      ...(errorModel === "combined"
        ? {
            additive: {
              sd: fit.sigma * fit.kappa,
              // delta method, σ and κ taken as independent
              se: Math.hypot(fit.kappa * fit.sigmaSe, fit.sigma * fit.kappaSe),
            },
          }
        : {}),
      ...(rc && opts.correlation
        ? {
            correlation: {
              kind: opts.correlation,
              range: rc.range,
              rangeSe: rc.rangeSe,
              nugget: opts.correlation === "exp-nugget" ? rc.nugget : 0,
              nuggetSe: rc.nuggetSe,
            },
          }
        : {}),
    },
    objective: fit.objective,
    aic: fit.aic,
    bic: fit.bic,
    parameters: fit.parameters,
    subjects: series.length,
    observations: fit.observations,
    converged: fit.converged,
    iterations: fit.iterations,
    attempts,
    chosenAttempt: chosen,
    individuals: series.map((s, i) => ({
      id: s.id,
      n: s.t.length,
      parameters: individualParameters(m, fit.mu, random, fit.modes[i]),
      eta: Array.from(fit.modes[i].eta),
    })),
    population: {
      model: m.name,
      errorModel,
      floor,
      mu: fit.mu,
      random: rnames,
      omega: fit.omega,
      sigma: fit.sigma,
      ...(fit.kappa > 0 ? { kappa: fit.kappa } : {}),
      ...(rc && opts.correlation
        ? { correlation: { kind: opts.correlation, range: rc.range, nugget: rc.nugget } }
        : {}),
    },
  };
}

function individualParameters(
  m: PopulationModel,
  mu: readonly number[],
  random: readonly number[],
  mode: ConditionalMode,
): Record<string, number> {
  const phi = [...mu];
  random.forEach((j, k) => (phi[j] += mode.eta[k]));
  const theta = toNatural(m, phi);
  return Object.fromEntries(m.parameters.map((p, j) => [p, theta[j]]));
}

/** A patient's conditional mode under a fitted population (the population as the prior). */
export function patientMode(pop: PopulationParameters, s: Series): ConditionalMode & { phi: number[] } {
  const m = populationModel(pop.model);
  const random = pop.random.map((r) => m.parameters.indexOf(r));
  const mode = conditionalMode(
    mixedModel(m, pop.errorModel, pop.floor),
    toSubject(s, pop.errorModel, pop.floor),
    {
      mu: pop.mu,
      omega: pop.omega,
      sigma: pop.sigma,
      random,
      kappa: pop.kappa ?? 0,
      ...(pop.correlation ? { correlation: pop.correlation } : {}),
    },
  );
  const phi = [...pop.mu];
  random.forEach((j, k) => (phi[j] += mode.eta[k]));
  return { ...mode, phi };
}
