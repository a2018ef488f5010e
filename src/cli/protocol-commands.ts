import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { renderSvgPlot } from "../plot/svg.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Patient } from "../therapy/patient.js";
import { patientFromArg } from "./patient-arg.js";
import { loadProtocol } from "../therapy/protocol-file.js";
import { simulateProtocol, type ProtocolRun } from "../therapy/simulate-protocol.js";
import { validateProtocol, type ProtocolProblem } from "../therapy/validate-protocol.js";
import { UsageError, type CliIO } from "./io.js";
import { positiveNumber } from "./model-options.js";

export const RUN_USAGE = `usage: immunoplan run PROTOCOL [--patient NAME|case.json] [--days N] [--out result.json] [--plot result.svg] [--force]
       immunoplan compare P1 P2 … [--patient NAME|case.json] [--days N] [--out result.json] [--plot result.svg] [--force]
       immunoplan check PROTOCOL…
PROTOCOL is a protocol document (YAML/JSON, schemas/protocol.schema.json). On the calibrated clinical model:
--cancer TYPE (a calibrated virtual population) or --patient case.json (the patient's own posterior). Built-in
reference patients of the core model: p9-weak (default), p9-strong, p9-large, p10-strong, p10-large (de Pillis
2006 parameter sets; not calibrated on trials).`;

/** Said whenever run/compare answer on the core model: it is not the calibrated one. */
export const CORE_MODEL_NOTE =
  "Core model (de Pillis 2006 backbone, not calibrated on trials): for the calibrated clinical model use --cancer TYPE or --patient case.json.";

/**
 * Burden up to which a killer-cell step counts as given at minimal residual disease: the chemo + TIL + IL-2
 * course of de Pillis 2006 clears up to about 2e6 cells (immunoplan sweep; README).
 */
const MINIMAL_BURDEN = 2e6;

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

function problemLine(file: string, p: ProtocolProblem): string {
  return `${file}: ${p.path}: ${p.severity}: ${p.message}${p.rule ? ` [rule ${p.rule}; source: ${p.source}]` : ""}`;
}

function fmt(x: number): string {
  return x === 0 ? "0" : x >= 1e4 || x < 1e-2 ? x.toExponential(2) : String(+x.toPrecision(3));
}

interface Loaded {
  file: string;
  name: string;
  problems: ProtocolProblem[];
  run: ProtocolRun;
}

function loadAndRun(
  file: string,
  patient: Patient,
  days: number | undefined,
  force: boolean,
  io: CliIO,
): Loaded {
  const protocol = loadProtocol(path.resolve(io.cwd, file));
  const problems = validateProtocol(protocol);
  for (const p of problems) io.err(problemLine(file, p) + "\n");
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length && !force) {
    throw new UsageError(
      `${file}: ${errors.length} error(s) in the protocol (listed above; --force simulates anyway)`,
    );
  }
  const run = simulateProtocol(compileProtocol(protocol, patient), { days });
  return { file, name: protocol.name, problems, run };
}

function commonArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      patient: { type: "string" },
      days: { type: "string" },
      out: { type: "string" },
      plot: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  return { values, positionals };
}

function outcomeJson(l: Loaded) {
  const r = l.run;
  const n = r.model.dimension;
  return {
    file: l.file,
    protocol: l.name,
    problems: l.problems,
    patient: r.compiled.patient,
    bodySurfaceArea_m2: r.compiled.bsa,
    modules: r.compiled.modules,
    parameters: r.compiled.set,
    inputs: r.compiled.inputs,
    assumptions: r.compiled.notes,
    phases: r.compiled.phases,
    outcome: r.outcome,
    times: Array.from(r.solution.times),
    states: Object.fromEntries(
      r.model.stateNames.map((s, k) => [
        s,
        Array.from(r.solution.times, (_, i) => r.solution.values[i * n + k]),
      ]),
    ),
  };
}

function markersOf(l: Loaded, color?: string) {
  return l.run.compiled.inputs.map((x) => ({ t: x.day, label: `${x.agent} ${x.dose}`, color }));
}

export function runProtocolCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = commonArgs(argv);
  if (values.help) {
    io.out(RUN_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one PROTOCOL, got ${positionals.length}` : "missing PROTOCOL",
    );
  const patient = patientFromArg(values.patient, io);
  const days = values.days !== undefined ? positiveNumber(values.days, "--days") : undefined;
  const l = loadAndRun(positionals[0], patient, days, values.force === true, io);
  const r = l.run;
  io.out(
    `${l.name} — patient ${patient.id} (${patient.weight_kg} kg, ${patient.height_cm} cm, BSA ${r.compiled.bsa.toFixed(2)} m²)\n`,
  );
  if (patient.source?.startsWith("case ")) io.out(`  patient from ${patient.source}\n`);
  io.out(
    `Research model output (Immunoplan core model${r.compiled.modules.length ? ` with ${r.compiled.modules.join(", ")}` : ""}): decision support only.\n${CORE_MODEL_NOTE}\n\n`,
  );
  io.out(
    table([
      ["day", "agent", "dose", "for this patient", "model input"],
      ...r.compiled.inputs.map((x) => [
        fmt(x.day),
        x.agent,
        x.dose,
        x.absolute,
        x.doses.map((d) => describeDose(d)).join("; ") || "not represented",
      ]),
    ]),
  );
  if (r.compiled.notes.length)
    io.out("\nassumptions:\n" + r.compiled.notes.map((n) => `  - ${n}\n`).join(""));
  const o = r.outcome;
  io.out(
    `\noutcome over ${r.days} days: final burden ${fmt(o.finalBurden)} cells; nadir ${fmt(o.nadir)} on day ${fmt(o.nadirDay)}; ` +
      `${fmt(o.daysUndetectable)} days below the detection limit; ${o.eliminated ? `eliminated on day ${fmt(o.eliminatedDay!)}` : "not eliminated"}` +
      `${o.progressionDay !== null ? `; progression (RECIST) on day ${fmt(o.progressionDay)}` : ""}\n`,
  );
  for (const k of o.killerCellSteps) {
    const low = k.burden <= MINIMAL_BURDEN;
    io.out(
      `${low ? "" : "warning: "}predicted burden before ${k.agent} on day ${fmt(k.day)}: ${fmt(k.burden)} cells` +
        `${low ? " (minimal residual disease)" : ` — above ${fmt(MINIMAL_BURDEN)}: killer cells work best at minimal residual disease`}\n`,
    );
  }
  if (values.out)
    writeFileSync(
      path.resolve(io.cwd, values.out),
      JSON.stringify({ model: "immunoplan-core", note: CORE_MODEL_NOTE, ...outcomeJson(l) }, null, 1) + "\n",
    );
  if (values.plot) {
    const n = r.model.dimension;
    writeFileSync(
      path.resolve(io.cwd, values.plot),
      renderSvgPlot({
        title: `${l.name} — patient ${patient.id}`,
        times: r.solution.times,
        series: ["T", "N", "L", "C"].map((s) => ({
          name: s,
          values: Array.from(r.solution.times, (_, i) => r.solution.values[i * n + r.model.stateIndex(s)]),
        })),
        markers: markersOf(l),
        bands: r.compiled.phases.map((p) => ({ from: p.from, to: p.to, label: p.name })),
        events: r.solution.events.map((e) => ({ t: e.t, label: e.name })),
        yLabel: "cells (log scale)",
      }),
    );
  }
  return 0;
}

export function compareProtocolsCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = commonArgs(argv);
  if (values.help) {
    io.out(RUN_USAGE + "\n");
    return 0;
  }
  if (positionals.length < 1) throw new UsageError("missing PROTOCOL files to compare");
  const patient = patientFromArg(values.patient, io);
  const days = values.days !== undefined ? positiveNumber(values.days, "--days") : undefined;
  const loaded = positionals.map((f) => loadAndRun(f, patient, days, values.force === true, io));
  const horizon = days ?? Math.max(...loaded.map((l) => l.run.days));
  const runs =
    days === undefined
      ? positionals.map((f) => loadAndRun(f, patient, horizon, true, { ...io, err: () => undefined }))
      : loaded;
  io.out(
    `patient ${patient.id}; ${horizon} days; research model output: decision support only\n${CORE_MODEL_NOTE}\n\n`,
  );
  io.out(
    table([
      [
        "protocol",
        "final burden",
        "nadir",
        "nadir day",
        "days undetectable",
        "eliminated",
        "progression day",
        "problems",
      ],
      ...runs.map((l, i) => {
        const o = l.run.outcome;
        const errs = loaded[i].problems.filter((p) => p.severity === "error").length;
        const warns = loaded[i].problems.length - errs;
        return [
          l.name,
          fmt(o.finalBurden),
          fmt(o.nadir),
          fmt(o.nadirDay),
          fmt(o.daysUndetectable),
          o.eliminated ? `day ${fmt(o.eliminatedDay!)}` : "no",
          o.progressionDay === null ? "–" : fmt(o.progressionDay),
          `${errs} errors, ${warns} warnings`,
        ];
      }),
    ]),
  );
  if (values.out)
    writeFileSync(
      path.resolve(io.cwd, values.out),
      JSON.stringify(
        {
          model: "immunoplan-core",
          note: CORE_MODEL_NOTE,
          patient,
          days: horizon,
          runs: runs.map(outcomeJson),
        },
        null,
        1,
      ) + "\n",
    );
  if (values.plot) {
    writeFileSync(
      path.resolve(io.cwd, values.plot),
      renderSvgPlot({
        title: `Tumor burden by protocol — patient ${patient.id}`,
        times: runs[0].run.solution.times,
        series: runs.map((l, i) => ({
          name: l.name,
          color: COLORS[i % COLORS.length],
          x: l.run.solution.times,
          values: l.run.solution.column(l.run.model.tumorIndex),
        })),
        markers: runs.flatMap((l, i) => markersOf(l, COLORS[i % COLORS.length])),
        bands:
          runs.length === 1
            ? runs[0].run.compiled.phases.map((p) => ({ from: p.from, to: p.to, label: p.name }))
            : [],
        yLabel: "tumor cells (log scale)",
      }),
    );
  }
  return 0;
}

export function checkProtocolsCommand(argv: string[], io: CliIO): number {
  const { positionals } = commonArgs(argv);
  if (positionals.length < 1) throw new UsageError("missing PROTOCOL");
  let errors = 0;
  for (const file of positionals) {
    const problems = validateProtocol(loadProtocol(path.resolve(io.cwd, file)));
    for (const p of problems) io.out(problemLine(file, p) + "\n");
    errors += problems.filter((p) => p.severity === "error").length;
    if (problems.length === 0) io.out(`${file}: no problems\n`);
  }
  return errors ? 2 : 0;
}

function describeDose(d: { kind: string; state: string } & Record<string, unknown>): string {
  if (d.kind === "bolus") return `${d.state} += ${fmt(d.amount as number)}`;
  if (d.kind === "scale") return `${d.state} × ${fmt(d.factor as number)}`;
  return `${d.state} at ${fmt(d.rate as number)}/day`;
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return (
    rows
      .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join("  "))
      .join("\n") + "\n"
  );
}
