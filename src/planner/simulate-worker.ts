/** Worker-thread entry of the planning pool: simulates one candidate on every posterior sample. */
import { deserialize } from "node:v8";
import type { VirtualPatient } from "../population/virtual-patient.js";
import {
  historyOf,
  runHistories,
  type HistoryInput,
  type HistoryRun,
  type PatientHistory,
} from "./history-likelihood.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";

/** Posterior samples shared by every task of one simulateAll call (pool.ts). */
export interface SharedSamples {
  readonly samples?: SimulateCandidateInput["samples"];
  readonly clinical?: SimulateCandidateInput["clinical"];
}

/** A candidate's input without the samples the call shares. */
export type WorkerTask = Omit<SimulateCandidateInput, "samples"> & {
  readonly samples?: SimulateCandidateInput["samples"];
};

/**
 * What the pool posts per candidate: the task, and the call's shared samples as a key and a SharedArrayBuffer
 * holding them serialized (v8.serialize). The buffer is shared memory, not copied per task; each worker reads it
 * once per key and keeps the last few keys.
 */
export interface WorkerMessage {
  readonly task: WorkerTask;
  readonly key?: number;
  readonly shared?: SharedArrayBuffer;
}

/** Shared sample sets a worker keeps (the last ones used; a pool runs one call after another). */
const CACHED_KEYS = 4;
const cache = new Map<number, SharedSamples>();

/** The samples of `key`, read from `buffer` on first use. */
export function sharedSamples(key: number, buffer: SharedArrayBuffer): SharedSamples {
  let s = cache.get(key);
  if (!s) {
    s = deserialize(new Uint8Array(buffer)) as SharedSamples;
    cache.set(key, s);
    for (const old of cache.keys()) {
      if (cache.size <= CACHED_KEYS) break;
      cache.delete(old);
    }
  }
  return s;
}

/**
 * Virtual patients to simulate through a patient's history (the personalization's draws, clinical-personalize.ts):
 * the worker rebuilds the history once per `key` (one personalization) and keeps the last one.
 */
export interface HistoryMessage {
  readonly history: HistoryInput;
  readonly key: string;
  readonly members: readonly VirtualPatient[];
}

let lastHistory: { key: string; history: PatientHistory } | null = null;

function runHistoryMessage(m: HistoryMessage): (HistoryRun | null)[] {
  if (lastHistory?.key !== m.key) lastHistory = { key: m.key, history: historyOf(m.history) };
  return runHistories(lastHistory.history, m.members);
}

export default function run(
  message: WorkerMessage | HistoryMessage,
): CandidateOutcome | (HistoryRun | null)[] {
  if ("history" in message) return runHistoryMessage(message);
  const { task, key, shared: buffer } = message;
  const shared = key !== undefined && buffer ? sharedSamples(key, buffer) : {};
  const samples = task.samples ?? shared.samples;
  if (!samples) throw new Error("simulate-worker: a task without samples and none shared");
  const clinical = task.clinical ?? shared.clinical;
  return simulatePlanCandidate({ ...task, samples, ...(clinical ? { clinical } : {}) });
}
