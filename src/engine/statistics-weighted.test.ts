import { describe, expect, it } from "vitest";
import { kishEss, quantileSorted, seededRandom, weightedQuantile } from "./statistics.js";

describe("weighted statistics", () => {
  it("equal weights give the ordinary quantiles of a large sample (within 1 %)", () => {
    const r = seededRandom(3);
    const xs = Array.from({ length: 20001 }, () => r());
    const w = xs.map(() => 1);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0.05, 0.5, 0.95])
      expect(weightedQuantile(xs, w, q)).toBeCloseTo(quantileSorted(sorted, q), 2);
  });
  it("a weight of k counts as k copies (median of 1, 2, 2, 2, 3 is 2)", () => {
    expect(weightedQuantile([1, 2, 3], [1, 3, 1], 0.5)).toBe(2);
    expect(weightedQuantile([5, 1], [0, 1], 0.5)).toBe(1);
    expect(weightedQuantile([5], [0], 0.5)).toBeNaN();
  });
  it("Kish ESS: n for equal weights, 1 for a single non-zero weight", () => {
    expect(kishEss([2, 2, 2, 2])).toBeCloseTo(4, 12);
    expect(kishEss([0, 0, 3])).toBeCloseTo(1, 12);
    expect(kishEss([0, 0])).toBe(0);
  });
});
