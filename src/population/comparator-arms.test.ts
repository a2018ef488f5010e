/**
 * Standard-of-care comparator agents (catalog/agents.yaml, "comparator arms"): they load, compile to exposure
 * equivalents, run in synthetic trials on the shipped populations, leave every virtual patient's earlier draws as
 * they were, and supportive medicines (prednisone, dexamethasone) change nothing but a warning.
 * The trials here are synthetic (made-up arms and sizes), not published trials.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHEMO_MECHANISMS } from "../therapy/catalog-schema.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { agentsWithoutEffect, compileClinical } from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { populationSimulator } from "./arm-simulator.js";
import { runOnPopulation } from "./population-run.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { expectWellFormedArms } from "../test-support/trial-arms.js";

const NEW_CHEMO: Record<string, string> = {
  gemcitabine: "antimetabolite",
  cytarabine: "antimetabolite",
  vinorelbine: "vinca",
  vincristine: "vinca",
  etoposide: "topoisomerase",
  ifosfamide: "alkylating",
  cabazitaxel: "taxane",
  "nab-paclitaxel": "taxane",
  mitoxantrone: "anthracycline",
  bendamustine: "alkylating",
  // added 2026-12-03 (BEAM conditioning, CVD biochemotherapy)
  carmustine: "alkylating",
  melphalan: "alkylating",
  vinblastine: "vinca",
};
const SUPPORTIVE = ["prednisone", "dexamethasone"];

describe("comparator agents in the catalog", () => {
  const cat = therapyCatalog();

  it("each cytotoxic has a label dose, a mechanism class and a reference dose in a unit its doses convert to", () => {
    for (const [id, mechanism] of Object.entries(NEW_CHEMO)) {
      const a = cat.agents.get(id);
      expect(a, id).toBeDefined();
      expect(a!.modality, id).toBe("chemotherapy");
      expect(a!.clinical?.input, id).toBe("chemo");
      expect(a!.clinical?.mechanism, id).toBe(mechanism);
      const ref = a!.clinical!.reference_dose!;
      expect(ref.unit, id).toBe(a!.doses[0].unit);
      // one equivalent is a cycle's dose: at least one usual dose, at most six (a 3-week cycle of daily doses)
      expect(ref.value / a!.doses[0].usual, id).toBeGreaterThanOrEqual(1);
      expect(ref.value / a!.doses[0].usual, id).toBeLessThanOrEqual(60);
      // the core model's 2 drug units per equivalent
      expect(a!.model.mg_m2_per_unit, id).toBeCloseTo(ref.value / 2, 9);
      expect(a!.sources.length, id).toBeGreaterThan(0);
    }
  });

  it("prednisone and dexamethasone are supportive medicines with no modelled effect", () => {
    for (const id of SUPPORTIVE) {
      const a = cat.agents.get(id)!;
      expect(a.modality).toBe("supportive");
      expect(a.clinical?.input).toBe("none");
      expect(a.model.conversion).toBe("none");
      expect(cat.modalities.get("supportive")?.eligibility).toBe(false);
    }
  });

  it("new mechanism classes are appended after the five earlier ones (virtual patients' draws keep their order)", () => {
    expect(CHEMO_MECHANISMS.slice(0, 5)).toEqual([
      "alkylating",
      "platinum",
      "taxane",
      "antimetabolite",
      "anthracycline",
    ]);
    expect(CHEMO_MECHANISMS).toContain("vinca");
    expect(CHEMO_MECHANISMS).toContain("topoisomerase");
  });
});

describe("virtual patients keep their draws", () => {
  // values printed by sampleVirtualPatient before "vinca" and "topoisomerase" were appended (commit 2680c90)
  const BEFORE = {
    melanoma: {
      seed: 7919,
      kc: 0.15713125808143263,
      s: [1.74019720311854, 0.821143693576351, 1.4567730917577855, 0.26660085407383216, 1.2397339264189222],
    },
    nsclc: {
      seed: 12345,
      kc: 0.08878173572928892,
      s: [1.6265246723277422, 0.3846055306847008, 0.5315747383682548, 1.1027245291136345, 1.4339186167777611],
    },
  } as const;

  it("the earlier classes' sensitivities and the other parameters are unchanged; the new classes are drawn too", () => {
    for (const [cancer, b] of Object.entries(BEFORE)) {
      const vp = sampleVirtualPatient(cancer as "melanoma" | "nsclc", b.seed);
      expect(vp.parameters.kc).toBe(b.kc);
      CHEMO_MECHANISMS.slice(0, 5).forEach((m, i) => expect(vp.chemoSensitivity![m], m).toBe(b.s[i]));
      for (const m of ["vinca", "topoisomerase"] as const) {
        expect(vp.chemoSensitivity![m]).toBeGreaterThan(0);
        expect(Number.isFinite(vp.chemoSensitivity![m])).toBe(true);
      }
    }
  });
});

const patient: Patient = { id: "test", weight_kg: 70, height_cm: 175, gfr_ml_min: 90 };
const oneStep = (steps: Protocol["phases"][number]["steps"]): Protocol => ({
  name: "t",
  phases: [{ name: "p", start_day: 0, steps }],
});

describe("compiling comparator regimens", () => {
  it("gemcitabine 1000 mg/m² days 1 and 8: two doses of 1000/2250 equivalents into the exposure M", () => {
    const c = compileClinical(
      oneStep([{ agent: "gemcitabine", dose: { value: 1000, unit: "mg/m2" }, route: "iv", days: [0, 7] }]),
      patient,
    );
    expect(c.modules).toEqual(["chemo"]);
    expect(c.doses).toHaveLength(2);
    for (const d of c.doses) {
      expect(d).toMatchObject({ kind: "bolus", state: "M", label: "gemcitabine" });
      expect((d as { amount: number }).amount).toBeCloseTo(1000 / 2250, 12);
    }
  });

  it("a flat vincristine dose is compared with the per-m² reference through the patient's surface area", () => {
    const c = compileClinical(
      oneStep([{ agent: "vincristine", dose: { value: 2, unit: "mg" }, route: "iv", days: [0] }]),
      patient,
    );
    const bsa = Math.sqrt((175 * 70) / 3600); // Mosteller
    expect((c.doses[0] as { amount: number }).amount).toBeCloseTo(2 / (1.4 * bsa), 9);
  });

  it("prednisone gives no dose, no module and a note", () => {
    const c = compileClinical(
      oneStep([
        {
          agent: "prednisone",
          dose: { value: 10, unit: "mg" },
          route: "oral",
          days: { every: 1, count: 21 },
        },
      ]),
      patient,
    );
    expect(c.doses).toEqual([]);
    expect(c.modules).toEqual([]);
    expect(c.lastDoseDay).toBe(0);
    expect(c.notes.join(" ")).toMatch(/prednisone is not represented/);
  });

  it("agentsWithoutEffect names each supportive agent once, where it first appears", () => {
    const p: Protocol = {
      name: "t",
      phases: [
        {
          name: "a",
          start_day: 0,
          steps: [{ agent: "docetaxel", dose: { value: 75, unit: "mg/m2" }, route: "iv", days: [0] }],
        },
        {
          name: "b",
          start_day: 21,
          steps: [
            { agent: "dexamethasone", dose: { value: 16, unit: "mg" }, route: "oral", days: [0] },
            { agent: "dexamethasone", dose: { value: 8, unit: "mg" }, route: "oral", days: [1] },
            { agent: "gemcitabine", dose: { value: 1000, unit: "mg/m2" }, route: "iv", days: [0] },
          ],
        },
      ],
    };
    expect(agentsWithoutEffect(p).map((x) => [x.agent.id, x.phase, x.step])).toEqual([
      ["dexamethasone", 1, 0],
    ]);
  });
});

const FILE = path.resolve("trials/synthetic-comparators.yaml"); // not read: the protocols are inline

const step = (agent: string, value: number, unit: string, days: string, route = "iv", extra = "") =>
  `{ agent: ${agent}, dose: { value: ${value}, unit: ${unit} }, route: ${route}, days: ${days}${extra} }`;

const arm = (name: string, patients: number, steps: string[]) => `
  - name: ${name}
    patients: ${patients}
    protocol:
      name: ${name}
      phases:
        - name: treatment
          start_day: 0
          steps:
${steps.map((s) => `            - ${s}`).join("\n")}`;

const trialText = (name: string, arms: string[]) => `name: ${name}
source: "synthetic (tests of src/population/comparator-arms.test.ts)"
population: { cancer: nsclc, refractory_to: [] }
arms:${arms.join("")}
assessment: { criteria: recist1.1, first_week: 6, every_weeks: 6, follow_up_weeks: 54, confirm: true }
`;

const REASON = ', combination_reason: "platinum doublet"';
const DOCETAXEL = step("docetaxel", 75, "mg/m2", "{ every: 21, count: 6 }");

describe("synthetic NSCLC trials with comparator arms on the shipped population", async () => {
  const { vpop } = loadVpop(shippedVpopFile("nsclc"));
  const sim = () => populationSimulator(vpop, [], 1);
  const N = 16;

  it("gemcitabine vs docetaxel, vinorelbine + cisplatin, etoposide + carboplatin: finite ORR and PFS", async () => {
    const trial = parseTrial(
      trialText("SYNTH-COMPARATORS", [
        arm("gemcitabine", N, [
          step("gemcitabine", 1000, "mg/m2", "{ every: 21, count: 6 }"),
          step("gemcitabine", 1000, "mg/m2", "[7, 28, 49, 70, 91, 112]"),
        ]),
        arm("docetaxel", N, [DOCETAXEL]),
        arm("vinorelbine + cisplatin", N, [
          step("cisplatin", 80, "mg/m2", "{ every: 21, count: 4 }", "iv", REASON),
          step("vinorelbine", 30, "mg/m2", "{ every: 21, count: 4 }", "iv", REASON),
          step("vinorelbine", 30, "mg/m2", "[7, 28, 49, 70]"),
        ]),
        arm("etoposide + carboplatin", N, [
          step("carboplatin", 5, "AUC", "{ every: 21, count: 4 }", "iv", REASON),
          step("etoposide", 100, "mg/m2", "{ every: 21, count: 4 }", "iv", REASON),
          step("etoposide", 100, "mg/m2", "[1, 22, 43, 64]"),
          step("etoposide", 100, "mg/m2", "[2, 23, 44, 65]"),
        ]),
      ]),
      FILE,
    );
    expect(trial.warnings.filter((w) => /no modelled effect/.test(w.message))).toEqual([]);
    const r = await runTrial(trial, sim(), { seed: 3 });
    expect(r.arms.map((a) => a.name)).toEqual([
      "gemcitabine",
      "docetaxel",
      "vinorelbine + cisplatin",
      "etoposide + carboplatin",
    ]);
    expectWellFormedArms(r, N);
    const hr = r.differences[0].PFS_HR.value;
    expect(hr === null || Number.isFinite(hr)).toBe(true);
  }, 300_000);

  it("adding prednisone to docetaxel changes no outcome (same seed) and the trial warns that it is not simulated", async () => {
    const alone = parseTrial(trialText("SYNTH-STEROID", [arm("docetaxel", N, [DOCETAXEL])]), FILE);
    const withPred = parseTrial(
      trialText("SYNTH-STEROID", [
        arm("docetaxel", N, [DOCETAXEL, step("prednisone", 10, "mg", "{ every: 1, count: 126 }", "oral")]),
      ]),
      FILE,
    );
    const warning = withPred.warnings.find((w) => /prednisone has no modelled effect/.test(w.message));
    expect(warning?.path).toBe("arms[0].protocol.phases[0].steps[1].agent");
    expect(warning?.line).toBeGreaterThan(0);
    expect(alone.warnings.some((w) => /no modelled effect/.test(w.message))).toBe(false);
    const a = await runTrial(alone, sim(), { seed: 11 });
    const b = await runTrial(withPred, sim(), { seed: 11 });
    expect(b.arms).toEqual(a.arms);
    expect(b.warnings.some((w) => /prednisone has no modelled effect/.test(w))).toBe(true);
  }, 300_000);

  it("run/compare on the population warn too", async () => {
    const protocol: Protocol = oneStep([
      { agent: "docetaxel", dose: { value: 75, unit: "mg/m2" }, route: "iv", days: [0, 21] },
      { agent: "prednisone", dose: { value: 10, unit: "mg" }, route: "oral", days: { every: 1, count: 42 } },
    ]);
    const r = await runOnPopulation({ cancer: "nsclc", protocols: [protocol], patients: 8, threads: 1 });
    expect(r.warnings).toContain(
      "t: prednisone has no modelled effect in the clinical model: simulated as if it were not given",
    );
  }, 300_000);
});
