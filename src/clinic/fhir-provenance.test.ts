import type { Bundle, Provenance } from "@medplum/fhirtypes";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundleProblems } from "../test-support/fhir-validate.js";
import { CaseSchema, type CaseRecord, type Source } from "./case-schema.js";
import { exportBundle } from "./fhir-export.js";
import { importBundle } from "./fhir-import.js";

const report: Source = {
  kind: "document",
  ref: "3f2a9c1e-0d4b-4c1a-9a55-1b2c3d4e5f60",
  title: "pathology-ct-report.pdf",
  page: 2,
  by: "Dr. Clara Clinician",
};
const ct: Source = { kind: "document", ref: "doc-ct", title: "ct 2024-05-02.pdf", page: 1 };
const byHand: Source = { kind: "manual", by: "Cora Coordinator" };
const anonymous: Source = { kind: "manual" };
const outside: Source = { kind: "fhir", ref: "Observation/weight-7", path: "valueQuantity" };
const derived: Source = { kind: "derived", ref: "Observation/bsa", by: "Immunoplan dosing" };

/** A record with every section and every kind of source. */
const RECORD: CaseRecord = CaseSchema.parse({
  id: "provenance case",
  patient: { name: "Paula Path", sex: "female", birthDate: "1970-04-03", source: byHand },
  weights: [
    { kg: 68, date: "2024-05-01", source: report },
    { kg: 67, date: "2024-06-01", source: outside },
  ],
  heights: [{ cm: 172, date: "2024-05-01", source: report }],
  cancers: [
    {
      role: "primary",
      code: { system: "http://snomed.info/sct", code: "372244006", display: "Malignant melanoma of skin" },
      histology: { system: "http://terminology.hl7.org/CodeSystem/icd-o-3", code: "8720/3" },
      onset: "2023-01-10",
      source: report,
    },
  ],
  staging: [
    {
      kind: "clinical",
      item: "stage-group",
      value: { display: "IV" },
      method: { system: "http://snomed.info/sct", code: "897275008", display: "AJCC 8th edition" },
      date: "2024-05-01",
      source: report,
    },
  ],
  biomarkers: [
    {
      name: "PD-L1",
      code: { system: "http://loinc.org", code: "85147-9" },
      value: 60,
      unit: "%",
      date: "2024-05-01",
      source: { ...report, page: 3 },
    },
  ],
  hlaTyping: { alleles: ["A*02:01", "B*07:02"], source: anonymous },
  performance: [{ scale: "ECOG", value: 1, date: "2024-05-01", source: byHand }],
  labs: [
    {
      name: "Neutrophils",
      code: { system: "http://loinc.org", code: "751-8" },
      value: 3.4,
      unit: "10*9/L",
      date: "2024-05-01",
      source: derived,
    },
  ],
  imaging: [
    {
      date: "2024-05-02",
      modality: "CT",
      bodySite: "chest and abdomen",
      lesions: [
        { id: "L1", role: "target", nodal: false, diameterMm: 40, organ: "lung" },
        { id: "L2", role: "target", nodal: false, diameterMm: 25, organ: "liver" },
      ],
      source: ct,
    },
  ],
  treatments: [
    {
      kind: "medication",
      name: "nivolumab",
      start: "2023-02-01",
      end: "2024-03-01",
      status: "completed",
      bestResponse: "PR",
      reasonStopped: "progression",
      source: report,
    },
  ],
  conditions: [{ category: "autoimmune", text: "psoriasis", active: true, source: byHand }],
  pathology: [{ report: "melanoma, Breslow 2.1 mm", date: "2023-01-10", source: report }],
});

/** Every source of a record, by where it sits (e.g. "labs[0]"). */
function sources(c: CaseRecord): Record<string, unknown> {
  const out: [string, unknown][] = [];
  const walk = (x: unknown, at: string): void => {
    if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${at}[${i}]`));
    else if (x && typeof x === "object")
      for (const [k, v] of Object.entries(x)) {
        if (k === "source") out.push([at, v]);
        else walk(v, at ? `${at}.${k}` : k);
      }
  };
  walk(c, "");
  return Object.fromEntries(out);
}

const provenances = (b: Bundle) =>
  b.entry!.filter((e) => e.resource!.resourceType === "Provenance").map((e) => e.resource as Provenance);

describe("record sources in FHIR (Provenance)", () => {
  it("a round trip keeps every value's source: document and page, entered by, FHIR resource, derived", () => {
    const bundle = exportBundle(RECORD);
    const { case: back, report: r } = importBundle(JSON.parse(JSON.stringify(bundle)), RECORD.id);
    expect(r.invalid).toEqual([]);
    expect(r.ignored).toEqual([]);
    expect(sources(back)).toEqual(sources(RECORD));
    // every entry came back (the values themselves are compared in fhir.test.ts)
    for (const k of ["weights", "labs", "imaging", "treatments", "conditions", "pathology"] as const)
      expect(back[k]).toHaveLength(RECORD[k].length);
    expect(back.imaging[0].lesions).toHaveLength(2);
  });

  it("one Provenance per source, naming exactly the resources that hold its values; the Bundle stays valid R4", () => {
    const bundle = exportBundle(RECORD, { recorded: new Date("2026-11-30T09:00:00Z") });
    expect(bundleProblems(bundle)).toEqual([]);
    const provs = provenances(bundle);
    const distinct = new Set(Object.values(sources(RECORD)).map((s) => JSON.stringify(s)));
    expect(provs).toHaveLength(distinct.size);
    // every other resource is the target of exactly one Provenance
    const targets = provs.flatMap((p) => p.target.map((t) => t.reference));
    const others = bundle
      .entry!.filter((e) => e.resource!.resourceType !== "Provenance")
      .map((e) => e.fullUrl);
    expect([...targets].sort()).toEqual([...others].sort());
    // the report's page 2: weight, height, cancer, stage, treatment, pathology (not the PD-L1 of page 3)
    const p2 = provs.find((p) => p.entity?.[0].extension?.[0].valuePositiveInt === 2)!;
    const types = p2.target.map(
      (t) => bundle.entry!.find((e) => e.fullUrl === t.reference)!.resource!.resourceType,
    );
    expect(types.sort()).toEqual(
      [
        "Condition",
        "DiagnosticReport",
        "MedicationRequest",
        "Observation",
        "Observation",
        "Observation",
      ].sort(),
    );
    expect(p2.entity![0]).toMatchObject({
      role: "source",
      what: { identifier: { value: report.ref }, display: "pathology-ct-report.pdf" },
    });
    expect(p2.agent.map((a) => [a.type!.coding![0].code, a.who.display])).toEqual([
      ["author", "Dr. Clara Clinician"],
      ["assembler", "Immunoplan"],
    ]);
    expect(p2.recorded).toBe("2026-11-30T09:00:00.000Z");
    // the CT's lesions carry the study's source
    const ctProv = provs.find((p) => p.entity?.[0].what.identifier?.value === "doc-ct")!;
    expect(ctProv.target).toHaveLength(3); // the ImagingStudy and its two TumorSize observations
    // a derived value's entity is a derivation
    expect(provs.find((p) => p.entity?.[0].role === "derivation")!.entity![0].what.identifier!.value).toBe(
      "Observation/bsa",
    );
  });

  it("any sources survive the round trip, and the Bundle stays valid (fuzzed)", () => {
    const text = fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== "");
    const source = fc.record(
      {
        kind: fc.constantFrom("fhir", "document", "manual", "derived"),
        ref: text,
        path: text,
        title: text,
        page: fc.integer({ min: 1, max: 5000 }),
        by: text,
      },
      { requiredKeys: ["kind"] },
    );
    fc.assert(
      fc.property(fc.array(source, { minLength: 1, maxLength: 6 }), source, (sources_, patientSource) => {
        const c = CaseSchema.parse({
          id: "fuzzed sources",
          patient: { name: "A B", sex: "other", source: patientSource },
          weights: sources_.map((s, i) => ({ kg: 60 + i, date: "2024-05-01", source: s })),
        });
        const bundle = exportBundle(c, { recorded: new Date("2026-11-30T09:00:00Z") });
        expect(bundleProblems(bundle)).toEqual([]);
        expect(sources(importBundle(JSON.parse(JSON.stringify(bundle)), c.id).case)).toEqual(sources(c));
      }),
      { numRuns: 150 },
    );
  });

  it("the same record and time export the same Bundle", () => {
    const at = new Date("2026-11-30T09:00:00Z");
    expect(exportBundle(RECORD, { recorded: at })).toEqual(exportBundle(RECORD, { recorded: at }));
  });

  it("another system's Provenance gives the document it names and its author; without one the resource is the source", () => {
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        { fullUrl: "urn:uuid:p", resource: { resourceType: "Patient", id: "p", gender: "male" } },
        {
          fullUrl: "urn:uuid:d",
          resource: {
            resourceType: "DocumentReference",
            id: "letter",
            status: "current",
            content: [{ attachment: { title: "clinic letter" } }],
          },
        },
        {
          fullUrl: "urn:uuid:w",
          resource: {
            resourceType: "Observation",
            id: "w",
            status: "final",
            code: { coding: [{ system: "http://loinc.org", code: "29463-7" }] },
            valueQuantity: { value: 80, unit: "kg", system: "http://unitsofmeasure.org", code: "kg" },
            effectiveDateTime: "2024-01-02",
          },
        },
        {
          fullUrl: "urn:uuid:h",
          resource: {
            resourceType: "Observation",
            id: "h",
            status: "final",
            code: { coding: [{ system: "http://loinc.org", code: "8302-2" }] },
            valueQuantity: { value: 180, unit: "cm", system: "http://unitsofmeasure.org", code: "cm" },
            effectiveDateTime: "2024-01-02",
          },
        },
        {
          fullUrl: "urn:uuid:prov",
          resource: {
            resourceType: "Provenance",
            id: "prov",
            target: [{ reference: "urn:uuid:w" }, { reference: "Patient/p" }],
            recorded: "2024-01-03T10:00:00Z",
            agent: [{ type: { coding: [{ code: "author" }] }, who: { display: "Dr. Outside" } }],
            entity: [{ role: "source", what: { reference: "urn:uuid:d", display: "clinic letter" } }],
          },
        },
      ],
    };
    const { case: c, report: r } = importBundle(bundle, "outside");
    expect(r.ignored).toEqual([]);
    expect(r.read).toContainEqual({ ref: "Provenance/prov", as: "provenance (the source of 2 resources)" });
    const fromLetter = {
      kind: "document",
      ref: "DocumentReference/letter",
      title: "clinic letter",
      by: "Dr. Outside",
    };
    expect(c.weights[0].source).toEqual(fromLetter);
    expect(c.patient.source).toEqual(fromLetter);
    expect(c.heights[0].source).toEqual({ kind: "fhir", ref: "Observation/h" });
  });

  it("hostile Provenance never crashes the import and never gives an invalid source (fuzzed)", () => {
    const base = exportBundle(RECORD);
    fc.assert(
      fc.property(
        fc.record(
          {
            target: fc.anything(),
            agent: fc.anything(),
            entity: fc.oneof(
              fc.anything(),
              fc.constant([{ role: "source", what: { identifier: { value: 3 } } }]),
              fc.constant([
                {
                  extension: [
                    {
                      url: "https://immunoplan.example/fhir/StructureDefinition/source-page",
                      valuePositiveInt: -2,
                    },
                  ],
                  what: { display: 5 },
                },
              ]),
            ),
            activity: fc.oneof(
              fc.anything(),
              fc.constantFrom("document", "manual", "fhir", "derived", "nonsense").map((k) => ({
                coding: [
                  { system: "https://immunoplan.example/fhir/CodeSystem/immunoplan", code: `source-${k}` },
                ],
              })),
            ),
          },
          { requiredKeys: [] },
        ),
        fc.nat({ max: 30 }),
        (hostile, at) => {
          const entries = base.entry!.map((e) => ({ ...e }));
          const provs = entries.filter((e) => e.resource!.resourceType === "Provenance");
          const victim = provs[at % provs.length];
          // the targets stay (so the hostile fields are read), unless the fuzz replaces them
          victim.resource = { ...(victim.resource as Provenance), ...(hostile as object) } as Provenance;
          const { case: c } = importBundle({ ...base, entry: entries }, "fuzzed");
          expect(() => CaseSchema.parse(c)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});
