import { describe, expect, it } from "vitest";
import type { PatientOutcome } from "../population/patient-outcome.js";
import { orrByBurden, ratioCi, verdict } from "./burden-check.js";

const outcome = (id: number, responds: boolean): PatientOutcome => ({
  id: `p${id}-vp${id}`,
  bor: responds ? "PR" : "PD",
  pfsDays: 84,
  progressed: !responds,
  bestChangePct: responds ? -50 : 30,
  durable: false,
});

describe("orrByBurden", () => {
  it("splits at the median of the baseline sums and counts CR/PR on each side", () => {
    // sums 10..100 mm; responders: 4 of the 5 small, 1 of the 5 large
    const sld = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const outs = sld.map((s, i) => outcome(i, s <= 40 || s === 90));
    const r = orrByBurden(outs, sld);
    expect(r.splitMm).toBe(55);
    expect(r.below).toEqual({ n: 5, orr: 0.8 });
    expect(r.above).toEqual({ n: 5, orr: 0.2 });
    expect(r.ratio).toBeCloseTo(4, 12);
  });

  it("uses a given split (a patient at the split counts above)", () => {
    const sld = [50, 100, 102, 150];
    const outs = [outcome(0, true), outcome(1, false), outcome(2, true), outcome(3, false)];
    const r = orrByBurden(outs, sld, 102);
    expect(r.below).toEqual({ n: 2, orr: 0.5 });
    expect(r.above).toEqual({ n: 2, orr: 0.5 });
  });

  it("refuses unpaired input", () => {
    expect(() => orrByBurden([outcome(0, true)], [10, 20])).toThrow(/one baseline sum per outcome/);
  });
});

describe("ratioCi", () => {
  it("is the delta-method interval on the log ratio", () => {
    // 0.44 vs 0.23 on 291 each: se(ln r) = sqrt(0.56/(291·0.44) + 0.77/(291·0.23)) = 0.12601 (0.004374 + 0.011505 = 0.015879)
    const [lo, hi] = ratioCi(0.44, 291, 0.23, 291);
    const r = 0.44 / 0.23;
    const se = Math.sqrt(0.56 / (291 * 0.44) + 0.77 / (291 * 0.23));
    expect(se).toBeCloseTo(0.12601, 4);
    expect(lo).toBeCloseTo(r * Math.exp(-1.96 * se), 12);
    expect(hi).toBeCloseTo(r * Math.exp(1.96 * se), 12);
    expect(lo).toBeLessThan(r);
    expect(hi).toBeGreaterThan(r);
  });
});

describe("verdict", () => {
  const split = (ratio: number) => ({
    splitMm: 102,
    below: { n: 100, orr: 0.5 },
    above: { n: 100, orr: 0.5 / ratio },
    ratio,
    ci: [ratio * 0.9, ratio * 1.1] as const,
  });
  it("says whether the model's ratio lies inside, above or below the published interval", () => {
    expect(verdict("At 102 mm", split(2.0), [1.5, 2.45])).toBe(
      "At 102 mm the model's ratio 2.00 lies inside KEYNOTE-001's interval (1.50–2.45).",
    );
    expect(verdict("At 102 mm", split(2.85), [1.5, 2.45])).toMatch(
      /ratio 2\.85 lies \*\*above\*\*.*more steeply/,
    );
    expect(verdict("At 102 mm", split(1.2), [1.5, 2.45])).toMatch(/lies \*\*below\*\*.*less steeply/);
  });
});
