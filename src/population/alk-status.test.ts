/**
 * ALK status of virtual patients (catalog/vpop-priors.yaml `targeted.alk_rearranged`) and the ALK inhibitors
 * (module `alk`): they act only in ALK-rearranged tumours, drawn among EGFR wild-type ones; a next-generation
 * inhibitor (alectinib), which overcomes the ALK-dependent and central-nervous-system routes of crizotinib's
 * resistance, adapts only through the bypass routes, so on the same patients its responses last longer. A trial's
 * `population.alk` enrols rearranged or negative patients only, and a trial giving an ALK inhibitor without saying
 * enrols rearranged ones. The trial here is synthetic (made-up arms and sizes), not a published trial.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { alkRearrangedShare, sampleVirtualPatient, targetedResponse } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { dailyArm, markerTrial, untreatedArm } from "../test-support/marker-trial.js";

const trial = (alk: string | null) =>
  markerTrial("SYNTH-ALK", "src/population/alk-status.test.ts", "nsclc", { field: "alk", value: alk }, [
    dailyArm("crizotinib", "crizotinib", 500, 150),
    dailyArm("alectinib", "alectinib", 1200, 150),
    untreatedArm(150),
  ]);
const FILE = path.resolve("trials/synthetic-alk.yaml"); // not read: the protocols are inline

describe("ALK status and the ALK inhibitors", () => {
  it("is drawn at the cancer's prevalence, never with an EGFR mutation; a negative tumour has no ALK sensitivity", () => {
    const n = 20000;
    let rearranged = 0;
    for (let s = 1; s <= n; s++) {
      const t = targetedResponse(s, "nsclc");
      if (t.alkRearranged) {
        rearranged++;
        expect(t.egfrMutant).toBe(false);
        expect(t.alk).toBeGreaterThan(0);
      } else expect(t.alk).toBe(0);
    }
    // binomial: 4 standard errors at p = 0.04, n = 20,000 is ±0.0055
    expect(alkRearrangedShare("nsclc")).toBe(0.04);
    expect(Math.abs(rearranged / n - 0.04)).toBeLessThan(0.0055);
    for (let s = 1; s <= 300; s++)
      expect(sampleVirtualPatient("nsclc", s).covariates.alk_rearranged).toBe(
        targetedResponse(s, "nsclc").alkRearranged,
      );
    for (const c of ["melanoma", "renal-cell-carcinoma", "prostate-cancer", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) expect(sampleVirtualPatient(c, s).covariates.alk_rearranged).toBe(false);
  });

  it("rearranged tumours respond to both generations and alectinib's responses last longer; in ALK-negative tumours crizotinib is inert", async () => {
    const { vpop } = loadVpop(shippedVpopFile("nsclc"));
    const sim = () => populationSimulator(vpop, [], 1);
    const pos = await runTrial(parseTrial(trial("mutant"), FILE), sim(), { seed: 3, paired: true });
    const [criz, alec, none] = pos.arms;
    expect(criz.ORR.value!).toBeGreaterThan(none.ORR.value! + 0.3);
    expect(alec.ORR.value!).toBeGreaterThan(none.ORR.value! + 0.3);
    // the same kill per equivalent with less adaptation (only the bypass routes): on the same patients every tumour is
    // at most as large under alectinib at every time, so responses are at least as frequent and progression later
    expect(alec.ORR.value!).toBeGreaterThanOrEqual(criz.ORR.value!);
    expect(alec.PFS_12mo.value!).toBeGreaterThan(criz.PFS_12mo.value! + 0.1);
    const alecMedian = alec.median_PFS_months.value ?? Infinity; // not reached within the follow-up counts as later
    expect(alecMedian).toBeGreaterThan(criz.median_PFS_months.value!);
    const neg = await runTrial(parseTrial(trial("wildtype"), FILE), sim(), { seed: 3, paired: true });
    expect({ ...neg.arms[0], name: "x" }).toEqual({ ...neg.arms[2], name: "x" });
    expect({ ...neg.arms[1], name: "x" }).toEqual({ ...neg.arms[2], name: "x" });
  }, 600_000);

  it("a trial giving an ALK inhibitor without an ALK status enrols rearranged patients, with a warning naming the field", () => {
    const unsaid = parseTrial(trial(null), FILE);
    expect(unsaid.document.population.alk).toBe("mutant");
    const w = unsaid.warnings.filter((i) => i.path === "population.alk");
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(
      /^not given: arm 'crizotinib' gives crizotinib, an ALK tyrosine kinase inhibitor indicated in ALK-rearranged tumours, so ALK-rearranged patients only are enrolled \(write alk: any to enrol every patient\)$/,
    );
    expect(parseTrial(trial("any"), FILE).document.population.alk).toBe("any");
  });

  it("reads positive, rearranged, negative, wild-type as reports word them (ALK-positive: rearranged), without a warning", () => {
    for (const [value, status] of [
      ["positive", "mutant"],
      ["rearranged", "mutant"],
      ["mutated", "mutant"],
      ["negative", "wildtype"],
      ["wild-type", "wildtype"],
      ["wt", "wildtype"],
    ] as const) {
      const t = parseTrial(trial(value), FILE);
      expect(t.document.population.alk).toBe(status);
      expect(t.warnings.filter((i) => i.path === "population.alk")).toEqual([]);
    }
  });

  it("rejects an ALK status the trial file does not know, naming the field and line", () => {
    expect(() => parseTrial(trial("fusion"), FILE)).toThrow(
      /synthetic-alk\.yaml:3:\d+: population\.alk: Invalid option: expected one of "any"\|"mutant"\|"wildtype"\|"positive"\|"mutated"\|"rearranged"\|"negative"\|"wild-type"\|"wt"/,
    );
  });
});
