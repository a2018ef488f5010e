import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CENTRAL_REVIEW,
  isCentralReview,
  reviewEffect,
  toCentral,
  toInvestigator,
} from "./central-review.js";

describe("central review of responses (Zhang 2018)", () => {
  it("recognizes central and independent reviews, not investigators", () => {
    for (const r of [
      "independent central review",
      "blinded independent central review",
      "BICR",
      "IRC",
      "independent review committee",
    ])
      expect(isCentralReview(r)).toBe(true);
    for (const r of ["investigator", "local", undefined]) expect(isCentralReview(r)).toBe(false);
  });

  it("moves ORR and DCR, not CR or PFS; an endpoint's own reviewer wins over the assessment's", () => {
    const orr = { arm: "a", endpoint: "ORR", value: 0.3 };
    expect(reviewEffect(orr, "independent central review")?.or).toBe(0.8);
    expect(reviewEffect({ ...orr, endpoint: "DCR" }, "BICR")?.or).toBe(0.9);
    expect(reviewEffect({ ...orr, endpoint: "CR" }, "BICR")).toBeNull();
    expect(reviewEffect({ ...orr, endpoint: "median_PFS_months" }, "BICR")).toBeNull();
    expect(reviewEffect(orr, "investigator")).toBeNull();
    expect(reviewEffect({ ...orr, reviewer: "independent review committee" }, undefined)?.or).toBe(0.8);
  });

  it("is an odds ratio: 40 % read locally is 34.8 % centrally (odds 0.667 × 0.8 = 0.533)", () => {
    expect(toCentral(0.4, CENTRAL_REVIEW.ORR)).toBeCloseTo(0.5333 / 1.5333, 4);
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        const c = toCentral(p, CENTRAL_REVIEW.ORR);
        expect(c).toBeLessThan(p);
        expect(toInvestigator(c, CENTRAL_REVIEW.ORR)).toBeCloseTo(p, 9);
      }),
    );
  });
});
