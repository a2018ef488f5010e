import { existsSync } from "node:fs";
import path from "node:path";
import type { Method } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { formatIssue, parseDoses, readModelSource, type DoseSpec } from "../engine/language/index.js";
import { builtinModels, loadModelByName, resolveDosePath, resolveModelPath } from "../models/catalog.js";
import { UsageError, type CliIO } from "./io.js";

/** Options shared by the commands that run a model (simulate, sweep). */
export const MODEL_OPTIONS = {
  doses: { type: "string", multiple: true },
  modules: { type: "string", multiple: true },
  variant: { type: "string" },
  set: { type: "string", multiple: true },
  init: { type: "string", multiple: true },
  "t-end": { type: "string" },
  rtol: { type: "string" },
  atol: { type: "string" },
  method: { type: "string" },
  "no-events": { type: "boolean" },
  "max-steps": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Options of the commands that write results. */
export const OUTPUT_OPTIONS = {
  format: { type: "string" },
  out: { type: "string" },
  plot: { type: "string" },
} as const;

/** The single MODEL argument of a model command. */
export function singleModelArgument(positionals: readonly string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length ? `expected one MODEL, got ${positionals.length}` : "missing MODEL",
    );
  }
  return positionals[0];
}

export type ModelOptionValues = {
  doses?: string[];
  modules?: string[];
  variant?: string;
  set?: string[];
  init?: string[];
  "t-end"?: string;
  rtol?: string;
  atol?: string;
  method?: string;
  "no-events"?: boolean;
  "max-steps"?: string;
};

export const MODEL_OPTIONS_USAGE = `[--doses FILE]... [--modules a,b,...] [--variant NAME] [--set name=value]... [--init state=value]...
         [--t-end N] [--rtol R] [--atol A] [--method auto|rodas|rodas4|dopri5] [--no-events] [--max-steps N]`;

const METHODS: readonly Method[] = ["auto", "rodas", "rodas4", "rodas5p", "dopri5"];

export function positiveNumber(v: string, flag: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x <= 0) {
    throw new UsageError(`${flag} must be a positive number, not '${v}'`);
  }
  return x;
}

function assignment(v: string, flag: string, names: readonly string[], what: string): [number, number] {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$/.exec(v);
  if (!m) throw new UsageError(`${flag} expects name=value, not '${v}'`);
  const idx = names.indexOf(m[1]);
  if (idx < 0) throw new UsageError(`${flag}: unknown ${what} '${m[1]}' (${what}s: ${names.join(", ")})`);
  const x = Number(m[2]);
  if (!Number.isFinite(x))
    throw new UsageError(`${flag}: value of ${m[1]} must be a finite number, not '${m[2]}'`);
  return [idx, x];
}

/** A model argument: a file (relative to cwd) or a built-in model's name. */
export function resolveModelArgument(arg: string, cwd: string): string {
  const local = path.resolve(cwd, arg);
  if (existsSync(local)) return local;
  const builtin = resolveModelPath(arg);
  if (builtin !== arg) return builtin;
  const names = builtinModels().map((m) => m.name);
  throw new UsageError(`unknown model '${arg}': not a file, and not a built-in model (${names.join(", ")})`);
}

/** Everything needed to run a model, read from the shared options. */
export interface ModelRun {
  model: CompiledModel;
  parameters: Float64Array;
  y0: Float64Array;
  doses: DoseSpec[];
  tEnd: number;
  events: boolean;
  solveOptions: { method: Method; rtol: number; atol: number; maxSteps: number };
}

export function prepareModelRun(modelArg: string, values: ModelOptionValues, io: CliIO): ModelRun {
  const method = (values.method ?? "auto") as Method;
  if (!METHODS.includes(method)) {
    throw new UsageError(`--method must be one of ${METHODS.join(", ")}, not '${values.method}'`);
  }
  const modules = (values.modules ?? [])
    .flatMap((m) => m.split(","))
    .map((m) => m.trim())
    .filter(Boolean);
  const { model, warnings } = loadModelByName(resolveModelArgument(modelArg, io.cwd), { modules });
  for (const w of warnings) io.err(formatIssue(w) + "\n");
  let parameters = model.defaultParameters();
  let y0 = model.defaultInitialState();
  if (values.variant !== undefined) {
    try {
      ({ parameters, y0 } = model.variant(values.variant));
    } catch (e) {
      throw new UsageError(`--variant: ${(e as Error).message}`);
    }
  }
  for (const s of values.set ?? []) {
    const [i, x] = assignment(s, "--set", model.parameterNames, "parameter");
    parameters[i] = x;
  }
  const nonnegative = model.nonnegative();
  for (const s of values.init ?? []) {
    const [i, x] = assignment(s, "--init", model.stateNames, "state");
    // the solver keeps such a state at ≥ 0: a negative start would silently become 0
    if (x < 0 && nonnegative[i])
      throw new UsageError(
        `--init: ${model.stateNames[i]} cannot be negative (${x}); it is a nonnegative state`,
      );
    y0[i] = x;
  }
  const doses: DoseSpec[] = [...model.spec.doses];
  for (const file of values.doses ?? []) {
    const local = path.resolve(io.cwd, file);
    const chosen = existsSync(local) ? local : resolveDosePath(file);
    doses.push(...parseDoses(readModelSource(chosen), file, model.stateNames));
  }
  return {
    model,
    parameters,
    y0,
    doses,
    tEnd: values["t-end"] !== undefined ? positiveNumber(values["t-end"], "--t-end") : 100,
    events: !values["no-events"],
    solveOptions: {
      method,
      rtol: values.rtol !== undefined ? positiveNumber(values.rtol, "--rtol") : 1e-6,
      atol: values.atol !== undefined ? positiveNumber(values.atol, "--atol") : 1e-6,
      maxSteps:
        values["max-steps"] !== undefined ? positiveNumber(values["max-steps"], "--max-steps") : 1_000_000,
    },
  };
}
