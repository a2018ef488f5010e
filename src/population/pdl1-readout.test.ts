/**
 * The PD-L1 readout of the virtual patients (catalog/vpop-priors.yaml `pdl1_link`): melanoma's scale was set on
 * KEYNOTE-006's PD-L1-positive share (80–81 % at 1 % [C], shared/research/trials.md §2), and CheckMate 067's
 * nivolumab arm by PD-L1 stratum (5 % cut-off, trials/labels/checkmate-067-nivolumab-pdl1-*.yaml) is a check with
 * nothing set on it: the < 5 % stratum's median PFS within 5.3 (2.8–7.1) months, the ≥ 5 % stratum's 14.0 missed
 * (asserted as it stands; docs/calibration.md says why).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { loadTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

const DIR = path.resolve(import.meta.dirname, "../../trials/labels");

describe("the PD-L1 readout of the melanoma population", () => {
  const { vpop, warnings } = loadVpop(shippedVpopFile("melanoma"));

  it("the shipped population is current and PD-L1-positive (≥ 1 %) as often as KEYNOTE-006's patients (80–81 % ± 1)", () => {
    expect(warnings).toEqual([]);
    let all = 0;
    let positive = 0;
    for (const p of vpop.patients) {
      all += p.weight;
      if (sampleVirtualPatient("melanoma", p.seed).covariates.pdl1_tps >= 1) positive += p.weight;
    }
    expect(positive / all).toBeGreaterThan(0.79);
    expect(positive / all).toBeLessThan(0.82);
  });

  it("CheckMate 067 nivolumab by PD-L1 stratum: fewer responses and shorter PFS below 5 %; medians as they stand", async () => {
    const run = async (file: string) => {
      const trial = loadTrial(path.join(DIR, file));
      return runTrial(trial, populationSimulator(vpop, [], 1), { seed: 1, patients: 1000 });
    };
    const negative = await run("checkmate-067-nivolumab-pdl1-negative.yaml");
    const positive = await run("checkmate-067-nivolumab-pdl1-positive.yaml");
    const [neg, pos] = [negative.arms[0], positive.arms[0]];
    expect(neg.ORR.value!).toBeLessThan(pos.ORR.value! - 0.15);
    expect(neg.median_PFS_months.value!).toBeLessThan(pos.median_PFS_months.value!);
    // the < 5 % stratum responds (before the readout was set on KEYNOTE-006 it gave 5.8 %)
    expect(neg.ORR.value).toBeGreaterThan(0.15);
    expect(negative.comparisons.map((c) => c.within)).toEqual([true]);
    expect(positive.comparisons.map((c) => c.within)).toEqual([false]);
    expect(positive.comparisons[0].simulated!).toBeLessThan(14.0);
  }, 600_000);
});

describe("the PD-L1 readout of the NSCLC population", () => {
  it("the shipped population is current and has screened NSCLC's PD-L1 prevalence: ≥ 50 % in about 30 % [C], ≥ 1 % in about two thirds [H]", () => {
    const { vpop, warnings } = loadVpop(shippedVpopFile("nsclc"));
    expect(warnings).toEqual([]);
    let all = 0;
    let positive = 0;
    let high = 0;
    for (const p of vpop.patients) {
      const tps = sampleVirtualPatient("nsclc", p.seed).covariates.pdl1_tps;
      all += p.weight;
      if (tps >= 1) positive += p.weight;
      if (tps >= 50) high += p.weight;
    }
    // measured 2026-12-06 on the rebuilt population: 62.7 % and 27.9 % (with the melanoma form: 85 % and 19 %)
    expect(high / all).toBeGreaterThan(0.25);
    expect(high / all).toBeLessThan(0.35);
    expect(positive / all).toBeGreaterThan(0.58);
    expect(positive / all).toBeLessThan(0.72);
  });
});
