import { describe, expect, it } from "vitest";
import { workArrays } from "./stepper.js";

describe("workArrays", () => {
  it("gives zero-filled arrays of the requested lengths that do not overlap", () => {
    const { f, i } = workArrays([3, 0, 5], [2, 3]);
    expect(f.map((a) => a.length)).toEqual([3, 0, 5]);
    expect(i.map((a) => a.length)).toEqual([2, 3]);
    const all = [...f, ...i];
    for (const a of all) expect(Array.from(a).every((v) => v === 0)).toBe(true);
    // writing every entry of one array leaves every other array as it was
    all.forEach((a, k) => a.fill(k + 1));
    all.forEach((a, k) => expect(Array.from(a).every((v) => v === k + 1)).toBe(true));
  });
});
