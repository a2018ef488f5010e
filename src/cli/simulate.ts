import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { solve, type OdeSolution } from "../engine/index.js";
import type { DoseSpec } from "../engine/language/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { renderSvgPlot } from "../plot/svg.js";
import { UsageError, type CliIO } from "./io.js";
import {
  MODEL_OPTIONS,
  MODEL_OPTIONS_USAGE,
  OUTPUT_OPTIONS,
  singleModelArgument,
  prepareModelRun,
} from "./model-options.js";

export const SIMULATE_USAGE = `usage: immunoplan simulate MODEL ${MODEL_OPTIONS_USAGE}
         [--n-out N | --times a,b,c] [--observe] [--format csv|json] [--out FILE] [--plot FILE.svg]
MODEL is a model file (YAML/JSON) or the name of a built-in model (immunoplan models).`;

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
      ...MODEL_OPTIONS,
      "n-out": { type: "string" },
      times: { type: "string" },
      observe: { type: "boolean" },
      ...OUTPUT_OPTIONS,
    },
  });
  if (values.help) {
    io.out(SIMULATE_USAGE + "\n");
    return 0;
  }
  const modelArg = singleModelArgument(positionals);
  const format = values.format ?? (values.out?.endsWith(".json") ? "json" : "csv");
  if (format !== "csv" && format !== "json")
    throw new UsageError(`--format must be csv or json, not '${format}'`);
  if (values.times !== undefined && values["n-out"] !== undefined)
    throw new UsageError("give either --n-out or --times, not both");

  const run = prepareModelRun(modelArg, values, io);
  const { model, doses, tEnd } = run;
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
  const problem = model.problem({ tEnd, parameters: run.parameters, y0: run.y0, doses, events: run.events });
  const started = Date.now();
  let shown = false;
  const solution = solve(problem, {
    ...run.solveOptions,
    times,
    nOut,
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

  const observations = values.observe ? model.observe(solution.times, solution.values, run.parameters) : [];
  const text =
    format === "csv"
      ? toCsv(model, solution, observations)
      : JSON.stringify(toJson(model, solution, run.solveOptions, observations), null, 1) + "\n";
  if (values.out) writeFileSync(path.resolve(io.cwd, values.out), text);
  else io.out(text);
  if (values.plot) {
    writeFileSync(path.resolve(io.cwd, values.plot), plotSolution({ model, solution, doses }));
  }
  for (const e of solution.events)
    io.err(`event ${e.name} at ${model.spec.timeUnit} ${+e.t.toPrecision(6)}\n`);
  return 0;
}

export function toCsv(model: CompiledModel, s: OdeSolution, observations: Float64Array[] = []): string {
  const n = model.dimension;
  const obsNames = observations.length ? model.observationNames : [];
  const lines = [["t", ...model.stateNames, ...obsNames].join(",")];
  for (let i = 0; i < s.times.length; i++) {
    const row = [String(s.times[i])];
    for (let k = 0; k < n; k++) row.push(String(s.values[i * n + k]));
    for (const o of observations) row.push(String(o[i]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

export function toJson(
  model: CompiledModel,
  s: OdeSolution,
  settings: Record<string, unknown>,
  observations: Float64Array[] = [],
): unknown {
  const states: Record<string, number[]> = {};
  model.stateNames.forEach((name, k) => (states[name] = Array.from(s.column(k))));
  return {
    model: model.spec.name,
    modules: model.spec.activeModules,
    timeUnit: model.spec.timeUnit,
    status: s.status,
    settings,
    times: Array.from(s.times),
    states,
    units: Object.fromEntries(model.spec.states.map((st) => [st.name, st.unit])),
    ...(observations.length
      ? {
          observations: Object.fromEntries(
            model.observationNames.map((nm, j) => [nm, Array.from(observations[j])]),
          ),
          observationUnits: Object.fromEntries(model.spec.observations.map((o) => [o.name, o.unit])),
        }
      : {}),
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
      .map((d) => ({ t: d.kind === "infusion" ? d.from : d.at, label: model.stateNames[d.index] })),
    events: solution.events.map((e) => ({ t: e.t, label: e.name })),
    timeUnit: model.spec.timeUnit,
  });
}

function firstSentence(s: string): string {
  const m = /^(.{0,90}?)[.(]/.exec(s);
  return (m ? m[1] : s.slice(0, 90)).trim();
}
