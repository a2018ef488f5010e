/**
 * BRAF V600 status of virtual patients (catalog/vpop-priors.yaml `targeted.braf_v600`): BRAF and MEK inhibitors
 * (module `mapk`) act only in mutant tumours, and a trial's `population.braf` enrols mutant or wild-type patients
 * only. The trial here is synthetic (made-up arms and sizes), not a published trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { brafV600Share, sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

describe("BRAF V600 status", () => {
  it("is drawn at the cancer's prevalence; a wild-type tumour has no BRAF or MEK sensitivity", () => {
    const n = 4000;
    let mutant = 0;
    for (let s = 1; s <= n; s++) {
      const vp = sampleVirtualPatient("melanoma", s);
      if (vp.covariates.braf_v600) {
        mutant++;
        expect(vp.targeted!.braf).toBeGreaterThan(0);
        expect(vp.targeted!.mek).toBeGreaterThan(0);
      } else expect([vp.targeted!.braf, vp.targeted!.mek]).toEqual([0, 0]);
    }
    // binomial: 4 standard errors at p = 0.45, n = 4,000 is ±0.031
    expect(Math.abs(mutant / n - brafV600Share("melanoma"))).toBeLessThan(0.031);
    expect(brafV600Share("melanoma")).toBe(0.45);
    for (let s = 1; s <= 300; s++)
      expect(sampleVirtualPatient("renal-cell-carcinoma", s).covariates.braf_v600).toBe(false);
  });

  const trial = (braf: string) => `name: SYNTH-BRAF
source: "synthetic (tests of src/population/braf-status.test.ts), not a published trial"
population: { cancer: melanoma, braf: ${braf} }
arms:
  - name: dabrafenib
    patients: 80
    protocol:
      name: dabrafenib
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: dabrafenib, dose: { value: 300, unit: mg }, route: oral, days: { every: 1, count: 336 } }
  - name: untreated
    patients: 80
    protocol:
      name: no treatment
      phases:
        - { name: observation, start_day: 0, steps: [] }
assessment: { criteria: recist1.1, first_week: 8, every_weeks: 8, follow_up_weeks: 48, confirm: true }
`;
  const FILE = path.resolve("trials/synthetic-braf.yaml"); // not read: the protocols are inline

  it("population.braf enrols mutant or wild-type patients only: dabrafenib acts in the first, is inert in the second", async () => {
    const { vpop } = loadVpop(shippedVpopFile("melanoma"));
    const wt = await runTrial(parseTrial(trial("wildtype"), FILE), populationSimulator(vpop, [], 1), {
      seed: 4,
      paired: true,
    });
    const [dabWt, noneWt] = wt.arms;
    expect({ ...dabWt, name: "x" }).toEqual({ ...noneWt, name: "x" });
    const mut = await runTrial(parseTrial(trial("mutant"), FILE), populationSimulator(vpop, [], 1), {
      seed: 4,
      paired: true,
    });
    const [dab, none] = mut.arms;
    expect(dab.ORR.value!).toBeGreaterThan(none.ORR.value! + 0.2);
    expect(dab.PFS_6mo.value!).toBeGreaterThan(none.PFS_6mo.value!);
  }, 600_000);

  it("rejects a BRAF status the trial file does not know, naming the field and line", () => {
    expect(() => parseTrial(trial("v600e"), FILE)).toThrow(
      /synthetic-braf\.yaml:3:\d+: population\.braf: Invalid option: expected one of "any"\|"mutant"\|"wildtype"\|"positive"\|"mutated"\|"rearranged"\|"negative"\|"wild-type"\|"wt"/,
    );
  });

  it("a trial giving a BRAF or MEK inhibitor without a BRAF status enrols mutant patients, with a warning naming the field", () => {
    const unsaid = parseTrial(trial("mutant").replace(", braf: mutant", ""), FILE);
    expect(unsaid.document.population.braf).toBe("mutant");
    const w = unsaid.warnings.filter((i) => i.path === "population.braf");
    expect(w).toHaveLength(1);
    expect(w[0].severity).toBe("warning");
    expect(w[0].message).toMatch(
      /arm 'dabrafenib' gives dabrafenib.*BRAF V600-mutant patients only.*braf: any/,
    );
    // said explicitly: kept as written, no warning
    const any = parseTrial(trial("any"), FILE);
    expect(any.document.population.braf).toBe("any");
    expect(any.warnings.some((i) => i.path === "population.braf")).toBe(false);
    // no BRAF or MEK inhibitor in any arm: the population is left unselected
    const noBraf = parseTrial(
      trial("mutant")
        .replace(", braf: mutant", "")
        .replace("agent: dabrafenib", "agent: pembrolizumab")
        .replace(
          "value: 300, unit: mg }, route: oral, days: { every: 1, count: 336 }",
          "value: 200, unit: mg }, route: iv, days: { every: 21, count: 16 }",
        ),
      FILE,
    );
    expect(noBraf.document.population.braf).toBeUndefined();
    expect(noBraf.warnings.some((i) => i.path === "population.braf")).toBe(false);
  });
});
