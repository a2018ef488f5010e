import type {
  CodeableConcept,
  Condition,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
  Resource,
} from "@medplum/fhirtypes";
import { CaseSchema, type CaseRecord, type Coding, type Source } from "./case-schema.js";
import { CONDITION_KEYWORDS, LOINC_CODES, MCODE, TNM_CODES } from "./fhir-codes.js";

/** What an import read, ignored and found invalid, by resource and path. */
export interface ImportReport {
  readonly read: { ref: string; as: string }[];
  readonly ignored: { ref: string; reason: string }[];
  readonly invalid: { ref: string; path: string; message: string }[];
}

/** Largest bundle accepted (entries); larger ones are reported, not read. */
export const MAX_ENTRIES = 20_000;

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

function codings(cc: unknown): Coding[] {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return [];
  return cc.coding
    .filter(isObj)
    .map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) ?? str(cc.text) }));
}
function firstCoding(cc: unknown): Coding | undefined {
  const c = codings(cc);
  if (c.length) return c[0];
  return isObj(cc) && typeof cc.text === "string" ? { display: cc.text } : undefined;
}
const hasCode = (cc: unknown, code: string) => codings(cc).some((c) => c.code === code);
const profiles = (r: Json): string[] =>
  isObj(r.meta) && Array.isArray(r.meta.profile)
    ? r.meta.profile.filter((p): p is string => typeof p === "string")
    : [];
const hasProfile = (r: Json, name: string) =>
  profiles(r).some((p) => p.endsWith(`/${name}`) || p === `${MCODE}${name}`);
const effective = (r: Json): string | undefined =>
  str(r.effectiveDateTime) ??
  (isObj(r.effectivePeriod) ? str(r.effectivePeriod.start) : undefined) ??
  str(r.issued);

/**
 * Imports a FHIR R4 Bundle (mCODE STU4 and US Core profiles; older mCODE versions where the codes agree) into a
 * case record. Never throws on bad content: everything not read is in the report, by resource id and path.
 */
export function importBundle(input: unknown, caseId: string): { case: CaseRecord; report: ImportReport } {
  const report: ImportReport = { read: [], ignored: [], invalid: [] };
  const c: CaseRecord = CaseSchema.parse({ id: caseId, patient: { source: { kind: "manual" } } });
  let resources: { resource: unknown; path: string }[] = [];
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
        resources = input.entry.map((e, i) => ({
          resource: isObj(e) ? e.resource : undefined,
          path: `entry[${i}].resource`,
        }));
      }
    }
  } else if (isObj(input) && typeof input.resourceType === "string") {
    resources = [{ resource: input, path: "" }];
  } else {
    report.invalid.push({
      ref: "(input)",
      path: "",
      message: "not a FHIR Bundle or resource (resourceType missing)",
    });
  }
  for (const { resource, path } of resources) {
    if (!isObj(resource) || typeof resource.resourceType !== "string") {
      report.invalid.push({ ref: "(entry)", path, message: "entry without a resource" });
      continue;
    }
    const ref = `${resource.resourceType}/${str(resource.id) ?? "(no id)"}`;
    const source: Source = { kind: "fhir", ref };
    try {
      readResource(resource as unknown as Resource & Json, c, report, ref, source);
    } catch (e) {
      report.invalid.push({ ref, path, message: `could not be read: ${(e as Error).message}` });
    }
  }
  return { case: { ...c, imaging: groupTumorSizes(c.imaging) }, report };
}

/** One imaging study per date: FHIR has one TumorSize observation per lesion and scan. */
function groupTumorSizes(imaging: CaseRecord["imaging"]): CaseRecord["imaging"] {
  const out: CaseRecord["imaging"] = [];
  const byDate = new Map<string, CaseRecord["imaging"][number]>();
  for (const im of imaging) {
    const key = im.report === "tumor size" && im.date ? `${im.date}|${im.modality ?? ""}` : null;
    const prev = key ? byDate.get(key) : undefined;
    if (prev) {
      prev.lesions.push(...im.lesions);
      continue;
    }
    const copy = { ...im, lesions: [...im.lesions] };
    if (key) byDate.set(key, copy);
    out.push(copy);
  }
  return out;
}

function readResource(
  r: Resource & Json,
  c: CaseRecord,
  report: ImportReport,
  ref: string,
  source: Source,
): void {
  const invalid = (path: string, message: string): void => void report.invalid.push({ ref, path, message });
  switch (r.resourceType) {
    case "Patient": {
      const p = r as Patient & Json;
      const gender = str(p.gender);
      const name =
        Array.isArray(p.name) && isObj(p.name[0])
          ? [...(Array.isArray(p.name[0].given) ? p.name[0].given : []), p.name[0].family]
              .filter((x) => typeof x === "string")
              .join(" ")
          : undefined;
      if (
        p.birthDate !== undefined &&
        (typeof p.birthDate !== "string" || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(p.birthDate))
      )
        invalid("birthDate", "not a FHIR date");
      c.patient = {
        birthDate: typeof p.birthDate === "string" && /^\d{4}/.test(p.birthDate) ? p.birthDate : undefined,
        sex:
          gender === "female" || gender === "male" || gender === "other" || gender === "unknown"
            ? gender
            : undefined,
        name: name || undefined,
        country: Array.isArray(p.address) && isObj(p.address[0]) ? str(p.address[0].country) : undefined,
        language:
          Array.isArray(p.communication) && isObj(p.communication[0])
            ? firstCoding(p.communication[0].language)?.code
            : undefined,
        contact: Array.isArray(p.telecom) && isObj(p.telecom[0]) ? str(p.telecom[0].value) : undefined,
        source,
      };
      report.read.push({ ref, as: "patient" });
      return;
    }
    case "Condition": {
      const cond = r as Condition & Json;
      const code = firstCoding(cond.code);
      if (!code) return void invalid("code", "condition without a code");
      const primary =
        hasProfile(cond, "mcode-primary-cancer-condition") ||
        hasProfile(cond, "onco-core-PrimaryCancerCondition");
      const secondary =
        hasProfile(cond, "mcode-secondary-cancer-condition") ||
        hasProfile(cond, "onco-core-SecondaryCancerCondition");
      const looksCancer =
        /malignant|carcinoma|cancer|neoplasm|lymphoma|leukemia|leukaemia|melanoma|sarcoma|metasta/i.test(
          code.display ?? "",
        );
      if (primary || secondary || looksCancer) {
        const ext = Array.isArray(cond.extension) ? cond.extension.filter(isObj) : [];
        const histology = ext.find((e) => str(e.url)?.endsWith("histology-morphology-behavior"));
        const laterality = isObj(cond.bodySite?.[0]) ? (cond.bodySite![0] as Json).extension : undefined;
        c.cancers.push({
          role:
            secondary || (!primary && /metasta|secondary/i.test(code.display ?? ""))
              ? "secondary"
              : "primary",
          code,
          histology: histology ? firstCoding(histology.valueCodeableConcept) : undefined,
          bodySite: Array.isArray(cond.bodySite) ? firstCoding(cond.bodySite[0]) : undefined,
          laterality:
            Array.isArray(laterality) && isObj(laterality[0])
              ? firstCoding(laterality[0].valueCodeableConcept)
              : undefined,
          onset: str(cond.onsetDateTime) ?? str(cond.recordedDate),
          source,
        });
        report.read.push({ ref, as: "cancer" });
        return;
      }
      const category = CONDITION_KEYWORDS.find(([re]) => re.test(code.display ?? ""))?.[1] ?? "comorbidity";
      const status = firstCoding(cond.clinicalStatus)?.code;
      c.conditions.push({
        category,
        text: code.display ?? code.code ?? "condition",
        code,
        active:
          status === undefined
            ? undefined
            : status === "active" || status === "recurrence" || status === "relapse",
        date: str(cond.onsetDateTime) ?? str(cond.recordedDate),
        source,
      });
      report.read.push({ ref, as: `condition (${category})` });
      return;
    }
    case "Observation":
      return readObservation(r as Observation & Json, c, report, ref, source);
    case "Procedure": {
      const p = r as Procedure & Json;
      const code = firstCoding(p.code);
      if (!code) return void invalid("code", "procedure without a code");
      const radio =
        hasProfile(p, "mcode-radiotherapy-course-summary") ||
        /radiotherapy|radiation/i.test(code.display ?? "");
      const surgical =
        hasProfile(p, "mcode-cancer-related-surgical-procedure") ||
        /ectomy|resection|excision|surgery/i.test(code.display ?? "");
      if (!radio && !surgical) {
        report.ignored.push({
          ref,
          reason: `procedure '${code.display ?? code.code}' is not a cancer treatment (biopsy, imaging, …)`,
        });
        return;
      }
      const period = isObj(p.performedPeriod) ? p.performedPeriod : undefined;
      c.treatments.push({
        kind: radio ? "radiotherapy" : "surgery",
        name: code.display ?? code.code ?? "procedure",
        code,
        start: str(p.performedDateTime) ?? (period ? str(period.start) : undefined),
        end: period ? str(period.end) : undefined,
        status: str(p.status),
        source,
      });
      report.read.push({ ref, as: radio ? "radiotherapy" : "surgery" });
      return;
    }
    case "MedicationRequest":
    case "MedicationAdministration":
    case "MedicationStatement": {
      const m = r as MedicationRequest & Json;
      const code = firstCoding(m.medicationCodeableConcept as CodeableConcept | undefined);
      if (!code) return void invalid("medicationCodeableConcept", "medication without a code");
      const period = isObj(m.effectivePeriod) ? m.effectivePeriod : undefined;
      const reason = Array.isArray(m.statusReason) ? undefined : firstCoding(m.statusReason)?.display;
      c.treatments.push({
        kind: "medication",
        name: code.display ?? code.code ?? "medication",
        code,
        start: str(m.authoredOn) ?? str(m.effectiveDateTime) ?? (period ? str(period.start) : undefined),
        end: period ? str(period.end) : undefined,
        status: str(m.status),
        reasonStopped: reason,
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
        codings(r.category).some((x) => x.code === "PAT" || x.code === "SP")
      ) {
        c.pathology.push({ report: text, code, date: effective(r), source });
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
      const att =
        Array.isArray(r.content) && isObj(r.content[0]) && isObj(r.content[0].attachment)
          ? r.content[0].attachment
          : undefined;
      c.documents.push({
        id: ref,
        type: firstCoding(r.type)?.display ?? "document",
        title: att ? str(att.title) : undefined,
        contentType: att ? str(att.contentType) : undefined,
        date: str(r.date),
        source,
      });
      report.read.push({ ref, as: "document" });
      return;
    }
    default:
      report.ignored.push({ ref, reason: `${r.resourceType} is not part of the case record` });
  }
}

function readObservation(
  o: Observation & Json,
  c: CaseRecord,
  report: ImportReport,
  ref: string,
  source: Source,
): void {
  const date = effective(o);
  const code = firstCoding(o.code);
  const codes = codings(o.code).map((x) => x.code);
  const invalid = (path: string, message: string): void => void report.invalid.push({ ref, path, message });
  const read = (as: string): void => void report.read.push({ ref, as });
  const q = isObj(o.valueQuantity) ? o.valueQuantity : undefined;
  const qValue = q && typeof q.value === "number" && Number.isFinite(q.value) ? q.value : undefined;
  if (q && qValue === undefined) return void invalid("valueQuantity.value", "not a finite number");
  const tnm = codes.map((x) => (x ? TNM_CODES[x] : undefined)).find(Boolean);
  if (tnm) {
    const value = firstCoding(o.valueCodeableConcept);
    if (!value) return void invalid("valueCodeableConcept", "TNM observation without a value");
    c.staging.push({ kind: tnm[0], item: tnm[1], value, date, source });
    return read(`staging (${tnm[0]} ${tnm[1]})`);
  }
  const intValue = typeof o.valueInteger === "number" ? o.valueInteger : qValue;
  if (codes.includes(LOINC_CODES.ecog) || hasProfile(o, "mcode-ecog-performance-status")) {
    if (intValue === undefined || intValue < 0 || intValue > 5)
      return void invalid("valueInteger", "ECOG must be 0–5");
    c.performance.push({ scale: "ECOG", value: intValue, date, source });
    return read("performance (ECOG)");
  }
  if (codes.includes(LOINC_CODES.karnofsky) || hasProfile(o, "mcode-karnofsky-performance-status")) {
    if (intValue === undefined || intValue < 0 || intValue > 100)
      return void invalid("valueInteger", "Karnofsky must be 0–100");
    c.performance.push({ scale: "Karnofsky", value: intValue, date, source });
    return read("performance (Karnofsky)");
  }
  if (/lansky/i.test(code?.display ?? "") || profiles(o).some((p) => /lansky/i.test(p))) {
    if (intValue === undefined) return void invalid("valueInteger", "Lansky score missing");
    c.performance.push({ scale: "Lansky", value: intValue, date, source });
    return read("performance (Lansky)");
  }
  if (codes.includes(LOINC_CODES.bodyWeight)) {
    if (qValue === undefined) return void invalid("valueQuantity", "weight without a value");
    const unit = str(q?.code) ?? str(q?.unit) ?? "kg";
    c.weights.push({
      kg: /\[lb_av\]|lb/.test(unit) ? qValue * 0.45359237 : unit === "g" ? qValue / 1000 : qValue,
      date,
      source,
    });
    return read("weight");
  }
  if (codes.includes(LOINC_CODES.bodyHeight)) {
    if (qValue === undefined) return void invalid("valueQuantity", "height without a value");
    const unit = str(q?.code) ?? str(q?.unit) ?? "cm";
    c.heights.push({
      cm: /\[in_i\]|in/.test(unit) ? qValue * 2.54 : unit === "m" ? qValue * 100 : qValue,
      date,
      source,
    });
    return read("height");
  }
  if (codes.includes(LOINC_CODES.diseaseStatus) || hasProfile(o, "mcode-cancer-disease-status")) {
    const value = firstCoding(o.valueCodeableConcept);
    if (!value) return void invalid("valueCodeableConcept", "disease status without a value");
    c.diseaseStatus.push({ value, date, source });
    return read("disease status");
  }
  if (codes.includes(LOINC_CODES.tumorSize) || hasProfile(o, "mcode-tumor-size")) {
    const comps = Array.isArray(o.component) ? o.component.filter(isObj) : [];
    const longest = comps.find((x) => hasCode(x.code, LOINC_CODES.tumorLongestDimension)) ?? comps[0];
    const lq = longest && isObj(longest.valueQuantity) ? longest.valueQuantity : undefined;
    if (!lq || typeof lq.value !== "number")
      return void invalid("component", "tumor size without a longest dimension");
    const unit = str(lq.code) ?? str(lq.unit) ?? "mm";
    const mm = unit === "cm" || /centimet/.test(unit) ? lq.value * 10 : lq.value;
    // the lesion's identity: TumorSize.focus (identifier, and Immunoplan's "role, nodal: location" display)
    const focus = Array.isArray(o.focus) ? o.focus.filter(isObj)[0] : undefined;
    const ident = focus && isObj(focus.identifier) ? str(focus.identifier.value) : undefined;
    const display = focus ? (str(focus.display) ?? "") : "";
    const m = /^(target|non-target|new) lesion, (nodal|non-nodal)(?:: (.*))?$/.exec(display);
    c.imaging.push({
      date: date ?? "",
      modality: firstCoding(o.method)?.display,
      report: "tumor size",
      lesions: [
        {
          id: ident ?? str(o.id) ?? "lesion",
          role: (m?.[1] as "target" | "non-target" | "new" | undefined) ?? "target",
          nodal: m?.[2] === "nodal",
          diameterMm: mm,
          ...(m?.[3] ? { location: m[3] } : {}),
        },
      ],
      source,
    });
    return read("imaging (tumor size)");
  }
  const biomarker =
    hasProfile(o, "mcode-tumor-marker-test") ||
    profiles(o).some((p) => /genomics-reporting|mcode-genomic|tumor-marker/.test(p)) ||
    codes.includes(LOINC_CODES.msi) ||
    codes.includes(LOINC_CODES.tmb);
  if (biomarker) {
    const name = codes.includes(LOINC_CODES.msi)
      ? "MSI"
      : codes.includes(LOINC_CODES.tmb)
        ? "TMB"
        : (code?.display ?? code?.code ?? "biomarker");
    const value =
      qValue ??
      firstCoding(o.valueCodeableConcept)?.display ??
      firstCoding(o.valueCodeableConcept)?.code ??
      str(o.valueString);
    c.biomarkers.push({
      name,
      code: code ?? {},
      value,
      unit: q ? (str(q.code) ?? str(q.unit)) : undefined,
      date,
      source,
    });
    return read(`biomarker (${name})`);
  }
  const lab =
    hasProfile(o, "us-core-observation-lab") || codings(o.category).some((x) => x.code === "laboratory");
  if (lab && code) {
    c.labs.push({
      name: code.display ?? code.code ?? "lab",
      code,
      value: qValue,
      unit: q ? (str(q.code) ?? str(q.unit)) : undefined,
      ...referenceRange(o),
      text:
        qValue === undefined
          ? (firstCoding(o.valueCodeableConcept)?.display ?? str(o.valueString))
          : undefined,
      date,
      source,
    });
    return read("lab");
  }
  report.ignored.push({
    ref,
    reason: `observation '${code?.display ?? code?.code ?? "?"}' is not used by the case record`,
  });
}

/** The first referenceRange of an Observation as plain numbers (ignored when not numeric). */
function referenceRange(o: Observation): { referenceLow?: number; referenceHigh?: number } {
  const r = Array.isArray(o.referenceRange) ? o.referenceRange[0] : undefined;
  const n = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
  const low = n(r?.low?.value);
  const high = n(r?.high?.value);
  return {
    ...(low !== undefined ? { referenceLow: low } : {}),
    ...(high !== undefined ? { referenceHigh: high } : {}),
  };
}
