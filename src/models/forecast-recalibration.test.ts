import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import type { ForecastReading } from "./forecast.js";
import {
  applyIntervalScale,
  conformalQuantile,
  conformalScore,
  fitIntervalScale,
  type CalibrationReading,
} from "./forecast-recalibration.js";

/** A reading with intervals of ±1 (80 %) and ±2 (95 %) on ln y around 10 mm, observed at ln y = 10·e^z. */
const reading = (z: number, width = 1): ForecastReading => ({
  t: 1,
  observed: 10 * Math.exp(z),
  predicted: 10,
  lo80: 10 * Math.exp(-width),
  hi80: 10 * Math.exp(width),
  lo95: 10 * Math.exp(-2 * width),
  hi95: 10 * Math.exp(2 * width),
});

describe("split conformal interval scaling", () => {
  it("scores a reading by the scale that just covers it, on the side it falls", () => {
    expect(conformalScore(reading(0.5), 80, 1)).toBeCloseTo(0.5, 12);
    expect(conformalScore(reading(-1.5), 80, 1)).toBeCloseTo(1.5, 12);
    expect(conformalScore(reading(-1.5), 95, 1)).toBeCloseTo(0.75, 12);
    // 0 mm needs the lower bound at the floor (2 mm): ln(2/10) / ln(e^-1)
    const zero = { ...reading(0), observed: 0 };
    expect(conformalScore(zero, 80, 2)).toBeCloseTo(Math.log(5), 12);
    // a lower bound of 0 (the censored end) covers every smaller reading at any scale
    expect(conformalScore({ ...zero, lo80: 0 }, 80, 2)).toBe(0);
  });

  it("takes the ⌈(n + 1)c⌉-th smallest score", () => {
    const s = Array.from({ length: 9 }, (_, i) => i + 1);
    expect(conformalQuantile(s, 0.8)).toBe(8);
    expect(conformalQuantile([...s, Infinity], 0.95)).toBe(9);
  });

  it("widens intervals too narrow and narrows intervals too wide, per horizon, to the stated coverage", () => {
    // horizon 0: intervals twice too wide; horizon 1: half as wide as the errors need (standard normal on ln y,
    // nominal 80 % = ±1.2816)
    const rand = seededRandom(7);
    const cal: CalibrationReading[] = [];
    const fresh: { r: ForecastReading; h: number }[] = [];
    for (let i = 0; i < 4000; i++) {
      for (const [h, width] of [
        [0, 2 * 1.2816],
        [1, 0.5 * 1.2816],
      ] as const) {
        const into = i < 2000 ? cal : null;
        const r = reading(standardNormal(rand), width);
        if (into) into.push({ reading: r, horizon: h, floor: 1e-6 });
        else fresh.push({ r, h });
      }
    }
    const scale = fitIntervalScale(cal)!;
    expect(scale.bins.map((b) => b.from)).toEqual([0, 1]);
    expect(scale.bins[0].s80).toBeCloseTo(0.5, 1);
    expect(scale.bins[1].s80).toBeCloseTo(2, 1);
    for (const h of [0, 1]) {
      const rs = fresh.filter((x) => x.h === h);
      let in80 = 0;
      let in95 = 0;
      for (const { r } of rs) {
        const [o] = applyIntervalScale(h === 0 ? [r] : [r, r], scale, 1e-6).slice(h);
        if (o.observed >= o.lo80 && o.observed <= o.hi80) in80++;
        if (o.observed >= o.lo95 && o.observed <= o.hi95) in95++;
      }
      // 2,000 fresh readings: binomial SD about 0.9 and 0.5 points
      expect(in80 / rs.length).toBeGreaterThan(0.77);
      expect(in80 / rs.length).toBeLessThan(0.83);
      expect(in95 / rs.length).toBeGreaterThan(0.935);
      expect(in95 / rs.length).toBeLessThan(0.965);
    }
  });

  it("merges a horizon bin with too few readings into the one before, and gives up below 100 readings", () => {
    const cal = (n: number, h: number) =>
      Array.from({ length: n }, (_, i) => ({ reading: reading((i % 7) / 7 - 0.5), horizon: h, floor: 1 }));
    expect(fitIntervalScale(cal(99, 0))).toBeNull();
    const scale = fitIntervalScale([...cal(150, 0), ...cal(120, 1), ...cal(30, 2), ...cal(20, 5)])!;
    expect(scale.bins.map((b) => [b.from, b.readings])).toEqual([
      [0, 150],
      [1, 170],
    ]);
    // points and the censored end untouched; a lower bound scaled below the floor is read as 0 mm
    const [r] = applyIntervalScale(
      [{ ...reading(0), lo80: 0 }],
      { bins: [{ from: 0, s80: 3, s95: 1, readings: 100 }] },
      1,
    );
    expect(r.predicted).toBe(10);
    expect(r.lo80).toBe(0);
    const [q] = applyIntervalScale([reading(0)], { bins: [{ from: 0, s80: 3, s95: 1, readings: 100 }] }, 1);
    expect(q.lo80).toBe(0); // 10·e^-3 = 0.5 mm, under the 1 mm floor
    expect(q.hi80).toBeCloseTo(10 * Math.exp(3), 9);
  });
});
