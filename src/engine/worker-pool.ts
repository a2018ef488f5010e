/**
 * Worker pools that live for the process (Piscina): one per worker script and thread count, created on first use,
 * so that each worker loads its modules and compiles its models once, not once per call. Idle workers do not keep
 * the process alive (Piscina unrefs them) and end after IDLE_TIMEOUT_MS. `runTogether` runs one call's tasks on
 * such a pool: they end together, on the caller's abort or at the first failure, and the pool serves the next call.
 */
import { setMaxListeners } from "node:events";
import { Piscina } from "piscina";
import { workerFile } from "./worker-file.js";

/** An idle worker of a shared pool ends after this long (ms) [Immunoplan choice: as the job runner's pool]. */
export const IDLE_TIMEOUT_MS = 60_000;

interface PoolStats {
  pools: number;
  workers: number;
}

const pools = new Map<string, Piscina>();
const stats = new Map<string, PoolStats>();

/** Pools and worker threads started so far in this process for one worker script (they grow only when needed). */
export function workerPoolStats(base: string, name: string): Readonly<PoolStats> {
  return { ...(stats.get(workerFile(base, name).filename) ?? { pools: 0, workers: 0 }) };
}

/** The process's pool of at most `threads` workers running the worker script `name` beside the module `base`. */
export function sharedWorkerPool(base: string, name: string, threads: number): Piscina {
  const { filename, execArgv } = workerFile(base, name);
  const key = `${threads} ${filename}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Piscina({
      filename,
      execArgv,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_TIMEOUT_MS,
    });
    const s = stats.get(filename) ?? { pools: 0, workers: 0 };
    stats.set(filename, s);
    s.pools++;
    pool.on("workerCreate", () => s.workers++);
    // a worker still answering a task its call has cancelled is an error of the pool, not of a task: the call has
    // its answer (the failure or abort that cancelled it) already
    pool.on("error", () => undefined);
    pools.set(key, pool);
  }
  return pool;
}

/**
 * Runs `messages` on `pool` (submitted in `order`, default their own), the results in the order of `messages`;
 * `onDone(i)` after each success. The tasks end together: on the caller's abort, or when one fails (the pool then runs
 * no more of them), and the call rejects with the first error.
 */
export async function runTogether<R>(
  pool: Piscina,
  messages: readonly unknown[],
  opts: {
    readonly signal?: AbortSignal;
    readonly order?: readonly number[];
    readonly onDone?: (i: number) => void;
  } = {},
): Promise<R[]> {
  const stop = new AbortController();
  setMaxListeners(messages.length + 10, stop.signal);
  const onAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });
  const out = new Array<R>(messages.length);
  let failure: { error: unknown } | null = null;
  try {
    await Promise.all(
      (opts.order ?? messages.map((_, i) => i)).map(async (i) => {
        try {
          out[i] = (await pool.run(messages[i], { signal: stop.signal })) as R;
        } catch (error) {
          failure ??= { error };
          stop.abort();
          return;
        }
        opts.onDone?.(i);
      }),
    );
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return out;
}
