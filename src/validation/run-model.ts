import { solve, type Method, type OdeSolution } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { parseDoses, readModelSource, type DoseSpec } from "../engine/language/index.js";
import { loadModelByName, resolveDosePath } from "../models/catalog.js";
import { course, firstTimeBelow } from "../models/tumor-course.js";

const cache = new Map<string, CompiledModel>();

/** A built-in model, compiled once per process (with the given modules). */
export function builtin(name: string, modules: readonly string[] = []): CompiledModel {
  const key = `${name}|${modules.join(",")}`;
  let m = cache.get(key);
  if (!m) {
    m = loadModelByName(name, { modules }).model;
    cache.set(key, m);
  }
  return m;
}

/** A shipped dose schedule (models/doses/NAME.yaml) for a model. */
export function shippedDoses(model: CompiledModel, name: string | null): DoseSpec[] {
  if (!name) return [];
  return parseDoses(readModelSource(resolveDosePath(name)), name, model.stateNames);
}

export interface RunSpec {
  model: CompiledModel;
  tEnd: number;
  variant?: string;
  init?: Record<string, number>;
  set?: Record<string, number>;
  doses?: DoseSpec[];
  events?: boolean;
  rtol?: number;
  atol?: number;
  method?: Method;
  nOut?: number;
  times?: number[];
}

/** Solves a model run at tight tolerances (validation numbers are about the model, not the solver). */
export function simulate(spec: RunSpec): OdeSolution {
  const { model } = spec;
  const base = spec.variant
    ? model.variant(spec.variant)
    : { parameters: model.defaultParameters(), y0: model.defaultInitialState() };
  for (const [k, v] of Object.entries(spec.init ?? {})) base.y0[model.stateIndex(k)] = v;
  for (const [k, v] of Object.entries(spec.set ?? {})) base.parameters[model.parameterIndex(k)] = v;
  return solve(
    model.problem({
      tEnd: spec.tEnd,
      parameters: base.parameters,
      y0: base.y0,
      doses: spec.doses ?? [],
      events: spec.events ?? false,
    }),
    {
      method: spec.method ?? "auto",
      rtol: spec.rtol ?? 1e-10,
      atol: spec.atol ?? 1e-10,
      nOut: spec.nOut ?? Math.round(spec.tEnd * 20) + 1,
      times: spec.times,
      maxSteps: 10_000_000,
    },
  );
}

/** First output time at which a state is below a threshold (null if never). */
export const firstBelow = firstTimeBelow;

/** Exact crossing time of a state below a threshold by bisection on the dense output (null if never). */
export function crossingBelow(sol: OdeSolution, index: number, threshold: number): number | null {
  const tGrid = firstBelow(sol, index, threshold);
  if (tGrid === null) return null;
  const i = sol.times.indexOf(tGrid);
  if (i === 0) return tGrid;
  let a = sol.times[i - 1];
  let b = tGrid;
  for (let k = 0; k < 60; k++) {
    const m = 0.5 * (a + b);
    if (sol.at(m)[index] < threshold) b = m;
    else a = m;
  }
  return b;
}

export function minOf(sol: OdeSolution, index: number): { value: number; t: number } {
  const c = course(sol, index);
  return { value: c.nadir, t: c.nadirDay };
}
