/**
 * A case record as a FHIR R4 collection Bundle with mCODE STU4 profiles. A profile is claimed only when the
 * resource has every element the profile requires (tested against the FHIR R4 JSON Schema and the mCODE STU4
 * package's profiles in fhir-export.test.ts); ids are valid FHIR ids, fullUrls are name-based urn:uuid UUIDs and
 * every reference points at an entry of the Bundle.
 */
import type {
  Bundle,
  CodeableConcept,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Extension,
  Observation,
  Patient,
  Resource,
} from "@medplum/fhirtypes";
import type { CaseRecord, Source } from "./case-schema.js";
import { LOINC_CODES, MCODE, SNOMED, TNM_CODES } from "./fhir-codes.js";
import { exportImaging, exportTreatments, loinc, profile, type Ref } from "./fhir-export-history.js";
import { provenanceOf, sourceKey } from "./fhir-provenance.js";
import {
  concept,
  fhirDateTime,
  fhirId,
  IMMUNOPLAN_CODES,
  quantity,
  stableUuid,
  UCUM,
} from "./fhir-values.js";

export {
  DICOM_DCM,
  isCourseCode,
  LESION_SYSTEM,
  lesionDisplay,
  OTHER_TREATMENT_CODE,
  RT_COURSE_CODE,
} from "./fhir-export-history.js";
/** Identifier system of the case id on the Patient (mCODE CancerPatient requires an identifier). */
export const CASE_SYSTEM = "urn:immunoplan:case";
export const NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";
export const LANSKY_CODE = "C38144";

const TNM_CODE_OF = Object.fromEntries(
  Object.entries(TNM_CODES)
    .filter(([k]) => /^\d+$/.test(k))
    .map(([code, [kind, item]]) => [`${kind}|${item}`, code]),
);
const TNM_PROFILE: Record<string, string> = {
  "stage-group": "mcode-tnm-stage-group",
  T: "mcode-tnm-primary-tumor-category",
  N: "mcode-tnm-regional-nodes-category",
  M: "mcode-tnm-distant-metastases-category",
};

const category = (system: string, code: string): CodeableConcept => ({ coding: [{ system, code }] });
const OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
const COND_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
const when = (d: string | undefined) => {
  const t = fhirDateTime(d);
  return t ? { effectiveDateTime: t } : {};
};

/**
 * Exports a case record as a FHIR R4 collection Bundle with mCODE STU4 profiles, and the source of every value as
 * Provenance resources. `recorded` (the Provenance's required instant) is the time of the export unless given.
 */
export function exportBundle(c: CaseRecord, options: { readonly recorded?: Date } = {}): Bundle {
  const recorded = (options.recorded ?? new Date()).toISOString();
  const entries: { fullUrl: string; resource: Resource }[] = [];
  let n = 0;
  const caseSlug = fhirId(c.id).slice(0, 40);
  // the resources holding values of each source, for its Provenance (fhir-provenance.ts)
  const bySource = new Map<string, { source: Source; targets: Ref[] }>();
  const add = <R extends Resource>(r: R, kind: string, source?: Source): Ref => {
    const id = r.id ?? fhirId(kind, caseSlug, ++n);
    const fullUrl = `urn:uuid:${stableUuid(`${c.id}|${r.resourceType}/${id}`)}`;
    entries.push({ fullUrl, resource: { ...r, id } });
    const ref = { reference: fullUrl };
    if (source) {
      const key = sourceKey(source);
      const held = bySource.get(key) ?? { source, targets: [] };
      held.targets.push(ref);
      bySource.set(key, held);
    }
    return ref;
  };
  const p = c.patient;
  const names = p.name?.trim().split(/\s+/).filter(Boolean) ?? [];
  const contactSystem = (v: string) =>
    v.includes("@") ? "email" : /^[+\d][\d\s()./-]+$/.test(v) ? "phone" : "other";
  const patient: Patient = {
    resourceType: "Patient",
    id: fhirId("patient", caseSlug),
    // mCODE CancerPatient requires an identifier, a name and the gender: claimed only with all three
    ...profile("mcode-cancer-patient", names.length > 0 && p.sex !== undefined),
    identifier: [{ system: CASE_SYSTEM, value: c.id }],
    ...(names.length
      ? {
          name: [
            {
              text: p.name!.trim(),
              ...(names.length > 1 ? { given: names.slice(0, -1) } : {}),
              family: names[names.length - 1],
            },
          ],
        }
      : {}),
    ...(p.sex ? { gender: p.sex } : {}),
    ...(p.birthDate && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(p.birthDate) ? { birthDate: p.birthDate } : {}),
    ...(p.country ? { address: [{ country: p.country }] } : {}),
    ...(p.language
      ? { communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: p.language }] } }] }
      : {}),
    ...(p.contact ? { telecom: [{ system: contactSystem(p.contact), value: p.contact }] } : {}),
  };
  const subject = add(patient, "patient", p.source);
  const problem = category(COND_CATEGORY, "problem-list-item");

  let primaryRef: Ref | undefined;
  const cancers = [...c.cancers].sort((a, b) => (a.role === b.role ? 0 : a.role === "primary" ? -1 : 1));
  for (const k of cancers) {
    const code = concept([k.code, ...(k.otherCodes ?? [])]);
    const histology = concept([k.histology]);
    const laterality = concept([k.laterality]);
    const site = concept([k.bodySite]);
    const related: Extension[] =
      k.role === "secondary" && primaryRef
        ? [{ url: "http://hl7.org/fhir/StructureDefinition/condition-related", valueReference: primaryRef }]
        : [];
    const cond: Condition = {
      resourceType: "Condition",
      ...profile(`mcode-${k.role}-cancer-condition`, code !== undefined),
      ...(histology || related.length
        ? {
            extension: [
              ...(histology
                ? [{ url: `${MCODE}mcode-histology-morphology-behavior`, valueCodeableConcept: histology }]
                : []),
              ...related,
            ],
          }
        : {}),
      category: [problem],
      code: code ?? { text: "cancer" },
      subject,
      ...(site
        ? {
            bodySite: [
              {
                ...site,
                ...(laterality
                  ? {
                      extension: [
                        { url: `${MCODE}mcode-laterality-qualifier`, valueCodeableConcept: laterality },
                      ],
                    }
                  : {}),
              },
            ],
          }
        : {}),
      ...(fhirDateTime(k.onset) ? { onsetDateTime: fhirDateTime(k.onset) } : {}),
    };
    const ref = add(cond, "condition", k.source);
    if (k.role === "primary" && !primaryRef) primaryRef = ref;
  }

  const obs = (o: Omit<Observation, "resourceType" | "status" | "subject">, kind: string, source: Source) =>
    add<Observation>({ resourceType: "Observation", status: "final", subject, ...o }, kind, source);

  for (const s of c.staging) {
    const method = concept([s.method]);
    const value = concept([s.value]);
    // TNM profiles require the cancer (focus) and the staging system (method)
    const complete = method !== undefined && primaryRef !== undefined && value !== undefined;
    obs(
      {
        ...profile(TNM_PROFILE[s.item], complete),
        category: [category(OBS_CATEGORY, s.kind === "clinical" ? "exam" : "laboratory")],
        code: { coding: [{ system: SNOMED, code: TNM_CODE_OF[`${s.kind}|${s.item}`] }] },
        ...(primaryRef ? { focus: [primaryRef] } : {}),
        ...(method ? { method } : {}),
        ...(value ? { valueCodeableConcept: value } : {}),
        ...when(s.date),
      },
      "tnm",
      s.source,
    );
  }
  for (const pf of c.performance) {
    const code =
      pf.scale === "ECOG"
        ? loinc(LOINC_CODES.ecog)
        : pf.scale === "Karnofsky"
          ? loinc(LOINC_CODES.karnofsky)
          : { coding: [{ system: NCIT, code: LANSKY_CODE, display: "Lansky Play-Performance Status" }] };
    const name = pf.scale === "Lansky" ? "lansky-play" : pf.scale.toLowerCase();
    obs(
      {
        ...profile(`mcode-${name}-performance-status`, Number.isInteger(pf.value)),
        category: [category(OBS_CATEGORY, "survey")],
        code,
        ...(Number.isInteger(pf.value)
          ? { valueInteger: pf.value }
          : { valueQuantity: quantity(pf.value, "{score}") }),
        ...when(pf.date),
      },
      "performance",
      pf.source,
    );
  }
  for (const b of c.biomarkers) {
    const value =
      typeof b.value === "number"
        ? { valueQuantity: quantity(b.value, b.unit) }
        : b.value !== undefined && b.value !== ""
          ? { valueCodeableConcept: { text: b.value } }
          : {};
    obs(
      {
        // TumorMarkerTest requires the laboratory category and a value
        ...profile("mcode-tumor-marker-test", Object.keys(value).length > 0),
        category: [category(OBS_CATEGORY, "laboratory"), category(IMMUNOPLAN_CODES, "biomarker")],
        code: concept([b.code], b.name) ?? { text: "biomarker" },
        ...value,
        ...(b.assay ? { method: { text: b.assay } } : {}),
        ...(b.scoreType
          ? {
              component: [
                {
                  code: { coding: [{ system: IMMUNOPLAN_CODES, code: "score-type" }], text: "score type" },
                  valueString: b.scoreType,
                },
              ],
            }
          : {}),
        ...when(b.date),
      },
      "biomarker",
      b.source,
    );
  }
  const vital = [category(OBS_CATEGORY, "vital-signs")];
  for (const w of c.weights)
    obs(
      {
        category: vital,
        code: loinc(LOINC_CODES.bodyWeight, "Body weight"),
        valueQuantity: { value: w.kg, unit: "kg", system: UCUM, code: "kg" },
        ...when(w.date),
      },
      "weight",
      w.source,
    );
  for (const h of c.heights)
    obs(
      {
        category: vital,
        code: loinc(LOINC_CODES.bodyHeight, "Body height"),
        valueQuantity: { value: h.cm, unit: "cm", system: UCUM, code: "cm" },
        ...when(h.date),
      },
      "height",
      h.source,
    );
  for (const l of c.labs) {
    const range = {
      ...(l.referenceLow !== undefined ? { low: quantity(l.referenceLow, l.unit) } : {}),
      ...(l.referenceHigh !== undefined ? { high: quantity(l.referenceHigh, l.unit) } : {}),
    };
    obs(
      {
        category: [category(OBS_CATEGORY, "laboratory")],
        // the lab's name is the text: the display of a LOINC code is not the name the report used
        code: concept([l.code], l.name) ?? { text: "lab" },
        ...(l.value !== undefined
          ? { valueQuantity: quantity(l.value, l.unit) }
          : l.text
            ? { valueString: l.text }
            : {}),
        ...(Object.keys(range).length ? { referenceRange: [range] } : {}),
        ...when(l.date),
      },
      "lab",
      l.source,
    );
  }
  for (const d of c.diseaseStatus)
    obs(
      {
        ...profile("mcode-cancer-disease-status", concept([d.value]) !== undefined),
        code: loinc(LOINC_CODES.diseaseStatus),
        ...(concept([d.value]) ? { valueCodeableConcept: concept([d.value]) } : {}),
        ...when(d.date),
      },
      "disease-status",
      d.source,
    );
  if (c.hlaTyping && (c.hlaTyping.alleles.length || c.hlaTyping.kirGenes?.length)) {
    const comp = (code: string, text: string, v: string) => ({
      code: { coding: [{ system: IMMUNOPLAN_CODES, code }], text },
      valueString: v,
    });
    obs(
      {
        category: [category(OBS_CATEGORY, "laboratory")],
        code: { coding: [{ system: IMMUNOPLAN_CODES, code: "hla-typing" }], text: "HLA class I typing" },
        component: [
          ...c.hlaTyping.alleles.map((a) => comp("hla-allele", "HLA allele", a)),
          ...(c.hlaTyping.kirGenes ?? []).map((g) => comp("kir-gene", "KIR gene", g)),
        ],
        ...when(c.hlaTyping.date),
      },
      "hla",
      c.hlaTyping.source,
    );
  }
  exportImaging(c, add, obs, subject);
  exportTreatments(c, add, subject);
  for (const cond of c.conditions) {
    add<Condition>(
      {
        resourceType: "Condition",
        category: [problem, { coding: [{ system: IMMUNOPLAN_CODES, code: cond.category }] }],
        code: concept([cond.code], cond.text) ?? { text: cond.text },
        subject,
        ...(cond.active !== undefined
          ? {
              clinicalStatus: {
                coding: [
                  {
                    system: "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    code: cond.active ? "active" : "resolved",
                  },
                ],
              },
            }
          : {}),
        ...(fhirDateTime(cond.date) ? { onsetDateTime: fhirDateTime(cond.date) } : {}),
      },
      "condition",
      cond.source,
    );
  }
  for (const pa of c.pathology)
    add<DiagnosticReport>(
      {
        resourceType: "DiagnosticReport",
        status: "final",
        category: [category("http://terminology.hl7.org/CodeSystem/v2-0074", "SP")],
        code: concept([pa.code], "Pathology report") ?? { text: "Pathology report" },
        subject,
        ...when(pa.date),
        ...(pa.report ? { conclusion: pa.report } : {}),
      },
      "pathology",
      pa.source,
    );
  for (const d of c.documents)
    add<DocumentReference>(
      {
        resourceType: "DocumentReference",
        status: "current",
        type: { text: d.type },
        subject,
        content: [
          {
            attachment: {
              ...(d.contentType ? { contentType: d.contentType } : {}),
              ...(d.title ? { title: d.title } : {}),
              ...(fhirDateTime(d.date) ? { creation: fhirDateTime(d.date) } : {}),
            },
          },
        ],
      },
      "document",
      d.source,
    );
  // where the values came from: one Provenance per source, naming the resources that hold its values
  for (const { source, targets } of bySource.values())
    add(provenanceOf(source, targets, recorded), "provenance");
  return { resourceType: "Bundle", type: "collection", entry: entries };
}
