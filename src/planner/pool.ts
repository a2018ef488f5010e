/**
 * Runs candidate simulations in parallel on worker threads (Piscina), reporting progress after each candidate.
 * One thread runs in-process (no pool), which is also what small jobs and tests use.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { workerFile } from "../engine/worker-file.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";

export interface PoolOptions {
  /** Worker threads (default: every core). 1 runs in this thread. */
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
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
  const pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, execArgv });
  // candidates with the same agents (hence the same model modules) run one after another, so that each worker
  // compiles few model variants
  const key = (i: number) =>
    [...new Set(inputs[i].protocol.phases.flatMap((ph) => ph.steps.map((s) => s.agent)))].sort().join(",");
  const order = inputs.map((_, i) => i).sort((a, b) => key(a).localeCompare(key(b)) || a - b);
  const out = new Array<CandidateOutcome>(inputs.length);
  try {
    await Promise.all(
      order.map(async (i) => {
        out[i] = (await pool.run(inputs[i], { signal: opts.signal })) as CandidateOutcome;
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
