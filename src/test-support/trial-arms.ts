/** Assertions shared by the trial tests: every arm of a simulated trial is well formed. */
import { expect } from "vitest";
import type { TrialResult } from "../population/trial-run.js";

/** Each arm has n patients, proportions in [0, 1] (ORR, CR, DCR, PFS at 6 months) and one waterfall bar a patient. */
export function expectWellFormedArms(r: TrialResult, n: number): void {
  for (const a of r.arms) {
    expect(a.patients, a.name).toBe(n);
    for (const e of [a.ORR, a.CR, a.DCR, a.PFS_6mo]) {
      expect(Number.isFinite(e.value), a.name).toBe(true);
      expect(e.value!).toBeGreaterThanOrEqual(0);
      expect(e.value!).toBeLessThanOrEqual(1);
    }
    expect(a.waterfall).toHaveLength(n);
  }
}
