import { describe, expect, it } from "vitest";
import {
  betaQuantile,
  clopperPearson,
  erfc,
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  wilson,
} from "./statistics.js";

describe("distribution functions", () => {
  it("log Γ matches factorials", () => {
    for (const n of [1, 2, 5, 10, 20]) {
      let f = 1;
      for (let k = 2; k < n; k++) f *= k;
      expect(logGamma(n)).toBeCloseTo(Math.log(f), 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it("normal quantiles and the distribution function agree with tabulated values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853626951472, 10);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 9);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 15);
    for (const p of [1e-8, 0.01, 0.3, 0.5, 0.77, 0.999999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });

  it("incomplete beta: closed forms and the inverse", () => {
    // I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a
    expect(incompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 12);
    expect(incompleteBeta(0.3, 3, 1)).toBeCloseTo(0.3 ** 3, 12);
    expect(incompleteBeta(0.5, 7, 7)).toBeCloseTo(0.5, 12);
    expect(incompleteBeta(betaQuantile(0.025, 30, 180), 30, 180)).toBeCloseTo(0.025, 10);
  });
});

describe("binomial confidence intervals", () => {
  // published exact intervals (shared/research/trials.md, [C]): x / n, CI in percent to one decimal
  const published: [string, number, number, number, number][] = [
    ["CheckMate 066 dacarbazine ORR", 29, 208, 9.5, 19.4],
    ["CheckMate 066 nivolumab ORR", 84, 210, 33.3, 47.0],
    ["OPTiM T-VEC ORR", 93, 295, 26.3, 37.2],
    ["OPTiM GM-CSF ORR", 9, 141, 3.0, 11.8],
    ["KEYNOTE-006 pooled pembrolizumab ORR (5 y)", 235, 556, 38.1, 46.5],
    ["lifileucel pooled ORR", 48, 153, 24.1, 39.4],
  ];
  for (const [name, x, n, lo, hi] of published)
    it(`Clopper–Pearson reproduces ${name} (${lo}–${hi} %) to the published rounding`, () => {
      const [l, u] = clopperPearson(x, n);
      expect(Math.abs(l * 100 - lo)).toBeLessThanOrEqual(0.051);
      expect(Math.abs(u * 100 - hi)).toBeLessThanOrEqual(0.051);
    });

  it("Clopper–Pearson edge cases and R's binom.test", () => {
    expect(clopperPearson(0, 20)).toEqual([0, expect.closeTo(0.1684335, 6)]);
    expect(clopperPearson(20, 20)[1]).toBe(1);
    // binom.test(7, 30)$conf.int = 0.09933786 0.42283652
    const [l, u] = clopperPearson(7, 30);
    expect(l).toBeCloseTo(0.09933786, 7);
    expect(u).toBeCloseTo(0.42283652, 7);
    // 90 % interval, binom.test(36, 255, conf.level = 0.9): 0.1066155765 0.1821316267
    const [l9, u9] = clopperPearson(36, 255, 0.9);
    expect(l9).toBeCloseTo(0.1066156, 6);
    expect(u9).toBeCloseTo(0.1821316, 6);
  });

  it("Wilson matches prop.test without continuity correction", () => {
    // prop.test(7, 30, correct = FALSE)$conf.int = 0.1179238814 0.4092832616
    const [l, u] = wilson(7, 30);
    expect(l).toBeCloseTo(0.1179239, 6);
    expect(u).toBeCloseTo(0.4092833, 6);
  });
});
