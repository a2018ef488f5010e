import { describe, expect, it } from "vitest";
import { fakeArmSimulator } from "../test-support/fake-arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { trialHtml, waterfallSvg } from "./trial-report.js";
import { runTrial, TrialInputError } from "./trial-run.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";
import { proportionInterval } from "./model-error.js";

const protocol = (name: string) => `
      name: ${name}
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: { every: 21, count: 4 } }`;

const TRIAL = `name: FAKE-1
source: "hand-built fixture"
population: { cancer: melanoma }
arms:
  - name: A
    patients: 12
    protocol:${protocol("weak")}
  - name: B
    patients: 12
    protocol:${protocol("strong")}
assessment: { criteria: recist1.1, first_week: 12, every_weeks: 6, follow_up_weeks: 36, confirm: true }
published:
  - { arm: A, endpoint: ORR, value: 0.3, ci: [0.1, 0.6] }
  - { arm: A, endpoint: CR, value: 0.2 }
  - { arm: A, endpoint: median_PFS_months, value: 6.2 }
  - { arm: A, endpoint: PFS_6mo, value: 0.5 }
  - { arm: A, endpoint: PFS_12mo, value: 0.4 }
  - { arm: B, endpoint: PFS_HR, value: 0.5, versus: A, ci: [0.1, 0.99] }
  - { arm: [A, B], endpoint: ORR, value: 0.42 }
  - { arm: A, endpoint: median_OS_months, value: 20 }
  - { arm: B, endpoint: median_OS_months, value: 11.2 }
`;

describe("in-silico trial on a simulator with known outcomes", async () => {
  const trial = parseTrial(TRIAL, "/tmp/fake-trial.yaml");
  const progress: [number, number][] = [];
  const r = await runTrial(trial, fakeArmSimulator, { seed: 5, onProgress: (d, t) => progress.push([d, t]) });

  it("arm A: 4 confirmed PR of 12, 6 SD, 2 PD; PFS events at weeks 12–30, median at the midpoint of 168 and 210 days", () => {
    const a = r.arms[0];
    expect(a.bor).toEqual({ CR: 0, PR: 4, SD: 6, "NON-CR/NON-PD": 0, PD: 2, NE: 0 });
    expect(a.ORR.value).toBeCloseTo(4 / 12, 4);
    expect(a.DCR.value).toBeCloseTo(10 / 12, 4);
    // S = 10/12, 8/12, 6/12 (exactly 0.5 at 168 days), 4/12 at 210 days
    expect(a.median_PFS_months.value).toBeCloseTo(189 / DAYS_PER_MONTH, 4);
    expect(a.PFS_6mo.value).toBeCloseTo(0.5, 4);
    expect(a.PFS_12mo.value).toBeNull(); // follow-up ends at 36 weeks
    expect(a.waterfall).toHaveLength(12);
    expect(a.waterfall[a.waterfall.length - 1]).toBeCloseTo(-50, 6);
    expect(a.pfs_curve[a.pfs_curve.length - 1].months).toBeCloseTo(252 / DAYS_PER_MONTH, 3);
  });

  it("arm B responds more: ORR 50 %, hazard ratio against A below 1", () => {
    expect(r.arms[1].ORR.value).toBe(0.5);
    expect(r.differences).toHaveLength(1);
    const d = r.differences[0];
    expect([d.arm, d.versus]).toEqual(["A", "B"]);
    expect(d.ORR.value).toBeCloseTo(4 / 12 - 0.5, 4);
    expect(d.PFS_HR.value!).toBeGreaterThan(1);
    expect(d.OS_HR!.ci[0]!).toBeLessThan(d.OS_HR!.value!);
  });

  it("comparisons: inside the CI, within the tolerance, pooled arms, HR of the named pair, OS from the survival model (±10 % for a median)", () => {
    const c = (endpoint: string, arm = "A") =>
      r.comparisons.find((x) => x.endpoint === endpoint && x.arm === arm)!;
    expect(c("ORR")).toMatchObject({ published: 0.3, ci: [0.1, 0.6], within: true });
    expect(c("CR")).toMatchObject({
      simulated: 0,
      within: false,
      rule: "within ±0.05 of the published value",
    });
    expect(c("median_PFS_months").within).toBe(true);
    // PFS at the published median (6.2 months = 189 days): 6 of 12 still free of progression after day 168
    expect(c("median_PFS_months").pfs_at_published_median!.value).toBeCloseTo(0.5, 4);
    expect(c("PFS_6mo").pfs_at_published_median).toBeUndefined();
    expect(c("PFS_6mo")).toMatchObject({ simulated: 0.5, within: true });
    expect(c("PFS_12mo")).toMatchObject({ simulated: null, within: null });
    expect(c("PFS_HR", "B").simulated!).toBeLessThan(1);
    expect(c("PFS_HR", "B").versus).toBe("A");
    expect(c("ORR", "A + B").simulated).toBeCloseTo(10 / 24, 4);
    expect(c("ORR", "A + B").within).toBe(true);
    const os = c("median_OS_months");
    expect(os.simulated).not.toBeNull();
    expect(os.within).toBe(Math.abs(os.simulated! - 20) <= 2);
    expect(os.rule).toBe(
      "within ±2 of the published value (overall survival: the tumour-dynamics survival model, catalog/survival.yaml)",
    );
    // the tolerance as a reader writes it: 10 % of 11.2 is 1.12, not 1.1199999999999999
    expect(c("median_OS_months", "B").rule).toMatch(/^within ±1\.12 of the published value/);
    expect(r.arms[0].median_OS_months!.value).toBe(os.simulated);
    expect(r.arms[0].OS_follow_up_months).toBeCloseTo((261 * 7) / DAYS_PER_MONTH, 3);
  });

  it("the JSON has the issue's shape", () => {
    const j = JSON.parse(JSON.stringify(r));
    expect(Object.keys(j)).toEqual(expect.arrayContaining(["trial", "arms", "comparisons"]));
    for (const arm of j.arms)
      expect(Object.keys(arm)).toEqual(
        expect.arrayContaining([
          "name",
          "patients",
          "ORR",
          "CR",
          "DCR",
          "bor",
          "median_PFS_months",
          "PFS_6mo",
          "PFS_12mo",
          "waterfall",
          "pfs_curve",
        ]),
      );
    for (const c of j.comparisons)
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(["arm", "endpoint", "published", "ci", "simulated", "within"]),
      );
  });

  it("prediction intervals: the simulation widened by the model's leave-one-trial-out error, at the published size", async () => {
    const sd = r.model_error.families.ORR!.sd;
    expect(sd).toBeGreaterThan(0);
    const a = r.arms[0];
    expect(a.ORR.pi).toEqual(proportionInterval(a.ORR.value!, 12, 12, sd));
    expect(a.CR.pi).toEqual(proportionInterval(a.CR.value!, 12, 12, r.model_error.families.CR!.sd));
    expect(a.median_PFS_months.pi![0]!).toBeLessThanOrEqual(a.median_PFS_months.value!);
    expect(a.PFS_6mo.pi![1]!).toBeGreaterThanOrEqual(a.PFS_6mo.value!);
    const c = (endpoint: string, arm = "A") =>
      r.comparisons.find((x) => x.endpoint === endpoint && x.arm === arm)!;
    expect(c("ORR").prediction_interval).toEqual(a.ORR.pi);
    expect(c("ORR").within_prediction).toBe(true);
    // CR published 20 %, simulated 0 of 12: outside the ±5-point tolerance, inside the prediction
    expect(c("CR").within).toBe(false);
    expect(c("CR").within_prediction).toBe(true);
    // pooled arms: 24 patients simulated and published
    const pooled = c("ORR", "A + B").prediction_interval!;
    proportionInterval(10 / 24, 24, 24, sd).forEach((x, k) => expect(pooled[k]!).toBeCloseTo(x, 3));
    expect(c("PFS_HR", "B").prediction_interval).toBeUndefined();
    // overall survival: the survival model's own out-of-sample SDs (catalog/survival.yaml)
    const os = c("median_OS_months");
    expect(os.prediction_interval![0]!).toBeLessThan(os.simulated!);
    expect(os.prediction_interval![1]!).toBeGreaterThan(os.simulated!);
    expect(a.median_OS_months!.pi).toBeDefined();
    // fewer simulated patients than published: the interval is still for a trial of the published size
    const small = await runTrial(trial, fakeArmSimulator, { patients: 6, seed: 5 });
    const s0 = small.arms[0];
    expect(s0.ORR.pi).toEqual(proportionInterval(s0.ORR.value!, 6, 12, sd));
    expect(trialHtml(r)).toContain("prediction interval");
  });

  it("progress runs over both arms; --patients overrides each arm's N", async () => {
    expect(progress[progress.length - 1]).toEqual([24, 24]);
    const small = await runTrial(trial, fakeArmSimulator, { patients: 6 });
    expect(small.arms.map((a) => a.patients)).toEqual([6, 6]);
  });

  it("report: waterfalls, PFS and OS curves and the comparison table", () => {
    const html = trialHtml(r);
    expect(html).toContain("<h1>FAKE-1 — in-silico trial</h1>");
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain("<h2>Overall survival</h2>");
    expect(html).toContain("<th>median OS, months</th>");
    expect(html).toContain("median_PFS_months");
    expect(waterfallSvg(r.arms).match(/<rect x=/g)!.length).toBeGreaterThanOrEqual(24);
  });

  it("a published number's data cut: only the scans up to it are read", async () => {
    const published = [
      { arm: "A", endpoint: "ORR", value: 0.3, data_cut_weeks: 12 },
      { arm: "A", endpoint: "ORR", value: 0.3, data_cut_weeks: 18 },
      { arm: "A", endpoint: "median_PFS_months", value: 6, data_cut_weeks: 20 },
    ] as unknown as typeof trial.published;
    const cut = await runTrial({ ...trial, published }, fakeArmSimulator, { seed: 5 });
    // week 12: one scan, no response can be confirmed yet; week 18: the four responders are confirmed
    expect(cut.comparisons.map((c) => c.simulated)).toEqual([0, 0.3333, null]);
    expect(cut.comparisons[0].data_cut_weeks).toBe(12);
    // the arm outcomes themselves use every scan
    expect(cut.arms[0].ORR.value).toBeCloseTo(4 / 12, 4);
    // the report names each number's read of the scans
    expect(trialHtml(cut)).toContain("<td>ORR (week 12)</td>");
  });

  it("a median not reached is met by a simulated median not reached at the same data cut, and only by it", async () => {
    const published = [
      { arm: "A", endpoint: "median_PFS_months", value: 0, not_reached: true, data_cut_weeks: 20 },
      { arm: "A", endpoint: "median_PFS_months", value: 3, not_reached: true, ci: [3, null] },
    ] as unknown as typeof trial.published;
    const nr = await runTrial({ ...trial, published }, fakeArmSimulator, { seed: 5 });
    // week 20: half the arm has not progressed yet; the whole follow-up: the median is 6.2 months
    expect(nr.comparisons.map((c) => [c.published, c.not_reached, c.simulated, c.within])).toEqual([
      [null, true, null, true],
      [null, true, 6.2094, false],
    ]);
    expect(trialHtml(nr)).toContain("<td>not reached (3.00–NR)");
  });

  it("an OS landmark beyond the default 5-year follow-up extends it (10-year OS is read, not censored away)", async () => {
    const published = [{ arm: "A", endpoint: "OS_120mo", value: 0.2 }] as unknown as typeof trial.published;
    const long = await runTrial({ ...trial, published }, fakeArmSimulator, { seed: 5 });
    expect(long.arms[0].OS_follow_up_months!).toBeGreaterThan(120);
    expect(long.comparisons[0].simulated).not.toBeNull();
  });

  it("a cancer type without a virtual population cannot be simulated", async () => {
    const aml = parseTrial(
      TRIAL.replace("cancer: melanoma", "cancer: acute-myeloid-leukemia"),
      "/tmp/aml.yaml",
    );
    await expect(runTrial(aml, fakeArmSimulator)).rejects.toThrow(TrialInputError);
  });
});

describe("paired arms (common random numbers)", () => {
  it("give every arm the same seed when paired, different seeds otherwise", async () => {
    const trial = parseTrial(TRIAL, "/tmp/fake-trial.yaml");
    const seeds: number[] = [];
    const recording: typeof fakeArmSimulator = {
      ...fakeArmSimulator,
      simulateArm: (req) => {
        seeds.push(req.seed);
        return fakeArmSimulator.simulateArm(req);
      },
    };
    await runTrial(trial, recording, { seed: 3, paired: true });
    expect(seeds).toEqual([3, 3]);
    seeds.length = 0;
    await runTrial(trial, recording, { seed: 3 });
    expect(seeds[0]).toBe(3);
    expect(seeds[1]).not.toBe(3);
  });
});
