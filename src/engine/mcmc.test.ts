import { describe, expect, it } from "vitest";
import { effectiveSampleSize, metropolis, splitRhat } from "./mcmc.js";
import { seededRandom } from "./statistics.js";

describe("random-walk Metropolis", () => {
  // bivariate normal: means (1, −2), sds (1, 0.5), correlation 0.8
  const [m1, m2, s1, s2, r] = [1, -2, 1, 0.5, 0.8];
  const logDensity = (x: Float64Array) => {
    const a = (x[0] - m1) / s1;
    const b = (x[1] - m2) / s2;
    return -(a * a - 2 * r * a * b + b * b) / (2 * (1 - r * r));
  };

  it("recovers the moments of a correlated normal within Monte Carlo error, with R-hat < 1.01", () => {
    const res = metropolis(logDensity, [0, 0], {
      chains: 4,
      warmup: 2000,
      samples: 5000,
      seed: 3,
      proposalCovariance: [
        [1, 0.4],
        [0.4, 0.25],
      ],
    });
    const all = res.draws.flat();
    const mean = (k: number) => all.reduce((a, x) => a + x[k], 0) / all.length;
    const sd = (k: number) => Math.sqrt(all.reduce((a, x) => a + (x[k] - mean(k)) ** 2, 0) / all.length);
    // Monte Carlo standard error = sd / sqrt(ESS); allow 4 of them
    expect(Math.abs(mean(0) - m1)).toBeLessThan((4 * s1) / Math.sqrt(res.ess[0]));
    expect(Math.abs(mean(1) - m2)).toBeLessThan((4 * s2) / Math.sqrt(res.ess[1]));
    expect(sd(0) / s1).toBeCloseTo(1, 1);
    expect(sd(1) / s2).toBeCloseTo(1, 1);
    for (const x of res.rhat) expect(x).toBeLessThan(1.01);
    for (const a of res.acceptance) expect(a).toBeGreaterThan(0.15);
    expect(res.ess[0]).toBeGreaterThan(500);
  });

  it("is reproducible with a seed", () => {
    const a = metropolis(logDensity, [0, 0], { warmup: 100, samples: 100, seed: 9 });
    const b = metropolis(logDensity, [0, 0], { warmup: 100, samples: 100, seed: 9 });
    expect(a.draws).toEqual(b.draws);
  });

  it("R-hat flags chains stuck in different places; ESS of independent draws is about their number", () => {
    const rand = seededRandom(5);
    const iid = [0, 1, 2, 3].map(() => Array.from({ length: 2000 }, () => [rand() - 0.5]));
    expect(splitRhat(iid)[0]).toBeLessThan(1.01);
    const ess = effectiveSampleSize(iid)[0];
    expect(ess).toBeGreaterThan(6000);
    expect(ess).toBeLessThan(10000);
    const apart = iid.map((ch, c) => ch.map((x) => [x[0] + c]));
    expect(splitRhat(apart)[0]).toBeGreaterThan(1.5);
  });
});
