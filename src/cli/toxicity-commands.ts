import path from "node:path";
import { parseArgs } from "node:util";
import { loadCase } from "../clinic/case-file.js";
import {
  gradeCaseLabs,
  gradeCrs,
  gradeIcans,
  iceScore,
  iraeManagement,
  type AstctGrade,
  type Consciousness,
  type Hypotension,
  type Hypoxia,
} from "../clinic/toxicity.js";
import { numberOption, UsageError, type CliIO } from "./io.js";

export const TOXICITY_USAGE = `usage: immunoplan toxicity CASE.json [--json]
         CTCAE v5 grades of the case's lab values (vs the lab's reference range, or the baseline when abnormal)
       immunoplan grade crs --temp C [--fever-treated] --hypotension none|no-vasopressor|one-vasopressor|multiple-vasopressors
                            --hypoxia none|low-flow|high-flow|positive-pressure [--json]
       immunoplan grade icans [--ice 0-10 | --ice-items O,N,C,W,A] [--consciousness normal|awakens-spontaneously|
                            awakens-to-voice|awakens-to-touch|unarousable] [--seizure none|resolving-rapidly|
                            prolonged-or-repetitive] [--motor none|deep-focal-weakness] [--edema none|focal|diffuse] [--json]
         ASTCT consensus grade (Lee et al. 2019) with the reasons and the management guidance (decision support)`;

const DISCLAIMER = "Decision support only: the treating clinician grades and decides.";

function choice<T extends string>(
  value: string | undefined,
  option: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`missing --${option} (one of ${allowed.join(", ")})`);
  }
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${option}: '${value}' is not one of ${allowed.join(", ")}`);
  return value as T;
}

export function runToxicityCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    io.out(TOXICITY_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("toxicity needs one CASE file");
  const c = loadCase(path.resolve(io.cwd, positionals[0]));
  const { grades, ungradable } = gradeCaseLabs(c);
  if (values.json) {
    io.out(JSON.stringify({ caseId: c.id, disclaimer: DISCLAIMER, grades, ungradable }, null, 1) + "\n");
    return 0;
  }
  io.out(`CTCAE v5 lab grades for case ${c.id} — ${DISCLAIMER}\n\n`);
  if (grades.length === 0) io.out("  no lab values covered by a CTCAE lab term\n");
  for (const g of grades) {
    io.out(
      `  ${(g.date ?? "no date").slice(0, 10).padEnd(10)}  ${g.term.padEnd(38)} grade ${g.grade}  (${g.criterion}${g.baselineDate ? `; baseline ${g.baselineDate}` : ""})\n`,
    );
    for (const a of g.assumptions) io.out(`${" ".repeat(14)}assumption: ${a}\n`);
  }
  for (const u of ungradable) io.out(`  not graded: ${u}\n`);
  const worst = grades.reduce((m, g) => Math.max(m, g.grade), 0);
  const guidance = iraeManagement(worst);
  if (guidance)
    io.out(
      `\nIf the worst grade (${worst}) is an immune-related adverse event of a checkpoint inhibitor:\n` +
        `  checkpoint inhibitor: ${guidance.checkpointInhibitor}\n  steroids: ${guidance.steroids}\n  ${guidance.taper}\n  [${guidance.source}]\n`,
    );
  return 0;
}

export function runGradeCommand(argv: string[], io: CliIO): number {
  const [kind, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      temp: { type: "string" },
      "fever-treated": { type: "boolean" },
      hypotension: { type: "string" },
      hypoxia: { type: "string" },
      ice: { type: "string" },
      "ice-items": { type: "string" },
      consciousness: { type: "string" },
      seizure: { type: "string" },
      motor: { type: "string" },
      edema: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || kind === undefined || kind === "--help" || kind === "-h") {
    io.out(TOXICITY_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let g: AstctGrade;
  let title: string;
  if (kind === "crs") {
    title = "Cytokine release syndrome";
    g = gradeCrs({
      temperatureC: numberOption(values.temp, "temp", { min: 30, max: 45 }),
      feverTreated: values["fever-treated"] === true,
      hypotension: choice<Hypotension>(values.hypotension, "hypotension", [
        "none",
        "no-vasopressor",
        "one-vasopressor",
        "multiple-vasopressors",
      ]),
      hypoxia: choice<Hypoxia>(values.hypoxia, "hypoxia", [
        "none",
        "low-flow",
        "high-flow",
        "positive-pressure",
      ]),
    });
  } else if (kind === "icans") {
    title = "ICANS";
    let ice = numberOption(values.ice, "ice", { min: 0, max: 10 });
    if (ice !== undefined && !Number.isInteger(ice))
      throw new UsageError(`--ice: '${values.ice}' is not an integer 0–10`);
    if (values["ice-items"] !== undefined) {
      const parts = values["ice-items"].split(",").map((x) => Number(x));
      if (parts.length !== 5 || parts.some((x) => !Number.isInteger(x)))
        throw new UsageError(
          "--ice-items: expected five integers orientation,naming,commands,writing,attention",
        );
      try {
        ice = iceScore({
          orientation: parts[0],
          naming: parts[1],
          commands: parts[2],
          writing: parts[3],
          attention: parts[4],
        });
      } catch (e) {
        throw new UsageError(`--ice-items: ${(e as Error).message}`);
      }
    }
    g = gradeIcans({
      ice,
      consciousness: choice<Consciousness>(
        values.consciousness,
        "consciousness",
        ["normal", "awakens-spontaneously", "awakens-to-voice", "awakens-to-touch", "unarousable"],
        "normal",
      ),
      seizure: choice(
        values.seizure,
        "seizure",
        ["none", "resolving-rapidly", "prolonged-or-repetitive"] as const,
        "none",
      ),
      motor: choice(values.motor, "motor", ["none", "deep-focal-weakness"] as const, "none"),
      cerebralEdema: choice(values.edema, "edema", ["none", "focal", "diffuse"] as const, "none"),
    });
  } else throw new UsageError(`grade: unknown syndrome '${kind}' (crs or icans)`);
  if (values.json) {
    io.out(JSON.stringify({ syndrome: kind, ...g, disclaimer: DISCLAIMER }, null, 1) + "\n");
    return 0;
  }
  io.out(`${title}: ASTCT grade ${g.grade}\n`);
  for (const r of g.reasons) io.out(`  - ${r}\n`);
  if (g.management) io.out(`management (guidance): ${g.management}\n`);
  io.out(`[${g.source}]\n${DISCLAIMER}\n`);
  return 0;
}
