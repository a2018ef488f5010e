/**
 * Planning benchmark (issue: 200 candidates × 100 posterior samples, 365 days each, on all cores): the synthetic
 * melanoma case is personalized, 200 candidates are generated, and every candidate is simulated on every sample
 * in the worker pool. Prints the wall time of each stage and the simulations per second.
 */
import { availableParallelism } from "node:os";
import { loadCase } from "../clinic/case-file.js";
import { evaluateCase } from "../clinic/evaluate.js";
import { generateCandidates } from "../planner/candidates.js";
import { personalizeCase } from "../planner/personalize.js";
import { simulateAll } from "../planner/pool.js";
import { MELANOMA_CASE } from "../test-support/planning-case.js";

async function main(): Promise<void> {
  const threads = Number(process.env.THREADS ?? availableParallelism());
  const c = loadCase(MELANOMA_CASE);
  const date = "2026-11-24";
  let t = performance.now();
  const pers = personalizeCase(c, { startDate: date, samples: 100 });
  const tFit = (performance.now() - t) / 1000;
  t = performance.now();
  const set = generateCandidates(evaluateCase(c, date), c, pers.patient, {
    representative: pers.samples[50],
    maxCandidates: 200,
  });
  const tGen = (performance.now() - t) / 1000;
  const inputs = set.candidates.map((x) => ({
    protocol: x.protocol,
    patient: pers.patient,
    samples: pers.samples,
    horizon: 365,
  }));
  const sims = inputs.length * pers.samples.length;
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    t = performance.now();
    await simulateAll(inputs, { threads });
    runs.push((performance.now() - t) / 1000);
  }
  const best = Math.min(...runs);
  console.log(`planning benchmark: ${inputs.length} candidates × ${pers.samples.length} samples × 365 days`);
  console.log(
    `  personalization (MCMC: pilot and main run, 4 chains × 2000 draws each): ${tFit.toFixed(2)} s`,
  );
  console.log(`  candidate generation: ${tGen.toFixed(2)} s`);
  console.log(
    `  ${sims} simulations on ${threads} worker thread(s): ${runs.map((x) => x.toFixed(2)).join(" / ")} s (best ${best.toFixed(2)} s, ${Math.round(sims / best)} simulations/s; target < 10 s on 2 cores)`,
  );
}

await main();
