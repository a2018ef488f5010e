import { describe, expect, it } from "vitest";
import { planTies, posteriorEss } from "./plan-ties.js";
import { differenceText, sampleOutcomeChar, scoreDifference, TIE_Z } from "./ties.js";

const w = { control: 1, elimination: 0.5, toxicity: 0.1, burden: 0.05 };

describe("sampleOutcomeChar", () => {
  it("encodes control and elimination as bits, failure as x", () => {
    expect(sampleOutcomeChar(false, false, false)).toBe("0");
    expect(sampleOutcomeChar(false, true, false)).toBe("1");
    expect(sampleOutcomeChar(false, false, true)).toBe("2");
    expect(sampleOutcomeChar(false, true, true)).toBe("3");
    expect(sampleOutcomeChar(true, true, true)).toBe("x");
  });
});

describe("scoreDifference", () => {
  it("matches a hand computation on constructed paired samples", () => {
    // sample:        1    2    3    4    5
    // A:            "3"  "1"  "1"  "0"  "1"   control 1 1 1 0 1, elimination 1 0 0 0 0
    // B:            "1"  "1"  "0"  "0"  "3"   control 1 1 0 0 1, elimination 0 0 0 0 1
    // d = 1·Δcontrol + 0.5·Δelim:  0.5  0  1  0  −0.5  → mean 0.2
    // squared deviations: 0.09 0.04 0.64 0.04 0.49 = 1.3; variance 1.3/4 = 0.325; sd 0.570088
    const a = { score: 0.9, sampleOutcomes: "31101" };
    const b = { score: 0.7, sampleOutcomes: "11003" };
    const d = scoreDifference(a, b, w, Infinity)!;
    expect(d.value).toBeCloseTo(0.2, 12);
    expect(d.se).toBeCloseTo(Math.sqrt(0.325) / Math.sqrt(5), 12);
    // |0.2| ≤ 1.96·0.25495 = 0.4997: tied
    expect(d.tiedWithFirst).toBe(true);
    // an ESS below the sample count widens the error: n_eff = min(5, 2)
    expect(scoreDifference(a, b, w, 2)!.se).toBeCloseTo(Math.sqrt(0.325) / Math.sqrt(2), 12);
    // an ESS above it does not narrow it
    expect(scoreDifference(a, b, w, 1000)!.se).toBeCloseTo(d.se, 12);
  });

  it("leaves out samples that failed in either candidate", () => {
    const d = scoreDifference(
      { score: 0.5, sampleOutcomes: "1x10" },
      { score: 0.25, sampleOutcomes: "00x0" },
      w,
      Infinity,
    )!;
    // pairs: samples 1 and 4 → d = 1, 0; mean 0.5, sd √0.5
    expect(d.se).toBeCloseTo(Math.sqrt(0.5) / Math.sqrt(2), 12);
    expect(
      scoreDifference({ score: 1, sampleOutcomes: "1x" }, { score: 0, sampleOutcomes: "x1" }, w, 9),
    ).toBeNull();
    expect(
      scoreDifference({ score: 1, sampleOutcomes: "11" }, { score: 0, sampleOutcomes: "1" }, w, 9),
    ).toBeNull();
  });

  it("bounds the efficacy difference by the rule of three when the outcomes agree on every sample", () => {
    const outcomes = "1101".repeat(25); // 100 samples
    const same = scoreDifference(
      { score: 0.8, sampleOutcomes: outcomes },
      { score: 0.8, sampleOutcomes: outcomes },
      w,
      Infinity,
    )!;
    // (|w_control| + |w_elimination|)·3/n_eff is the 95 % bound, i.e. 1.96 SE
    const bound = ((Math.abs(w.control) + Math.abs(w.elimination)) * 3) / 100;
    expect(same.value).toBe(0);
    expect(same.se * 1.96).toBeCloseTo(bound, 12);
    expect(same.tiedWithFirst).toBe(true);
    // the same outcomes on every sample and a lower toxicity: within the bound a tie, beyond it not
    const small = scoreDifference(
      { score: 0.8, sampleOutcomes: outcomes },
      { score: 0.8 - bound / 2, sampleOutcomes: outcomes },
      w,
      Infinity,
    )!;
    expect(small.tiedWithFirst).toBe(true);
    const large = scoreDifference(
      { score: 0.8, sampleOutcomes: outcomes },
      { score: 0.8 - bound * 2, sampleOutcomes: outcomes },
      w,
      Infinity,
    )!;
    expect(large.tiedWithFirst).toBe(false);
    // a smaller posterior widens the bound
    expect(
      scoreDifference(
        { score: 0.8, sampleOutcomes: outcomes },
        { score: 0.8, sampleOutcomes: outcomes },
        w,
        10,
      )!.se,
    ).toBeCloseTo((same.se * 100) / 10, 12);
  });

  it("prints the difference with 1.96 standard errors", () => {
    expect(differenceText({ value: 0.03, se: 0.02, tiedWithFirst: true })).toBe(
      `0.030 ± ${(TIE_Z * 0.02).toFixed(3)}`,
    );
  });
});

describe("planTies", () => {
  // 100 samples: A controls 80, an identical copy of A, and C controls all 100 with the same other terms
  const a = "1".repeat(80) + "0".repeat(20);
  const c = "1".repeat(100);
  const ranked = [
    { id: "C", score: 1.0, sampleOutcomes: c },
    { id: "A", score: 0.8, sampleOutcomes: a },
    { id: "A-copy", score: 0.8, sampleOutcomes: a },
    { id: "none", score: 0.1, sampleOutcomes: "0".repeat(100) },
  ];

  it("ties two identical candidates and not a clearly better one", () => {
    const { differences, ties } = planTies(ranked, "A", w, Infinity);
    // identical outcomes on all 100 samples: the rule-of-three bound (1 + 0.5)·3/100 is 1.96 SE
    expect(differences.get("A-copy")).toEqual({
      value: 0,
      se: expect.closeTo(0.045 / 1.96, 12),
      tiedWithFirst: true,
    });
    // C − A: d = −1 on 20 samples, 0 on 80: mean −0.2, sd √(20·0.64 + 80·0.04)/99 = √(16/99); SE 0.0402
    const dc = differences.get("C")!;
    expect(dc.value).toBeCloseTo(-0.2, 12);
    expect(dc.se).toBeCloseTo(Math.sqrt(16 / 99) / 10, 12);
    expect(dc.tiedWithFirst).toBe(false);
    expect(differences.get("none")!.tiedWithFirst).toBe(false);
    expect(differences.has("A")).toBe(false);
    expect(ties!.tiedWithFirst).toEqual(["A-copy"]);
    expect(ties!.message).toMatch(
      /not distinguishable from 1 other candidate at this posterior size \(100 effective samples\)/,
    );
  });

  it("a small effective sample size turns a clear difference into a tie", () => {
    // SE at n_eff = 4: √(16/99)/2 = 0.201; |−0.2| ≤ 1.96·0.201
    const { ties } = planTies(ranked, "A", w, 4);
    expect(ties!.tiedWithFirst).toEqual(["C", "A-copy"]);
    expect(ties!.message).toMatch(/from 2 other candidates .*\(4 effective samples\)/);
  });

  it("says when the first choice is distinguishable from every other candidate", () => {
    const { ties } = planTies(ranked.slice(0, 2), "C", w, Infinity);
    expect(ties!.tiedWithFirst).toEqual([]);
    expect(ties!.message).toMatch(/differs from every other candidate's by more than 1.96/);
  });

  it("has nothing to say without per-sample outcomes (plans made before them)", () => {
    expect(planTies([{ id: "A", score: 1 }], "A", w, 10).ties).toBeNull();
  });
});

describe("posteriorEss", () => {
  it("is the smallest known ESS, Infinity when none", () => {
    expect(posteriorEss({ posterior: [{ ess: 230.3 }, { ess: NaN }, { ess: 57 }] })).toBe(57);
    expect(posteriorEss({ posterior: [] })).toBe(Infinity);
  });
});
