/**
 * The planning pool: the posterior samples every candidate shares go to each worker once (workerData); the outcomes
 * are those of this thread, whether the samples are shared or each input brings its own.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { personalizeClinical } from "./clinical-personalize.js";
import { simulateAll } from "./pool.js";

const protocols = ["tvec-intralesional", "pembrolizumab-q3w", "high-dose-il2"].map((f) =>
  loadProtocol(path.resolve(import.meta.dirname, `../../examples/protocols/${f}.yaml`)),
);

describe("simulateAll on worker threads", () => {
  it("shares the clinical samples with the workers and gives this thread's outcomes", async () => {
    const p = personalizeClinical(melanomaCase(), { startDate: "2026-11-30", samples: 6, draws: 150 })!;
    const samples: never[] = [];
    const shared = protocols.map((protocol) => ({
      protocol,
      patient: p.patient,
      samples,
      clinical: p.samples,
      horizon: 90,
    }));
    // the same inputs, each with copies of its own: nothing is shared
    const own = shared.map((x) => ({ ...x, samples: [], clinical: structuredClone(p.samples) }));
    const local = await simulateAll(shared, { threads: 1 });
    expect(local[0].samples).toBe(6);
    expect(await simulateAll(shared, { threads: 2 })).toEqual(local);
    expect(await simulateAll(own, { threads: 2 })).toEqual(local);
  }, 120_000);
});
