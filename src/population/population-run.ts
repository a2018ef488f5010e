/**
 * Protocols on a calibrated virtual population (`immunoplan run|compare … --cancer C`, docs/sequencing.md): each
 * protocol is given to the same virtual patients with the same reader noise (one seed for every arm: a paired
 * comparison), read by RECIST 1.1 with confirmation at a standard scan schedule (every 8 weeks to week 48, then
 * every 12 weeks, two years), and summarised as an arm of a trial; every later protocol is compared with the first.
 */
import { armEvidence, type ArmEvidence } from "./arm-evidence.js";
import { agentsWithoutEffect } from "../therapy/compile-clinical.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { populationSimulator } from "./arm-simulator.js";
import { overallSurvival, survivalModel, type SurvivalOutcome } from "./overall-survival.js";
import { evaluateCourse, type PatientOutcome } from "./patient-outcome.js";
import { scanDays } from "./scan-schedule.js";
import { defaultOsFollowUpDays } from "./trial-survival.js";
import { compareArms, summarizeArm, type ArmDifference, type ArmOutcomes } from "./trial-outcomes.js";
import type { CancerType, TrialPopulation } from "./types.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

export const STANDARD_ASSESSMENT = {
  criteria: "recist1.1" as const,
  first_week: 8,
  every_weeks: 8,
  until_week: 48,
  every_weeks_after: 12,
  follow_up_weeks: 104,
  confirm: true,
};

export interface PopulationRunOptions {
  readonly cancer: CancerType;
  readonly protocols: readonly Protocol[];
  readonly patients?: number;
  readonly seed?: number;
  /** Who is treated (default: the whole population of the cancer type). */
  readonly population?: Omit<TrialPopulation, "cancer">;
  readonly vpopFile?: string;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PopulationRun {
  readonly cancer: CancerType;
  readonly patients: number;
  readonly seed: number;
  readonly assessment: typeof STANDARD_ASSESSMENT;
  readonly arms: ArmOutcomes[];
  /** Each arm's patients' outcomes, in the same order in every arm (the same virtual patients: paired). */
  readonly outcomes: PatientOutcome[][];
  /** Every later protocol against the first. */
  readonly differences: ArmDifference[];
  readonly calibration: { readonly effective_sample_size: number; readonly trials: string[] };
  readonly warnings: string[];
  /** Per protocol, the calibration or label trials behind its agents and combination (arm-evidence.ts). */
  readonly evidence: ArmEvidence[];
}

export async function runOnPopulation(opts: PopulationRunOptions): Promise<PopulationRun> {
  const { vpop, warnings } = loadVpop(opts.vpopFile ?? shippedVpopFile(opts.cancer));
  for (const protocol of opts.protocols)
    for (const { agent } of agentsWithoutEffect(protocol))
      warnings.push(
        `${protocol.name}: ${agent.name} has no modelled effect in the clinical model: simulated as if it were not given`,
      );
  const sim = populationSimulator(vpop, warnings, opts.threads);
  const patients = opts.patients ?? 300;
  const seed = opts.seed ?? 1;
  const days = scanDays(STANDARD_ASSESSMENT);
  const population: TrialPopulation = { ...(opts.population ?? {}), cancer: opts.cancer };
  // overall survival from each course (overall-survival.ts), followed as catalog/survival.yaml says (5 years)
  const survival = survivalModel(opts.cancer);
  const followUpDays = defaultOsFollowUpDays(survival);
  const runs: { arm: ArmOutcomes; outcomes: PatientOutcome[]; deaths: SurvivalOutcome[] }[] = [];
  let done = 0;
  const total = patients * opts.protocols.length;
  for (const protocol of opts.protocols) {
    const offset = done;
    const courses = await sim.simulateArm({
      population,
      protocol,
      scanDays: days,
      patients,
      seed,
      onProgress: opts.onProgress ? (d) => opts.onProgress!(offset + d, total) : undefined,
    });
    done += patients;
    const outcomes = courses.map((c) =>
      evaluateCourse(c, { criteria: "recist1.1", confirm: true, minSdDays: 42 }),
    );
    const deaths = overallSurvival(courses, outcomes, survival, seed);
    runs.push({
      arm: summarizeArm(protocol.name, outcomes, 0.95, { deaths, followUpDays }),
      outcomes,
      deaths,
    });
  }
  const differences = runs.slice(1).map((r) =>
    compareArms(runs[0].arm, runs[0].outcomes, r.arm, r.outcomes, 0.95, {
      a: runs[0].deaths,
      b: r.deaths,
      followUpDays,
    }),
  );
  return {
    cancer: opts.cancer,
    patients,
    seed,
    assessment: STANDARD_ASSESSMENT,
    arms: runs.map((r) => r.arm),
    outcomes: runs.map((r) => r.outcomes),
    differences,
    calibration: {
      effective_sample_size: vpop.calibration.effective_sample_size,
      trials: vpop.calibration.trials.map((t) => t.name),
    },
    warnings: sim.warnings as string[],
    evidence: armEvidence(
      opts.protocols.map((protocol) => ({ name: protocol.name, protocol })),
      vpop,
    ),
  };
}
