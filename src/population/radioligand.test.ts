/**
 * The PSMA-targeted radioligand lutetium-177 PSMA-617 (clinical model module `radioligand`, pathway `psma`): the
 * catalog agent and its names, doses by activity (GBq, MBq, mCi), the patient's sensitivity (prostate cancer only),
 * and its effect on the shipped prostate population against an untreated arm and in a cancer without PSMA. The trials
 * here are synthetic (made-up arms and sizes), not published trials; the hand calibration on the LuPSMA phase 2 trial
 * is checked in label-trials.test.ts.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAgentName } from "../therapy/agent-names.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { compileClinical } from "../therapy/compile-clinical.js";
import { parseProtocol } from "../therapy/protocol-file.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import { populationSimulator } from "./arm-simulator.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { targetedResponse } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { markerTrial, untreatedArm } from "../test-support/marker-trial.js";

const ID = "lutetium-177-psma-617";
const patient = { id: "test", weight_kg: 80, height_cm: 178, gfr_ml_min: 90 };

const protocolYaml = (value: number, unit: string, count = 4) => `name: radioligand
phases:
  - name: treatment
    start_day: 0
    steps:
      - { agent: ${ID}, dose: { value: ${value}, unit: ${unit} }, route: iv, days: { every: 42, count: ${count} } }
`;

function luArm(patients: number): string {
  return `  - name: lu-psma
    patients: ${patients}
    protocol:
      name: 177Lu-PSMA-617
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: ${ID}, dose: { value: 7.4, unit: GBq }, route: iv, days: { every: 42, count: 6 } }
`;
}
const FILE = path.resolve("trials/synthetic-radioligand.yaml"); // not read: the protocols are inline

describe("lutetium-177 PSMA-617 in the catalog", () => {
  const cat = therapyCatalog();

  it("loads with its label dose in GBq, a modality that is not a case-evaluation option, and acts through module radioligand", () => {
    const a = cat.agents.get(ID)!;
    expect(a.modality).toBe("radioligand");
    expect(cat.modalities.get("radioligand")?.eligibility).toBe(false);
    expect(a.doses[0]).toMatchObject({ unit: "GBq", usual: 7.4 });
    expect(a.clinical).toMatchObject({
      input: "targeted",
      pathway: "psma",
      reference_dose: { value: 7.4, unit: "GBq" },
    });
    expect(a.clinical?.source).toMatch(/calibrated by hand/);
    expect(a.model_note).toMatch(/module `radioligand`/);
  });

  it("answers to its brand and the usual abbreviations", () => {
    for (const name of [
      "Pluvicto",
      "177Lu-PSMA-617",
      "[177Lu]Lu-PSMA-617",
      "Lu-PSMA-617",
      "LuPSMA",
      "lutetium Lu 177 vipivotide tetraxetan",
    ])
      expect(resolveAgentName(name, cat), name).toEqual({ kind: "name", id: ID });
  });

  it("7.4 GBq, 7,400 MBq and 200 mCi are one activity equivalent each; 6 GBq is 6/7.4", () => {
    for (const [v, u] of [
      [7.4, "GBq"],
      [7400, "MBq"],
      [200, "mCi"],
    ] as const) {
      const p = parseProtocol(protocolYaml(v, u), "radioligand.yaml");
      expect(validateProtocol(p), `${v} ${u}`).toEqual([]);
      const c = compileClinical(p, patient);
      expect(c.modules).toEqual(["radioligand"]);
      expect(c.doses).toHaveLength(4);
      for (const d of c.doses) {
        expect(d.kind === "bolus" && d.state).toBe("Xlu");
        expect(d.kind === "bolus" ? d.amount : NaN).toBeCloseTo(1, 12);
      }
    }
    const six = compileClinical(parseProtocol(protocolYaml(6, "GBq", 1), "r.yaml"), patient);
    expect(six.doses[0].kind === "bolus" ? six.doses[0].amount : NaN).toBeCloseTo(6 / 7.4, 12);
  });

  it("an activity above the label's 7.4 GBq ± 10 % is refused in a protocol of the clinic, naming the field", () => {
    const issues = validateProtocol(parseProtocol(protocolYaml(10, "GBq"), "r.yaml"));
    expect(
      issues.some((i) => i.path === "phases[0].steps[0].dose.value" && /label maximum/.test(i.message)),
    ).toBe(true);
  });
});

describe("the radioligand on virtual patients", () => {
  it("only prostate cancers have a sensitivity to it (log-normal, mean 1); the other draws are unchanged by it", () => {
    let sum = 0;
    const n = 4000;
    for (let s = 1; s <= n; s++) {
      const t = targetedResponse(s, "prostate-cancer");
      expect(t.psma).toBeGreaterThan(0);
      sum += t.psma;
    }
    // mean 1 with SD of the log 0.6: the sample mean's standard error is about 0.011
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.05);
    for (const c of ["melanoma", "renal-cell-carcinoma", "nsclc", "large-b-cell-lymphoma"] as const)
      for (let s = 1; s <= 200; s++) expect(targetedResponse(s, c).psma).toBe(0);
  });

  it("shrinks prostate cancers against no treatment and delays progression; in NSCLC (no PSMA modelled) it is inert", async () => {
    const trial = (cancer: string) =>
      parseTrial(
        markerTrial(
          "SYNTH-LU",
          "src/population/radioligand.test.ts",
          cancer,
          { field: "ecog", value: "[0, 1]" },
          [luArm(150), untreatedArm(150)],
        ),
        FILE,
      );
    const pro = await runTrial(
      trial("prostate-cancer"),
      populationSimulator(loadVpop(shippedVpopFile("prostate-cancer")).vpop, [], 1),
      { seed: 5, paired: true },
    );
    expect(pro.arms[0].ORR.value!).toBeGreaterThan(pro.arms[1].ORR.value! + 0.2);
    expect(pro.arms[0].median_PFS_months.value!).toBeGreaterThan(pro.arms[1].median_PFS_months.value! + 2);
    const lung = await runTrial(
      trial("nsclc"),
      populationSimulator(loadVpop(shippedVpopFile("nsclc")).vpop, [], 1),
      { seed: 5, paired: true },
    );
    expect({ ...lung.arms[0], name: "x" }).toEqual({ ...lung.arms[1], name: "x" });
  }, 600_000);
});

describe("radium-223 (catalogued, not modelled)", () => {
  const cat = therapyCatalog();
  const raYaml = (value: number, count = 6) => `name: radium-223
phases:
  - name: treatment
    start_day: 0
    steps:
      - { agent: radium-223-dichloride, dose: { value: ${value}, unit: kBq/kg }, route: iv, days: { every: 28, count: ${count} } }
`;

  it("is dosed at 55 kBq per kg every 4 weeks for at most 6 injections, and answers to its brand", () => {
    const a = cat.agents.get("radium-223-dichloride")!;
    expect(a.doses[0]).toMatchObject({ unit: "kBq/kg", usual: 55, max: 55 });
    expect(a.clinical?.input).toBe("none");
    for (const name of ["Xofigo", "radium-223", "Ra-223", "radium Ra 223 dichloride"])
      expect(resolveAgentName(name, cat), name).toEqual({ kind: "name", id: "radium-223-dichloride" });
    expect(validateProtocol(parseProtocol(raYaml(55), "ra.yaml"))).toEqual([]);
    const seven = validateProtocol(parseProtocol(raYaml(55, 7), "ra.yaml"));
    expect(seven.some((i) => /at most 6 per course/.test(i.message))).toBe(true);
  });

  it("compiles to no modelled effect, with a note saying so (a trial of it simulates the arm untreated)", () => {
    const c = compileClinical(parseProtocol(raYaml(55), "ra.yaml"), patient);
    expect(c.doses).toHaveLength(0);
    expect(c.notes.join("\n")).toMatch(/radium-223 dichloride is not represented in the clinical model/);
  });
});
