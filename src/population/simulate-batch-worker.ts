/** Worker-thread entry of the population batches: one chunk of virtual patients under one protocol. */
import { runBatch, type BatchResult, type BatchTask } from "./simulate-batch.js";

export default function run(task: BatchTask): BatchResult {
  return runBatch(task);
}
