/**
 * The planner's hot path: one candidate protocol simulated on every posterior sample of the personalized core
 * model, summarized into probabilities of control and elimination, the time to progression and burden bands.
 * Runs in worker threads (see pool.ts): the compiled model and the problem are built once per candidate, and
 * each sample only rewrites the parameter and state vectors the problem holds by reference.
 */
import { solve } from "../engine/solve.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { quantileSorted } from "../engine/statistics.js";
import { loadModelByName } from "../models/catalog.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { CORE_MODEL } from "../therapy/simulate-protocol.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import type { ParameterSample } from "./personalize.js";
import { FAILED_SAMPLE, sampleOutcomeChar } from "./ties.js";

/** Days at which control and elimination are reported (6 and 12 months). */
export const MILESTONES = [182, 365] as const;
/** Quantiles of the burden bands. */
export const BAND_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
/**
 * Relative tolerance of planning simulations: 1e-3, the DifferentialEquations.jl default. Against rtol 1e-7 on 80
 * candidates × 100 samples, probabilities agree within 0.01 (one sample in 100 near a threshold), the median
 * burden band within 0.011 log10 and the final burdens within 0.001 log10 (simulate-candidate.test.ts checks a
 * smaller set).
 */
export const PLANNING_RTOL = 1e-3;
/** Absolute tolerance of planning simulations (cells, drug and virus amounts). */
export const PLANNING_ATOL = 1e-6;
/** Days between model outputs: weekly, finer than any imaging schedule. */
export const GRID_STEP = 7;

/** Output days 0, 7, 14, … and the horizon itself. */
export function outputGrid(horizon: number, step = GRID_STEP): Float64Array {
  const days: number[] = [];
  for (let d = 0; d < horizon; d += step) days.push(d);
  days.push(horizon);
  return Float64Array.from(days);
}

export interface CandidateOutcome {
  /** Samples whose simulation succeeded (failures are left out of every statistic). */
  readonly samples: number;
  readonly failures: readonly string[];
  /** P(no RECIST progression by the day), per milestone. */
  readonly pControl: readonly number[];
  /** P(fewer than one tumor cell by the day), per milestone. */
  readonly pElimination: readonly number[];
  /** Median time to progression in days, or null when fewer than half the samples progress within the horizon. */
  readonly medianTtp: number | null;
  /** The output days of the bands (outputGrid). */
  readonly days: readonly number[];
  /** log10(tumor cells + 1) on each output day: one array per BAND_QUANTILES entry. */
  readonly bands: readonly (readonly number[])[];
  /** log10(tumor cells + 1) at the horizon, per sample (NaN for failures), for cross-candidate comparisons. */
  readonly finalLog10: readonly number[];
  /** Clinical model only: sum of diameters of the target lesions (mm) on each output day, per BAND_QUANTILES entry. */
  readonly sldBands?: readonly (readonly number[])[];
  /** Clinical model only: P(best change of the sum of diameters ≤ −30 %) and P(complete response). */
  readonly pResponse?: number;
  readonly pComplete?: number;
  /**
   * Per posterior sample, in the samples' order: control and elimination at the last milestone (the score's) as
   * one character (ties.ts sampleOutcomeChar; "x" failed), for the paired comparison of candidates (ties.ts).
   */
  readonly sampleOutcomes?: string;
}

/** A successful sample's character of `sampleOutcomes`: control and elimination at the last milestone. */
export function milestoneOutcomeChar(ttp: number, elimDay: number): string {
  const last = MILESTONES[MILESTONES.length - 1];
  return sampleOutcomeChar(false, ttp > last, elimDay <= last);
}

const models = new Map<string, CompiledModel>();
/** The core model with a set of modules, compiled once per thread. */
export function coreModel(modules: readonly string[]): CompiledModel {
  const key = [...modules].sort().join(",");
  let m = models.get(key);
  if (!m) {
    m = loadModelByName(CORE_MODEL, { modules: [...modules] }).model;
    models.set(key, m);
  }
  return m;
}

/**
 * Writes one posterior sample into a model's parameter and state vectors (the problem holds them by reference):
 * the published values, the sample's, then the protocol's (e.g. the rejection rate of donor cells), which win.
 * Names the model does not have (modules it was compiled without) are skipped.
 */
export function applySample(
  model: CompiledModel,
  defaults: Float64Array,
  sample: ParameterSample,
  protocolSet: Readonly<Record<string, number>>,
  p: Float64Array,
  y0: Float64Array,
): void {
  p.set(defaults);
  for (const set of [sample.set, protocolSet])
    for (const k in set) {
      const i = model.parameterIndex(k);
      if (i >= 0) p[i] = set[k];
    }
  y0.fill(0);
  for (const k in sample.initial) {
    const i = model.stateIndex(k);
    if (i >= 0) y0[i] = sample.initial[k];
  }
}

/**
 * First day on which the sum of diameters is ≥ 20 % and ≥ 5 mm above the smallest sum so far (RECIST 1.1
 * progression against the running nadir, baseline included), or null.
 */
export function progressionDay(sld: ArrayLike<number>, times: ArrayLike<number>): number | null {
  let nadir = sld[0];
  for (let i = 1; i < sld.length; i++) {
    const s = sld[i];
    if (s >= 1.2 * nadir && s - nadir >= 5) return times[i];
    if (s < nadir) nadir = s;
  }
  return null;
}

export interface SimulateCandidateInput {
  readonly protocol: Protocol;
  readonly patient: Patient;
  /** Posterior samples of the core model (empty when `clinical` is given). */
  readonly samples: readonly ParameterSample[];
  /** Posterior samples of the calibrated clinical model: the candidate is simulated on these instead. */
  readonly clinical?: readonly ClinicalSample[];
  readonly horizon: number;
  readonly rtol?: number;
  readonly atol?: number;
}

export function simulateCandidate(input: SimulateCandidateInput): CandidateOutcome {
  const { horizon } = input;
  const compiled = compileProtocol(input.protocol, input.patient);
  const model = coreModel(compiled.modules);
  const n = model.dimension;
  const iT = model.tumorIndex;
  const defaults = model.defaultParameters();
  const p = Float64Array.from(defaults);
  const y0 = new Float64Array(n);
  const base0 = model.problem({ tEnd: horizon, parameters: p, y0, doses: compiled.doses });
  // elimination (fewer than one tumor cell) ends a simulation: nothing after it changes the outcomes
  const problem = {
    ...base0,
    events: (base0.events ?? [])
      .filter((e) => e.name === "eliminated")
      .map((e) => ({ ...e, terminal: true })),
  };
  const times = outputGrid(horizon);
  const observer = model.observer(p);
  const sldIndex = model.observationNames.indexOf("sld");
  const obs = new Float64Array(model.observationNames.length);
  const y = new Float64Array(n);
  const sld = new Float64Array(times.length);
  const nBand = times.length;
  const logT: Float64Array[] = [];
  const ttp: number[] = [];
  const elimDay: number[] = [];
  const finalLog10: number[] = [];
  const failures: string[] = [];
  let perSample = "";
  for (const [si, s] of input.samples.entries()) {
    applySample(model, defaults, s, compiled.set, p, y0);
    let sol;
    try {
      sol = solve(problem, {
        times,
        rtol: input.rtol ?? PLANNING_RTOL,
        atol: input.atol ?? PLANNING_ATOL,
        maxSteps: 500_000,
        dense: false,
      });
    } catch (e) {
      failures.push(`sample ${si}: ${(e as Error).message}`);
      finalLog10.push(NaN);
      perSample += FAILED_SAMPLE;
      continue;
    }
    const v = sol.values;
    const lt = new Float64Array(nBand);
    const reached = sol.times.length;
    for (let i = 0; i < times.length; i++) {
      if (i < reached) {
        for (let j = 0; j < n; j++) y[j] = v[i * n + j];
        observer(times[i], y, obs);
        sld[i] = obs[sldIndex];
        lt[i] = Math.log10(v[i * n + iT] + 1);
      } else {
        sld[i] = 0; // after elimination
        lt[i] = 0;
      }
    }
    logT.push(lt);
    ttp.push(progressionDay(sld, times) ?? Infinity);
    const elim = sol.events.find((e) => e.name === "eliminated");
    elimDay.push(elim ? elim.t : Infinity);
    finalLog10.push(elim ? 0 : Math.log10(sol.final[iT] + 1));
    perSample += milestoneOutcomeChar(ttp[ttp.length - 1], elimDay[elimDay.length - 1]);
  }
  return {
    ...summarizeSamples(times, logT, ttp, elimDay, finalLog10, failures),
    sampleOutcomes: perSample,
  };
}

/** The quantile bands (BAND_QUANTILES) over the samples of one row per sample, at each output day. */
export function sampleBands(rows: readonly Float64Array[], nt: number): number[][] {
  const m = rows.length;
  const column = new Float64Array(m);
  const out = BAND_QUANTILES.map(() => new Array<number>(nt));
  for (let i = 0; i < nt; i++) {
    for (let k = 0; k < m; k++) column[k] = rows[k][i];
    column.sort();
    BAND_QUANTILES.forEach((q, j) => (out[j][i] = m ? quantileSorted(column, q) : NaN));
  }
  return out;
}

/** A candidate's outcome from the per-sample courses: control and elimination at the milestones, time to progression, bands. */
export function summarizeSamples(
  times: Float64Array,
  logT: readonly Float64Array[],
  ttp: readonly number[],
  elimDay: readonly number[],
  finalLog10: readonly number[],
  failures: readonly string[],
): CandidateOutcome {
  const m = logT.length;
  const sortedTtp = [...ttp].sort((a, b) => a - b);
  const medianTtp =
    m && Number.isFinite(quantileSorted(sortedTtp, 0.5)) ? quantileSorted(sortedTtp, 0.5) : null;
  return {
    samples: m,
    failures,
    pControl: MILESTONES.map((d) => (m ? ttp.filter((t) => t > d).length / m : NaN)),
    pElimination: MILESTONES.map((d) => (m ? elimDay.filter((t) => t <= d).length / m : NaN)),
    medianTtp,
    days: Array.from(times),
    bands: sampleBands(logT, times.length),
    finalLog10,
  };
}
