/**
 * Evaluations and plans run as jobs in a worker thread (Piscina), never on the request thread: a job is a row
 * (queued → running → succeeded | failed | cancelled) with its stage and progress, run one at a time (a plan uses
 * every core already), cancellable, and its result is stored with the case version it came from. Jobs left
 * queued or running by a stopped server are queued again at start.
 */
import { MessageChannel } from "node:worker_threads";
import { and, eq, inArray } from "drizzle-orm";
import { Piscina } from "piscina";
import { workerFile } from "../engine/worker-file.js";
import type { Db } from "./db/connect.js";
import { caseVersions, evaluations, fits, jobs, plans } from "./db/schema.js";
import type { JobTask } from "./plan-job-worker.js";

export type JobKind = "evaluate" | "fit" | "plan";

export interface JobRunnerOptions {
  readonly planThreads?: number;
}

export class JobRunner {
  private readonly queue: string[] = [];
  private running: { id: string; abort: AbortController } | null = null;
  private pool: Piscina | null = null;
  private idle: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly opts: JobRunnerOptions = {},
  ) {}

  /** Re-queues the jobs a previous process left unfinished. */
  async recover(): Promise<number> {
    const left = await this.db
      .update(jobs)
      .set({ status: "queued", stage: "queued again after a restart", progress: 0 })
      .where(inArray(jobs.status, ["queued", "running"]))
      .returning({ id: jobs.id });
    for (const j of left) this.push(j.id);
    return left.length;
  }

  async enqueue(
    kind: JobKind,
    caseId: string,
    caseVersion: number,
    userId: string,
    options: unknown,
  ): Promise<string> {
    const [row] = await this.db
      .insert(jobs)
      .values({ kind, caseId, caseVersion, createdBy: userId, options: options ?? null, stage: "queued" })
      .returning({ id: jobs.id });
    this.push(row.id);
    return row.id;
  }

  /** Cancels a queued or running job; returns false when it had already finished. */
  async cancel(id: string): Promise<boolean> {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
    if (this.running?.id === id) this.running.abort.abort();
    const r = await this.db
      .update(jobs)
      .set({ status: "cancelled", stage: "cancelled", finishedAt: new Date() })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ["queued", "running"])))
      .returning({ id: jobs.id });
    return r.length > 0;
  }

  /** Resolves when the queue is empty (tests). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length) await this.idle;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    this.running?.abort.abort();
    await this.idle.catch(() => {});
    await this.pool?.destroy();
    this.pool = null;
  }

  private push(id: string): void {
    this.queue.push(id);
    if (!this.running) this.idle = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.closed && this.queue.length) {
      const id = this.queue.shift()!;
      const abort = new AbortController();
      this.running = { id, abort };
      try {
        await this.runOne(id, abort.signal);
      } finally {
        this.running = null;
      }
    }
  }

  private workerPool(): Piscina {
    if (!this.pool) {
      const { filename, execArgv } = workerFile(import.meta.url, "plan-job-worker");
      this.pool = new Piscina({ filename, execArgv, minThreads: 0, maxThreads: 1, idleTimeout: 60_000 });
    }
    return this.pool;
  }

  private async runOne(id: string, signal: AbortSignal): Promise<void> {
    const [job] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    if (!job || job.status !== "queued") return;
    const [version] = await this.db
      .select()
      .from(caseVersions)
      .where(and(eq(caseVersions.caseId, job.caseId), eq(caseVersions.version, job.caseVersion)));
    await this.db
      .update(jobs)
      .set({ status: "running", startedAt: new Date(), stage: "starting" })
      .where(eq(jobs.id, id));
    const { port1, port2 } = new MessageChannel();
    let lastWrite = 0;
    port1.on("message", (m: { stage: string; done: number; total: number }) => {
      const now = Date.now();
      if (now - lastWrite < 250 && m.done !== m.total) return;
      lastWrite = now;
      void this.db
        .update(jobs)
        .set({ stage: m.stage, progress: m.total ? m.done / m.total : 0 })
        .where(and(eq(jobs.id, id), eq(jobs.status, "running")))
        .catch(() => {});
    });
    const options = (job.options ?? {}) as { date?: string } & JobTask["options"];
    const task: JobTask = {
      kind: job.kind,
      record: version.record,
      date: options?.date,
      options,
      threads: this.opts.planThreads,
      port: port2,
    };
    try {
      const result = await this.workerPool().run(task, { transferList: [port2], signal });
      if (job.kind === "fit") {
        await this.db.insert(fits).values({
          caseId: job.caseId,
          caseVersion: job.caseVersion,
          jobId: id,
          result,
          createdBy: job.createdBy,
        });
      } else if (job.kind === "evaluate") {
        await this.db.insert(evaluations).values({
          caseId: job.caseId,
          caseVersion: job.caseVersion,
          jobId: id,
          result,
          createdBy: job.createdBy,
        });
      } else {
        await this.db.insert(plans).values({
          caseId: job.caseId,
          caseVersion: job.caseVersion,
          jobId: id,
          plan: result,
          createdBy: job.createdBy,
        });
      }
      await this.db
        .update(jobs)
        .set({ status: "succeeded", stage: "done", progress: 1, finishedAt: new Date() })
        .where(and(eq(jobs.id, id), eq(jobs.status, "running")));
    } catch (e) {
      if (signal.aborted) return; // cancel() wrote the row
      await this.db
        .update(jobs)
        .set({ status: "failed", stage: "failed", error: (e as Error).message, finishedAt: new Date() })
        .where(eq(jobs.id, id));
    } finally {
      port1.close();
    }
  }
}
