/**
 * Runs candidate simulations in parallel on worker threads (Piscina), reporting progress after each candidate.
 * One thread runs in-process (no pool), which is also what small jobs and tests use.
 *
 * The worker pool lives across calls (one per thread count, per process, created on first use): each worker loads
 * the catalog and compiles the model variants once (6–7.5 s of CPU per pool measured, docs/performance.md), not once
 * per batch of a plan or per request of the server.
 * Idle workers do not keep the process alive (src/engine/worker-pool.ts).
 */
import { availableParallelism } from "node:os";
import { serialize } from "node:v8";
import { runTogether, sharedWorkerPool, workerPoolStats } from "../engine/worker-pool.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";
import type { HistoryMessage, SharedSamples, WorkerMessage, WorkerTask } from "./simulate-worker.js";
import {
  runHistories,
  type HistoryInput,
  type HistoryRun,
  type PatientHistory,
} from "./history-likelihood.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

export interface PoolOptions {
  /** Worker threads (default: every core). 1 runs in this thread. */
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** Key of the next call's shared samples (workers cache the samples by key). */
let nextKey = 0;

const WORKER = "simulate-worker";

/** Pools and worker threads started so far in this process (the pool is reused: these grow only when needed). */
export function poolStats(): { readonly pools: number; readonly workers: number } {
  return workerPoolStats(import.meta.url, WORKER);
}

const sharedPool = (threads: number) => sharedWorkerPool(import.meta.url, WORKER, threads);

/**
 * The posterior samples every input holds (the same array in each: the plan's): serialized once per call into shared
 * memory, which every task references instead of carrying a copy (a structured clone of 100 clinical samples costs
 * the worker ~2 ms to read); each worker reads it once (simulate-worker.ts) and the candidate's solves find the
 * sample keys of simulate-clinical-candidate.ts computed already.
 */
function shareSamples(inputs: readonly SimulateCandidateInput[]): {
  shared: SharedSamples;
  tasks: WorkerTask[];
} {
  const [first] = inputs;
  const samples = inputs.every((x) => x.samples === first.samples) ? first.samples : undefined;
  const clinical =
    first.clinical && inputs.every((x) => x.clinical === first.clinical) ? first.clinical : undefined;
  const tasks = inputs.map((x): WorkerTask => {
    const { samples: s, clinical: c, ...rest } = x;
    return { ...rest, ...(samples ? {} : { samples: s }), ...(clinical || !c ? {} : { clinical: c }) };
  });
  return { shared: { samples, clinical }, tasks };
}

function sharedBuffer(shared: SharedSamples): SharedArrayBuffer {
  const bytes = serialize(shared);
  const buffer = new SharedArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

export async function simulateAll(
  inputs: readonly SimulateCandidateInput[],
  opts: PoolOptions = {},
): Promise<CandidateOutcome[]> {
  const requested = Math.max(1, opts.threads ?? availableParallelism());
  const threads = Math.min(requested, inputs.length);
  let done = 0;
  const report = () => opts.onProgress?.(++done, inputs.length);
  if (threads <= 1) {
    const out: CandidateOutcome[] = [];
    for (const input of inputs) {
      if (opts.signal?.aborted) throw new Error("planning cancelled");
      out.push(simulatePlanCandidate(input));
      report();
      // let timers, I/O and cancellation run between candidates
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  const pool = sharedPool(requested);
  const { shared, tasks } = shareSamples(inputs);
  const key = nextKey++;
  const buffer = sharedBuffer(shared);
  // candidates with the same agents (hence the same model modules) run one after another, so that each worker
  // compiles few model variants
  const agents = (i: number) =>
    [...new Set(inputs[i].protocol.phases.flatMap((ph) => ph.steps.map((s) => s.agent)))].sort().join(",");
  const order = inputs.map((_, i) => i).sort((a, b) => agents(a).localeCompare(agents(b)) || a - b);
  const messages = tasks.map((task): WorkerMessage => ({ task, key, shared: buffer }));
  return runTogether<CandidateOutcome>(pool, messages, { signal: opts.signal, order, onDone: report });
}

/**
 * One simulation on a worker thread, so that a server's event loop keeps answering meanwhile: on the shared pool of
 * every core, whose warm workers answer the next request without loading the catalog and compiling the model again.
 */
export async function simulateOffThread(input: SimulateCandidateInput): Promise<CandidateOutcome> {
  const message: WorkerMessage = { task: input };
  return (await sharedPool(Math.max(1, availableParallelism())).run(message)) as CandidateOutcome;
}

/** Virtual patients per task of simulateHistories [Immunoplan choice: a few hundred ms of work per task]. */
const HISTORY_CHUNK = 50;
/**
 * Fewer virtual patients than this are simulated in this thread [Immunoplan choice]: starting the pool's workers
 * costs seconds of CPU (each loads the catalog and compiles the model), more than a few hundred simulations save.
 */
export const HISTORY_PARALLEL_MIN = 300;
let historyCalls = 0;

/**
 * Simulates virtual patients through a patient's history on the planning pool's workers (the same warm workers
 * that then simulate the candidates), in chunks, the results in the order of `members` (null where the solver
 * failed). One thread runs them here, on `local`.
 */
export async function simulateHistories(
  input: HistoryInput,
  local: PatientHistory,
  members: readonly VirtualPatient[],
  opts: { readonly threads?: number; readonly signal?: AbortSignal } = {},
): Promise<(HistoryRun | null)[]> {
  if (opts.signal?.aborted) throw new Error("planning cancelled");
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  if (threads <= 1 || members.length < HISTORY_PARALLEL_MIN) {
    const runs = runHistories(local, members);
    // let timers, I/O and cancellation run between batches
    await new Promise((r) => setImmediate(r));
    return runs;
  }
  const key = `${process.pid}-${historyCalls++}`;
  const messages: HistoryMessage[] = [];
  for (let i = 0; i < members.length; i += HISTORY_CHUNK)
    messages.push({ history: input, key, members: members.slice(i, i + HISTORY_CHUNK) });
  const chunks = await runTogether<(HistoryRun | null)[]>(sharedPool(threads), messages, {
    signal: opts.signal,
  });
  return chunks.flat();
}
