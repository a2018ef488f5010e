import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { imagingAssessments, loadCase } from "../clinic/case-file.js";
import { evaluateCase } from "../clinic/evaluate.js";
import { exportBundle } from "../clinic/fhir-export.js";
import { importBundle, isBundle } from "../clinic/fhir-import.js";
import { lineResponse, recordLineStarts } from "../clinic/response.js";
import { dateOption, formatTable, numberOption, UsageError, type CliIO } from "./io.js";

export const CASE_USAGE = `usage: immunoplan case import BUNDLE.json [--id ID] [--out case.json] [--report report.json]
       immunoplan case export CASE.json [--out bundle.json]
       immunoplan evaluate CASE.json [--date YYYY-MM-DD] [--json]
       immunoplan recist CASE.json [--line-start YYYY-MM-DD] [--min-sd-days N] [--confirm-days N] [--json]
  recist: the current line of treatment against its own baseline, the last scan on or before the line started
  (a treatment of the record or --line-start); SD counts from --min-sd-days after the baseline (default 42),
  a response is confirmed by a scan --confirm-days later (default 28).`;

const OPTIONS = {
  id: { type: "string" },
  out: { type: "string" },
  report: { type: "string" },
  date: { type: "string" },
  "line-start": { type: "string" },
  "min-sd-days": { type: "string" },
  "confirm-days": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The options of the case commands (each command rejects the ones it does not take). */
function args(argv: string[], allowed: readonly (keyof typeof OPTIONS)[]) {
  const parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  for (const k of Object.keys(parsed.values)) {
    if (k !== "help" && !allowed.includes(k as keyof typeof OPTIONS))
      throw new UsageError(`option --${k} does not apply here`);
  }
  return parsed;
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one ${what}, got ${positionals.length}` : `missing ${what}`,
    );
  return positionals[0];
}

function write(io: CliIO, file: string | undefined, text: string): void {
  if (file) writeFileSync(path.resolve(io.cwd, file), text);
  else io.out(text);
}

export function runCaseCommand(argv: string[], io: CliIO): number {
  const [sub, ...rest] = argv;
  if (sub === "import") {
    const { values, positionals } = args(rest, ["id", "out", "report"]);
    const file = one(positionals, "BUNDLE");
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path.resolve(io.cwd, file), "utf8"));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        `${file}: ${code === "ENOENT" ? "file not found" : `not valid JSON (${(e as Error).message})`}`,
      );
    }
    if (!isBundle(data)) {
      const type = (data as { resourceType?: unknown } | null)?.resourceType;
      throw new UsageError(
        `${file}: not a FHIR Bundle (${typeof type === "string" ? `resourceType is '${type}'` : "no resourceType 'Bundle'"}); case import reads a FHIR R4 Bundle (e.g. from 'case export' or an mCODE system)`,
      );
    }
    const id = values.id ?? path.basename(file).replace(/\.json$/i, "");
    const { case: c, report } = importBundle(data, id);
    io.err(
      `${file}: read ${report.read.length} resources, ignored ${report.ignored.length}, invalid ${report.invalid.length}\n`,
    );
    for (const i of report.invalid)
      io.err(`${file}: ${i.ref}${i.path ? ` ${i.path}` : ""}: invalid: ${i.message}\n`);
    if (values.report)
      writeFileSync(path.resolve(io.cwd, values.report), JSON.stringify(report, null, 1) + "\n");
    write(io, values.out, JSON.stringify(c, null, 1) + "\n");
    return 0;
  }
  if (sub === "export") {
    const { values, positionals } = args(rest, ["out"]);
    const c = loadCase(path.resolve(io.cwd, one(positionals, "CASE")));
    write(io, values.out, JSON.stringify(exportBundle(c), null, 1) + "\n");
    return 0;
  }
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.out(CASE_USAGE + "\n");
    return 0;
  }
  throw new UsageError(`unknown case command '${sub}' (import, export)`);
}

export function runEvaluateCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = args(argv, ["date", "json"]);
  if (values.help) {
    io.out(CASE_USAGE + "\n");
    return 0;
  }
  const c = loadCase(path.resolve(io.cwd, one(positionals, "CASE")));
  const date = dateOption(values.date, "date");
  const e = evaluateCase(c, date);
  if (values.json) {
    io.out(JSON.stringify(e, null, 1) + "\n");
    return 0;
  }
  io.out(`Evaluation of case ${e.caseId} on ${e.date} — ${e.disclaimer}\n\nRecords:\n`);
  for (const i of e.checklist)
    io.out(
      `  ${i.status === "present" ? "✓" : i.status === "outdated" ? "!" : "✗"} ${i.what}: ${i.status} (${i.detail})\n`,
    );
  if (e.findings.length) {
    io.out("\nConsistency of the record:\n");
    for (const f of e.findings) io.out(`  ! ${f.what}: ${f.detail}\n`);
  }
  if (e.toRequest.length)
    io.out(`\nRequest from the patient:\n${e.toRequest.map((r) => `  - ${r}\n`).join("")}`);
  io.out("\nEligibility by modality:\n");
  const w = Math.max(...e.eligibility.map((x) => x.name.length));
  for (const x of e.eligibility) {
    io.out(`  ${x.name.padEnd(w)}  ${x.verdict}\n`);
    for (const r of x.reasons) io.out(`  ${" ".repeat(w)}    - ${r.reason} [${r.rule}; ${r.source}]\n`);
  }
  const b = e.burden;
  io.out(
    b.cells === null
      ? "\nBurden: no measured lesions in the records (therapeutic window unknown)\n"
      : `\nBurden on ${b.date}: sum of diameters ${b.sumOfDiametersMm} mm, ~${b.volumeCm3!.toPrecision(3)} cm³, ~${b.cells.toExponential(2)} cells — ${b.window} (assuming ${b.assumptions.join("; ")})\n`,
  );
  return 0;
}

export function runRecistCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = args(argv, ["json", "line-start", "min-sd-days", "confirm-days"]);
  if (values.help) {
    io.out(CASE_USAGE + "\n");
    return 0;
  }
  const c = loadCase(path.resolve(io.cwd, one(positionals, "CASE")));
  const all = imagingAssessments(c);
  const lineStart = dateOption(values["line-start"], "line-start");
  const r = lineResponse(all, {
    lineStarts: [...recordLineStarts(c), ...(lineStart ? [lineStart] : [])],
    minSdDays: numberOption(values["min-sd-days"], "min-sd-days", { min: 0, max: 3650 }),
    confirmDays: numberOption(values["confirm-days"], "confirm-days", { min: 0, max: 3650 }),
  });
  if (!r)
    throw new UsageError(
      `${positionals[0]}: RECIST needs a baseline and at least one follow-up imaging study with lesion measurements (found ${all.length}${lineStart ? ` from the line starting ${lineStart}` : ""})`,
    );
  const tps = r.recist.timepoints;
  const best = r.recist.best;
  const itps = r.irecist.timepoints;
  const ibest = r.irecist.best;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          lineStart: r.lineStart,
          baseline: all.find((a) => a.date === r.baseline.date),
          baselineReason: r.baselineReason,
          timepoints: tps,
          best,
          irecist: itps,
          irecistBest: ibest,
          irrc: r.irrc.timepoints,
        },
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  io.out(
    `Baseline ${r.baseline.date}${r.baseline.sumMm !== null ? ` (${r.baseline.sumMm} mm)` : ""}: ${r.baselineReason}\n\n`,
  );
  const f = (x: number | null, d = 1) => (x === null ? "–" : x.toFixed(d));
  const rows = [
    [
      "date",
      "sum (mm)",
      "nadir (mm)",
      "vs baseline %",
      "vs nadir %",
      "vs nadir mm",
      "target",
      "non-target",
      "new",
      "overall",
      "iRECIST",
    ],
    [r.baseline.date, f(r.baseline.sumMm), "", "baseline", "", "", "", "", "", "", ""],
  ];
  for (const [i, t] of tps.entries())
    rows.push([
      t.date,
      f(t.sumMm),
      f(t.nadirMm),
      f(t.changeFromBaselinePct),
      f(t.changeFromNadirPct),
      f(t.changeFromNadirMm),
      t.target,
      t.nonTarget,
      t.newLesions ? "yes" : "no",
      t.overall,
      itps[i].response,
    ]);
  io.out(formatTable(rows, [false, true, true, true, true, true]).join("\n") + "\n");
  io.out(
    `\nRECIST 1.1 best overall response: ${best.response}; confirmed: ${best.confirmed} (SD counts from day ${best.minSdDays} after the baseline; confirmation ≥ ${best.confirmDays} days later)\n`,
  );
  io.out(
    `iRECIST best overall response: ${ibest.response}` +
      (ibest.progressionDate
        ? `; confirmed progression (iCPD) dated from the iUPD of ${ibest.progressionDate}`
        : "") +
      "\n",
  );
  for (const t of itps) for (const r of t.reasons) io.out(`  ${t.date} ${t.response}: ${r}\n`);
  // irRC (unidimensional): new measurable lesions add to the burden; irPD needs a confirming scan ≥ 4 weeks later
  io.out(
    `irRC (unidimensional; new lesions add to the burden): ${r.irrc.timepoints
      .map(
        (t) =>
          `${t.date} ${t.response}${t.burdenMm !== null ? ` (${f(t.burdenMm)} mm)` : ""}${t.response === "irPD" ? (t.confirmed === true ? " confirmed" : t.confirmed === false ? " not confirmed" : " to be confirmed") : ""}`,
      )
      .join("; ")}\n`,
  );
  return 0;
}
