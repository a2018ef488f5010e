/** Worker-thread entry of the planning pool: simulates one candidate on every posterior sample. */
import { workerData } from "node:worker_threads";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";

/** Posterior samples shared by every task of a pool, sent once as the worker's workerData (pool.ts). */
export interface SharedSamples {
  readonly samples?: SimulateCandidateInput["samples"];
  readonly clinical?: SimulateCandidateInput["clinical"];
}

/** A candidate's input without the samples the pool shares. */
export type WorkerTask = Omit<SimulateCandidateInput, "samples"> & {
  readonly samples?: SimulateCandidateInput["samples"];
};

const shared = (workerData ?? {}) as SharedSamples;

export default function run(task: WorkerTask): CandidateOutcome {
  const samples = task.samples ?? shared.samples;
  if (!samples) throw new Error("simulate-worker: a task without samples and none shared");
  const clinical = task.clinical ?? shared.clinical;
  return simulatePlanCandidate({ ...task, samples, ...(clinical ? { clinical } : {}) });
}
