import { readFileSync } from "node:fs";
import { SolverError } from "../engine/index.js";
import { ModelError, formatIssue } from "../engine/language/index.js";
import { CASE_USAGE, runCaseCommand, runEvaluateCommand, runRecistCommand } from "./case-commands.js";
import { runDemo } from "./demo.js";
import { negativeOptionValues, processIO, UsageError, type CliIO } from "./io.js";
import { runModels } from "./models-command.js";
import { runSimulate, SIMULATE_USAGE } from "./simulate.js";
import { runSweepCommand, SWEEP_USAGE } from "./sweep.js";
import { PLAN_USAGE, runPlanCommand } from "./plan-command.js";
import { PersonalizationError } from "../planner/personalize.js";
import {
  checkProtocolsCommand,
  compareProtocolsCommand,
  RUN_USAGE,
  runProtocolCommand,
} from "./protocol-commands.js";

import { runDonorsCommand } from "./donor-commands.js";
import { runVpopCommand, VPOP_USAGE } from "./vpop-command.js";
import { POPULATION_USAGE, runPopulationCommand } from "./population-commands.js";
import { runPatientCommand } from "./patient-run-command.js";
import { isCaseRecord } from "./patient-arg.js";
import { loadCase } from "../clinic/case-file.js";
import { caseVpopCancer } from "../planner/case-population.js";
import path from "node:path";
import { runFitCommand } from "./fit-command.js";
import { runForecastCommand } from "./forecast-command.js";
import { runGradeCommand, runToxicityCommand } from "./toxicity-commands.js";
import { runTrialCommand, TRIAL_USAGE } from "./trial-command.js";

const USAGE = `Immunoplan — design and simulate cancer immunotherapy protocols (research tool, decision support only)

usage: immunoplan <command> [options]

commands:
  simulate MODEL [options]   simulate a model (file or built-in name); see immunoplan simulate --help
  sweep MODEL --vary X=a..b  outcome (eliminated / controlled / escaped) against an initial value, parameter or dose
  case import|export         FHIR R4 / mCODE bundle ⇄ case record
  evaluate CASE              records checklist, eligibility per modality with reasons, burden and window
  plan CASE                  personalized candidate protocols, ranked and explained (HTML/PDF report)
  recist CASE                RECIST 1.1 and iRECIST response table from the case's imaging
  toxicity CASE              CTCAE v5 grades of the case's lab values, with irAE management guidance
  donors CASE --donor ID=…   rank NK / killer-cell donors by KIR-ligand mismatch with the patient's HLA
  fit --model M --data CSV   fit growth models to tumor-size series (per subject and population; AIC/BIC)
  fit --population --model M  nonlinear mixed-effects fit of many patients' series (nlme's method)
  forecast --data CSV --train-points K  later scans from the first K, population prior, six classical baselines
  grade crs|icans [options]  ASTCT grade of cytokine release syndrome or ICANS, with management guidance
  run PROTOCOL               simulate a protocol document for a (virtual) patient
  compare P1 P2 …            compare protocols: burden, nadir, elimination, progression
  vpop build --cancer C …    calibrated virtual population from trial files (weights, refractoriness, leave-one-out)
  trial simulate TRIAL       in-silico trial from a trial file: ORR, CR, DCR, PFS (Kaplan–Meier), waterfall, HR
  check PROTOCOL…            validate protocols against the therapy catalog and sequencing rules
  models [NAME]              list the built-in models, or show one (equations, parameters, modules)
  demo [DIR]                 run the de Pillis 2006 chemo + TIL + IL-2 demo, write DIR/depillis2006-chemo-til.svg
  help                       show this text
  version                    print the version

${SIMULATE_USAGE}

${SWEEP_USAGE}

${RUN_USAGE}
${POPULATION_USAGE}

${CASE_USAGE}

${PLAN_USAGE}

${TRIAL_USAGE}

${VPOP_USAGE}
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI; returns the exit code (0 ok, 1 the simulation failed, 2 bad input). Never throws. */
export function runCli(argv: string[], io: CliIO = processIO): number {
  const [command, ...rest] = negativeOptionValues(argv);
  try {
    switch (command) {
      case "simulate":
        return runSimulate(rest, io);
      case "sweep":
        return runSweepCommand(rest, io);
      case "case":
        return runCaseCommand(rest, io);
      case "evaluate":
        return runEvaluateCommand(rest, io);
      case "recist":
        return runRecistCommand(rest, io);
      case "toxicity":
        return runToxicityCommand(rest, io);
      case "grade":
        return runGradeCommand(rest, io);
      case "donors":
        return runDonorsCommand(rest, io);
      case "forecast":
        return runForecastCommand(rest, io);
      case "fit":
        return runFitCommand(rest, io);
      case "run":
        return runProtocolCommand(rest, io);
      case "compare":
        return compareProtocolsCommand(rest, io);
      case "check":
        return checkProtocolsCommand(rest, io);
      case "models":
        return runModels(rest, io);
      case "demo":
        return runDemo(rest, io);
      case "version":
      case "--version":
        io.out(version() + "\n");
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(
          `unknown command '${command}' (commands: simulate, sweep, run, compare, check, trial, vpop, case, evaluate, plan, recist, toxicity, grade, donors, fit, models, demo, help)`,
        );
    }
  } catch (e) {
    return reportError(e, io);
  }
}

/**
 * Runs the CLI including the commands that work asynchronously (plan: worker threads). Never throws; the exit
 * codes are runCli's.
 */
/** `--model core` (run/compare on the core model) is the core path's default: the synchronous commands drop it. */
function withoutCoreModelOption(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === "--model=core") continue;
    if (argv[k] === "--model" && argv[k + 1] === "core") {
      k++;
      continue;
    }
    out.push(argv[k]);
  }
  return out;
}

/** Whether `--patient FILE` names a case record whose cancer type has a calibrated population (and no --model core). */
function patientCaseHasPopulation(argv: readonly string[], io: CliIO): boolean {
  const i = argv.findIndex((a) => a === "--patient" || a.startsWith("--patient="));
  if (i < 0 || argv.some((a, k) => (a === "--model" && argv[k + 1] === "core") || a === "--model=core"))
    return false;
  const arg = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  if (!arg || !/\.(json|ya?ml)$/i.test(arg)) return false;
  const file = path.resolve(io.cwd, arg);
  if (!isCaseRecord(file)) return false;
  try {
    return caseVpopCancer(loadCase(file)) !== null;
  } catch {
    return false; // the synchronous path reports an unreadable case
  }
}

export async function runCliAsync(argv: string[], io: CliIO = processIO): Promise<number> {
  const runLike = argv[0] === "run" || argv[0] === "compare";
  const onPopulation = runLike && argv.some((a) => a === "--cancer" || a.startsWith("--cancer="));
  // a case record with a calibrated population: its own calibrated model (--model core keeps the core model)
  const onPatient = runLike && !onPopulation && patientCaseHasPopulation(argv, io);
  if (argv[0] !== "plan" && argv[0] !== "trial" && argv[0] !== "vpop" && !onPopulation && !onPatient)
    return runCli(runLike ? withoutCoreModelOption(argv) : argv, io);
  argv = negativeOptionValues(argv);
  try {
    if (onPatient) return await runPatientCommand(argv[0] as "run" | "compare", argv.slice(1), io);
    if (onPopulation) return await runPopulationCommand(argv[0] as "run" | "compare", argv.slice(1), io);
    if (argv[0] === "trial") return await runTrialCommand(argv.slice(1), io);
    if (argv[0] === "vpop") return await runVpopCommand(argv.slice(1), io);
    return await runPlanCommand(argv.slice(1), io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** The one-line message and exit code of a failure (2: bad input, 1: the computation failed). */
function reportError(e: unknown, io: CliIO): number {
  {
    if (e instanceof PersonalizationError) {
      io.err(`immunoplan: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ModelError) {
      const errors = e.issues.filter((i) => i.severity === "error");
      const more =
        errors.length > 1
          ? ` (and ${errors.length - 1} more: ${errors.slice(1).map(formatIssue).join("; ")})`
          : "";
      io.err(`immunoplan: ${formatIssue(errors[0] ?? e.issues[0])}${more}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`immunoplan: ${(e as Error).message.split("\n")[0]}\n`);
      return 2;
    }
    if (e instanceof SolverError) {
      io.err(`immunoplan: ${e.failure === "invalid-problem" ? "" : "simulation failed: "}${e.message}\n`);
      return e.failure === "invalid-problem" ? 2 : 1;
    }
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "EACCES") {
      io.err(`immunoplan: ${(e as Error).message}\n`);
      return 2;
    }
    io.err(`immunoplan: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
