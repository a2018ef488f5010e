/**
 * The planning pool: the posterior samples every candidate shares go to each worker once per call (shared memory,
 * read once per key); the outcomes are those of this thread, whether the samples are shared or each input brings
 * its own. The pool lives across calls: successive calls with other samples reuse its workers and still give this
 * thread's outcomes; a failing or cancelled call rejects and leaves the pool usable.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { personalizeClinical } from "./clinical-personalize.js";
import { seededRandom } from "../engine/statistics.js";
import { conditionedPrior } from "./case-population.js";
import { historyOf } from "./history-likelihood.js";
import { casePatient } from "./personalize-inputs.js";
import { HISTORY_PARALLEL_MIN, poolStats, simulateAll, simulateHistories } from "./pool.js";
import { smoothedPrior } from "./smoothed-prior.js";

const protocols = ["tvec-intralesional", "pembrolizumab-q3w", "high-dose-il2"].map((f) =>
  loadProtocol(path.resolve(import.meta.dirname, `../../examples/protocols/${f}.yaml`)),
);

const inputsOf = async (seed: number, samples = 6) => {
  const p = (await personalizeClinical(melanomaCase(), {
    startDate: "2026-11-30",
    samples,
    draws: 150,
    seed,
  }))!;
  const none: never[] = [];
  return protocols.map((protocol) => ({
    protocol,
    patient: p.patient,
    samples: none,
    clinical: p.samples,
    horizon: 90,
  }));
};

describe("simulateAll on worker threads", () => {
  it("shares the clinical samples with the workers and gives this thread's outcomes", async () => {
    const shared = await inputsOf(1);
    // the same inputs, each with copies of its own: nothing is shared
    const own = shared.map((x) => ({ ...x, samples: [], clinical: structuredClone(x.clinical) }));
    const local = await simulateAll(shared, { threads: 1 });
    expect(local[0].samples).toBe(6);
    expect(await simulateAll(shared, { threads: 2 })).toEqual(local);
    expect(await simulateAll(own, { threads: 2 })).toEqual(local);
  }, 120_000);

  it("reuses its workers across calls with other samples, with this thread's outcomes", async () => {
    const a = await inputsOf(1);
    const b = await inputsOf(2, 8);
    expect(b[0].clinical).not.toEqual(a[0].clinical);
    const localA = await simulateAll(a, { threads: 1 });
    const localB = await simulateAll(b, { threads: 1 });
    expect(localB).not.toEqual(localA);
    expect(await simulateAll(a, { threads: 2 })).toEqual(localA);
    const started = poolStats();
    expect(started.workers).toBeGreaterThan(0);
    // another call's samples, then the first call's again: no stale samples from a worker's cache, no new workers
    expect(await simulateAll(b, { threads: 2 })).toEqual(localB);
    expect(await simulateAll(a, { threads: 2 })).toEqual(localA);
    expect(poolStats()).toEqual(started);
  }, 120_000);

  it("rejects when a candidate fails or the call is cancelled, and the pool serves the next call", async () => {
    const a = await inputsOf(1);
    const local = await simulateAll(a, { threads: 1 });
    // a candidate whose samples lack their start state fails in its worker
    const broken = [...a, { ...a[0], clinical: [{ vp: a[0].clinical[0].vp }] as never }];
    await expect(simulateAll(broken, { threads: 2 })).rejects.toThrow(/occult/);
    expect(await simulateAll(a, { threads: 2 })).toEqual(local);
    const abort = new AbortController();
    await expect(
      simulateAll(a, { threads: 2, signal: abort.signal, onProgress: () => abort.abort() }),
    ).rejects.toThrow(/aborted/);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(simulateAll(a, { threads: 2, signal: cancelled.signal })).rejects.toThrow(/aborted/);
    expect(await simulateAll(a, { threads: 2 })).toEqual(local);
    expect(poolStats().pools).toBe(1);
  }, 120_000);
});

describe("simulateHistories on worker threads", () => {
  it("gives this thread's runs through the patient's history, in order, from the planning pool", async () => {
    const c = melanomaCase();
    const startDate = "2026-11-30";
    const input = { caseRecord: c, startDate, patient: { ...casePatient(c), gfr_ml_min: 90 } };
    const local = historyOf(input);
    const prior = conditionedPrior(c, startDate)!;
    const kernel = smoothedPrior(prior.patients, prior.weights);
    const rand = seededRandom(5);
    const members = Array.from({ length: HISTORY_PARALLEL_MIN }, (_, i) =>
      kernel.jitter(prior.patients[i % prior.patients.length], rand),
    );
    const here = await simulateHistories(input, local, members, { threads: 1 });
    const there = await simulateHistories(input, local, members, { threads: 2 });
    expect(there.length).toBe(members.length);
    expect(there.filter((r) => r !== null).length).toBeGreaterThan(0.9 * members.length);
    expect(there.map((r) => r?.ll ?? null)).toEqual(here.map((r) => r?.ll ?? null));
    expect(there.map((r) => r?.course.final ?? null)).toEqual(here.map((r) => r?.course.final ?? null));
    // a cancelled plan stops at the next batch of its personalization
    const stop = new AbortController();
    stop.abort();
    await expect(
      simulateHistories(input, local, members.slice(0, 5), { threads: 1, signal: stop.signal }),
    ).rejects.toThrow(/cancelled/);
  }, 180_000);
});
