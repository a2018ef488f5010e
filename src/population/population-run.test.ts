import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { runOnPopulation } from "./population-run.js";

const pembro = loadProtocol(
  new URL("../../trials/protocols/pembrolizumab-10mgkg-q3w.yaml", import.meta.url).pathname,
);
const none = { name: "no treatment", phases: [] };

describe("runOnPopulation (run / compare --cancer)", () => {
  it("gives each protocol overall survival from the survival model and the OS hazard ratio against the first", async () => {
    const r = await runOnPopulation({
      cancer: "melanoma",
      protocols: [pembro, none],
      patients: 80,
      threads: 1,
    });
    for (const a of r.arms) {
      expect(a.deaths!).toBeGreaterThan(0);
      expect(a.OS_follow_up_months!).toBeCloseTo((261 * 7) / 30.4375, 3);
      expect(a.OS_24mo!.value!).toBeGreaterThanOrEqual(0);
      expect(a.OS_24mo!.value!).toBeLessThanOrEqual(1);
      expect(a.os_curve!.length).toBeGreaterThan(1);
    }
    // the same patients and draws: pembrolizumab shrinks tumours that untreated only grow, so it lives longer
    const hr = r.differences[0].OS_HR!;
    expect(hr.value!).toBeLessThan(1);
    expect(hr.ci[0]!).toBeLessThan(hr.value!);
    expect(hr.ci[1]!).toBeGreaterThan(hr.value!);
    expect(r.arms[0].OS_24mo!.value!).toBeGreaterThanOrEqual(r.arms[1].OS_24mo!.value!);
    // what stands behind each protocol: pembrolizumab's melanoma calibration trials; nothing to stand behind untreated
    expect(r.evidence.map((e) => e.arm)).toEqual([pembro.name, "no treatment"]);
    expect(r.evidence[0].agents[0]).toMatchObject({ agent: "pembrolizumab", basis: "calibration" });
    expect(r.evidence[0].extrapolated).toBe(false);
    expect(r.evidence[1].agents).toEqual([]);
  }, 300_000);
});
