/**
 * `immunoplan trial simulate TRIAL [--patients N] [--seed S] [--paired] [--vpop FILE] [--json] [--out result.json]
 * [--report report.html] [--plot waterfall.svg]` and `immunoplan trial check TRIAL…` (issue 13 §3).
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatIssue, ModelError } from "../engine/language/index.js";
import { loadTrial, type Trial } from "../population/trial-file.js";
import { trialHtml, waterfallSvg } from "../population/trial-report.js";
import { runTrial, simulatorPopulation, TrialInputError, type TrialResult } from "../population/trial-run.js";
import type { ArmSimulator, CancerType } from "../population/types.js";
import { armSimulatorFor } from "../population/arm-simulator.js";
import { oneShotThreads } from "../population/simulate-batch.js";
import { VpopError } from "../population/vpop-file.js";
import { readLabel } from "../population/published-read.js";
import { describeModelError } from "../population/model-error.js";
import type { Estimate } from "../population/trial-outcomes.js";
import { numberOption, UsageError, type CliIO } from "./io.js";

export const TRIAL_USAGE = `immunoplan trial simulate TRIAL [options]   an in-silico trial from a trial file (trials/calibration/)
  --patients N        patients per arm (default: each arm's N from the file)
  --seed S            random seed (default 1)
  --paired            every arm given to the same virtual patients (the population's own difference between
                      arms, not a trial's: arms of a real trial have different patients)
  --vpop FILE         the virtual population (default: the calibrated one of the trial's cancer type)
  --json              print {trial, arms, comparisons, ...} as JSON
  --out FILE          write the JSON result to FILE
  --report FILE       write the HTML report (waterfalls, PFS curves, published vs simulated)
  --plot FILE         write the waterfall plot (SVG)
  --threads N         threads that simulate (default: this one up to 4,000 patients in all, where starting
                      worker threads costs more than they save; every core above)
immunoplan trial check TRIAL…                  read trial files and report problems and warnings`;

/** Where the arm simulator comes from (tests pass their own). */
export type SimulatorFactory = (
  cancer: CancerType,
  vpopFile?: string,
  threads?: number,
) => Promise<ArmSimulator>;

/** The clinical model's arm simulator on the calibrated population (src/population/arm-simulator.ts). */
export const defaultSimulatorFactory: SimulatorFactory = async (cancer, vpopFile, threads) => {
  const simulator = await armSimulatorFor(cancer, vpopFile, threads);
  return simulator;
};

function progressBar(io: CliIO): (done: number, total: number) => void {
  let last = "";
  return (done, total) => {
    if (!io.interactive) return;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    const line = `\rsimulating patients [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
    if (line === last) return;
    last = line;
    io.err(line + (done === total ? "\n" : ""));
  };
}

const show = (x: number | null, unit = "") =>
  x === null ? "—" : `${unit === "%" ? (x * 100).toFixed(1) : x.toFixed(2)}${unit === "%" ? " %" : unit}`;

export function trialSummary(r: TrialResult): string {
  const lines = [
    `${r.trial} — ${r.source}`,
    `${r.criteria}${r.confirm ? ", confirmed responses" : ""}; seed ${r.seed}`,
    "",
  ];
  const pi = (e: Estimate, unit = "") =>
    e.pi
      ? `; prediction ${show(e.pi[0], unit)}–${e.pi[1] === null ? "not reached" : show(e.pi[1], unit)}`
      : "";
  for (const a of r.arms)
    lines.push(
      `${a.name} (n = ${a.patients}): ORR ${show(a.ORR.value, "%")} (${show(a.ORR.ci[0], "%")}–${show(a.ORR.ci[1], "%")}${pi(a.ORR, "%")}), CR ${show(a.CR.value, "%")}, DCR ${show(a.DCR.value, "%")}; median PFS ${a.median_PFS_months.value === null ? "not reached" : `${show(a.median_PFS_months.value)} months`}${a.median_PFS_months.pi ? ` (${pi(a.median_PFS_months).slice(2)})` : ""}; PFS 6 mo ${show(a.PFS_6mo.value, "%")}, 12 mo ${show(a.PFS_12mo.value, "%")}${a.bor.CR + a.bor.PR > 0 ? `; median duration of response ${a.median_DOR_months.value === null ? "not reached" : `${show(a.median_DOR_months.value)} months`}` : ""}${a.median_OS_months ? `; median OS ${a.median_OS_months.value === null ? "not reached" : `${show(a.median_OS_months.value)} months`} (survival model${pi(a.median_OS_months)})` : ""}`,
    );
  for (const e of r.evidence ?? [])
    if (e.extrapolated || e.agents.some((a) => a.basis === "class")) lines.push(`  ${e.arm}: ${e.note}`);
  for (const d of r.differences)
    lines.push(
      `${d.arm} vs ${d.versus}: ORR difference ${show(d.ORR.value, "%")}; PFS HR ${show(d.PFS_HR.value)} (${show(d.PFS_HR.ci[0])}–${show(d.PFS_HR.ci[1])})${d.OS_HR ? `; OS HR ${show(d.OS_HR.value)} (${show(d.OS_HR.ci[0])}–${show(d.OS_HR.ci[1])})` : ""}`,
    );
  if (r.arms.some((a) => a.ORR.pi))
    lines.push(
      "",
      `prediction: 95 % interval of what the trial, at its published size, would report — the simulation widened by the model's error on trials left out of its calibration (${describeModelError(r.model_error)}); overall survival from the survival model's own leave-one-trial-out error (catalog/survival.yaml out_of_sample); none for PFS hazard ratios`,
    );
  if (r.comparisons.length) {
    lines.push("", "published vs simulated:");
    for (const c of r.comparisons)
      lines.push(
        `  ${c.arm} ${c.endpoint}${readLabel(c)}: published ${c.not_reached ? "not reached" : c.published}${c.ci ? ` [${c.ci[0]}, ${c.ci[1] ?? "NR"}]` : ""}, simulated ${c.simulated === null ? "—" : +c.simulated.toPrecision(3)} — ${c.within === null ? c.rule : `${c.within ? "within" : "OUTSIDE"} (${c.rule})`}${c.prediction_interval ? `; prediction [${c.prediction_interval.map((x) => (x === null ? "NR" : +x.toPrecision(3))).join(", ")}] ${c.within_prediction ? "holds it" : "misses it"}` : ""}`,
      );
  }
  return lines.join("\n") + "\n";
}

/** A population note the trial file's own warnings already gave with its line (refractory_to entries). */
function saidByFile(note: string, trial: Trial): boolean {
  const m = /^refractory_to '([^']+)': not a class the model can test/.exec(note);
  return (
    m !== null &&
    trial.warnings.some(
      (w) => w.path.startsWith("population.refractory_to") && w.message.startsWith(`'${m[1]}'`),
    )
  );
}

function printWarnings(trial: Trial, io: CliIO): void {
  for (const w of trial.warnings) io.err(`immunoplan: ${formatIssue(w)}\n`);
}

async function simulateCommand(argv: string[], io: CliIO, factory: SimulatorFactory): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      patients: { type: "string" },
      seed: { type: "string" },
      paired: { type: "boolean" },
      vpop: { type: "string" },
      json: { type: "boolean" },
      out: { type: "string" },
      report: { type: "string" },
      plot: { type: "string" },
      threads: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(TRIAL_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("trial simulate: give one trial file");
  const patients = numberOption(values.patients, "patients", { min: 1, max: 100_000 });
  if (patients !== undefined && !Number.isInteger(patients))
    throw new UsageError(`--patients: '${values.patients}' is not a whole number`);
  const seed = numberOption(values.seed, "seed", { min: 0, max: 2 ** 32 - 1 });
  if (seed !== undefined && !Number.isInteger(seed))
    throw new UsageError(`--seed: '${values.seed}' is not a whole number`);
  const threads = numberOption(values.threads, "threads", { min: 1, max: 256 });
  if (threads !== undefined && !Number.isInteger(threads))
    throw new UsageError(`--threads: '${values.threads}' is not a whole number`);
  const vpop = values.vpop === undefined ? undefined : path.resolve(io.cwd, values.vpop);
  if (vpop !== undefined && !existsSync(vpop)) throw new UsageError(`--vpop: ${values.vpop}: file not found`);
  const trial = loadTrial(path.resolve(io.cwd, positionals[0]));
  printWarnings(trial, io);
  let population;
  try {
    population = simulatorPopulation(trial);
  } catch (e) {
    if (e instanceof TrialInputError) throw new UsageError(e.message);
    throw e;
  }
  const totalPatients = trial.arms.reduce((n, a) => n + (patients ?? a.patients), 0);
  let result: TrialResult;
  try {
    const simulator = await factory(population.cancer, vpop, threads ?? oneShotThreads(totalPatients));
    result = await runTrial(trial, simulator, {
      patients,
      seed,
      paired: values.paired === true,
      onProgress: progressBar(io),
    });
    const notes = (simulator as { warnings?: readonly string[] }).warnings ?? [];
    for (const n of notes) if (!saidByFile(n, trial)) io.err(`immunoplan: warning: ${n}\n`);
  } catch (e) {
    // a missing or unsuitable virtual population is bad input
    if (e instanceof VpopError || e instanceof TrialInputError) throw new UsageError(e.message);
    throw e;
  }
  const json = JSON.stringify(result, null, 2) + "\n";
  if (values.out) writeFileSync(path.resolve(io.cwd, values.out), json);
  if (values.report) writeFileSync(path.resolve(io.cwd, values.report), trialHtml(result));
  if (values.plot)
    writeFileSync(
      path.resolve(io.cwd, values.plot),
      waterfallSvg(result.arms, `${result.trial}: best change of the target-lesion sum`),
    );
  io.out(values.json ? json : trialSummary(result));
  return 0;
}

function checkCommand(argv: string[], io: CliIO): number {
  if (argv.length === 0) throw new UsageError("trial check: give one or more trial files");
  let failed = 0;
  for (const f of argv) {
    let trial: Trial;
    try {
      trial = loadTrial(path.resolve(io.cwd, f));
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      failed++;
      const errors = e.issues.filter((i) => i.severity === "error");
      for (const i of errors) io.err(`immunoplan: ${formatIssue(i)}\n`);
      io.out(`${f}: ${errors.length} error(s)\n`);
      continue;
    }
    printWarnings(trial, io);
    io.out(
      `${f}: ${trial.document.name}, ${trial.arms.length} arm(s), ${trial.published.length} published end point(s), ${trial.warnings.length} warning(s)\n`,
    );
  }
  return failed > 0 ? 2 : 0;
}

/** `immunoplan trial …`; errors are thrown for the CLI's reporter (exit 2 for bad input). */
export async function runTrialCommand(
  argv: string[],
  io: CliIO,
  factory: SimulatorFactory = defaultSimulatorFactory,
): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "simulate":
      return simulateCommand(rest, io, factory);
    case "check":
      return checkCommand(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(TRIAL_USAGE + "\n");
      return 0;
    default:
      throw new UsageError(`trial: unknown subcommand '${sub}' (simulate, check)`);
  }
}
