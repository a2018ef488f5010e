/**
 * KRAS G12C status of virtual patients (catalog/vpop-priors.yaml `targeted.kras_g12c`) and the KRAS G12C inhibitors
 * (module `kras`): they act only in G12C-mutant tumours, drawn among the tumours with neither an EGFR mutation nor an
 * ALK rearrangement. A trial's `population.kras` enrols mutant or other patients only, and a trial giving a KRAS G12C
 * inhibitor without saying enrols mutant ones. The trial here is synthetic (made-up arms and sizes), not a published
 * trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { krasG12cShare, sampleVirtualPatient, targetedResponse } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { dailyArm, markerTrial, untreatedArm } from "../test-support/marker-trial.js";

const trial = (kras: string | null) =>
  markerTrial("SYNTH-KRAS", "src/population/kras-status.test.ts", "nsclc", { field: "kras", value: kras }, [
    dailyArm("sotorasib", "sotorasib", 960, 150),
    untreatedArm(150),
  ]);
const FILE = path.resolve("trials/synthetic-kras.yaml"); // not read: the protocols are inline

describe("KRAS G12C status and the KRAS G12C inhibitors", () => {
  it("is drawn at the cancer's prevalence, never with an EGFR mutation or an ALK rearrangement; other tumours have no KRAS sensitivity", () => {
    const n = 10000;
    let g12c = 0;
    for (let s = 1; s <= n; s++) {
      const t = targetedResponse(s, "nsclc");
      if (t.krasG12c) {
        g12c++;
        expect(t.egfrMutant || t.alkRearranged).toBe(false);
        expect(t.kras).toBeGreaterThan(0);
      } else expect(t.kras).toBe(0);
    }
    // binomial: 4 standard errors at p = 0.13, n = 10,000 is ±0.0135
    expect(krasG12cShare("nsclc")).toBe(0.13);
    expect(Math.abs(g12c / n - 0.13)).toBeLessThan(0.0135);
    for (let s = 1; s <= 300; s++)
      expect(sampleVirtualPatient("nsclc", s).covariates.kras_g12c).toBe(
        targetedResponse(s, "nsclc").krasG12c,
      );
    for (const c of ["melanoma", "renal-cell-carcinoma", "prostate-cancer", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) expect(sampleVirtualPatient(c, s).covariates.kras_g12c).toBe(false);
  });

  it("G12C-mutant tumours respond to sotorasib; in other tumours it is inert", async () => {
    const { vpop } = loadVpop(shippedVpopFile("nsclc"));
    const sim = () => populationSimulator(vpop, [], 1);
    const mut = await runTrial(parseTrial(trial("mutant"), FILE), sim(), { seed: 3, paired: true });
    expect(mut.arms[0].ORR.value!).toBeGreaterThan(mut.arms[1].ORR.value! + 0.15);
    expect(mut.arms[0].median_PFS_months.value!).toBeGreaterThan(mut.arms[1].median_PFS_months.value!);
    const other = await runTrial(parseTrial(trial("wildtype"), FILE), sim(), { seed: 3, paired: true });
    expect({ ...other.arms[0], name: "x" }).toEqual({ ...other.arms[1], name: "x" });
  }, 600_000);

  it("a trial giving a KRAS G12C inhibitor without a KRAS status enrols G12C-mutant patients, with a warning naming the field", () => {
    const unsaid = parseTrial(trial(null), FILE);
    expect(unsaid.document.population.kras).toBe("mutant");
    const w = unsaid.warnings.filter((i) => i.path === "population.kras");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'sotorasib' gives sotorasib, a KRAS G12C inhibitor indicated in KRAS G12C-mutant tumours, so KRAS G12C-mutant patients only are enrolled \(write kras: any to enrol every patient\)$/,
    );
    expect(parseTrial(trial("any"), FILE).document.population.kras).toBe("any");
  });

  it("rejects a KRAS status the trial file does not know, naming the field and line", () => {
    expect(() => parseTrial(trial("G12C"), FILE)).toThrow(
      /synthetic-kras\.yaml:3:\d+: population\.kras: Invalid option: expected one of "any"\|"mutant"\|"wildtype"\|"positive"\|"mutated"\|"rearranged"\|"negative"\|"wild-type"\|"wt"/,
    );
  });
});
