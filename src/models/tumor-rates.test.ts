import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tumorRates } from "./tumor-rates.js";

const stein = (y0: number, ks: number, kg: number, t: number) =>
  y0 * (Math.exp(-ks * t) + Math.exp(kg * t) - 1);
const DAYS = [0, 56, 98, 140, 182, 224, 266, 308, 392, 476];

describe("KS and KG of a sum-of-diameters series (Stein 2008 bi-exponential)", () => {
  it("recovers the rates of noise-free series within 3 % (shrinkage then regrowth)", () => {
    for (const [ks, kg] of [
      [0.02, 0.003],
      [0.005, 0.008],
      [0.05, 0.0015],
    ]) {
      const r = tumorRates(
        DAYS,
        DAYS.map((t) => stein(80, ks, kg, t)),
      )!;
      expect(Math.abs(r.ks - ks) / ks).toBeLessThan(0.03);
      expect(Math.abs(r.kg - kg) / kg).toBeLessThan(0.03);
      expect(r.y0).toBeCloseTo(80, 0);
    }
  });

  it("pure growth gives KS 0 and the exponential rate; a series gone to 0 mm gives KG near 0", () => {
    const g = tumorRates(
      DAYS,
      DAYS.map((t) => 50 * Math.exp(0.004 * t)),
    )!;
    expect(g.ks).toBeLessThan(2e-4);
    expect(Math.abs(g.kg - 0.004) / 0.004).toBeLessThan(0.03);
    const cr = tumorRates([0, 60, 120, 180], [40, 12, 0, 0])!;
    expect(cr.kg).toBeLessThan(2e-4); // flat at the 1 mm floor: no regrowth
    expect(cr.ks).toBeGreaterThan(0.01);
  });

  it("two readings: the one rate they determine; fewer, or no elapsed time: null", () => {
    const up = tumorRates([0, 84], [50, 60])!;
    expect(up.ks).toBe(0);
    expect(up.kg).toBeCloseTo(Math.log(1.2) / 84, 12);
    const down = tumorRates([0, 84], [50, 40])!;
    expect(down.kg).toBe(0);
    expect(down.ks).toBeCloseTo(Math.log(50 / 40) / 84, 12);
    expect(tumorRates([0], [50])).toBeNull();
    expect(tumorRates([3, 3], [50, 60])).toBeNull();
  });

  it("rates are finite and non-negative for any positive series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 3, maxLength: 10 }),
        (ys) => {
          const r = tumorRates(DAYS.slice(0, ys.length), ys)!;
          return (
            r.ks >= 0 && r.kg >= 0 && Number.isFinite(r.ks) && Number.isFinite(r.kg) && Number.isFinite(r.sse)
          );
        },
      ),
    );
  });
});
