import { describe, expect, it } from "vitest";
import { integrateScalar } from "./scalar-ode.js";

describe("scalar Dormand–Prince", () => {
  it("logistic growth against its closed form at several output times (rtol 1e-10)", () => {
    const [r, K, y0] = [0.8, 50, 0.5];
    const t = [0, 0.1, 1, 5, 12.5, 40];
    const out = new Float64Array(t.length);
    expect(integrateScalar((y) => r * y * (1 - y / K), y0, 0, t, out, { rtol: 1e-10, atol: 1e-14 })).toBe(
      true,
    );
    t.forEach((tj, j) => {
      const exact = K / (1 + ((K - y0) / y0) * Math.exp(-r * tj));
      expect(out[j] / exact).toBeCloseTo(1, 8);
    });
  });
  it("reports failure (NaN) when the step budget is exhausted", () => {
    const out = new Float64Array(2);
    expect(integrateScalar((y) => -1e6 * (y - 1), 0, 0, [1, 2], out, { maxSteps: 50 })).toBe(false);
    expect(Number.isNaN(out[1])).toBe(true);
  });
});
