import { solve, type OdeSolution } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { loadModelByName } from "../models/catalog.js";
import { course } from "../models/tumor-course.js";
import { matches, therapyCatalog } from "./catalog.js";
import type { CompiledProtocol } from "./compile-protocol.js";

export const CORE_MODEL = "immunoplan-core";

/** Default detection limit: ~1e8 cells, about 0.1 cm³ — below what imaging resolves [K]. */
export const DEFAULT_DETECTION_LIMIT = 1e8;

export interface ProtocolOutcome {
  /** Tumor cells at the end of the horizon. */
  readonly finalBurden: number;
  readonly nadir: number;
  readonly nadirDay: number;
  readonly peak: number;
  /** Days with the burden below the detection limit. */
  readonly daysUndetectable: number;
  readonly eliminated: boolean;
  readonly eliminatedDay: number | null;
  /**
   * First day after the nadir on which the RECIST sum of diameters is ≥ 20 % and ≥ 5 mm above its nadir
   * (progressive disease by RECIST 1.1), or null.
   */
  readonly progressionDay: number | null;
  /** Predicted tumor burden on the day of each killer-cell step (NK, donor killer cells, CAR-T, TIL, TCR-T). */
  readonly killerCellSteps: readonly {
    readonly day: number;
    readonly agent: string;
    readonly burden: number;
  }[];
}

export interface ProtocolRun {
  readonly compiled: CompiledProtocol;
  readonly model: CompiledModel;
  readonly parameters: Float64Array;
  readonly solution: OdeSolution;
  readonly outcome: ProtocolOutcome;
  readonly days: number;
}

export interface SimulateOptions {
  /** Horizon in days (default: the last administration + 60, at least 120). */
  readonly days?: number;
  readonly detectionLimit?: number;
}

/** Simulates a compiled protocol on the core model with the modules it needs. */
export function simulateProtocol(compiled: CompiledProtocol, options: SimulateOptions = {}): ProtocolRun {
  const { model } = loadModelByName(CORE_MODEL, { modules: compiled.modules });
  const patient = compiled.patient;
  const base = patient.variant
    ? model.variant(patient.variant)
    : { parameters: model.defaultParameters(), y0: model.defaultInitialState() };
  const { parameters, y0 } = base;
  for (const [k, v] of Object.entries({ ...(patient.set ?? {}), ...compiled.set })) {
    const i = model.parameterIndex(k);
    if (i < 0) throw new RangeError(`unknown core-model parameter '${k}'`);
    parameters[i] = v;
  }
  for (const [k, v] of Object.entries(patient.initial ?? {})) {
    const i = model.stateIndex(k);
    if (i < 0) throw new RangeError(`unknown core-model state '${k}'`);
    y0[i] = v;
  }
  const lastDose = Math.max(0, ...compiled.inputs.map((x) => x.day));
  const days = options.days ?? Math.max(120, Math.ceil(lastDose + 60));
  const nOut = Math.round(days * 4) + 1;
  const solution = solve(model.problem({ tEnd: days, parameters, y0, doses: compiled.doses }), {
    nOut,
    maxSteps: 2_000_000,
  });
  const outcome = summarize(
    model,
    parameters,
    solution,
    options.detectionLimit ?? DEFAULT_DETECTION_LIMIT,
    killerSteps(compiled),
  );
  return { compiled, model, parameters, solution, outcome, days };
}

/** Modalities whose steps belong at minimal burden (the catalog rule killer-cells-at-minimal-burden). */
function killerSteps(compiled: CompiledProtocol): { day: number; agent: string }[] {
  const catalog = therapyCatalog();
  const rule = catalog.rules.find((r) => r.kind === "low-burden");
  return compiled.inputs
    .filter((x) => {
      const a = catalog.agents.get(x.agent);
      return a !== undefined && matches(a, rule?.applies_to);
    })
    .map((x) => ({ day: x.day, agent: x.agent }));
}

export function summarize(
  model: CompiledModel,
  parameters: Float64Array,
  sol: OdeSolution,
  detectionLimit: number,
  killer: readonly { day: number; agent: string }[] = [],
): ProtocolOutcome {
  const n = model.dimension;
  const ti = model.tumorIndex;
  const sld = model.observe(sol.times, sol.values, parameters)[model.observationNames.indexOf("sld")];
  const { nadir, nadirDay, nadirIndex, peak } = course(sol, ti);
  const nadirSld = sld[nadirIndex];
  let undetectable = 0;
  let progressionDay: number | null = null;
  for (let i = 1; i < sol.times.length; i++) {
    if (sol.values[i * n + ti] < detectionLimit) undetectable += sol.times[i] - sol.times[i - 1];
    // RECIST 1.1 progression: ≥ 20 % and ≥ 5 mm above the smallest sum of diameters
    if (
      i > nadirIndex &&
      progressionDay === null &&
      nadirSld > 0 &&
      sld[i] >= 1.2 * nadirSld &&
      sld[i] - nadirSld >= 5
    ) {
      progressionDay = sol.times[i];
    }
  }
  const elim = sol.events.find((e) => e.name === "eliminated");
  return {
    finalBurden: sol.final[ti],
    nadir,
    nadirDay,
    peak,
    daysUndetectable: undetectable,
    eliminated: elim !== undefined,
    eliminatedDay: elim?.t ?? null,
    progressionDay,
    // the burden just before the step (the state at the day itself already includes the cells given)
    killerCellSteps: killer.map((k) => ({
      ...k,
      burden: k.day > sol.t0 && k.day <= sol.tFinal ? sol.at(Math.max(sol.t0, k.day - 1e-9))[ti] : NaN,
    })),
  };
}
