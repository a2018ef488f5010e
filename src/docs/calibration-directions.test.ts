import { describe, expect, it } from "vitest";
import { directionChecks, orrDirections } from "./calibration-directions.js";
import type { Comparison } from "../population/trial-run.js";
import type { ArmDifference } from "../population/trial-outcomes.js";

const orr = (arm: string, published: number, simulated: number | null, cut?: number): Comparison => ({
  arm,
  endpoint: "ORR",
  published,
  ci: null,
  simulated,
  within: null,
  simulated_ci: null,
  rule: "",
  ...(cut !== undefined ? { data_cut_weeks: cut } : {}),
});
const est = (value: number | null) => ({ value, ci: [null, null] as [null, null] });
const diff = (arm: string, versus: string, orrValue: number): ArmDifference =>
  ({
    arm,
    versus,
    ORR: est(orrValue),
    CR: est(0),
    DCR: est(0),
    median_PFS_months: null,
    PFS_HR: { ...est(1), method: "" },
  }) as unknown as ArmDifference;

describe("direction of two-arm ORR differences (calibration report)", () => {
  it("reads both arms at the published pair's data cut, not over the whole follow-up", () => {
    // the whole follow-up says B responds more (-0.05 points); at the first report's cut A leads, as published
    const run = {
      comparisons: [orr("A", 0.337, 0.3389, 34), orr("B", 0.329, 0.337, 34), orr("A + B", 0.42, 0.435)],
      differences: [diff("A", "B", -0.0005)],
    };
    const [c] = directionChecks([run]);
    expect(c!.published).toBeCloseTo(0.008, 10);
    expect(c!.simulated).toBeCloseTo(0.0019, 10);
    expect(c!.right).toBe(true);
    expect(orrDirections([run])).toBe("1 of 1");
  });

  it("names a wrong direction and never pairs numbers of different reads", () => {
    const run = {
      comparisons: [orr("A", 0.3, 0.2, 34), orr("B", 0.2, 0.25, 34), orr("C", 0.1, 0.3, 52)],
      differences: [diff("A", "B", 0.1), diff("A", "C", 0.1)],
    };
    expect(directionChecks([run])).toHaveLength(1); // A vs C: published at different cuts, not judged
    expect(orrDirections([run])).toBe("0 of 1 (wrong: A vs B: -5.00 points, published +10.00)");
  });

  it("counts an arm without a simulated value as wrong, saying so", () => {
    const run = { comparisons: [orr("A", 0.3, null), orr("B", 0.2, 0.1)], differences: [diff("A", "B", 0)] };
    expect(orrDirections([run])).toBe("0 of 1 (wrong: A vs B: no simulated value, published +10.00)");
  });
});
