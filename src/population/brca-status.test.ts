/**
 * BRCA1/2 status of virtual patients (catalog/vpop-priors.yaml `targeted.brca_mutant`) and the PARP inhibitors
 * (module `parp`): they act only in tumours with a deleterious BRCA1/2 alteration (13 % of metastatic
 * castration-resistant prostate cancers). A trial's `population.brca` enrols altered or other patients only, and a
 * trial giving a PARP inhibitor without saying enrols altered ones. The trial here is synthetic (made-up arms and
 * sizes), not a published trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { brcaMutantShare } from "./marker-prevalence.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { sampleVirtualPatient, targetedResponse } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { dailyArm, markerTrial, untreatedArm } from "../test-support/marker-trial.js";

const trial = (brca: string | null) =>
  markerTrial(
    "SYNTH-BRCA",
    "src/population/brca-status.test.ts",
    "prostate-cancer",
    { field: "brca", value: brca },
    [dailyArm("olaparib", "olaparib", 600, 150), untreatedArm(150)],
  );
const FILE = path.resolve("trials/synthetic-brca.yaml"); // not read: the protocols are inline

describe("BRCA1/2 status and the PARP inhibitors", () => {
  it("is drawn at the cancer's prevalence; other tumours have no PARP sensitivity; the other draws are unchanged", () => {
    const n = 10000;
    let altered = 0;
    for (let s = 1; s <= n; s++) {
      const t = targetedResponse(s, "prostate-cancer");
      if (t.brcaMutant) {
        altered++;
        expect(t.parp).toBeGreaterThan(0);
      } else expect(t.parp).toBe(0);
    }
    // binomial: 4 standard errors at p = 0.13, n = 10,000 is ±0.0135
    expect(brcaMutantShare("prostate-cancer")).toBe(0.13);
    expect(Math.abs(altered / n - 0.13)).toBeLessThan(0.0135);
    for (let s = 1; s <= 300; s++)
      expect(sampleVirtualPatient("prostate-cancer", s).covariates.brca_mutant).toBe(
        targetedResponse(s, "prostate-cancer").brcaMutant,
      );
    for (const c of ["melanoma", "renal-cell-carcinoma", "nsclc", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) expect(sampleVirtualPatient(c, s).covariates.brca_mutant).toBe(false);
  });

  it("BRCA-altered tumours respond to olaparib; in other tumours it is inert", async () => {
    const { vpop } = loadVpop(shippedVpopFile("prostate-cancer"));
    const sim = () => populationSimulator(vpop, [], 1);
    const mut = await runTrial(parseTrial(trial("mutant"), FILE), sim(), { seed: 3, paired: true });
    expect(mut.arms[0].ORR.value!).toBeGreaterThan(mut.arms[1].ORR.value! + 0.15);
    expect(mut.arms[0].median_PFS_months.value!).toBeGreaterThan(mut.arms[1].median_PFS_months.value!);
    const other = await runTrial(parseTrial(trial("wildtype"), FILE), sim(), { seed: 3, paired: true });
    expect({ ...other.arms[0], name: "x" }).toEqual({ ...other.arms[1], name: "x" });
  }, 600_000);

  it("a trial giving a PARP inhibitor without a BRCA status enrols BRCA-altered patients, with a warning naming the field", () => {
    const unsaid = parseTrial(trial(null), FILE);
    expect(unsaid.document.population.brca).toBe("mutant");
    const w = unsaid.warnings.filter((i) => i.path === "population.brca");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'olaparib' gives olaparib, a PARP inhibitor indicated in BRCA1\/2-altered tumours, so BRCA1\/2-altered patients only are enrolled \(write brca: any to enrol every patient\)$/,
    );
    expect(parseTrial(trial("any"), FILE).document.population.brca).toBe("any");
    expect(parseTrial(trial("positive"), FILE).document.population.brca).toBe("mutant");
  });
});
