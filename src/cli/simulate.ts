import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { solve, type Method, type OdeSolution } from "../engine/index.js";
import { formatIssue, parseDoses, readModelSource, type DoseSpec } from "../engine/language/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { builtinModels, loadModelByName, resolveDosePath, resolveModelPath } from "../models/catalog.js";
import { renderSvgPlot } from "../plot/svg.js";
import { UsageError, type CliIO } from "./io.js";

export const SIMULATE_USAGE = `usage: immunoplan simulate MODEL [--doses FILE] [--set name=value]... [--init state=value]...
         [--t-end N] [--n-out N | --times a,b,c] [--rtol R] [--atol A] [--method auto|rodas|rodas4|dopri5]
         [--format csv|json] [--out FILE] [--plot FILE.svg] [--no-events] [--max-steps N]
MODEL is a model file (YAML/JSON) or the name of a built-in model (immunoplan models).`;

const METHODS: readonly Method[] = ["auto", "rodas", "rodas4", "rodas5p", "dopri5"];

function positiveNumber(v: string, flag: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x <= 0)
    throw new UsageError(`${flag} must be a positive number, not '${v}'`);
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

export interface SimulationRun {
  model: CompiledModel;
  solution: OdeSolution;
  doses: readonly DoseSpec[];
}

export function runSimulate(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      doses: { type: "string" },
      set: { type: "string", multiple: true },
      init: { type: "string", multiple: true },
      "t-end": { type: "string" },
      "n-out": { type: "string" },
      times: { type: "string" },
      rtol: { type: "string" },
      atol: { type: "string" },
      method: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      plot: { type: "string" },
      "no-events": { type: "boolean" },
      "max-steps": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(SIMULATE_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one MODEL, got ${positionals.length}` : "missing MODEL",
    );
  const format = values.format ?? (values.out?.endsWith(".json") ? "json" : "csv");
  if (format !== "csv" && format !== "json")
    throw new UsageError(`--format must be csv or json, not '${format}'`);
  const method = (values.method ?? "auto") as Method;
  if (!METHODS.includes(method))
    throw new UsageError(`--method must be one of ${METHODS.join(", ")}, not '${values.method}'`);
  if (values.times !== undefined && values["n-out"] !== undefined)
    throw new UsageError("give either --n-out or --times, not both");

  const { model, warnings } = loadModelByName(resolveModelArgument(positionals[0], io.cwd));
  for (const w of warnings) io.err(formatIssue(w) + "\n");
  const params = model.defaultParameters();
  for (const s of values.set ?? []) {
    const [i, x] = assignment(s, "--set", model.parameterNames, "parameter");
    params[i] = x;
  }
  const y0 = model.defaultInitialState();
  for (const s of values.init ?? []) {
    const [i, x] = assignment(s, "--init", model.stateNames, "state");
    y0[i] = x;
  }
  let doses: readonly DoseSpec[] = model.spec.doses;
  if (values.doses !== undefined) {
    const local = path.resolve(io.cwd, values.doses);
    const chosen = existsSync(local) ? local : resolveDosePath(values.doses);
    doses = [...model.spec.doses, ...parseDoses(readModelSource(chosen), values.doses, model.stateNames)];
  }
  const tEnd = values["t-end"] !== undefined ? positiveNumber(values["t-end"], "--t-end") : 100;
  let times: number[] | undefined;
  if (values.times !== undefined) {
    times = values.times.split(",").map((s) => {
      const x = Number(s);
      if (s.trim() === "" || !Number.isFinite(x)) throw new UsageError(`--times: '${s}' is not a number`);
      if (x < 0 || x > tEnd) throw new UsageError(`--times: ${x} is outside [0, ${tEnd}] (set --t-end)`);
      return x;
    });
    for (let i = 1; i < times.length; i++)
      if (times[i] < times[i - 1]) throw new UsageError("--times must be ascending");
  }
  const nOut = values["n-out"] !== undefined ? Number(values["n-out"]) : 101;
  if (!Number.isInteger(nOut) || nOut < 2 || nOut > 10_000_000)
    throw new UsageError(`--n-out must be a whole number ≥ 2, not '${values["n-out"]}'`);
  const rtol = values.rtol !== undefined ? positiveNumber(values.rtol, "--rtol") : 1e-6;
  const atol = values.atol !== undefined ? positiveNumber(values.atol, "--atol") : 1e-6;
  const maxSteps =
    values["max-steps"] !== undefined ? positiveNumber(values["max-steps"], "--max-steps") : 1_000_000;

  const problem = model.problem({ tEnd, parameters: params, y0, doses, events: !values["no-events"] });
  const started = Date.now();
  let shown = false;
  const solution = solve(problem, {
    method,
    rtol,
    atol,
    times,
    nOut,
    maxSteps,
    dense: false,
    progressEvery: 2000,
    onProgress: (t, t0, t1) => {
      if (!io.interactive || Date.now() - started < 500) return;
      shown = true;
      io.err(
        `\rsimulating ${model.spec.name}: t = ${t.toPrecision(4)} of ${t1} (${Math.round((100 * (t - t0)) / (t1 - t0))} %)`,
      );
    },
  });
  if (shown) io.err("\r\x1b[K");

  const text =
    format === "csv"
      ? toCsv(model, solution)
      : JSON.stringify(toJson(model, solution, { rtol, atol, method }), null, 1) + "\n";
  if (values.out) writeFileSync(path.resolve(io.cwd, values.out), text);
  else io.out(text);
  if (values.plot) {
    writeFileSync(path.resolve(io.cwd, values.plot), plotSolution({ model, solution, doses }));
  }
  for (const e of solution.events)
    io.err(`event ${e.name} at ${model.spec.timeUnit} ${+e.t.toPrecision(6)}\n`);
  return 0;
}

export function toCsv(model: CompiledModel, s: OdeSolution): string {
  const n = model.dimension;
  const lines = [["t", ...model.stateNames].join(",")];
  for (let i = 0; i < s.times.length; i++) {
    const row = [String(s.times[i])];
    for (let k = 0; k < n; k++) row.push(String(s.values[i * n + k]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

export function toJson(model: CompiledModel, s: OdeSolution, settings: Record<string, unknown>): unknown {
  const states: Record<string, number[]> = {};
  model.stateNames.forEach((name, k) => (states[name] = Array.from(s.column(k))));
  return {
    model: model.spec.name,
    timeUnit: model.spec.timeUnit,
    status: s.status,
    settings,
    times: Array.from(s.times),
    states,
    units: Object.fromEntries(model.spec.states.map((st) => [st.name, st.unit])),
    statistics: s.stats,
    events: s.events.map((e) => ({
      name: e.name,
      t: e.t,
      terminal: e.terminal,
      state: Object.fromEntries(model.stateNames.map((nm, k) => [nm, e.state[k]])),
    })),
    disclaimer: "Research model output: decision support only, not a clinical prediction.",
  };
}

export function plotSolution(run: SimulationRun): string {
  const { model, solution, doses } = run;
  return renderSvgPlot({
    title: `${model.spec.name}${model.spec.description ? " — " + firstSentence(model.spec.description) : ""}`,
    times: solution.times,
    series: model.stateNames.map((name, k) => ({
      name: `${name} (${model.spec.states[k].unit})`,
      values: solution.column(k),
    })),
    markers: model
      .doses(doses)
      .map((d) => ({ t: d.kind === "bolus" ? d.at : d.from, label: model.stateNames[d.index] })),
    events: solution.events.map((e) => ({ t: e.t, label: e.name })),
    timeUnit: model.spec.timeUnit,
  });
}

function firstSentence(s: string): string {
  const m = /^(.{0,90}?)[.(]/.exec(s);
  return (m ? m[1] : s.slice(0, 90)).trim();
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
