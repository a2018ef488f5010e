/**
 * Simulates batches of virtual patients of one cancer type under one protocol, measured at one scan schedule:
 * in this thread, or on worker threads (Piscina) for large batches. A patient is regenerated from its seed
 * (src/population/virtual-patient.ts), so tasks carry only numbers and the protocol.
 */
import { availableParallelism } from "node:os";
import { seededRandom } from "../engine/statistics.js";
import { runTogether, sharedWorkerPool, workerPoolStats } from "../engine/worker-pool.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { withLineOfTherapy } from "./line-of-therapy.js";
import { observeCourse } from "./observe.js";
import { evaluateCourse, type EvaluationSettings, type PatientOutcome } from "./patient-outcome.js";
import { baselineStart, isTumourState, simulatePatient, type GroupCourse } from "./simulate-patient.js";
import { readSettings, type Read } from "./published-read.js";
import type { CancerType, SimulatedCourse } from "./types.js";
import { sampleVirtualPatient, type VirtualPatient } from "./virtual-patient.js";

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
  /** Other reads of the scans (data cuts, other criteria: published-read.ts): outcomes are also evaluated so. */
  readonly reads?: readonly Read[];
  /** Each patient's scans fall within ± this many days of the schedule (default SCAN_WINDOW_DAYS). */
  readonly scanWindowDays?: number;
  /**
   * Model states each patient starts from instead of their default (null: none), e.g. the adaptation to a pathway
   * that a patient refractory to it carries (src/population/refractory-carry.ts); states absent from the protocol's
   * model variant are ignored.
   */
  readonly carry?: readonly (Readonly<Record<string, number>> | null)[];
  /**
   * Whether each patient has had a prior systemic line (src/population/line-of-therapy.ts: a factor on the driver
   * pathways' sensitivities); absent: every patient as sampled.
   */
  readonly pretreated?: readonly boolean[];
  /** Model states to return at each patient's progression scan (BatchResult.kept; null without progression). */
  readonly keep?: readonly string[];
}

/**
 * Scans fall within a window around the scheduled day (trial protocols allow about ± 7 days [assumption]); the
 * spread also keeps Kaplan–Meier medians from sticking to the scan grid.
 */
export const SCAN_WINDOW_DAYS = 7;

/** The ± days scheduled scan k (k ≥ 1) may move: the window, at most a third of the gap to the scan before. */
export const scanWindowOf = (days: readonly number[], k: number, window: number): number =>
  Math.min(window, (days[k] - days[k - 1]) / 3);

/** One patient's scan days: every scheduled scan after the baseline moved by up to ± window days, in order. */
export function patientScanDays(days: readonly number[], window: number, rand: () => number): number[] {
  const out = [days[0]];
  for (let k = 1; k < days.length; k++) {
    const w = scanWindowOf(days, k, window);
    out.push(Math.max(out[k - 1] + 1, days[k] + (2 * rand() - 1) * w));
  }
  return out;
}

export interface BatchResult {
  readonly outcomes: PatientOutcome[];
  readonly courses?: SimulatedCourse[];
  /** outcomesRead[r][i]: patient i evaluated with read r. */
  readonly outcomesRead?: PatientOutcome[][];
  /** With BatchTask.keep: each patient's values of those states at its progression scan (null: no progression). */
  readonly kept?: (Record<string, number> | null)[];
}

/** The values of `names` in a course's trajectory at the scan nearest `day` (NaN for a state the model lacks). */
export function statesAt(group: GroupCourse, day: number, names: readonly string[]): Record<string, number> {
  let k = 0;
  for (let i = 1; i < group.days.length; i++)
    if (Math.abs(group.days[i] - day) < Math.abs(group.days[k] - day)) k = i;
  const tr = group.trajectory;
  const dim = tr?.names.length ?? 0;
  return Object.fromEntries(
    names.map((n) => {
      const j = tr ? tr.names.indexOf(n) : -1;
      return [n, tr && j >= 0 ? tr.values[k * dim + j] : Number.NaN];
    }),
  );
}

/** A batch task's `carry`, only when some patient carries states (so that other tasks stay as they were). */
export function carryOf(carry: readonly (Record<string, number> | null)[]): {
  carry?: readonly (Record<string, number> | null)[];
} {
  return carry.some((c) => c !== null) ? { carry } : {};
}

/** The start of a patient that carries model states into a trial (null: its own baseline). */
function carriedStart(vp: VirtualPatient, carry: Readonly<Record<string, number>> | null | undefined) {
  if (!carry) return undefined;
  const base = baselineStart(vp);
  // the tumour's cells start from the patient's baseline lesions: a carried state never replaces them
  const kept = Object.entries(carry).filter(([k, v]) => !isTumourState(k) && Number.isFinite(v));
  return { ...base, others: { ...base.others, ...Object.fromEntries(kept) } };
}

export function runBatch(task: BatchTask): BatchResult {
  const outcomes: PatientOutcome[] = [];
  const courses: SimulatedCourse[] = [];
  const reads = task.reads ?? [];
  const outcomesRead: PatientOutcome[][] = reads.map(() => []);
  const kept: (Record<string, number> | null)[] = [];
  task.seeds.forEach((seed, i) => {
    const sampled = sampleVirtualPatient(task.cancer, seed);
    const vp = task.pretreated ? withLineOfTherapy(sampled, task.pretreated[i]) : sampled;
    const days = patientScanDays(
      task.days,
      task.scanWindowDays ?? SCAN_WINDOW_DAYS,
      seededRandom(task.noiseSeeds[i] ^ 0x2545f491),
    );
    const group = simulatePatient(vp, task.protocol, days, undefined, carriedStart(vp, task.carry?.[i]));
    const course = observeCourse(vp, group, task.noiseSeeds[i], task.ids?.[i]);
    const outcome = evaluateCourse(course, task.settings);
    outcomes.push(outcome);
    if (task.keep) kept.push(outcome.progressed ? statesAt(group, outcome.pfsDays, task.keep) : null);
    reads.forEach((r, c) => outcomesRead[c].push(evaluateCourse(course, readSettings(task.settings, r))));
    if (task.courses) courses.push(course);
  });
  return {
    outcomes,
    ...(task.courses ? { courses } : {}),
    ...(reads.length ? { outcomesRead } : {}),
    ...(task.keep ? { kept } : {}),
  };
}

const WORKER = "simulate-batch-worker";

/**
 * Up to this many simulated patients, a one-shot command (a process that runs one trial and ends) simulates in its
 * own thread: every worker thread starts cold — it loads its modules, reads the catalog and warms its JIT, about
 * 1.5 s of CPU each — and on 2 cores the workers never earned that back at these sizes. Measured 2026-12-07 on the
 * 2-vCPU machine of docs/performance.md (an NSCLC trial's two arms, `runBatches` in a fresh process): 2,000 patients
 * 2.7 s in this thread against 4.4 s on 2 workers; 6,000 patients 6.2 s against 6.6 s. Once warm, 2 workers are
 * 1.4x faster than this thread (1.1 against 1.6 s for 2,000), which is why long-lived processes (the server, `npm
 * run docs`, `vpop build`) keep their pools. On more cores the break-even comes earlier; `--threads` overrides.
 */
export const ONE_SHOT_LOCAL_MAX_PATIENTS = 4000;

/** The threads of a one-shot command that simulates `patients` in all: 1 up to the bound above, else every core. */
export const oneShotThreads = (patients: number): number | undefined =>
  patients <= ONE_SHOT_LOCAL_MAX_PATIENTS ? 1 : undefined;

/** Batch pools started in this process (one per thread count, reused by every later call; src/engine/worker-pool.ts). */
export function batchPoolsStarted(): number {
  return workerPoolStats(import.meta.url, WORKER).pools;
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
      carry: t.carry?.slice(p.from, p.to),
      pretreated: t.pretreated?.slice(p.from, p.to),
    };
  };
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), pieces.length));
  let results: BatchResult[];
  if (threads === 1 || total < 200) {
    results = pieces.map((p) => {
      const r = runBatch(sub(p));
      done += p.to - p.from;
      opts.onProgress?.(done, total);
      return r;
    });
  } else {
    // one pool for the process: each worker compiles the model variants once, not once per trial arm or batch
    const pool = sharedWorkerPool(import.meta.url, WORKER, threads);
    results = await runTogether<BatchResult>(pool, pieces.map(sub), {
      onDone: (k) => opts.onProgress?.((done += pieces[k].to - pieces[k].from), total),
    });
  }
  return tasks.map((t, ti) => {
    const mine = pieces.map((p, k) => ({ p, k })).filter(({ p }) => p.task === ti);
    const outcomes = mine.flatMap(({ k }) => results[k].outcomes);
    const outcomesRead = (t.reads ?? []).map((_, c) =>
      mine.flatMap(({ k }) => results[k].outcomesRead?.[c] ?? []),
    );
    return {
      outcomes,
      ...(t.courses ? { courses: mine.flatMap(({ k }) => results[k].courses ?? []) } : {}),
      ...(t.reads?.length ? { outcomesRead } : {}),
      ...(t.keep ? { kept: mine.flatMap(({ k }) => results[k].kept ?? []) } : {}),
    };
  });
}
