/**
 * Runs candidate simulations in parallel on worker threads (Piscina), reporting progress after each candidate.
 * One thread runs in-process (no pool), which is also what small jobs and tests use.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { workerFile } from "../engine/worker-file.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";
import type { SharedSamples, WorkerTask } from "./simulate-worker.js";

export interface PoolOptions {
  /** Worker threads (default: every core). 1 runs in this thread. */
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * The posterior samples every input holds (the same array in each: the plan's): sent to each worker once, as its
 * workerData, instead of with every candidate (a structured clone of 100 clinical samples costs the worker ~2 ms to
 * read, and the candidate's solves find the sample keys of simulate-clinical-candidate.ts computed already).
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

export async function simulateAll(
  inputs: readonly SimulateCandidateInput[],
  opts: PoolOptions = {},
): Promise<CandidateOutcome[]> {
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), inputs.length));
  let done = 0;
  const report = () => opts.onProgress?.(++done, inputs.length);
  if (threads === 1) {
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
  const { filename, execArgv } = workerFile(import.meta.url, "simulate-worker");
  const { shared, tasks } = shareSamples(inputs);
  const pool = new Piscina({
    filename,
    minThreads: threads,
    maxThreads: threads,
    execArgv,
    workerData: shared,
  });
  // candidates with the same agents (hence the same model modules) run one after another, so that each worker
  // compiles few model variants
  const key = (i: number) =>
    [...new Set(inputs[i].protocol.phases.flatMap((ph) => ph.steps.map((s) => s.agent)))].sort().join(",");
  const order = inputs.map((_, i) => i).sort((a, b) => key(a).localeCompare(key(b)) || a - b);
  const out = new Array<CandidateOutcome>(inputs.length);
  try {
    await Promise.all(
      order.map(async (i) => {
        out[i] = (await pool.run(tasks[i], { signal: opts.signal })) as CandidateOutcome;
        report();
      }),
    );
    return out;
  } finally {
    await pool.destroy();
  }
}

/** One simulation on a worker thread of its own, so that a server's event loop keeps answering meanwhile. */
export async function simulateOffThread(input: SimulateCandidateInput): Promise<CandidateOutcome> {
  const { filename, execArgv } = workerFile(import.meta.url, "simulate-worker");
  const pool = new Piscina({ filename, minThreads: 1, maxThreads: 1, execArgv });
  try {
    return (await pool.run(input)) as CandidateOutcome;
  } finally {
    await pool.destroy();
  }
}
