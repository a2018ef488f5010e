import { describe, expect, it } from "vitest";
import { studentTCdf, studentTQuantile } from "./student-t.js";

describe("Student's t", () => {
  it("quantiles match the tables (R qt) to 6 digits", () => {
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(3.077684, 5);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.182446, 5);
    expect(studentTQuantile(0.9, 10)).toBeCloseTo(1.372184, 5);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.570582, 5);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 4);
  });
  it("the CDF of t(1) is the Cauchy CDF", () => {
    for (const t of [-3, -0.5, 0, 0.7, 10])
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 10);
  });
});
