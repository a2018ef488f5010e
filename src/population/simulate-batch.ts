/**
 * Simulates batches of virtual patients of one cancer type under one protocol, measured at one scan schedule:
 * in this thread, or on worker threads (Piscina) for large batches. A patient is regenerated from its seed
 * (src/population/virtual-patient.ts), so tasks carry only numbers and the protocol.
 */
import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { seededRandom } from "../engine/statistics.js";
import { workerFile } from "../engine/worker-file.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { observeCourse } from "./observe.js";
import { evaluateCourse, type EvaluationSettings, type PatientOutcome } from "./patient-outcome.js";
import { simulatePatient } from "./simulate-patient.js";
import type { CancerType, SimulatedCourse } from "./types.js";
import { sampleVirtualPatient } from "./virtual-patient.js";

export interface BatchTask {
  readonly cancer: CancerType;
  /** Seeds of the virtual patients. */
  readonly seeds: readonly number[];
  /** Seeds of the reader noise (one per patient). */
  readonly noiseSeeds: readonly number[];
  /** Identifiers of the simulated patients (default vp-<seed>). */
  readonly ids?: readonly string[];
  readonly protocol: Protocol;
  /** Days of the scans, starting with the baseline 0. */
  readonly days: readonly number[];
  readonly settings: EvaluationSettings;
  /** Return the courses too (trial reports need them; calibration only needs outcomes). */
  readonly courses?: boolean;
  /** Data cuts (days): outcomes are also evaluated on the scans up to each of them. */
  readonly cuts?: readonly number[];
  /** Each patient's scans fall within ± this many days of the schedule (default SCAN_WINDOW_DAYS). */
  readonly scanWindowDays?: number;
}

/**
 * Scans fall within a window around the scheduled day (trial protocols allow about ± 7 days [assumption]); the
 * spread also keeps Kaplan–Meier medians from sticking to the scan grid.
 */
export const SCAN_WINDOW_DAYS = 7;

/** One patient's scan days: every scheduled scan after the baseline moved by up to ± window days, in order. */
export function patientScanDays(days: readonly number[], window: number, rand: () => number): number[] {
  const out = [days[0]];
  for (let k = 1; k < days.length; k++) {
    const gap = days[k] - days[k - 1];
    const w = Math.min(window, gap / 3);
    out.push(Math.max(out[k - 1] + 1, days[k] + (2 * rand() - 1) * w));
  }
  return out;
}

export interface BatchResult {
  readonly outcomes: PatientOutcome[];
  readonly courses?: SimulatedCourse[];
  /** outcomesAt[c][i]: patient i evaluated at data cut c. */
  readonly outcomesAt?: PatientOutcome[][];
}

export function runBatch(task: BatchTask): BatchResult {
  const outcomes: PatientOutcome[] = [];
  const courses: SimulatedCourse[] = [];
  const cuts = task.cuts ?? [];
  const outcomesAt: PatientOutcome[][] = cuts.map(() => []);
  task.seeds.forEach((seed, i) => {
    const vp = sampleVirtualPatient(task.cancer, seed);
    const days = patientScanDays(
      task.days,
      task.scanWindowDays ?? SCAN_WINDOW_DAYS,
      seededRandom(task.noiseSeeds[i] ^ 0x2545f491),
    );
    const group = simulatePatient(vp, task.protocol, days);
    const course = observeCourse(vp, group, task.noiseSeeds[i], task.ids?.[i]);
    outcomes.push(evaluateCourse(course, task.settings));
    cuts.forEach((cut, c) => outcomesAt[c].push(evaluateCourse(course, { ...task.settings, cutDay: cut })));
    if (task.courses) courses.push(course);
  });
  return {
    outcomes,
    ...(task.courses ? { courses } : {}),
    ...(cuts.length ? { outcomesAt } : {}),
  };
}

/** An idle worker of a batch pool ends after this long (ms) [Immunoplan choice: as the planner's pool]. */
export const BATCH_IDLE_TIMEOUT_MS = 60_000;

const pools = new Map<number, Piscina>();
let poolsStarted = 0;

/** Batch pools started in this process (one per thread count, reused by every later call). */
export function batchPoolsStarted(): number {
  return poolsStarted;
}

/**
 * The worker pool of `threads` threads, shared by every call of the process: each worker loads the catalog and
 * compiles the model variants once, not once per trial arm or calibration batch. Idle workers do not keep the
 * process alive (Piscina unrefs them) and end after BATCH_IDLE_TIMEOUT_MS.
 */
function batchPool(threads: number): Piscina {
  let pool = pools.get(threads);
  if (!pool) {
    const { filename, execArgv } = workerFile(import.meta.url, "simulate-batch-worker");
    pool = new Piscina({
      filename,
      execArgv,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: BATCH_IDLE_TIMEOUT_MS,
    });
    // a worker still answering a task this call has cancelled is an error of the pool, not of a task: the call
    // has its answer (the failure that cancelled it) already
    pool.on("error", () => undefined);
    pools.set(threads, pool);
    poolsStarted++;
  }
  return pool;
}

export interface BatchOptions {
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs many tasks; splits them into chunks of at most `chunk` patients for progress and load balance. */
export async function runBatches(
  tasks: readonly BatchTask[],
  opts: BatchOptions = {},
  chunk = 50,
): Promise<BatchResult[]> {
  const pieces: { task: number; from: number; to: number }[] = [];
  tasks.forEach((t, ti) => {
    for (let from = 0; from < t.seeds.length; from += chunk)
      pieces.push({ task: ti, from, to: Math.min(t.seeds.length, from + chunk) });
  });
  const total = tasks.reduce((s, t) => s + t.seeds.length, 0);
  let done = 0;
  const sub = (p: (typeof pieces)[number]): BatchTask => {
    const t = tasks[p.task];
    return {
      ...t,
      seeds: t.seeds.slice(p.from, p.to),
      noiseSeeds: t.noiseSeeds.slice(p.from, p.to),
      ids: t.ids?.slice(p.from, p.to),
    };
  };
  const results: BatchResult[] = new Array(pieces.length);
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), pieces.length));
  if (threads === 1 || total < 200) {
    pieces.forEach((p, k) => {
      results[k] = runBatch(sub(p));
      done += p.to - p.from;
      opts.onProgress?.(done, total);
    });
  } else {
    const pool = batchPool(threads);
    // the call's pieces end together when one fails (the pool then runs no more of them and serves the next call)
    const stop = new AbortController();
    setMaxListeners(pieces.length + 10, stop.signal);
    let failure: { error: unknown } | null = null;
    await Promise.all(
      pieces.map(async (p, k) => {
        try {
          results[k] = (await pool.run(sub(p), { signal: stop.signal })) as BatchResult;
        } catch (error) {
          failure ??= { error };
          stop.abort();
          return;
        }
        done += p.to - p.from;
        opts.onProgress?.(done, total);
      }),
    );
    if (failure) throw (failure as { error: unknown }).error;
  }
  return tasks.map((t, ti) => {
    const mine = pieces.map((p, k) => ({ p, k })).filter(({ p }) => p.task === ti);
    const outcomes = mine.flatMap(({ k }) => results[k].outcomes);
    const outcomesAt = (t.cuts ?? []).map((_, c) =>
      mine.flatMap(({ k }) => results[k].outcomesAt?.[c] ?? []),
    );
    return {
      outcomes,
      ...(t.courses ? { courses: mine.flatMap(({ k }) => results[k].courses ?? []) } : {}),
      ...(t.cuts?.length ? { outcomesAt } : {}),
    };
  });
}
