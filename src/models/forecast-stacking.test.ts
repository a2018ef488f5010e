import { describe, expect, it } from "vitest";
import type { ForecastReading } from "./forecast.js";
import {
  combineForecasts,
  innerStack,
  medianInPlace,
  parseCandidate,
  simplexGrid,
  stackWeights,
} from "./forecast-stacking.js";
import type { PopulationParameters } from "./population-fit.js";

describe("stacking of population forecasts", () => {
  it("the simplex grid has every weight vector of the step, each summing to 1", () => {
    const g = simplexGrid(3, 0.1);
    expect(g).toHaveLength(66); // C(10 + 2, 2)
    for (const w of g) expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(simplexGrid(1, 0.05)).toEqual([[1]]);
    expect(() => simplexGrid(2, 0.3)).toThrow(/integer/);
  });

  it("the median by selection equals the median of the sorted values", () => {
    let seed = 5;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
    for (const n of [1, 2, 3, 10, 11, 1000, 1001]) {
      const a = Float64Array.from({ length: n }, () => Math.round(next())); // with ties
      const s = Float64Array.from(a).sort();
      const ref = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(medianInPlace(a), `n = ${n}`).toBe(ref);
    }
  });

  it("gives all the weight to a candidate that forecasts exactly", () => {
    const observed = [10, 20, 30, 40, 5];
    const exact = [...observed];
    const off = observed.map((y) => y * 1.3);
    expect(stackWeights([off, exact], observed).weights).toEqual([0, 1]);
    expect(stackWeights([exact, off], observed).medianAe).toBeLessThan(1e-12);
  });

  it("halves the weights between two candidates biased by the same factor either way", () => {
    const observed = [10, 20, 30, 40, 50, 60];
    const high = observed.map((y) => y * 1.2);
    const low = observed.map((y) => y / 1.2);
    const { weights, medianAe } = stackWeights([high, low], observed, 0.05);
    expect(weights[0]).toBeCloseTo(0.5, 12);
    expect(medianAe).toBeLessThan(1e-9); // the geometric mean of y·1.2 and y/1.2 is y
  });

  it("leaves out readings a candidate has no forecast of", () => {
    const observed = [10, 20, 30];
    const r = stackWeights(
      [
        [10, NaN, 30],
        [11, 21, 31],
      ],
      observed,
    );
    expect(r.readings).toBe(2);
    expect(r.weights).toEqual([1, 0]);
  });

  it("combines forecasts as weighted geometric means of the point forecasts and quantiles", () => {
    const a: ForecastReading[] = [
      { t: 50, observed: 20, predicted: 10, lo80: 5, hi80: 20, lo95: 4, hi95: 25 },
    ];
    const b: ForecastReading[] = [
      { t: 50, observed: 20, predicted: 40, lo80: 20, hi80: 80, lo95: 16, hi95: 100 },
    ];
    expect(combineForecasts([a, b], [1, 0])).toEqual(a);
    const c = combineForecasts([a, b], [0.5, 0.5])[0];
    expect(c.predicted).toBeCloseTo(20, 12);
    expect(c.lo80).toBeCloseTo(10, 12);
    expect(c.hi95).toBeCloseTo(50, 12);
    // a candidate without intervals (a classical model at n = k): the other's interval, as a ratio to its own
    // forecast, put on the stacked forecast
    const none: ForecastReading[] = [
      { t: 50, observed: 20, predicted: 40, lo80: NaN, hi80: NaN, lo95: NaN, hi95: NaN },
    ];
    const d = combineForecasts([a, none], [0.5, 0.5])[0];
    expect(d.predicted).toBeCloseTo(20, 12);
    expect(d.lo80).toBeCloseTo(10, 12); // 20 × 5/10
    expect(d.hi95).toBeCloseTo(50, 12); // 20 × 25/10
    // a candidate without a forecast at the reading: the others alone
    const blown: ForecastReading[] = [
      { t: 50, observed: 20, predicted: NaN, lo80: NaN, hi80: NaN, lo95: NaN, hi95: NaN },
    ];
    expect(combineForecasts([a, blown], [0.7, 0.3])[0]).toEqual(a[0]);
    // all the weight on a candidate without intervals: the unweighted candidate's interval ratios
    const e = combineForecasts([a, none], [0, 1])[0];
    expect(e.predicted).toBe(40);
    expect(e.lo80).toBeCloseTo(20, 12); // 40 × 5/10
    expect(e.hi80).toBeCloseTo(80, 12);
  });

  it("parses model[/covariance[/error model]] with defaults, and refuses unknown parts", () => {
    const d = { covariance: "full", errorModel: "log" } as const;
    expect(parseCandidate("gompertz", d)).toEqual({
      model: "gompertz",
      kind: "population",
      covariance: "full",
      errorModel: "log",
    });
    expect(parseCandidate("bertalanffy-classic", d)).toMatchObject({ kind: "classical" });
    expect(parseCandidate("per-patient:exponential", d)).toMatchObject({
      model: "exponential",
      kind: "classical",
    });
    expect(parseCandidate("exponential", d)).toMatchObject({ kind: "population" });
    expect(parseCandidate("stein/diagonal/log-time", d)).toEqual({
      model: "stein",
      kind: "population",
      covariance: "diagonal",
      errorModel: "log-time",
    });
    expect(() => parseCandidate("stein/block", d)).toThrow(/covariance/);
    expect(() => parseCandidate("stein/full/poisson", d)).toThrow(/error model/);
    expect(() => parseCandidate("no-such-model", d)).toThrow(/not a population model/);
    expect(() => parseCandidate("bertalanffy-classic/full", d)).toThrow(/not a population model/);
    expect(parseCandidate("gompertz/full/log/carry", d)).toEqual({
      model: "gompertz",
      kind: "population",
      covariance: "full",
      errorModel: "log",
      carry: true,
    });
    expect(parseCandidate("analog", d)).toMatchObject({ kind: "analog" });
    expect(() => parseCandidate("gompertz/full/log/keep", d)).toThrow(/not 'carry'/);
    expect(() => parseCandidate("gompertz/full/log/carry/x", d)).toThrow(/not 'carry'/);
  });

  it("chooses the carry's time constant and share on the training groups: all of it, ∞, for lasting deviations, little for noise", () => {
    // a strong prior on y0 (SD 5 %) that the patients' levels do not follow: each patient's readings lie a lasting
    // factor (SD 30 %) off the population curve, which three readings cannot move the prior to; or, second case,
    // the same curve with independent reading noise only (SD 15 %), which carrying forward can only add
    const pop: PopulationParameters = {
      model: "exponential",
      errorModel: "log",
      floor: 1,
      mu: [Math.log(30), -0.002],
      random: ["y0", "k"],
      omega: [
        [0.0025, 0],
        [0, 1e-8],
      ],
      sigma: 0.15,
    };
    let seed = 11;
    const normal = () => {
      const u = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    };
    const t = [0, 42, 84, 126, 168, 210, 252];
    const make = (lasting: number, noise: number) =>
      ["a", "b"].flatMap((g) =>
        Array.from({ length: 40 }, (_, i) => {
          const off = lasting * normal();
          return {
            id: `${g}${i}`,
            groupKey: g,
            t,
            y: t.map((x) => 30 * Math.exp(-0.002 * x + off + noise * normal())),
          };
        }),
      );
    const c = [parseCandidate("exponential/full/log/carry", { covariance: "full", errorModel: "log" })];
    const lasting = innerStack(c, make(0.3, 0.02), 3, 6, () => pop);
    expect(lasting.carry).toEqual([Infinity]);
    expect(lasting.candidates[0]).toMatch(/time constant ∞/);
    const noisy = innerStack(c, make(0, 0.15), 3, 6, () => pop);
    // little carried: the share of the deviation left at the next scan (42 days on) below 15 %. Until the shares
    // carried (CARRY_FRACTIONS, 2026-12-06) this chose no carry; with 25 pairs to choose from on 320 noisy readings
    // it chooses half the deviation with T = 30 days (12 % at the next scan, 3 % at the one after): the inner median
    // error of noise favours a little carry by chance — the cost of the added choice, stated here
    const leftAtNextScan =
      noisy.carry[0] === 0 ? 0 : noisy.carryFraction[0]! * Math.exp(-42 / noisy.carry[0]!);
    expect(leftAtNextScan).toBeLessThan(0.15);
    expect(lasting.carryFraction).toEqual([1]);
    // the carry lowers the error where the deviations last
    const plain = innerStack(
      [parseCandidate("exponential", { covariance: "full", errorModel: "log" }), c[0]],
      make(0.3, 0.02),
      3,
      6,
      () => pop,
    );
    expect(plain.alone[1].medianAe).toBeLessThan(0.5 * plain.alone[0].medianAe);
    // fewer than MIN_INNER_PATIENTS forecast: no carry, however it scored
    const few = innerStack(
      c,
      make(0.3, 0.02).filter((s) => Number(s.id.slice(1)) < 12),
      3,
      6,
      () => pop,
    );
    expect(few.patients).toBe(24);
    expect(few.tooFew).toBe(true);
    expect(few.carry).toEqual([0]);
  });

  it("chooses the weights on the training groups only: the inner folds never see another group", () => {
    // two groups; candidate "right" is the population the data follow, "wrong" grows 3× too fast
    const right: PopulationParameters = {
      model: "exponential",
      errorModel: "log",
      floor: 1,
      mu: [Math.log(30), 0.002],
      random: ["y0", "k"],
      omega: [
        [0.1, 0],
        [0, 1e-6],
      ],
      sigma: 0.05,
    };
    const wrong = { ...right, mu: [Math.log(30), 0.006] };
    const t = [0, 40, 80, 120, 160, 200];
    const training = ["a", "b"].flatMap((g) =>
      Array.from({ length: 30 }, (_, i) => ({
        id: `${g}${i}`,
        groupKey: g,
        t,
        y: t.map((ti) => (25 + (i % 10)) * Math.exp(0.002 * ti)),
      })),
    );
    const seen: string[] = [];
    const inner = innerStack(
      [
        parseCandidate("exponential", { covariance: "full", errorModel: "log" }),
        parseCandidate("exponential/diagonal", { covariance: "full", errorModel: "log" }),
      ],
      training,
      3,
      6,
      (c, series, key) => {
        seen.push(`${key}:${[...new Set(series.map((s) => s.id[0]))].join("")}`);
        return c.covariance === "full" ? wrong : right;
      },
    );
    expect(inner.folds).toBe("group");
    expect(inner.patients).toBe(60);
    expect(inner.tooFew).toBe(false);
    expect(inner.weights).toEqual([0, 1]);
    // each inner fit saw exactly the other group
    expect(new Set(seen)).toEqual(new Set(["group:b:b", "group:a:a"]));
    // with fewer than MIN_INNER_PATIENTS patients forecast, the first candidate alone
    const few = innerStack(
      [
        parseCandidate("exponential", { covariance: "full", errorModel: "log" }),
        parseCandidate("exponential/diagonal", { covariance: "full", errorModel: "log" }),
      ],
      training.filter((s) => Number(s.id.slice(1)) < 10),
      3,
      6,
      (c) => (c.covariance === "full" ? wrong : right),
    );
    expect(few.patients).toBe(20);
    expect(few.tooFew).toBe(true);
    expect(few.weights).toEqual([1, 0]);
  });

  it("only widens recalibrated intervals when patient folds calibrate the forecast of other patients", () => {
    // one group of noise-free patients under a population with a 5 % residual: the model's own intervals are too
    // wide, so plain conformal scales narrow them; for patients outside the training data they stay as they are
    const pop: PopulationParameters = {
      model: "exponential",
      errorModel: "log",
      floor: 1,
      mu: [Math.log(30), 0.002],
      random: ["y0", "k"],
      omega: [
        [0.1, 0],
        [0, 1e-6],
      ],
      sigma: 0.05,
    };
    const t = [0, 40, 80, 120, 160, 200];
    const training = Array.from({ length: 60 }, (_, i) => ({
      id: `p${i}`,
      groupKey: "",
      t,
      y: t.map((ti) => (25 + (i % 10)) * Math.exp(0.002 * ti)),
    }));
    const c = [parseCandidate("exponential/full/log/carry", { covariance: "full", errorModel: "log" })];
    const plain = innerStack(c, training, 3, 6, () => pop, { recalibrate: true });
    expect(plain.folds).toBe("patients");
    expect(plain.scale!.widenOnly).toBeUndefined();
    expect(Math.min(...plain.scale!.bins.map((b) => b.s80))).toBeLessThan(0.9);
    const outside = innerStack(c, training, 3, 6, () => pop, { recalibrate: true, outOfSample: true });
    expect(outside.scale!.widenOnly).toBe(true);
    expect(outside.scale!.bins.map((b) => [b.s80, b.s95])).toEqual(
      plain.scale!.bins.map((b) => [Math.max(1, b.s80), Math.max(1, b.s95)]),
    );
    // group folds (two training groups) are not changed by outOfSample
    const grouped = training.map((s, i) => ({ ...s, groupKey: i % 2 ? "a" : "b" }));
    const g1 = innerStack(c, grouped, 3, 6, () => pop, { recalibrate: true });
    const g2 = innerStack(c, grouped, 3, 6, () => pop, { recalibrate: true, outOfSample: true });
    expect(g1.scale).not.toBeNull();
    expect(g2.scale).toEqual(g1.scale);
  });
});
