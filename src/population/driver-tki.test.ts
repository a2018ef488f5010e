/**
 * MET exon 14 and RET fusion status of virtual patients (catalog/vpop-priors.yaml `targeted.met_ex14`,
 * `targeted.ret_fusion`) and the MET and RET inhibitors (module `driver_tki`): they act only in tumours with their
 * alteration, drawn among the tumours with none of the other drivers (EGFR, ALK, KRAS G12C) and never both. A
 * trial's `population.met` / `population.ret` enrols altered or other patients only, and a trial giving such an
 * inhibitor without saying enrols altered ones. The trials here are synthetic (made-up arms and sizes), not
 * published trials.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { metEx14Share, retFusionShare } from "./marker-prevalence.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { sampleVirtualPatient, targetedResponse } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { dailyArm, markerTrial, untreatedArm } from "../test-support/marker-trial.js";
import { readMetEx14Status, readRetFusionStatus } from "../clinic/marker-readings.js";

const metTrial = (met: string | null) =>
  markerTrial("SYNTH-MET", "src/population/driver-tki.test.ts", "nsclc", { field: "met", value: met }, [
    dailyArm("capmatinib", "capmatinib", 800, 150),
    untreatedArm(150),
  ]);
const retTrial = (ret: string | null) =>
  markerTrial("SYNTH-RET", "src/population/driver-tki.test.ts", "nsclc", { field: "ret", value: ret }, [
    dailyArm("pralsetinib", "pralsetinib", 400, 150),
    untreatedArm(150),
  ]);
const FILE = path.resolve("trials/synthetic-driver.yaml"); // not read: the protocols are inline

describe("MET exon 14 and RET fusion status and their inhibitors", () => {
  it("are drawn at the cancer's prevalence, never with another driver nor together; other tumours have no MET or RET sensitivity", () => {
    const n = 20000;
    let met = 0;
    let ret = 0;
    for (let s = 1; s <= n; s++) {
      const t = targetedResponse(s, "nsclc");
      if (t.metEx14 || t.retFusion) expect(t.egfrMutant || t.alkRearranged || t.krasG12c).toBe(false);
      expect(t.metEx14 && t.retFusion).toBe(false);
      if (t.metEx14) met++;
      if (t.retFusion) ret++;
      expect(t.met > 0).toBe(t.metEx14);
      expect(t.ret > 0).toBe(t.retFusion);
    }
    // binomial, 4 standard errors at n = 20,000: ±0.0048 at p = 0.03, ±0.0034 at p = 0.015
    expect(metEx14Share("nsclc")).toBe(0.03);
    expect(retFusionShare("nsclc")).toBe(0.015);
    expect(Math.abs(met / n - 0.03)).toBeLessThan(0.0048);
    expect(Math.abs(ret / n - 0.015)).toBeLessThan(0.0034);
    for (let s = 1; s <= 300; s++) {
      const c = sampleVirtualPatient("nsclc", s).covariates;
      const t = targetedResponse(s, "nsclc");
      expect([c.met_ex14, c.ret_fusion]).toEqual([t.metEx14, t.retFusion]);
    }
    for (const c of ["melanoma", "renal-cell-carcinoma", "prostate-cancer", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) {
        const cov = sampleVirtualPatient(c, s).covariates;
        expect([cov.met_ex14, cov.ret_fusion]).toEqual([false, false]);
      }
  });

  it("the earlier draws of every patient are unchanged by the appended MET and RET draws", () => {
    // the KRAS G12C share is the table's: the new uniform comes after the KRAS one
    let g12c = 0;
    for (let s = 1; s <= 10000; s++) if (targetedResponse(s, "nsclc").krasG12c) g12c++;
    expect(Math.abs(g12c / 10000 - 0.13)).toBeLessThan(0.0135);
  });

  it("MET exon 14-altered tumours respond to capmatinib, RET fusion-positive ones to pralsetinib; in other tumours both are inert", async () => {
    const { vpop } = loadVpop(shippedVpopFile("nsclc"));
    const sim = () => populationSimulator(vpop, [], 1);
    for (const tr of [metTrial, retTrial]) {
      const mut = await runTrial(parseTrial(tr("mutant"), FILE), sim(), { seed: 3, paired: true });
      expect(mut.arms[0].ORR.value!).toBeGreaterThan(mut.arms[1].ORR.value! + 0.2);
      // a median not reached in the follow-up (null) is longer than any reached one
      const median = (v: number | null) => v ?? Infinity;
      expect(median(mut.arms[1].median_PFS_months.value)).toBeLessThan(Infinity);
      expect(median(mut.arms[0].median_PFS_months.value)).toBeGreaterThan(
        median(mut.arms[1].median_PFS_months.value),
      );
      const other = await runTrial(parseTrial(tr("wildtype"), FILE), sim(), { seed: 3, paired: true });
      expect({ ...other.arms[0], name: "x" }).toEqual({ ...other.arms[1], name: "x" });
    }
  }, 600_000);

  it("a trial giving a MET (RET) inhibitor without a status enrols altered patients, with a warning naming the field", () => {
    const met = parseTrial(metTrial(null), FILE);
    expect(met.document.population.met).toBe("mutant");
    const w = met.warnings.filter((i) => i.path === "population.met");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'capmatinib' gives capmatinib, a MET inhibitor indicated in MET exon 14-altered tumours, so MET exon 14-altered patients only are enrolled \(write met: any to enrol every patient\)$/,
    );
    const ret = parseTrial(retTrial(null), FILE);
    expect(ret.document.population.ret).toBe("mutant");
    expect(ret.warnings.filter((i) => i.path === "population.ret")).toHaveLength(1);
    expect(parseTrial(retTrial("positive"), FILE).document.population.ret).toBe("mutant");
    expect(parseTrial(metTrial("any"), FILE).document.population.met).toBe("any");
  });

  it("rejects a MET status the trial file does not know, naming the field and line", () => {
    expect(() => parseTrial(metTrial("exon14"), FILE)).toThrow(
      /synthetic-driver\.yaml:3:\d+: population\.met: Invalid option: expected one of "any"\|"mutant"/,
    );
  });

  it("reads MET and RET results as a molecular report words them", () => {
    expect(readMetEx14Status("MET exon 14 skipping mutation detected")).toBe(true);
    expect(readMetEx14Status("METex14 positive")).toBe(true);
    expect(readMetEx14Status("not detected")).toBe(false);
    expect(readMetEx14Status("MET amplification (GCN 12)")).toBe(false);
    expect(readMetEx14Status("positive")).toBeNull();
    expect(readRetFusionStatus("KIF5B-RET fusion")).toBe(true);
    expect(readRetFusionStatus("RET rearrangement detected")).toBe(true);
    expect(readRetFusionStatus("no fusion detected")).toBe(false);
    expect(readRetFusionStatus("RET M918T")).toBe(false);
    expect(readRetFusionStatus("pending")).toBeNull();
  });
});
