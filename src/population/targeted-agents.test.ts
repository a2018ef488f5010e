/**
 * Targeted, hormonal and interferon agents of standard-of-care arms (catalog/agents.yaml): they load with a label
 * dose and sources and stay out of the case evaluation. VEGFR and mTOR inhibitors act through the clinical model's
 * module `targeted`, BRAF and MEK inhibitors through module `mapk` (braf-status.test.ts), interferon alfa through
 * module `interferon`, enzalutamide and abiraterone through module `ar`, bevacizumab through module `antivegf`; the
 * EGFR inhibitors have no modelled effect, and a trial that names them parses with warnings saying so
 * (also in refractory_to) and simulates — an erlotinib arm being an untreated arm, an everolimus or interferon arm
 * not. The trial here is synthetic (made-up arms and sizes), not a published trial.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { therapyCatalog } from "../therapy/catalog.js";
import { agentsWithoutEffect, compileClinical } from "../therapy/compile-clinical.js";
import { parseProtocol } from "../therapy/protocol-file.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import { populationSimulator } from "./arm-simulator.js";
import { refractoryClass } from "./eligibility.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { ARPI_CLASS, REFRACTORY_CLASSES } from "./types.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";
import { expectWellFormedArms } from "../test-support/trial-arms.js";

/** The agents added on 2026-11-30 with their modality and class. */
const AGENTS: Record<string, [modality: string, cls: string]> = {
  sunitinib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  pazopanib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  axitinib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  cabozantinib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  lenvatinib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  sorafenib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  tivozanib: ["targeted-therapy", "VEGFR tyrosine kinase inhibitor"],
  belzutifan: ["targeted-therapy", "HIF-2α inhibitor"],
  everolimus: ["targeted-therapy", "mTOR inhibitor"],
  temsirolimus: ["targeted-therapy", "mTOR inhibitor"],
  bevacizumab: ["targeted-therapy", "anti-VEGF antibody"],
  ramucirumab: ["targeted-therapy", "anti-VEGFR2 antibody"],
  vemurafenib: ["targeted-therapy", "BRAF inhibitor"],
  dabrafenib: ["targeted-therapy", "BRAF inhibitor"],
  encorafenib: ["targeted-therapy", "BRAF inhibitor"],
  trametinib: ["targeted-therapy", "MEK inhibitor"],
  cobimetinib: ["targeted-therapy", "MEK inhibitor"],
  binimetinib: ["targeted-therapy", "MEK inhibitor"],
  osimertinib: ["targeted-therapy", "EGFR tyrosine kinase inhibitor"],
  erlotinib: ["targeted-therapy", "EGFR tyrosine kinase inhibitor"],
  gefitinib: ["targeted-therapy", "EGFR tyrosine kinase inhibitor"],
  afatinib: ["targeted-therapy", "EGFR tyrosine kinase inhibitor"],
  dacomitinib: ["targeted-therapy", "EGFR tyrosine kinase inhibitor"],
  crizotinib: ["targeted-therapy", "ALK tyrosine kinase inhibitor"],
  alectinib: ["targeted-therapy", "ALK tyrosine kinase inhibitor"],
  brigatinib: ["targeted-therapy", "ALK tyrosine kinase inhibitor"],
  lorlatinib: ["targeted-therapy", "ALK tyrosine kinase inhibitor"],
  ceritinib: ["targeted-therapy", "ALK tyrosine kinase inhibitor"],
  sotorasib: ["targeted-therapy", "KRAS G12C inhibitor"],
  adagrasib: ["targeted-therapy", "KRAS G12C inhibitor"],
  rucaparib: ["targeted-therapy", "PARP inhibitor"],
  olaparib: ["targeted-therapy", "PARP inhibitor"],
  niraparib: ["targeted-therapy", "PARP inhibitor"],
  talazoparib: ["targeted-therapy", "PARP inhibitor"],
  enzalutamide: ["hormone-therapy", "androgen-receptor inhibitor"],
  apalutamide: ["hormone-therapy", "androgen-receptor inhibitor"],
  darolutamide: ["hormone-therapy", "androgen-receptor inhibitor"],
  abiraterone: ["hormone-therapy", "CYP17 inhibitor"],
  "interferon-alfa-2b": ["interferon", "type I interferon"],
};

/** Label doses (the day's total for twice-daily agents), as the labels cited in the catalog give them. */
const LABEL: [id: string, unit: string, usual: number][] = [
  ["sunitinib", "mg", 50],
  ["pazopanib", "mg", 800],
  ["axitinib", "mg", 10], // 5 mg twice daily
  ["cabozantinib", "mg", 60],
  ["lenvatinib", "mg", 20],
  ["sorafenib", "mg", 800], // 400 mg twice daily
  ["tivozanib", "mg", 1.34],
  ["belzutifan", "mg", 120],
  ["everolimus", "mg", 10],
  ["temsirolimus", "mg", 25],
  ["bevacizumab", "mg/kg", 15],
  ["ramucirumab", "mg/kg", 10],
  ["vemurafenib", "mg", 1920], // 960 mg twice daily
  ["dabrafenib", "mg", 300], // 150 mg twice daily
  ["trametinib", "mg", 2],
  ["cobimetinib", "mg", 60],
  ["encorafenib", "mg", 450],
  ["binimetinib", "mg", 90], // 45 mg twice daily
  ["osimertinib", "mg", 80],
  ["erlotinib", "mg", 150],
  ["gefitinib", "mg", 250],
  ["afatinib", "mg", 40],
  ["dacomitinib", "mg", 45],
  ["crizotinib", "mg", 500], // 250 mg twice daily
  ["alectinib", "mg", 1200], // 600 mg twice daily
  ["brigatinib", "mg", 180], // after 90 mg for 7 days
  ["lorlatinib", "mg", 100],
  ["ceritinib", "mg", 450],
  ["sotorasib", "mg", 960],
  ["adagrasib", "mg", 1200], // 600 mg twice daily
  ["rucaparib", "mg", 1200], // 600 mg twice daily
  ["olaparib", "mg", 600], // 300 mg twice daily
  ["niraparib", "mg", 200],
  ["talazoparib", "mg", 0.5], // with enzalutamide
  ["enzalutamide", "mg", 160],
  ["apalutamide", "mg", 240],
  ["darolutamide", "mg", 1200], // 600 mg twice daily
  ["abiraterone", "mg", 1000],
  ["interferon-alfa-2b", "IU", 9e6], // RCC 9 MU three times weekly
  ["interferon-alfa-2b", "IU/m2", 2e7], // adjuvant melanoma induction 20 MU/m²
];

/** The agents with a modelled effect (module `targeted` or `mapk`) and their pathway. */
const PATHWAY: Record<string, string> = {
  vemurafenib: "braf",
  dabrafenib: "braf",
  encorafenib: "braf",
  trametinib: "mek",
  cobimetinib: "mek",
  binimetinib: "mek",
  sunitinib: "vegfr",
  pazopanib: "vegfr",
  axitinib: "vegfr",
  cabozantinib: "vegfr",
  lenvatinib: "vegfr",
  sorafenib: "vegfr",
  tivozanib: "vegfr",
  belzutifan: "vegfr",
  everolimus: "mtor",
  temsirolimus: "mtor",
  "interferon-alfa-2b": "ifn",
  enzalutamide: "ar",
  abiraterone: "ar",
  apalutamide: "ar",
  darolutamide: "ar",
  bevacizumab: "vegf",
  ramucirumab: "vegf",
  erlotinib: "egfr",
  gefitinib: "egfr",
  afatinib: "egfr",
  dacomitinib: "egfr",
  osimertinib: "egfr3",
  crizotinib: "alk",
  alectinib: "alk2",
  brigatinib: "alk2",
  lorlatinib: "alk2",
  ceritinib: "alk2",
  sotorasib: "kras",
  adagrasib: "kras",
  rucaparib: "parp",
  olaparib: "parp",
  niraparib: "parp",
  talazoparib: "parp",
};
const MODULE: Record<string, string> = {
  braf: "mapk",
  mek: "mapk",
  vegfr: "targeted",
  mtor: "targeted",
  ifn: "interferon",
  ar: "ar",
  vegf: "antivegf",
  egfr: "egfr",
  egfr3: "egfr",
  alk: "alk",
  alk2: "alk",
  kras: "kras",
  parp: "parp",
};

const ROOT = path.resolve(import.meta.dirname, "../..");
const patient = { id: "test", weight_kg: 70, height_cm: 175, gfr_ml_min: 90 };

describe("targeted, hormonal and interferon agents in the catalog", () => {
  const cat = therapyCatalog();

  it("each loads with a label dose and sources; VEGFR and mTOR inhibitors act through module targeted, BRAF and MEK inhibitors through module mapk, interferon alfa through module interferon, AR-pathway inhibitors through module ar, bevacizumab through module antivegf, EGFR inhibitors through module egfr, the others are simulated as not given", () => {
    for (const [id, [modality, cls]] of Object.entries(AGENTS)) {
      const a = cat.agents.get(id);
      expect(a, id).toBeDefined();
      expect(a!.modality, id).toBe(modality);
      expect(a!.class, id).toBe(cls);
      if (PATHWAY[id]) {
        expect(a!.clinical?.input, id).toBe("targeted");
        expect(a!.clinical?.pathway, id).toBe(PATHWAY[id]);
        expect(a!.clinical?.source, id).toMatch(/^\[Immunoplan assumption\] label dose .*calibrated by hand/);
        const module = MODULE[PATHWAY[id]];
        expect(a!.model_note, id).toMatch(new RegExp(`module \`${module}\``));
      } else {
        expect(a!.clinical?.input, id).toBe("none");
        expect(a!.clinical?.source, id).toMatch(/^\[assumption\]/);
        expect(a!.model_note, id).toMatch(/simulated as if .+ (were|was) not given/);
      }
      expect(a!.model, id).toEqual({ state: null, conversion: "none" });
      expect(a!.doses.length, id).toBeGreaterThan(0);
      // gefitinib, afatinib, dacomitinib, tivozanib, belzutifan, apalutamide and darolutamide (added 2026-12-03 as equipotent
      // members of their classes) cite their labels from memory
      if (
        ![
          "gefitinib",
          "afatinib",
          "dacomitinib",
          "tivozanib",
          "belzutifan",
          "olaparib",
          "niraparib",
          "talazoparib",
          "apalutamide",
          "darolutamide",
          "ramucirumab",
        ].includes(id)
      )
        expect(a!.sources.join(" "), id).toMatch(/\[C[:\]]/);
      else expect(a!.verify, id).toBe(true);
      expect(
        a!.routes.every((r) => cat.routes.has(r)),
        id,
      ).toBe(true);
      // not a class the refractoriness rules or the chemotherapy cross-resistance know — except the AR-pathway
      // inhibitors, whose progression is selected and carried since 2026-12-04 (reference-regimens.ts)
      expect((REFRACTORY_CLASSES as readonly string[]).includes(a!.class), id).toBe(false);
      if (a!.clinical?.input === "targeted" && a!.clinical.pathway === "ar")
        expect(refractoryClass(id), id).toBe(ARPI_CLASS);
      else expect(refractoryClass(id), id).toBeNull();
    }
  });

  it("the label doses are the labels' (day's total for twice-daily oral agents)", () => {
    for (const [id, unit, usual] of LABEL) {
      const d = cat.agents.get(id)!.doses.find((x) => x.unit === unit);
      expect(d?.usual, `${id} ${unit}`).toBe(usual);
      expect(d!.max, `${id} ${unit}`).toBeGreaterThanOrEqual(usual);
    }
  });

  it("their modalities are not treatment options of the case evaluation (eligibility: false)", () => {
    for (const m of ["targeted-therapy", "hormone-therapy", "interferon"])
      expect(cat.modalities.get(m)?.eligibility, m).toBe(false);
  });

  it("the example protocols (sunitinib 4/2, everolimus daily, dabrafenib and crizotinib twice daily) validate and compile to one equivalent a day of their pathway", () => {
    for (const [f, agent, n, state, module] of [
      ["examples/protocols/sunitinib-50mg-4-2.yaml", "sunitinib", 6 * 28, "Xvegf", "targeted"],
      ["examples/protocols/everolimus-10mg-daily.yaml", "everolimus", 364, "Xmtor", "targeted"],
      ["trials/protocols/dabrafenib-150mg-bid-104w.yaml", "dabrafenib", 728, "Xbraf", "mapk"],
      ["trials/protocols/crizotinib-250mg-bid-104w.yaml", "crizotinib", 728, "Xalk", "alk"],
    ] as const) {
      const p = parseProtocol(readFileSync(path.join(ROOT, f), "utf8"), f);
      expect(validateProtocol(p), f).toEqual([]);
      const administrations = p.phases.flatMap((ph) => ph.steps).filter((s) => s.agent === agent);
      expect(administrations.length, f).toBeGreaterThan(0);
      const c = compileClinical(p, patient);
      expect(c.modules, f).toEqual([module]);
      expect(c.doses.length, f).toBe(n);
      expect(
        c.doses.every((d) => d.kind === "bolus" && d.state === state && d.amount === 1),
        f,
      ).toBe(true);
      expect(agentsWithoutEffect(p), f).toEqual([]);
      // sunitinib: 28 days on, 14 off (cycle starts 42 days apart); everolimus every day
      const days = p.phases.flatMap((ph) =>
        ph.steps.flatMap((s) => {
          const d = s.days as { every: number; count: number };
          return Array.from({ length: d.count }, (_, k) => ph.start_day + k * d.every);
        }),
      );
      expect(days.length, f).toBe(n);
    }
  });
});

// ---- a synthetic RCC trial (made-up arms and sizes): nivolumab, everolimus, erlotinib, no treatment, interferon alfa
const FILE = path.resolve("trials/synthetic-targeted.yaml"); // not read: the protocols are inline
const N = 60;
const TRIAL = `name: SYNTH-RCC-EVEROLIMUS
source: "synthetic (tests of src/population/targeted-agents.test.ts), not a published trial"
population:
  cancer: renal-cell-carcinoma
  refractory_to: [sunitinib]
arms:
  - name: nivolumab
    patients: ${N}
    protocol:
      name: nivolumab
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: nivolumab, dose: { value: 3, unit: mg/kg }, route: iv, days: { every: 14, count: 26 } }
  - name: everolimus
    patients: ${N}
    protocol:
      name: everolimus
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: everolimus, dose: { value: 10, unit: mg }, route: oral, days: { every: 1, count: 364 } }
  - name: erlotinib
    patients: ${N}
    protocol:
      name: erlotinib
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: erlotinib, dose: { value: 150, unit: mg }, route: oral, days: { every: 1, count: 364 } }
  - name: untreated
    patients: ${N}
    protocol:
      name: no treatment
      phases:
        - { name: observation, start_day: 0, steps: [] }
  - name: interferon
    patients: ${N}
    protocol:
      name: interferon alfa
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: interferon-alfa-2b, dose: { value: 9000000, unit: IU }, route: sc, days: { every: 2, count: 150 } }
assessment: { criteria: recist1.1, first_week: 8, every_weeks: 8, follow_up_weeks: 56, confirm: true }
`;

describe("a synthetic RCC trial with everolimus, erlotinib and interferon arms on the shipped population", () => {
  it("parses with warnings naming refractory_to and the erlotinib step (not errors)", () => {
    const t = parseTrial(TRIAL, FILE);
    const refr = t.warnings.find((w) => w.path === "population.refractory_to[0]");
    expect(refr?.message).toMatch(
      /^'sunitinib' \(VEGFR tyrosine kinase inhibitor\) is not a class whose refractoriness the model tests .*: progression on it is not used to select patients$/,
    );
    expect(refr?.line).toBe(5);
    expect(t.warnings.some((w) => /everolimus has no modelled effect/.test(w.message))).toBe(false);
    expect(t.warnings.some((w) => /interferon alfa-2b has no modelled effect/i.test(w.message))).toBe(false);
    // erlotinib acts only in EGFR-mutant tumours, and the renal-cell population has none
    const egfr = t.warnings.find((w) => w.path === "population.egfr");
    expect(egfr?.message).toMatch(
      /^not given: arm 'erlotinib' gives erlotinib, an EGFR tyrosine kinase inhibitor that acts only in EGFR-mutant tumours, and the model's renal-cell-carcinoma patients have none: it is simulated as if it were not given$/,
    );
    expect(t.document.population.egfr).toBeUndefined();
    expect(t.warnings.every((w) => w.severity === "warning")).toBe(true);
    // an agent with a modelled effect but no refractoriness rule is a warning of its own kind
    const il2 = parseTrial(TRIAL.replace("[sunitinib]", "[aldesleukin]"), FILE);
    expect(il2.warnings.find((w) => w.path === "population.refractory_to[0]")?.message).toMatch(
      /^'aldesleukin' \(IL-2\) is not a class whose refractoriness the model tests .*: progression on it is not used/,
    );
    // a class the model tests is not warned about
    const pd1 = parseTrial(TRIAL.replace("[sunitinib]", "[nivolumab]"), FILE);
    expect(pd1.warnings.some((w) => w.path === "population.refractory_to[0]")).toBe(false);
  });

  it("simulates to finite ORR and PFS; the erlotinib arm is the untreated arm (same patients), everolimus, interferon and nivolumab are not", async () => {
    const { vpop } = loadVpop(shippedVpopFile("renal-cell-carcinoma"));
    const r = await runTrial(parseTrial(TRIAL, FILE), populationSimulator(vpop, [], 1), {
      seed: 5,
      paired: true,
    });
    expect(r.arms.map((a) => a.name)).toEqual([
      "nivolumab",
      "everolimus",
      "erlotinib",
      "untreated",
      "interferon",
    ]);
    expectWellFormedArms(r, N);
    const [nivo, evero, erl, none, ifn] = r.arms;
    expect({ ...erl, name: "x" }).toEqual({ ...none, name: "x" });
    // the pairing alone does not make arms equal: the arms with an effect differ from no treatment
    expect(nivo.waterfall).not.toEqual(none.waterfall);
    expect(evero.waterfall).not.toEqual(none.waterfall);
    // everolimus slows growth (module targeted): later progression than without treatment, on the same patients
    expect(evero.PFS_6mo.value!).toBeGreaterThan(none.PFS_6mo.value!);
    // interferon alfa (module interferon) too
    expect(ifn.waterfall).not.toEqual(none.waterfall);
    expect(ifn.PFS_6mo.value!).toBeGreaterThan(none.PFS_6mo.value!);
    expect(r.warnings.some((w) => /'sunitinib' \(VEGFR/.test(w))).toBe(true);
    expect(
      r.warnings.some((w) =>
        /erlotinib, an EGFR tyrosine kinase inhibitor that acts only in EGFR-mutant/.test(w),
      ),
    ).toBe(true);
  }, 600_000);
});
