/**
 * EGFR status of virtual patients (catalog/vpop-priors.yaml `targeted.egfr_mutant`) and the EGFR inhibitors (module
 * `egfr`): they act only in EGFR-mutant tumours; osimertinib, which also inhibits T790M, adapts only through the
 * other routes of resistance, so on the same patients its responses last longer than erlotinib's. A trial's
 * `population.egfr` enrols mutant or wild-type patients only, and a trial giving an EGFR inhibitor without saying
 * enrols mutant ones. The trial here is synthetic (made-up arms and sizes), not a published trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { egfrMutantShare, sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { dailyArm, markerTrial, untreatedArm } from "../test-support/marker-trial.js";

const trial = (egfr: string | null) =>
  markerTrial("SYNTH-EGFR", "src/population/egfr-status.test.ts", "nsclc", { field: "egfr", value: egfr }, [
    dailyArm("erlotinib", "erlotinib", 150, 150),
    dailyArm("osimertinib", "osimertinib", 80, 150),
    untreatedArm(150),
  ]);
const FILE = path.resolve("trials/synthetic-egfr.yaml"); // not read: the protocols are inline

describe("EGFR status and the EGFR inhibitors", () => {
  it("is drawn at the cancer's prevalence; a wild-type tumour has no EGFR sensitivity; other draws are unchanged", () => {
    const n = 4000;
    let mutant = 0;
    for (let s = 1; s <= n; s++) {
      const vp = sampleVirtualPatient("nsclc", s);
      if (vp.covariates.egfr_mutant) {
        mutant++;
        expect(vp.targeted!.egfr).toBeGreaterThan(0);
      } else expect(vp.targeted!.egfr).toBe(0);
    }
    // binomial: 4 standard errors at p = 0.17, n = 4,000 is ±0.024
    expect(Math.abs(mutant / n - egfrMutantShare("nsclc"))).toBeLessThan(0.024);
    expect(egfrMutantShare("nsclc")).toBe(0.17);
    for (const c of ["melanoma", "renal-cell-carcinoma", "prostate-cancer", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) expect(sampleVirtualPatient(c, s).covariates.egfr_mutant).toBe(false);
  });

  it("mutant tumours respond to both generations and osimertinib's responses last longer; in wild-type tumours erlotinib is inert", async () => {
    const { vpop } = loadVpop(shippedVpopFile("nsclc"));
    const sim = () => populationSimulator(vpop, [], 1);
    const mut = await runTrial(parseTrial(trial("mutant"), FILE), sim(), { seed: 3, paired: true });
    const [erl, osi, none] = mut.arms;
    expect(erl.ORR.value!).toBeGreaterThan(none.ORR.value! + 0.3);
    expect(osi.ORR.value!).toBeGreaterThan(none.ORR.value! + 0.3);
    // the same kill per equivalent with less adaptation (no T790M route): on the same patients every tumour is at
    // most as large under osimertinib at every time, so responses are at least as frequent and progression later
    expect(osi.ORR.value!).toBeGreaterThanOrEqual(erl.ORR.value!);
    expect(osi.PFS_12mo.value!).toBeGreaterThan(erl.PFS_12mo.value! + 0.1);
    // not reached within the follow-up (null) counts as later
    const osiMedian = osi.median_PFS_months.value ?? Infinity;
    expect(osiMedian).toBeGreaterThan(erl.median_PFS_months.value!);
    const wt = await runTrial(parseTrial(trial("wildtype"), FILE), sim(), { seed: 3, paired: true });
    expect({ ...wt.arms[0], name: "x" }).toEqual({ ...wt.arms[2], name: "x" });
    expect({ ...wt.arms[1], name: "x" }).toEqual({ ...wt.arms[2], name: "x" });
  }, 600_000);

  it("a trial giving an EGFR inhibitor without an EGFR status enrols mutant patients, with a warning naming the field", () => {
    const unsaid = parseTrial(trial(null), FILE);
    expect(unsaid.document.population.egfr).toBe("mutant");
    const w = unsaid.warnings.filter((i) => i.path === "population.egfr");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'erlotinib' gives erlotinib, an EGFR tyrosine kinase inhibitor indicated in EGFR-mutant tumours, so EGFR-mutant patients only are enrolled \(write egfr: any to enrol every patient\)$/,
    );
    expect(parseTrial(trial("any"), FILE).document.population.egfr).toBe("any");
  });

  it("rejects an EGFR status the trial file does not know, naming the field and line", () => {
    expect(() => parseTrial(trial("exon19"), FILE)).toThrow(
      /synthetic-egfr\.yaml:3:\d+: population\.egfr: Invalid option: expected one of "any"\|"mutant"\|"wildtype"\|"positive"\|"mutated"\|"rearranged"\|"negative"\|"wild-type"\|"wt"/,
    );
  });
});
