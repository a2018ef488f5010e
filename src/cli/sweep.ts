import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runSweep, parseSweepSpec, sweepValues, SweepSpecError, type SweepRow } from "../models/sweep.js";
import { renderSvgPlot } from "../plot/svg.js";
import { UsageError, type CliIO } from "./io.js";
import {
  MODEL_OPTIONS,
  MODEL_OPTIONS_USAGE,
  OUTPUT_OPTIONS,
  singleModelArgument,
  positiveNumber,
  prepareModelRun,
} from "./model-options.js";

export const SWEEP_USAGE = `usage: immunoplan sweep MODEL --vary TARGET=FROM..TO [--points N] [--log | --linear] [--escape N]
         ${MODEL_OPTIONS_USAGE}
         [--format table|csv|json] [--out FILE] [--plot FILE.svg]
TARGET is init.STATE (e.g. init.T), a parameter name, or dose.N.FIELD / dose.LABEL.FIELD (FIELD: at, amount,
rate, from, to). Prints the outcome for each value: eliminated (tumor below 1 cell), escaped (the run ends at
≥ half its peak burden and ≥ half its initial one; or final ≥ --escape N), or controlled; with the nadir and its day.`;

export function runSweepCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...MODEL_OPTIONS,
      vary: { type: "string" },
      points: { type: "string" },
      log: { type: "boolean" },
      linear: { type: "boolean" },
      escape: { type: "string" },
      ...OUTPUT_OPTIONS,
    },
  });
  if (values.help) {
    io.out(SWEEP_USAGE + "\n");
    return 0;
  }
  const modelArg = singleModelArgument(positionals);
  if (!values.vary) throw new UsageError("missing --vary TARGET=FROM..TO (e.g. --vary init.T=1e4..1e9)");
  if (values.log && values.linear) throw new UsageError("give either --log or --linear, not both");
  const format =
    values.format ??
    (values.out?.endsWith(".json") ? "json" : values.out?.endsWith(".csv") ? "csv" : "table");
  if (!["table", "csv", "json"].includes(format)) {
    throw new UsageError(`--format must be table, csv or json, not '${format}'`);
  }
  const points = values.points !== undefined ? Number(values.points) : 20;
  if (!Number.isInteger(points) || points < 1 || points > 10_000) {
    throw new UsageError(`--points must be a whole number from 1 to 10000, not '${values.points}'`);
  }
  const run = prepareModelRun(modelArg, values, io);
  let spec;
  let grid;
  try {
    spec = parseSweepSpec(values.vary, run.model, run.doses);
    grid = sweepValues(spec.from, spec.to, points, values.log ? "log" : values.linear ? "linear" : undefined);
  } catch (e) {
    if (e instanceof SweepSpecError) throw new UsageError(e.message);
    throw e;
  }
  const escapeThreshold = values.escape !== undefined ? positiveNumber(values.escape, "--escape") : undefined;
  const rows = runSweep({ ...run, spec, values: grid.values, escapeThreshold });

  const unit = run.model.spec.timeUnit;
  const tumor = run.model.spec.tumorState ?? "tumor";
  let text: string;
  if (format === "json") {
    text =
      JSON.stringify(
        {
          model: run.model.spec.name,
          modules: run.model.spec.activeModules,
          vary: spec.text,
          tumorState: tumor,
          timeUnit: unit,
          rows,
          disclaimer: "Research model output: decision support only, not a clinical prediction.",
        },
        null,
        1,
      ) + "\n";
  } else if (format === "csv") {
    text =
      ["value,outcome,nadir,nadir_day,final,eliminated_day"]
        .concat(
          rows.map((r) =>
            [r.value, r.outcome, r.nadir, r.nadirDay, r.final, r.eliminatedDay ?? ""].join(","),
          ),
        )
        .join("\n") + "\n";
  } else {
    text = table(rows, spec.text.split("=")[0], unit);
  }
  if (values.out) writeFileSync(path.resolve(io.cwd, values.out), text);
  else io.out(text);
  if (values.plot) {
    const xs = rows.map((r) => r.value);
    const byOutcome = (o: string, color: string) => {
      const sel = rows.filter((r) => r.outcome === o);
      return {
        name: `nadir — ${o}`,
        style: "points" as const,
        color,
        x: sel.map((r) => r.value),
        values: sel.map((r) => r.nadir),
      };
    };
    writeFileSync(
      path.resolve(io.cwd, values.plot),
      renderSvgPlot({
        title: `${run.model.spec.name}: outcome against ${spec.text.split("=")[0]}`,
        times: xs,
        xLog: grid.log,
        xLabel: spec.text.split("=")[0],
        yLabel: `${tumor} (log scale)`,
        series: [
          { name: `final ${tumor}`, values: rows.map((r) => r.final), color: "#444" },
          byOutcome("eliminated", "#2ca02c"),
          byOutcome("controlled", "#ff7f0e"),
          byOutcome("escaped", "#d62728"),
        ],
        yMin: 1e-1,
      }),
    );
  }
  return 0;
}

function table(rows: readonly SweepRow[], label: string, unit: string): string {
  const head = [label, "outcome", "nadir", `nadir ${unit}`, "final", `eliminated ${unit}`];
  const body = rows.map((r) => [
    r.value.toPrecision(4),
    r.outcome,
    r.nadir.toExponential(3),
    r.nadirDay.toFixed(1),
    r.final.toExponential(3),
    r.eliminatedDay === null ? "–" : r.eliminatedDay.toFixed(2),
  ]);
  const all = [head, ...body];
  const w = head.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  return all.map((row) => row.map((cell, c) => cell.padStart(w[c])).join("  ")).join("\n") + "\n";
}
