import { describe, expect, it } from "vitest";
import { priorChangeReason } from "./plan-safeguards.js";

describe("priorChangeReason (the prior sensitivity line when the first choice changes)", () => {
  const tied = { value: 0.02, se: 0.03, tiedWithFirst: true };
  const apart = { value: -0.2, se: 0.04, tiedWithFirst: false };

  it("calls a change between candidates tied on both posteriors Monte Carlo noise, and says so", () => {
    const r = priorChangeReason("A", "B", tied, { value: -0.01, se: 0.02, tiedWithFirst: true });
    expect(r).toBe(
      ". B is tied with A within Monte Carlo error on both posteriors (score difference calibrated posterior 0.020 ± 0.059, widened posterior -0.010 ± 0.039): the change lies within the ranking's Monte Carlo error and does not by itself show that the ranking depends on the calibrated prior.",
    );
  });

  it("keeps the dependence on the prior when the widened posterior separates them", () => {
    const r = priorChangeReason("A", "B", tied, apart);
    expect(r).toMatch(/^: the ranking depends on the calibrated prior \(score difference of A over B/);
    expect(r).toContain("tied on the calibrated posterior, separated on the widened one");
  });

  it("keeps the dependence on the prior when the calibrated posterior separated them", () => {
    const r = priorChangeReason("A", "B", { value: 0.1, se: 0.01, tiedWithFirst: false }, tied);
    expect(r).toMatch(/^: the ranking depends on the calibrated prior \(/);
    expect(r).not.toContain("separated on the widened one");
    expect(priorChangeReason("A", "B", undefined, null)).toBe(
      ": the ranking depends on the calibrated prior.",
    );
  });
});
