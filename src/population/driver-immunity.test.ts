/**
 * Driver mutations and immunity (catalog/vpop-priors.yaml `f_imm_driver_factor`): NSCLCs with a sensitizing EGFR
 * mutation or an ALK rearrangement are immunologically colder, so their immune pressure at baseline is scaled down,
 * they express PD-L1 less often, and PD-1 blockade shrinks them less often (Gainor 2016: ORR 3.6 % against 23.3 %).
 * The trial here is synthetic (made-up arm and sizes), not a published trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { cancerPriors, vpopPriors } from "./priors.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, priorsHash, sha256, shippedVpopFile } from "./vpop-file.js";
import { markerTrial } from "../test-support/marker-trial.js";

const nivolumabArm = `  - name: nivolumab
    patients: 600
    protocol:
      name: nivolumab 240 mg q2w
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: nivolumab, dose: { value: 240, unit: mg }, route: iv, days: { every: 14, count: 52 } }
`;
const trial = (egfr: string) =>
  markerTrial(
    "SYNTH-DRIVER",
    "src/population/driver-immunity.test.ts",
    "nsclc",
    { field: "egfr", value: egfr },
    [nivolumabArm],
  );
const FILE = path.resolve("trials/synthetic-driver.yaml"); // not read: the protocol is inline

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

describe("driver mutations and immunity", () => {
  it("scales the baseline immune pressure of EGFR-mutant and ALK-rearranged NSCLCs only, and lowers their PD-L1", () => {
    const factor = cancerPriors("nsclc").f_imm_driver_factor;
    expect(factor?.dist).toEqual({ fixed: 0.15 });
    const fImm: [number[], number[]] = [[], []];
    const high: [number, number] = [0, 0];
    for (let s = 1; s <= 6000; s++) {
      const c = sampleVirtualPatient("nsclc", s);
      const d = c.covariates.egfr_mutant || c.covariates.alk_rearranged ? 1 : 0;
      fImm[d].push(c.fImm);
      if (c.covariates.pdl1_tps >= 50) high[d]++;
    }
    // the same f_imm prior times 0.15: the medians' ratio within sampling error (about 1,250 driver-positive draws)
    const ratio = median(fImm[1]) / median(fImm[0]);
    expect(ratio).toBeGreaterThan(0.12);
    expect(ratio).toBeLessThan(0.19);
    // PD-L1 TPS >= 50 % about half as often (Gainor 2016: 11 % of EGFR-mutant biopsies, about 30 % of all NSCLCs)
    expect(high[1] / fImm[1].length).toBeLessThan(0.7 * (high[0] / fImm[0].length));
    // no other cancer type has the factor (and none has the drivers)
    for (const c of ["melanoma", "renal-cell-carcinoma", "prostate-cancer", "large-b-cell-lymphoma"] as const)
      expect(cancerPriors(c).f_imm_driver_factor).toBeUndefined();
  });

  it("counts the driver shares in the NSCLC population's priors hash only, and the shipped population is current", () => {
    const p = vpopPriors();
    const plain = (c: "nsclc" | "melanoma") =>
      sha256(JSON.stringify({ shared: p.shared, cancer: p.cancers[c] }));
    expect(priorsHash("melanoma")).toBe(plain("melanoma"));
    expect(priorsHash("nsclc")).not.toBe(plain("nsclc"));
    const { vpop, warnings } = loadVpop(shippedVpopFile("nsclc"));
    expect(warnings).toEqual([]);
    expect(vpop.priors_sha256).toBe(priorsHash("nsclc"));
  });

  it("PD-1 blockade shrinks driver-positive tumours far less often than the others", async () => {
    const { vpop } = loadVpop(shippedVpopFile("nsclc"));
    const sim = () => populationSimulator(vpop, [], 1);
    const mutant = await runTrial(parseTrial(trial("mutant"), FILE), sim(), { seed: 2 });
    const wild = await runTrial(parseTrial(trial("wildtype"), FILE), sim(), { seed: 2 });
    const [m, w] = [mutant.arms[0].ORR.value!, wild.arms[0].ORR.value!];
    // Gainor 2016's ratio is 0.155 (1/28 against 7/30); with 600 patients an arm the simulated ratio's sampling
    // error is about ±0.1 around the population's (0.17 in chemotherapy-refractory patients, docs/calibration.md)
    expect(w).toBeGreaterThan(0.1);
    expect(m).toBeLessThan(0.4 * w);
  }, 600_000);

  it("a first-line checkpoint-inhibitor trial in NSCLC that does not say enrols EGFR wild-type, ALK-negative patients, with a warning", () => {
    const file = (population: string) => `name: SYNTH-FIRST-LINE
source: "synthetic (tests of src/population/driver-immunity.test.ts), not a published trial"
population: { ${population} }
arms:
${nivolumabArm}assessment: { criteria: recist1.1, first_week: 6, every_weeks: 6, follow_up_weeks: 104, confirm: true }
`;
    const first = parseTrial(file("cancer: nsclc, prior_lines: [0]"), FILE);
    expect(first.document.population).toMatchObject({ egfr: "wildtype", alk: "wildtype" });
    const w = first.warnings.filter((i) => i.path === "population.egfr");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'nivolumab' gives a checkpoint inhibitor in first line, .* \(write egfr: any and alk: any to enrol every patient\)$/,
    );
    // not first line, said otherwise, or another cancer type: as written
    for (const population of [
      "cancer: nsclc, prior_lines: [1, 2]",
      "cancer: nsclc",
      "cancer: nsclc, prior_lines: [0], egfr: any",
      "cancer: nsclc, prior_lines: [0], alk: wildtype",
      "cancer: melanoma, prior_lines: [0]",
    ]) {
      const t = parseTrial(file(population), FILE);
      expect(
        t.warnings.filter((i) => i.path === "population.egfr"),
        population,
      ).toHaveLength(0);
      expect(t.document.population.egfr === "wildtype" && t.document.population.alk === "wildtype").toBe(
        false,
      );
    }
  });
});
