import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { batchPoolsStarted, runBatches, type BatchTask } from "./simulate-batch.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const protocol = loadProtocol(path.join(ROOT, "trials/protocols/nivolumab-3mgkg-q2w.yaml"));

const task = (first: number, n: number): BatchTask => ({
  cancer: "melanoma",
  seeds: Array.from({ length: n }, (_, i) => first + i),
  noiseSeeds: Array.from({ length: n }, (_, i) => 1000 + first + i),
  protocol,
  days: [0, 56, 112, 168],
  settings: { criteria: "recist1.1", confirm: false },
});

describe("batches on worker threads", () => {
  it("give this thread's outcomes, call after call, on one pool", async () => {
    const before = batchPoolsStarted();
    const a = task(1, 220);
    const b = task(500, 220);
    const [pa] = await runBatches([a], { threads: 2 });
    const [pb] = await runBatches([b], { threads: 2 });
    const [pa2] = await runBatches([a], { threads: 2 });
    expect(batchPoolsStarted() - before).toBeLessThanOrEqual(1);
    const [sa] = await runBatches([a], { threads: 1 });
    const [sb] = await runBatches([b], { threads: 1 });
    expect(pa.outcomes).toEqual(sa.outcomes);
    expect(pb.outcomes).toEqual(sb.outcomes);
    expect(pa2.outcomes).toEqual(sa.outcomes);
  }, 120_000);

  it("reject when a piece fails, and serve the next call", async () => {
    const bad = { ...task(1, 220), cancer: "no-such-cancer" as never };
    await expect(runBatches([bad], { threads: 2 })).rejects.toThrow();
    const [ok] = await runBatches([task(1, 220)], { threads: 2 });
    expect(ok.outcomes).toHaveLength(220);
  }, 120_000);
});
