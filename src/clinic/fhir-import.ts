/**
 * A FHIR R4 Bundle (mCODE STU4 and US Core profiles; older mCODE versions where the codes agree) into a case
 * record. Never throws on bad content: everything not read is in the report, by resource id and path.
 */
import { CaseSchema, type CaseRecord, type Source } from "./case-schema.js";
import { isCourseCode, OTHER_TREATMENT_CODE } from "./fhir-export.js";
import { CONDITION_KEYWORDS, MCODE } from "./fhir-codes.js";
import { readObservation, type PendingLesion } from "./fhir-import-observation.js";
import { provenanceSources } from "./fhir-provenance.js";
import {
  codings,
  conceptText,
  effective,
  extensionStrings,
  firstCoding,
  hasProfile,
  isObj,
  list,
  str,
  type Json,
} from "./fhir-read.js";
import { IMMUNOPLAN_CODES, immunoplanExtension } from "./fhir-values.js";

/** What an import read, ignored and found invalid, by resource and path. */
export interface ImportReport {
  readonly read: { ref: string; as: string }[];
  readonly ignored: { ref: string; reason: string }[];
  readonly invalid: { ref: string; path: string; message: string }[];
}

/** Largest bundle accepted (entries); larger ones are reported, not read. */
export const MAX_ENTRIES = 20_000;

const CONDITION_CATEGORIES = [
  "autoimmune",
  "transplant",
  "systemic-steroids",
  "infection",
  "pregnancy",
  "comorbidity",
] as const;

/** Whether the input is a FHIR Bundle at all (the CLI and the API refuse anything else). */
export const isBundle = (input: unknown): boolean => isObj(input) && input.resourceType === "Bundle";

export function importBundle(input: unknown, caseId: string): { case: CaseRecord; report: ImportReport } {
  const report: ImportReport = { read: [], ignored: [], invalid: [] };
  const c: CaseRecord = CaseSchema.parse({ id: caseId, patient: { source: { kind: "manual" } } });
  let entries: { resource: unknown; fullUrl?: string; path: string }[] = [];
  if (isObj(input) && input.resourceType === "Bundle") {
    if (input.entry !== undefined && !Array.isArray(input.entry)) {
      report.invalid.push({ ref: "Bundle", path: "entry", message: "must be a list" });
    } else if (Array.isArray(input.entry)) {
      if (input.entry.length > MAX_ENTRIES) {
        report.invalid.push({
          ref: "Bundle",
          path: "entry",
          message: `${input.entry.length} entries: more than ${MAX_ENTRIES}; nothing read`,
        });
      } else {
        entries = input.entry.map((e, i) => ({
          resource: isObj(e) ? e.resource : undefined,
          fullUrl: isObj(e) ? str(e.fullUrl) : undefined,
          path: `entry[${i}].resource`,
        }));
      }
    }
  } else if (isObj(input) && typeof input.resourceType === "string") {
    entries = [{ resource: input, path: "" }];
  } else {
    report.invalid.push({
      ref: "(input)",
      path: "",
      message: "not a FHIR Bundle or resource (resourceType missing)",
    });
  }
  // references inside the Bundle: by fullUrl (urn:uuid:…) or Type/id
  const keys = new Map<string, string>();
  for (const e of entries) {
    if (!isObj(e.resource) || typeof e.resource.resourceType !== "string") continue;
    const ref = `${e.resource.resourceType}/${str(e.resource.id) ?? "(no id)"}`;
    keys.set(ref, ref);
    if (e.fullUrl) keys.set(e.fullUrl, ref);
  }
  const resolve = (r: unknown) => (isObj(r) ? keys.get(str(r.reference) ?? "") : undefined);
  // where each resource's values came from (its Provenance), else the resource itself
  const sources = provenanceSources(
    entries.map((e) => e.resource),
    resolve,
  );
  const lesions: PendingLesion[] = [];
  const studies = new Map<string, CaseRecord["imaging"][number]>();
  for (const { resource, path } of entries) {
    if (!isObj(resource) || typeof resource.resourceType !== "string") {
      report.invalid.push({ ref: "(entry)", path, message: "entry without a resource" });
      continue;
    }
    const ref = `${resource.resourceType}/${str(resource.id) ?? "(no id)"}`;
    const source: Source = sources.get(ref) ?? { kind: "fhir", ref };
    try {
      if (resource.resourceType === "Provenance") {
        const n = list(resource.target).filter((t) => sources.has(resolve(t) ?? "")).length;
        report.read.push({ ref, as: `provenance (the source of ${n} resource${n === 1 ? "" : "s"})` });
      } else if (resource.resourceType === "Observation")
        readObservation(resource, c, report, ref, source, lesions, resolve);
      else if (resource.resourceType === "ImagingStudy") {
        const series = list(resource.series)[0];
        const modality =
          (Array.isArray(resource.procedureCode) ? conceptText(resource.procedureCode[0]) : undefined) ??
          (series && isObj(series.modality) ? str(series.modality.code) : undefined) ??
          str(list(resource.modality)[0]?.code);
        const bodySite =
          (series && isObj(series.bodySite)
            ? (str(series.bodySite.display) ?? str(series.bodySite.code))
            : undefined) ??
          list(resource.note)
            .map((n) => /^body part: (.*)$/.exec(str(n.text) ?? "")?.[1])
            .find(Boolean);
        const study = {
          date: str(resource.started) ?? "",
          ...(modality ? { modality } : {}),
          ...(bodySite ? { bodySite } : {}),
          ...(str(resource.description) ? { report: str(resource.description) } : {}),
          lesions: [],
          source,
        };
        c.imaging.push(study);
        studies.set(ref, study);
        report.read.push({ ref, as: "imaging study" });
      } else readResource(resource, c, report, ref, source);
    } catch (e) {
      report.invalid.push({ ref, path, message: `could not be read: ${(e as Error).message}` });
    }
  }
  groupLesions(c, lesions, studies);
  return { case: c, report };
}

/** Lesions into their ImagingStudy (derivedFrom), else one study per date and method. */
function groupLesions(
  c: CaseRecord,
  lesions: PendingLesion[],
  studies: Map<string, CaseRecord["imaging"][number]>,
): void {
  const byDate = new Map<string, CaseRecord["imaging"][number]>();
  for (const l of lesions) {
    const known = l.study ? studies.get(l.study) : undefined;
    if (known) {
      known.lesions.push(l.lesion);
      continue;
    }
    const key = `${l.date}|${l.modality ?? ""}`;
    let study = byDate.get(key);
    if (!study) {
      study = {
        date: l.date,
        ...(l.modality ? { modality: l.modality } : {}),
        report: "tumor size",
        lesions: [],
        source: l.source,
      };
      byDate.set(key, study);
      c.imaging.push(study);
    }
    study.lesions.push(l.lesion);
  }
}

const treatmentExtras = (r: Json) => {
  const best = extensionStrings(r, immunoplanExtension("best-response"))[0];
  const tox = extensionStrings(r, immunoplanExtension("toxicity"));
  const reason = (Array.isArray(r.statusReason) ? [r.statusReason[0]] : [r.statusReason])
    .map((x) => (isObj(x) ? conceptText(x) : undefined))
    .find(Boolean);
  return {
    ...(best ? { bestResponse: best } : {}),
    ...(tox.length ? { toxicities: tox } : {}),
    ...(reason ? { reasonStopped: reason } : {}),
  };
};

function readResource(r: Json, c: CaseRecord, report: ImportReport, ref: string, source: Source): void {
  const invalid = (path: string, message: string): void => void report.invalid.push({ ref, path, message });
  switch (r.resourceType) {
    case "Patient": {
      const name0 = list(r.name)[0];
      const name = name0
        ? (str(name0.text) ??
          [...(Array.isArray(name0.given) ? name0.given : []), name0.family]
            .filter((x) => typeof x === "string")
            .join(" "))
        : undefined;
      const gender = str(r.gender);
      if (
        r.birthDate !== undefined &&
        (typeof r.birthDate !== "string" || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(r.birthDate))
      )
        invalid("birthDate", "not a FHIR date");
      c.patient = {
        birthDate: typeof r.birthDate === "string" && /^\d{4}/.test(r.birthDate) ? r.birthDate : undefined,
        sex:
          gender === "female" || gender === "male" || gender === "other" || gender === "unknown"
            ? gender
            : undefined,
        name: name || undefined,
        country: str(list(r.address)[0]?.country),
        language: firstCoding(list(r.communication)[0]?.language)?.code,
        contact: str(list(r.telecom)[0]?.value),
        source,
      };
      report.read.push({ ref, as: "patient" });
      return;
    }
    case "Condition": {
      const all = codings(r.code);
      const code = firstCoding(r.code);
      if (!code) return void invalid("code", "condition without a code");
      const primary =
        hasProfile(r, "mcode-primary-cancer-condition") || hasProfile(r, "onco-core-PrimaryCancerCondition");
      const secondary =
        hasProfile(r, "mcode-secondary-cancer-condition") ||
        hasProfile(r, "onco-core-SecondaryCancerCondition");
      const categories = list(r.category).flatMap((x) => codings(x));
      const ours = categories.find((x) => x.system === IMMUNOPLAN_CODES)?.code;
      const looksCancer =
        !ours &&
        /malignant|carcinoma|cancer|neoplasm|lymphoma|leukemia|leukaemia|melanoma|sarcoma|metasta/i.test(
          code.display ?? "",
        );
      if (primary || secondary || looksCancer) {
        const histology = list(r.extension).find((e) =>
          str(e.url)?.endsWith("histology-morphology-behavior"),
        );
        const site = list(r.bodySite)[0];
        const laterality = site ? list(site.extension)[0] : undefined;
        c.cancers.push({
          role:
            secondary || (!primary && /metasta|secondary/i.test(code.display ?? ""))
              ? "secondary"
              : "primary",
          code,
          ...(all.length > 1 ? { otherCodes: all.slice(1) } : {}),
          histology: histology ? firstCoding(histology.valueCodeableConcept) : undefined,
          bodySite: site ? firstCoding(site) : undefined,
          laterality: laterality ? firstCoding(laterality.valueCodeableConcept) : undefined,
          onset: str(r.onsetDateTime) ?? str(r.recordedDate),
          source,
        });
        report.read.push({ ref, as: "cancer" });
        return;
      }
      const category =
        CONDITION_CATEGORIES.find((x) => x === ours) ??
        CONDITION_KEYWORDS.find(([re]) => re.test(conceptText(r.code) ?? ""))?.[1] ??
        "comorbidity";
      const status = firstCoding(r.clinicalStatus)?.code;
      c.conditions.push({
        category,
        text: conceptText(r.code) ?? "condition",
        code: all[0],
        active:
          status === undefined
            ? undefined
            : status === "active" || status === "recurrence" || status === "relapse",
        date: str(r.onsetDateTime) ?? str(r.recordedDate),
        source,
      });
      report.read.push({ ref, as: `condition (${category})` });
      return;
    }
    case "Procedure": {
      const all = codings(r.code);
      const code = firstCoding(r.code);
      if (!code) return void invalid("code", "procedure without a code");
      const other = codings(r.category).some((x) => x.code === OTHER_TREATMENT_CODE);
      const radio =
        hasProfile(r, "mcode-radiotherapy-course-summary") ||
        /radiotherapy|radiation/i.test(code.display ?? "");
      const surgical =
        hasProfile(r, "mcode-cancer-related-surgical-procedure") ||
        /ectomy|resection|excision|surgery/i.test(code.display ?? "");
      if (!radio && !surgical && !other) {
        report.ignored.push({
          ref,
          reason: `procedure '${code.display ?? code.code}' is not a cancer treatment (biopsy, imaging, …)`,
        });
        return;
      }
      // the radiotherapy course summary's fixed code says nothing about the course: keep the others
      const specific = all.filter((x) => !isCourseCode(x));
      const period = isObj(r.performedPeriod) ? r.performedPeriod : undefined;
      const kind = other ? "other" : radio ? "radiotherapy" : "surgery";
      c.treatments.push({
        kind,
        name: conceptText(r.code) ?? "procedure",
        code: specific[0],
        start: str(r.performedDateTime) ?? (period ? str(period.start) : undefined),
        end: period ? str(period.end) : undefined,
        status: str(r.status),
        ...treatmentExtras(r),
        source,
      });
      report.read.push({ ref, as: kind === "other" ? "treatment (other)" : kind });
      return;
    }
    case "MedicationRequest":
    case "MedicationAdministration":
    case "MedicationStatement": {
      const code = firstCoding(r.medicationCodeableConcept);
      if (!code) return void invalid("medicationCodeableConcept", "medication without a code");
      const timing = list(r.dosageInstruction)[0]?.timing;
      const repeat = isObj(timing) && isObj(timing.repeat) ? timing.repeat : undefined;
      const period = isObj(r.effectivePeriod)
        ? r.effectivePeriod
        : repeat && isObj(repeat.boundsPeriod)
          ? repeat.boundsPeriod
          : undefined;
      c.treatments.push({
        kind: "medication",
        name: conceptText(r.medicationCodeableConcept) ?? "medication",
        code: codings(r.medicationCodeableConcept)[0],
        start: (period ? str(period.start) : undefined) ?? str(r.authoredOn) ?? str(r.effectiveDateTime),
        end: period ? str(period.end) : undefined,
        status: str(r.status),
        ...treatmentExtras(r),
        source,
      });
      report.read.push({ ref, as: "treatment (medication)" });
      return;
    }
    case "DiagnosticReport": {
      const code = firstCoding(r.code);
      const text = str(r.conclusion);
      if (
        /patholog|biopsy|histolog/i.test(code?.display ?? "") ||
        list(r.category).some((cat) => codings(cat).some((x) => x.code === "PAT" || x.code === "SP"))
      ) {
        c.pathology.push({ report: text, code: codings(r.code)[0], date: effective(r), source });
        report.read.push({ ref, as: "pathology" });
      } else {
        c.documents.push({
          id: ref,
          type: code?.display ?? "diagnostic report",
          title: text,
          date: effective(r),
          source,
        });
        report.read.push({ ref, as: "document" });
      }
      return;
    }
    case "DocumentReference": {
      const att = list(r.content)[0];
      const a = att && isObj(att.attachment) ? att.attachment : undefined;
      c.documents.push({
        id: ref,
        type: conceptText(r.type) ?? "document",
        title: a ? str(a.title) : undefined,
        contentType: a ? str(a.contentType) : undefined,
        date: str(r.date) ?? (a ? str(a.creation) : undefined),
        source,
      });
      report.read.push({ ref, as: "document" });
      return;
    }
    default:
      report.ignored.push({ ref, reason: `${String(r.resourceType)} is not part of the case record` });
  }
}

export { MCODE };
