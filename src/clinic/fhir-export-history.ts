/**
 * The history part of the exported Bundle (fhir-export.ts): imaging studies with the TumorSize observations of their
 * lesions, and prior treatments as MedicationRequest or Procedure, with the mCODE STU4 profiles they satisfy.
 */
import type {
  CodeableConcept,
  Extension,
  ImagingStudy,
  MedicationRequest,
  Observation,
  Procedure,
  Resource,
} from "@medplum/fhirtypes";
import type { CaseRecord, Coding, Source } from "./case-schema.js";
import { LOINC, LOINC_CODES, MCODE, SNOMED } from "./fhir-codes.js";
import { concept, fhirDateTime, immunoplanExtension, stableUuid, UCUM, uuidDicomUid } from "./fhir-values.js";

/** Identifier system of Immunoplan's lesion ids in TumorSize.focus. */
export const LESION_SYSTEM = "urn:immunoplan:lesion";
export const DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM";
/** mCODE RadiotherapyCourseSummary's required code (SNOMED: radiotherapy course of treatment). */
export const RT_COURSE_CODE = "1217123003";
/** SNOMED "therapeutic procedure": the category of treatments of kind "other". */
export const OTHER_TREATMENT_CODE = "277132007";

/** "target lesion, nodal: subcarinal node" — role, nodal and location, read back by the importer. */
export function lesionDisplay(l: { role: string; nodal: boolean; location?: string }): string {
  return `${l.role} lesion, ${l.nodal ? "nodal" : "non-nodal"}${l.location ? `: ${l.location}` : ""}`;
}

const DICOM_MODALITIES = new Set(["CT", "MR", "PT", "US", "CR", "DX", "MG", "NM", "XA", "RF", "OT"]);
const MODALITY_ALIASES: Record<string, string> = { MRI: "MR", PET: "PT", "PET-CT": "PT", "PET/CT": "PT" };

/** The meta.profile of an mCODE profile, when the resource has what it requires (`ok`). */
export const profile = (name: string, ok = true) => (ok ? { meta: { profile: [`${MCODE}${name}`] } } : {});
export const loinc = (code: string, display?: string): CodeableConcept => ({
  coding: [{ system: LOINC, code, ...(display ? { display } : {}) }],
});
const when = (d: string | undefined) => {
  const t = fhirDateTime(d);
  return t ? { effectiveDateTime: t } : {};
};
const stringExt = (name: string, v: string | undefined): Extension[] =>
  v ? [{ url: immunoplanExtension(name), valueString: v }] : [];

const MED_REQUEST_STATUS = ["active", "on-hold", "cancelled", "completed", "stopped", "draft", "unknown"];
const PROCEDURE_STATUS = [
  "preparation",
  "in-progress",
  "not-done",
  "on-hold",
  "stopped",
  "completed",
  "unknown",
];
const status = <T extends string>(s: string | undefined, allowed: string[], fallback: T): T =>
  (s && allowed.includes(s) ? s : fallback) as T;

export type Ref = { reference: string };
type Add = <R extends Resource>(r: R, kind: string, source?: Source) => Ref;
type Obs = (o: Omit<Observation, "resourceType" | "status" | "subject">, kind: string, source: Source) => Ref;

/** Each study as an ImagingStudy (date, modality, body part, report), each lesion as a TumorSize observation. */
export function exportImaging(c: CaseRecord, add: Add, obs: Obs, subject: Ref): void {
  for (const im of c.imaging) {
    const raw = im.modality?.trim().toUpperCase() ?? "";
    const dicom = MODALITY_ALIASES[raw] ?? raw;
    const modality = DICOM_MODALITIES.has(dicom) ? { system: DICOM_DCM, code: dicom } : undefined;
    const studyUid = stableUuid(`${c.id}|study|${im.date}|${im.modality ?? ""}|${c.imaging.indexOf(im)}`);
    const study = add<ImagingStudy>(
      {
        resourceType: "ImagingStudy",
        status: "available",
        subject,
        ...(fhirDateTime(im.date) ? { started: fhirDateTime(im.date) } : {}),
        ...(modality ? { modality: [modality] } : {}),
        ...(im.modality ? { procedureCode: [{ text: im.modality }] } : {}),
        ...(im.report ? { description: im.report } : {}),
        ...(modality && im.bodySite
          ? { series: [{ uid: uuidDicomUid(studyUid), modality, bodySite: { display: im.bodySite } }] }
          : im.bodySite
            ? { note: [{ text: `body part: ${im.bodySite}` }] }
            : {}),
      },
      "imaging",
      im.source,
    );
    for (const les of im.lesions) {
      const measured = les.diameterMm !== undefined;
      obs(
        {
          // TumorSize requires the longest dimension; lesions followed without a measurement carry no profile
          ...profile("mcode-tumor-size", measured),
          code: loinc(LOINC_CODES.tumorSize, "Size Tumor"),
          focus: [{ identifier: { system: LESION_SYSTEM, value: les.id }, display: lesionDisplay(les) }],
          ...(les.organ ? { bodySite: { text: les.organ } } : {}),
          ...(im.modality ? { method: { text: im.modality } } : {}),
          ...(les.state ? { valueCodeableConcept: { text: les.state } } : {}),
          ...(measured
            ? {
                component: [
                  {
                    code: loinc(LOINC_CODES.tumorLongestDimension),
                    valueQuantity: { value: les.diameterMm!, unit: "mm", system: UCUM, code: "mm" },
                  },
                ],
              }
            : {}),
          derivedFrom: [study],
          ...when(im.date),
        },
        "tumor-size",
        im.source,
      );
    }
  }
}

/** Prior treatments: medications as MedicationRequest, radiotherapy, surgery and others as Procedure. */
export function exportTreatments(c: CaseRecord, add: Add, subject: Ref): void {
  for (const t of c.treatments) {
    const extension = [
      ...stringExt("best-response", t.bestResponse),
      ...(t.toxicities ?? []).flatMap((x) => stringExt("toxicity", x)),
    ];
    const ext = extension.length ? { extension } : {};
    const reason = t.reasonStopped ? { text: t.reasonStopped } : undefined;
    const start = fhirDateTime(t.start);
    const end = fhirDateTime(t.end);
    if (t.kind === "medication") {
      const medication = concept([t.code], t.name) ?? { text: t.name };
      // the course's dates: authoredOn and the dosage's bounds (MedicationRequest keeps every status)
      add<MedicationRequest>(
        {
          resourceType: "MedicationRequest",
          ...profile("mcode-cancer-related-medication-request"),
          ...ext,
          status: status(t.status, MED_REQUEST_STATUS, "completed"),
          ...(reason ? { statusReason: reason } : {}),
          intent: "order",
          medicationCodeableConcept: medication,
          subject,
          ...(start ? { authoredOn: start } : {}),
          ...(start || end
            ? {
                dosageInstruction: [
                  {
                    timing: {
                      repeat: { boundsPeriod: { ...(start ? { start } : {}), ...(end ? { end } : {}) } },
                    },
                  },
                ],
              }
            : {}),
        },
        "medication",
        t.source,
      );
      continue;
    }
    const rt = t.kind === "radiotherapy";
    const code: CodeableConcept = rt
      ? {
          coding: [
            ...(concept([t.code])?.coding ?? []),
            {
              system: SNOMED,
              code: RT_COURSE_CODE,
              display: "Radiotherapy course of treatment (regime/therapy)",
            },
          ],
          text: t.name,
        }
      : (concept([t.code], t.name) ?? { text: t.name });
    add<Procedure>(
      {
        resourceType: "Procedure",
        ...(t.kind === "other"
          ? {}
          : profile(rt ? "mcode-radiotherapy-course-summary" : "mcode-cancer-related-surgical-procedure")),
        ...ext,
        status: status(t.status, PROCEDURE_STATUS, "completed"),
        ...(reason ? { statusReason: reason } : {}),
        ...(t.kind === "other"
          ? {
              category: {
                coding: [{ system: SNOMED, code: OTHER_TREATMENT_CODE, display: "Therapeutic procedure" }],
              },
            }
          : {}),
        code,
        subject,
        ...(start && end ? { performedPeriod: { start, end } } : start ? { performedDateTime: start } : {}),
      },
      "procedure",
      t.source,
    );
  }
}

/** The Coding of a radiotherapy course that only says "radiotherapy course" (the profile's fixed code). */
export const isCourseCode = (x: Coding): boolean => x.system === SNOMED && x.code === RT_COURSE_CODE;
