import path from "node:path";
import { describe, expect, it } from "vitest";
import { MELANOMA_CASE } from "../test-support/planning-case.js";
import { runCliCaptured } from "../test-support/cli-run.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PEMBRO = path.join(ROOT, "examples/protocols/pembrolizumab-q3w.yaml");
const TIL = path.join(ROOT, "trials/protocols/lifileucel-c14401.yaml");

const run = (args: string[]) => runCliCaptured(args);

describe("immunoplan run/compare --patient on the calibrated clinical model", () => {
  it("simulates each protocol on the patient's own posterior (same samples for every protocol)", async () => {
    const r = await run([
      "compare",
      PEMBRO,
      TIL,
      "--patient",
      MELANOMA_CASE,
      "--date",
      "2026-11-30",
      "--samples",
      "20",
      "--threads",
      "1",
      "--json",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      model: string;
      personalization: { converged: boolean; prior: { applied: string[] } };
      protocols: {
        protocol: string;
        samples: number;
        pResponse: number;
        pControl: number[];
        evidence?: { extrapolated: boolean };
      }[];
    };
    expect(j.model).toBe("clinical");
    expect(j.personalization.prior.applied).toContain("refractory to anti-PD-1");
    expect(j.protocols.map((p) => p.samples)).toEqual([20, 20]);
    // a patient progressing after nivolumab: anti-PD-1 again gives no response in the model; TIL does better
    expect(j.protocols[0].pResponse).toBeLessThanOrEqual(0.1);
    expect(j.protocols[1].pResponse).toBeGreaterThan(j.protocols[0].pResponse);
    // both stand on melanoma trials (pembrolizumab: its calibration; TIL after lymphodepletion with IL-2: C-144-01)
    expect(j.protocols.map((p) => p.evidence?.extrapolated)).toEqual([false, false]);
  }, 120_000);

  it("keeps the core model on request and rejects a bad date with exit 2", async () => {
    const bad = await run(["run", PEMBRO, "--patient", MELANOMA_CASE, "--date", "2026-13-45"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^immunoplan: --date: a date YYYY-MM-DD, not '2026-13-45'/);
    const core = await run(["run", PEMBRO, "--patient", MELANOMA_CASE, "--model", "core", "--days", "30"]);
    expect(core.code, core.err).toBe(0);
    expect(core.out).not.toMatch(/calibrated melanoma population/);
  }, 120_000);
});
