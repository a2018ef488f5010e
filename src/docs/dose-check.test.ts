import { describe, expect, it } from "vitest";
import type { PatientOutcome } from "../population/patient-outcome.js";
import { responseOddsRatio } from "./dose-check.js";

const arm = (responders: number, others: number) =>
  [
    ...Array.from({ length: responders }, () => ({ bor: "PR" })),
    ...Array.from({ length: others }, () => ({ bor: "SD" })),
  ] as unknown as PatientOutcome[];

describe("responseOddsRatio", () => {
  it("gives the odds ratio and Woolf's interval of a 2x2 table", () => {
    // 30/100 against 20/100: OR = (30/70)/(20/80) = 1.714; SE of ln OR = sqrt(1/30 + 1/70 + 1/20 + 1/80) = 0.33184
    const r = responseOddsRatio(arm(30, 70), arm(20, 80));
    expect(r.or).toBeCloseTo(1.7143, 4);
    expect(r.ci[0]).toBeCloseTo(1.7143 * Math.exp(-1.96 * 0.33184), 3);
    expect(r.ci[1]).toBeCloseTo(1.7143 * Math.exp(1.96 * 0.33184), 3);
  });
  it("adds 0.5 to every cell when one is empty, and refuses an empty arm", () => {
    const r = responseOddsRatio(arm(0, 10), arm(5, 5));
    expect(r.or).toBeCloseTo(0.5 / 10.5 / (5.5 / 5.5), 6);
    expect(Number.isFinite(r.ci[1])).toBe(true);
    expect(() => responseOddsRatio([], arm(1, 1))).toThrow(/both arms/);
  });
});
