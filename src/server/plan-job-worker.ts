/** Worker-thread entry of the job runner: plans (and evaluations) off the request thread, with progress. */
import type { MessagePort } from "node:worker_threads";
import { CaseSchema } from "../clinic/case-schema.js";
import { evaluateCase } from "../clinic/evaluate.js";
import { personalizeCase } from "../planner/personalize.js";
import { planCase, type PlanOptions } from "../planner/plan.js";

export interface JobTask {
  readonly kind: "evaluate" | "fit" | "plan";
  readonly record: unknown;
  readonly date?: string;
  readonly options?: Pick<PlanOptions, "samples" | "maxCandidates" | "horizon" | "weights" | "seed" | "mcmc">;
  readonly threads?: number;
  readonly port: MessagePort;
}

export default async function run(task: JobTask): Promise<unknown> {
  const c = CaseSchema.parse(task.record);
  try {
    if (task.kind === "evaluate") return evaluateCase(c, task.date);
    if (task.kind === "fit")
      return personalizeCase(c, {
        startDate: task.date,
        samples: task.options?.samples,
        seed: task.options?.seed,
        warmup: task.options?.mcmc?.warmup,
        draws: task.options?.mcmc?.draws,
      });
    return await planCase(c, {
      ...task.options,
      date: task.date,
      threads: task.threads,
      onProgress: (stage, done, total) => task.port.postMessage({ stage, done, total }),
    });
  } finally {
    task.port.close();
  }
}
