import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  errorFamily,
  landmarkInterval,
  medianInterval,
  modelErrorOf,
  proportionInterval,
  shippedModelError,
  shippedSurvivalError,
  survivalErrorOf,
  survivalInterval,
} from "./model-error.js";
import type { FigureFit } from "./survival-fit.js";
import { VPOPS_DIR, type CalibrationTarget, type VpopFile } from "./vpop-file.js";

const target = (trial: string, endpoint: string, published: number, calibrated: number, sigma: number) =>
  ({
    trial,
    arm: "a",
    endpoint,
    published,
    ci: null,
    certainty: "C",
    sigma,
    simulated_patients: 1000,
    data_cut_weeks: null,
    prior: calibrated,
    calibrated,
  }) satisfies CalibrationTarget;

/** A population whose leave-one-trial-out table holds the given predictions (each trial's own, plus noise rows). */
const vpopWith = (rows: CalibrationTarget[]): VpopFile =>
  ({
    cancer: "melanoma",
    calibration: {
      leave_one_out: rows.map((r) => ({
        trial: r.trial,
        effective_sample_size: 100,
        // another trial's prediction in the same leave-out run is in-sample: it must be ignored
        predictions: [r, { ...r, trial: "another", calibrated: r.published + 0.5 }],
      })),
    },
  }) as unknown as VpopFile;

describe("the model's out-of-sample error (leave-one-trial-out)", () => {
  it("model SD² = mean(error²) − mean(published SE²), the SE being the tolerance without its 0.03 floor", () => {
    // errors ±0.05 and ±0.07; published SE 0.04 (σ² = 0.04² + 0.03² = 0.0025)
    const rows = [
      target("t1", "ORR", 0.3, 0.35, 0.05),
      target("t2", "ORR", 0.3, 0.25, 0.05),
      target("t3", "ORR", 0.4, 0.47, 0.05),
      target("t4", "ORR", 0.4, 0.33, 0.05),
      target("t5", "PFS_HR", 0.5, 0.9, 0.05), // no family: hazard ratios
    ];
    const e = modelErrorOf([vpopWith(rows)]);
    const ms = (2 * 0.05 ** 2 + 2 * 0.07 ** 2) / 4;
    expect(e.families.ORR!.n).toBe(4);
    expect(e.families.ORR!.sd).toBeCloseTo(Math.sqrt(ms - 0.04 ** 2), 4);
    expect(e.families.ORR!.rms).toBeCloseTo(Math.sqrt(ms), 4);
    expect(e.families.ORR!.bias).toBeCloseTo(0, 10);
    expect(e.families.CR).toBeUndefined(); // fewer than 3 figures
  });

  it("coverage out of sample: each figure against the interval whose SD was estimated without its trial", () => {
    const rows = [
      target("t1", "ORR", 0.3, 0.31, 0.03),
      target("t2", "ORR", 0.3, 0.29, 0.03),
      target("t3", "ORR", 0.3, 0.6, 0.03),
    ];
    const e = modelErrorOf([vpopWith(rows)]).families.ORR!;
    // SD 0.173 from all three holds every error; without t3 the SD is 0.01, and t3's 30 points lie far outside
    expect(e.sd).toBeCloseTo(Math.sqrt((0.0001 + 0.0001 + 0.09) / 3), 4);
    expect(e.covered).toBe(3);
    expect(e.covered_out_of_sample).toBe(2);
  });

  it("errors no larger than the published numbers' own sampling error give a model SD of 0", () => {
    const rows = ["t1", "t2", "t3"].map((t) => target(t, "CR", 0.1, 0.11, 0.05));
    expect(modelErrorOf([vpopWith(rows)]).families.CR!.sd).toBe(0);
  });

  it("a median PFS is predicted as PFS at the published median, against 0.5", () => {
    const rows = [
      target("t1", "median_PFS_months", 6.9, 0.6, 0.03),
      target("t2", "median_PFS_months", 2.2, 0.4, 0.03),
      target("t3", "PFS_6mo", 0.47, 0.57, 0.03),
    ];
    const e = modelErrorOf([vpopWith(rows)]).families.PFS!;
    expect(e.n).toBe(3);
    expect(e.rms).toBeCloseTo(0.1, 6);
    expect(e.sd).toBeCloseTo(0.1, 6);
  });

  it("families: ORR, CR, PFS probabilities; none for hazard ratios, OS, DCR", () => {
    expect(["ORR", "CR", "median_PFS_months", "PFS_6mo", "PFS_60mo"].map(errorFamily)).toEqual([
      "ORR",
      "CR",
      "PFS",
      "PFS",
      "PFS",
    ]);
    for (const e of ["PFS_HR", "OS_HR", "median_OS_months", "OS_12mo", "DCR"])
      expect(errorFamily(e)).toBeNull();
  });

  it("a population file that cannot be read is left out, not fatal", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-vpops-"));
    copyFileSync(path.join(VPOPS_DIR, "melanoma.json"), path.join(dir, "melanoma.json"));
    writeFileSync(path.join(dir, "broken.json"), "{ not json");
    const e = shippedModelError(dir);
    expect(e.populations).toEqual(["melanoma"]);
    expect(e.families.ORR!.n).toBeGreaterThan(10);
  });

  it("the shipped populations: every family measured, and their 95 % intervals hold most left-out figures", () => {
    const e = shippedModelError();
    for (const fam of ["ORR", "CR", "PFS"] as const) {
      const f = e.families[fam]!;
      expect(f.n).toBeGreaterThanOrEqual(15);
      expect(f.sd).toBeGreaterThan(0);
      expect(f.sd).toBeLessThan(0.2);
      expect(f.covered / f.n).toBeGreaterThanOrEqual(0.85);
    }
  });
});

describe("prediction intervals", () => {
  it("a proportion: p ± 1.96·√(sd² + v/N_trial + v/(N_sim + 4)), v at Agresti–Coull's p̃, clipped to [0, 1]", () => {
    const [lo, hi] = proportionInterval(0.4, 200, 300, 0.03);
    const pt = 82 / 204;
    const v = pt * (1 - pt);
    const half = 1.959964 * Math.sqrt(0.03 ** 2 + v / 300 + v / 204);
    expect(lo).toBeCloseTo(0.4 - half, 4);
    expect(hi).toBeCloseTo(0.4 + half, 4);
    expect(proportionInterval(0.02, 100, 100, 0.05)[0]).toBe(0);
    // none of 12 responding: a trial's 20 % is still possible
    expect(proportionInterval(0, 12, 12, 0)[1]).toBeGreaterThan(0.2);
    // the model's error stays when the trials are huge
    const big = proportionInterval(0.4, 1e7, 1e7, 0.03);
    expect(big[1] - big[0]).toBeCloseTo(2 * 1.959964 * 0.03, 3);
  });

  it("a landmark: the simulation's SE, the trial's binomial error and the model's", () => {
    const [lo, hi] = landmarkInterval(0.5, 0.02, 100, 0.1);
    const half = 1.959964 * Math.sqrt(0.01 + 0.25 / 100 + 0.0004);
    expect(hi - lo).toBeCloseTo(2 * half, 4);
  });

  it("a median: where the simulated curve falls to 0.5 ± δ; not reached when it stays above 0.5 − δ", () => {
    const curve = [
      { months: 0, pfs: 1 },
      { months: 2.8, pfs: 0.8 },
      { months: 4.2, pfs: 0.6 },
      { months: 5.5, pfs: 0.45 },
      { months: 8.3, pfs: 0.3 },
      { months: 12, pfs: 0.25 },
    ];
    // δ = 1.96·√(0.1² + 0.25/1e6 + 0.25/1e6) ≈ 0.196: levels 0.696 and 0.304
    expect(medianInterval(curve, 1e6, 1e6, 0.1)).toEqual([4.2, 8.3]);
    // δ ≈ 0.0196: 0.52 and 0.48
    expect(medianInterval(curve, 1e6, 1e6, 0.01)).toEqual([5.5, 5.5]);
    // a wide δ: the curve never falls to 0.5 − δ
    expect(medianInterval(curve, 10, 10, 0.1)[1]).toBeNull();
  });
});

describe("the survival model's out-of-sample error", () => {
  const fig = (endpoint: string, published: number, simulated: number, ci: [number, number] | null = null) =>
    ({
      trial: `t-${endpoint}-${published}`,
      arm: "a",
      endpoint,
      published,
      ci,
      simulated,
      inside: true,
      loss: 0,
    }) as FigureFit;

  it("medians and hazard ratios on the log scale, landmarks in probability; the SE from a CI, 0 without", () => {
    const e = survivalErrorOf([
      fig("median_OS_months", 10, 12),
      fig("median_OS_months", 20, 20 / 1.2),
      fig("median_OS_months", 30, 30, [20, 45]),
      fig("OS_12mo", 0.5, 0.55),
      fig("OS_24mo", 0.4, 0.35),
      fig("OS_60mo", 0.3, 0.3),
      fig("OS_HR", 0.7, 0.7 * Math.exp(0.2), [0.5, 0.98]),
      fig("OS_HR", 0.6, 0.6 * Math.exp(-0.2)),
      fig("OS_HR", 0.8, 0.8),
    ])!;
    const l = Math.log(1.2);
    const seMed = Math.log(45 / 20) / 3.919928;
    expect(e.median_log.sd).toBeCloseTo(Math.sqrt(Math.max((2 * l * l) / 3 - (seMed * seMed) / 3, 0)), 4);
    expect(e.landmark.sd).toBeCloseTo(Math.sqrt((2 * 0.05 ** 2) / 3), 4);
    const seHr = Math.log(0.98 / 0.5) / 3.919928;
    expect(e.hr_log.rms).toBeCloseTo(Math.sqrt((2 * 0.04) / 3), 4);
    expect(e.hr_log.sd).toBeCloseTo(Math.sqrt((2 * 0.04) / 3 - (seHr * seHr) / 3), 4);
    expect(survivalErrorOf([fig("OS_HR", 0.7, 0.8)])).toBeNull();
  });

  it("the shipped SDs (catalog/survival.yaml) widen a median on the log scale and a landmark in probability", () => {
    const sds = shippedSurvivalError()!;
    expect(sds.median_log).toBeGreaterThan(0);
    const [lo, hi] = survivalInterval("median_OS_months", { value: 20, ci: [16, 25] }, 200, 200, sds)!;
    expect(Math.log(20 / lo!)).toBeCloseTo(Math.log(hi! / 20), 3);
    const half = 1.959964 * Math.sqrt(sds.median_log ** 2 + 2 * (Math.log(25 / 16) / 3.919928) ** 2);
    expect(Math.log(hi! / 20)).toBeCloseTo(half, 3);
    const lm = survivalInterval("OS_24mo", { value: 0.5, ci: [0.45, 0.55] }, 2000, 200, sds)!;
    const seSim = 0.1 / 3.919928;
    expect(lm[1]! - 0.5).toBeCloseTo(1.959964 * Math.sqrt(sds.landmark ** 2 + seSim ** 2 * 11), 3);
    expect(survivalInterval("OS_24mo", { value: 0.5, ci: [null, 0.6] }, 10, 10, sds)).toBeNull();
  });
});
