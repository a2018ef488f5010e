import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Condition,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
  Resource,
} from "@medplum/fhirtypes";
import type { CaseRecord, Coding } from "./case-schema.js";
import { LOINC, LOINC_CODES, MCODE, SNOMED, TNM_CODES } from "./fhir-codes.js";

const cc = (c: Coding | undefined): CodeableConcept | undefined =>
  c
    ? {
        coding: [{ system: c.system, code: c.code, display: c.display }].map((x) =>
          Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)),
        ),
      }
    : undefined;
const loinc = (code: string, display?: string): CodeableConcept => ({
  coding: [{ system: LOINC, code, ...(display ? { display } : {}) }],
});
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

/** Exports a case record as a FHIR R4 collection Bundle with mCODE STU4 / US Core profiles. */
/** Identifier system of Immunoplan's lesion ids in TumorSize.focus. */
export const LESION_SYSTEM = "urn:immunoplan:lesion";

/** "target lesion, nodal: subcarinal node" — role, nodal and location, read back by the importer. */
export function lesionDisplay(l: { role: string; nodal: boolean; location?: string }): string {
  return `${l.role} lesion, ${l.nodal ? "nodal" : "non-nodal"}${l.location ? `: ${l.location}` : ""}`;
}

export function exportBundle(c: CaseRecord): Bundle {
  const entries: Resource[] = [];
  const pid = `patient-${c.id}`;
  const subject = { reference: `Patient/${pid}` };
  let n = 0;
  const id = (kind: string) => `${kind}-${c.id}-${++n}`;
  const patient: Patient = {
    resourceType: "Patient",
    id: pid,
    meta: { profile: [`${MCODE}mcode-cancer-patient`] },
    ...(c.patient.name
      ? {
          name: [
            {
              text: c.patient.name,
              given: c.patient.name.split(" ").slice(0, -1),
              family: c.patient.name.split(" ").slice(-1)[0],
            },
          ],
        }
      : {}),
    ...(c.patient.sex ? { gender: c.patient.sex } : {}),
    ...(c.patient.birthDate ? { birthDate: c.patient.birthDate } : {}),
    ...(c.patient.country ? { address: [{ country: c.patient.country }] } : {}),
    ...(c.patient.language
      ? {
          communication: [
            { language: { coding: [{ system: "urn:ietf:bcp:47", code: c.patient.language }] } },
          ],
        }
      : {}),
    ...(c.patient.contact ? { telecom: [{ value: c.patient.contact }] } : {}),
  };
  entries.push(patient);
  for (const k of c.cancers) {
    const cond: Condition = {
      resourceType: "Condition",
      id: id("condition"),
      meta: { profile: [`${MCODE}mcode-${k.role}-cancer-condition`] },
      subject,
      code: cc(k.code),
      ...(k.histology
        ? {
            extension: [
              { url: `${MCODE}mcode-histology-morphology-behavior`, valueCodeableConcept: cc(k.histology) },
            ],
          }
        : {}),
      ...(k.bodySite ? { bodySite: [cc(k.bodySite)!] } : {}),
      ...(k.onset ? { onsetDateTime: k.onset } : {}),
    };
    entries.push(cond);
  }
  const obs = (o: Omit<Observation, "resourceType" | "status" | "subject">): Observation => ({
    resourceType: "Observation",
    status: "final",
    subject,
    ...o,
  });
  for (const s of c.staging) {
    entries.push(
      obs({
        id: id("tnm"),
        meta: { profile: [`${MCODE}${TNM_PROFILE[s.item]}`] },
        code: { coding: [{ system: SNOMED, code: TNM_CODE_OF[`${s.kind}|${s.item}`] }] },
        valueCodeableConcept: cc(s.value),
        ...(s.date ? { effectiveDateTime: s.date } : {}),
      }),
    );
  }
  for (const p of c.performance) {
    const code =
      p.scale === "ECOG" ? LOINC_CODES.ecog : p.scale === "Karnofsky" ? LOINC_CODES.karnofsky : undefined;
    entries.push(
      obs({
        id: id("performance"),
        meta: { profile: [`${MCODE}mcode-${p.scale.toLowerCase()}-performance-status`] },
        code: code ? loinc(code) : { text: `${p.scale} performance status` },
        valueInteger: p.value,
        ...(p.date ? { effectiveDateTime: p.date } : {}),
      }),
    );
  }
  for (const b of c.biomarkers) {
    const value =
      typeof b.value === "number"
        ? { valueQuantity: { value: b.value, ...(b.unit ? { code: b.unit } : {}) } }
        : b.value !== undefined
          ? { valueCodeableConcept: { text: b.value, coding: [{ display: b.value }] } }
          : {};
    entries.push(
      obs({
        id: id("biomarker"),
        meta: { profile: [`${MCODE}mcode-tumor-marker-test`] },
        code: cc(b.code) ?? { text: b.name },
        ...value,
        ...(b.date ? { effectiveDateTime: b.date } : {}),
      }),
    );
  }
  for (const w of c.weights)
    entries.push(
      obs({
        id: id("weight"),
        code: loinc(LOINC_CODES.bodyWeight, "Body weight"),
        valueQuantity: { value: w.kg, unit: "kg", system: "http://unitsofmeasure.org", code: "kg" },
        ...(w.date ? { effectiveDateTime: w.date } : {}),
      }),
    );
  for (const h of c.heights)
    entries.push(
      obs({
        id: id("height"),
        code: loinc(LOINC_CODES.bodyHeight, "Body height"),
        valueQuantity: { value: h.cm, unit: "cm", system: "http://unitsofmeasure.org", code: "cm" },
        ...(h.date ? { effectiveDateTime: h.date } : {}),
      }),
    );
  for (const l of c.labs) {
    entries.push(
      obs({
        id: id("lab"),
        meta: { profile: ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"] },
        category: [
          {
            coding: [
              { system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" },
            ],
          },
        ],
        code: cc(l.code) ?? { text: l.name },
        ...(l.value !== undefined
          ? { valueQuantity: { value: l.value, ...(l.unit ? { code: l.unit } : {}) } }
          : l.text
            ? { valueCodeableConcept: { coding: [{ display: l.text }] } }
            : {}),
        ...(l.referenceLow !== undefined || l.referenceHigh !== undefined
          ? {
              referenceRange: [
                {
                  ...(l.referenceLow !== undefined
                    ? { low: { value: l.referenceLow, ...(l.unit ? { code: l.unit } : {}) } }
                    : {}),
                  ...(l.referenceHigh !== undefined
                    ? { high: { value: l.referenceHigh, ...(l.unit ? { code: l.unit } : {}) } }
                    : {}),
                },
              ],
            }
          : {}),
        ...(l.date ? { effectiveDateTime: l.date } : {}),
      }),
    );
  }
  for (const d of c.diseaseStatus)
    entries.push(
      obs({
        id: id("disease-status"),
        meta: { profile: [`${MCODE}mcode-cancer-disease-status`] },
        code: loinc(LOINC_CODES.diseaseStatus),
        valueCodeableConcept: cc(d.value),
        ...(d.date ? { effectiveDateTime: d.date } : {}),
      }),
    );
  for (const im of c.imaging) {
    for (const les of im.lesions) {
      if (les.diameterMm === undefined) continue;
      entries.push(
        obs({
          id: id("tumor-size"),
          meta: { profile: [`${MCODE}mcode-tumor-size`] },
          code: loinc(LOINC_CODES.tumorSize, "Size Tumor"),
          // the lesion's identity across scans (RECIST needs the same lesion at every time point)
          focus: [
            {
              identifier: { system: LESION_SYSTEM, value: les.id },
              display: lesionDisplay(les),
            },
          ],
          component: [
            {
              code: loinc(LOINC_CODES.tumorLongestDimension),
              valueQuantity: {
                value: les.diameterMm,
                unit: "mm",
                system: "http://unitsofmeasure.org",
                code: "mm",
              },
            },
          ],
          ...(im.date ? { effectiveDateTime: im.date } : {}),
        }),
      );
    }
  }
  for (const t of c.treatments) {
    if (t.kind === "medication") {
      const m: MedicationRequest = {
        resourceType: "MedicationRequest",
        id: id("medication"),
        meta: { profile: [`${MCODE}mcode-cancer-related-medication-request`] },
        status: (t.status as MedicationRequest["status"]) ?? "completed",
        intent: "order",
        subject,
        medicationCodeableConcept: cc(t.code) ?? { text: t.name },
        ...(t.start ? { authoredOn: t.start } : {}),
      };
      entries.push(m);
    } else if (t.kind === "surgery" || t.kind === "radiotherapy") {
      const p: Procedure = {
        resourceType: "Procedure",
        id: id("procedure"),
        meta: {
          profile: [
            `${MCODE}${t.kind === "surgery" ? "mcode-cancer-related-surgical-procedure" : "mcode-radiotherapy-course-summary"}`,
          ],
        },
        status: (t.status as Procedure["status"]) ?? "completed",
        subject,
        code: cc(t.code) ?? { text: t.name },
        ...(t.start && t.end
          ? { performedPeriod: { start: t.start, end: t.end } }
          : t.start
            ? { performedDateTime: t.start }
            : {}),
      };
      entries.push(p);
    }
  }
  for (const cond of c.conditions) {
    entries.push({
      resourceType: "Condition",
      id: id("condition"),
      subject,
      code: cc(cond.code) ?? { text: cond.text },
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
    } as Condition);
  }
  return {
    resourceType: "Bundle",
    type: "collection",
    entry: entries.map((resource): BundleEntry => ({
      fullUrl: `urn:uuid:${resource.resourceType}-${resource.id}`,
      resource,
    })),
  };
}
