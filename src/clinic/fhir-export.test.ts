import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundleProblems } from "../test-support/fhir-validate.js";
import { loadCase } from "./case-file.js";
import { CaseSchema, type CaseRecord } from "./case-schema.js";
import { exportBundle } from "./fhir-export.js";
import { importBundle } from "./fhir-import.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DATA = path.resolve(ROOT, "../shared/research/data");
const json = (f: string) => JSON.parse(readFileSync(f, "utf8")) as unknown;
function allJsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? allJsonFiles(p) : f.endsWith(".json") ? [p] : [];
  });
}

describe("exported Bundles are valid FHIR R4 and mCODE STU4", () => {
  it("every example of shared/research/data, imported and exported, passes the R4 schema, the R4 rules and the claimed profiles", () => {
    const files = [
      ...allJsonFiles(path.join(DATA, "mcode-stu4-ig-examples")),
      ...allJsonFiles(path.join(DATA, "mcode-trial-matching-patients")),
      ...allJsonFiles(path.join(DATA, "mcode-extraction-framework-fixtures")),
    ].filter((f) => typeof (json(f) as { resourceType?: unknown })?.resourceType === "string");
    expect(files.length).toBeGreaterThan(170);
    const problems: string[] = [];
    let profiled = 0;
    for (const f of files) {
      const bundle = exportBundle(importBundle(json(f), `case ${path.basename(f)}`).case);
      profiled += bundle.entry!.filter((e) => e.resource?.meta?.profile?.length).length;
      problems.push(...bundleProblems(bundle).map((p) => `${path.basename(f)}: ${p}`));
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(profiled).toBeGreaterThan(100);
  });

  it("the shipped example cases export valid Bundles", () => {
    for (const f of readdirSync(path.join(ROOT, "examples/cases"))) {
      const c = loadCase(path.join(ROOT, "examples/cases", f));
      expect(bundleProblems(exportBundle(c)), f).toEqual([]);
    }
  });

  it("the checker finds what the issue found: bad ids, qty-3, missing profile elements, dangling references", () => {
    const bad = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          fullUrl: "urn:uuid:Patient-patient-my case_1",
          resource: {
            resourceType: "Patient",
            id: "patient-my case_1",
            meta: { profile: ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient"] },
          },
        },
        {
          fullUrl: "urn:uuid:0b5c5a38-3a8e-4d8a-9c59-3c3e1f7f3a11",
          resource: {
            resourceType: "Observation",
            id: "x".repeat(70),
            status: "final",
            code: { text: "PD-L1" },
            subject: { reference: "Patient/nobody" },
            valueQuantity: { value: 60, code: "%" },
          },
        },
      ],
    };
    const p = bundleProblems(bad).join("\n");
    expect(p).toMatch(/fullUrl urn:uuid:Patient-patient-my case_1 is not a urn:uuid/);
    expect(p).toMatch(/Patient\/patient-my case_1: id is not/);
    expect(p).toMatch(/Observation\/x{70}: id is not/);
    expect(p).toMatch(/qty-3/);
    expect(p).toMatch(/Patient.identifier: required/);
    expect(p).toMatch(/Patient.gender: required/);
    expect(p).toMatch(/reference Patient\/nobody does not resolve/);
  });

  it("awkward case ids and values still give valid ids, Quantities and dates", () => {
    const c = CaseSchema.parse({
      id: `my case_1 ${"long".repeat(30)}`,
      patient: { name: "Ada", source: { kind: "manual" } },
      performance: [{ scale: "Lansky", value: 70, date: "2024-03-01T10:00", source: { kind: "manual" } }],
      biomarkers: [
        {
          name: "PD-L1",
          code: {},
          value: 60,
          unit: "%",
          assay: "22C3",
          scoreType: "TPS",
          source: { kind: "manual" },
        },
        { name: "TMB", code: {}, value: 12, unit: "mut/Mb", source: { kind: "manual" } },
        { name: "HER2", code: {}, source: { kind: "manual" } },
      ],
      staging: [{ kind: "clinical", item: "T", value: { display: "T2" }, source: { kind: "manual" } }],
      labs: [{ name: "ANC", code: {}, value: 1.2, unit: "×10^9/L", source: { kind: "manual" } }],
    });
    const b = exportBundle(c);
    expect(bundleProblems(b)).toEqual([]);
    const ids = b.entry!.map((e) => e.resource!.id!);
    expect(new Set(ids).size).toBe(ids.length);
    const lansky = b.entry!.find((e) => JSON.stringify(e.resource).includes("C38144"))!.resource!;
    expect(lansky.meta?.profile).toEqual([
      "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-lansky-play-performance-status",
    ]);
    // no gender → no CancerPatient claim; no primary cancer and no staging system → no TNM claim
    expect(b.entry![0].resource!.meta).toBeUndefined();
    expect(b.entry!.find((e) => JSON.stringify(e.resource).includes("T2"))!.resource!.meta).toBeUndefined();
  });

  it("random records export valid Bundles (fuzzed)", () => {
    const text = fc.string({ minLength: 1, maxLength: 30 });
    const src = { kind: "manual" as const };
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: undefined }),
        fc.constantFrom("female", "male", "other", "unknown", undefined),
        fc.array(fc.record({ name: text, value: fc.double({ min: 0, max: 1e6, noNaN: true }), unit: text }), {
          maxLength: 3,
        }),
        fc.array(fc.record({ name: text, value: fc.oneof(text, fc.integer({ min: 0, max: 100 })) }), {
          maxLength: 3,
        }),
        (id, name, sex, labs, markers) => {
          const c = CaseSchema.parse({
            id,
            patient: { name, sex, source: src },
            labs: labs.map((l) => ({ ...l, code: {}, source: src })),
            biomarkers: markers.map((m) => ({ ...m, code: {}, source: src })),
            cancers: [
              { role: "primary", code: { system: "http://snomed.info/sct", code: "254637007" }, source: src },
            ],
          });
          expect(bundleProblems(exportBundle(c))).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** The record without sources (an import names the resources it read) and without undefined fields. */
function content(c: CaseRecord): unknown {
  const strip = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(strip)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([k, v]) => k !== "source" && v !== undefined)
              .map(([k, v]) => [k, strip(v)]),
          )
        : x;
  return strip(c);
}

describe("the FHIR round trip keeps what the record holds", () => {
  const src = { kind: "document" as const, ref: "doc-1", page: 2 };
  const record = CaseSchema.parse({
    id: "rt",
    patient: {
      name: "Ada King",
      sex: "female",
      birthDate: "1961-04-02",
      language: "en",
      contact: "ada@example.org",
      source: src,
    },
    weights: [{ kg: 61.5, date: "2024-03-01", source: src }],
    heights: [{ cm: 168, date: "2024-03-01", source: src }],
    cancers: [
      {
        role: "primary",
        code: { system: "http://snomed.info/sct", code: "254637007", display: "Non-small cell lung cancer" },
        otherCodes: [
          {
            system: "http://hl7.org/fhir/sid/icd-10-cm",
            code: "C34.90",
            display: "Malignant neoplasm of lung",
          },
        ],
        histology: { system: "http://snomed.info/sct", code: "35917007", display: "Adenocarcinoma" },
        bodySite: { system: "http://snomed.info/sct", code: "39607008", display: "Lung structure" },
        laterality: { system: "http://snomed.info/sct", code: "7771000", display: "Left" },
        onset: "2023-11-02",
        source: src,
      },
    ],
    staging: [
      {
        kind: "clinical",
        item: "stage-group",
        value: { system: "http://snomed.info/sct", code: "1222806003", display: "AJCC stage IVA" },
        method: { system: "http://snomed.info/sct", code: "897275008", display: "AJCC 8th edition" },
        date: "2023-11-20",
        source: src,
      },
    ],
    biomarkers: [
      {
        name: "PD-L1",
        code: { system: "http://loinc.org", code: "85147-7", display: "PD-L1" },
        value: 60,
        unit: "%",
        assay: "22C3",
        scoreType: "TPS",
        date: "2023-11-10",
        source: src,
      },
      {
        name: "EGFR",
        code: { system: "http://loinc.org", code: "21667-1", display: "EGFR" },
        value: "not detected",
        source: src,
      },
    ],
    hlaTyping: {
      alleles: ["A*02:01", "B*44:02", "C*05:01"],
      kirGenes: ["KIR2DL1"],
      date: "2024-01-05",
      source: src,
    },
    performance: [{ scale: "ECOG", value: 1, date: "2024-03-01", source: src }],
    labs: [
      {
        name: "Absolute neutrophil count",
        code: { system: "http://loinc.org", code: "751-8", display: "Neutrophils [#/volume] in Blood" },
        value: 1.2,
        unit: "10*9/L",
        referenceLow: 1.5,
        referenceHigh: 7.5,
        date: "2024-03-01",
        source: src,
      },
    ],
    imaging: [
      {
        date: "2024-02-28",
        modality: "CT",
        bodySite: "chest, abdomen",
        report: "two target lesions",
        lesions: [
          {
            id: "L1",
            role: "target",
            nodal: false,
            diameterMm: 32,
            organ: "lung",
            location: "left upper lobe",
          },
          {
            id: "N1",
            role: "target",
            nodal: true,
            diameterMm: 18,
            organ: "lymph node",
            location: "subcarinal",
          },
          { id: "B1", role: "non-target", nodal: false, state: "present", organ: "bone" },
        ],
        source: src,
      },
      {
        date: "2024-01-10",
        modality: "MRI",
        bodySite: "brain",
        report: "no metastases",
        lesions: [],
        source: src,
      },
    ],
    treatments: [
      {
        kind: "medication",
        name: "carboplatin + pemetrexed",
        code: {
          system: "http://www.nlm.nih.gov/research/umls/rxnorm",
          code: "40048",
          display: "carboplatin",
        },
        start: "2023-12-01",
        end: "2024-02-15",
        status: "stopped",
        bestResponse: "PR",
        reasonStopped: "progression",
        toxicities: ["neutropenia"],
        source: src,
      },
      {
        kind: "radiotherapy",
        name: "SBRT to the adrenal",
        start: "2024-01-03",
        end: "2024-01-10",
        status: "completed",
        bestResponse: "SD",
        source: src,
      },
      { kind: "surgery", name: "wedge resection", start: "2023-11-05", status: "completed", source: src },
      { kind: "other", name: "pleural drainage", start: "2024-01-20", status: "completed", source: src },
    ],
    conditions: [
      { category: "autoimmune", text: "psoriasis", active: true, source: src },
      {
        category: "systemic-steroids",
        text: "prednisone 15 mg/day",
        active: true,
        date: "2024-02-01",
        source: src,
      },
      { category: "comorbidity", text: "hypertension", source: src },
    ],
    pathology: [{ report: "adenocarcinoma, TTF-1 positive", date: "2023-11-06", source: src }],
  });

  it("export → import gives the same record, value for value", () => {
    const bundle = exportBundle(record);
    expect(bundleProblems(bundle)).toEqual([]);
    const { case: back, report } = importBundle(JSON.parse(JSON.stringify(bundle)), "rt");
    expect(report.invalid).toEqual([]);
    expect(report.ignored).toEqual([]);
    expect(content(back)).toEqual(content(record));
  });

  it("HLA typing, treatment end and best response, imaging modality and lab names survive", () => {
    const back = importBundle(exportBundle(record), "rt").case;
    expect(back.hlaTyping?.alleles).toEqual(["A*02:01", "B*44:02", "C*05:01"]);
    expect(back.treatments[0]).toMatchObject({
      end: "2024-02-15",
      bestResponse: "PR",
      reasonStopped: "progression",
    });
    expect(back.imaging.map((i) => i.modality)).toEqual(["CT", "MRI"]);
    expect(back.labs[0].name).toBe("Absolute neutrophil count");
  });
});
