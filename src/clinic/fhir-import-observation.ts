/** Observations of a FHIR Bundle into the case record (part of fhir-import.ts). */
import type { CaseRecord, Source } from "./case-schema.js";
import { LANSKY_CODE } from "./fhir-export.js";
import { LOINC_CODES, TNM_CODES } from "./fhir-codes.js";
import {
  codings,
  conceptText,
  effective,
  firstCoding,
  hasCode,
  hasProfile,
  isObj,
  list,
  profiles,
  str,
  type Json,
} from "./fhir-read.js";
import { IMMUNOPLAN_CODES } from "./fhir-values.js";
import type { ImportReport } from "./fhir-import.js";

/** A lesion measured in an imaging study; grouped into studies after all resources are read. */
export interface PendingLesion {
  readonly study: string | undefined;
  readonly date: string;
  readonly modality: string | undefined;
  readonly lesion: CaseRecord["imaging"][number]["lesions"][number];
  readonly source: Source;
}

const componentStrings = (o: Json, code: string): string[] =>
  list(o.component)
    .filter((x) => codings(x.code).some((c) => c.system === IMMUNOPLAN_CODES && c.code === code))
    .map((x) => str(x.valueString))
    .filter((x): x is string => x !== undefined);

export function readObservation(
  o: Json,
  c: CaseRecord,
  report: ImportReport,
  ref: string,
  source: Source,
  lesions: PendingLesion[],
  resolve: (reference: unknown) => string | undefined,
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
    const method = firstCoding(o.method);
    c.staging.push({ kind: tnm[0], item: tnm[1], value, ...(method ? { method } : {}), date, source });
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
  if (
    codes.includes(LANSKY_CODE) ||
    /lansky/i.test(code?.display ?? "") ||
    profiles(o).some((p) => /lansky/i.test(p))
  ) {
    if (intValue === undefined || intValue < 0 || intValue > 100)
      return void invalid("valueInteger", "Lansky must be 0–100");
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
  if (codings(o.code).some((x) => x.system === IMMUNOPLAN_CODES && x.code === "hla-typing")) {
    const alleles = componentStrings(o, "hla-allele");
    const bad = alleles.find((a) => !/^(HLA-)?[A-Z][A-Z0-9]*\*\d{2,3}(:[\w]+)*[A-Z]?$/.test(a));
    if (bad) return void invalid("component", `'${bad}' is not an HLA allele like B*44:02`);
    const kir = componentStrings(o, "kir-gene");
    c.hlaTyping = { alleles, ...(kir.length ? { kirGenes: kir } : {}), date, source };
    return read("HLA typing");
  }
  if (codes.includes(LOINC_CODES.tumorSize) || hasProfile(o, "mcode-tumor-size")) {
    return readTumorSize(o, date, source, lesions, resolve, invalid, read);
  }
  const biomarker =
    hasProfile(o, "mcode-tumor-marker-test") ||
    list(o.category).some((cat) => codings(cat).some((x) => x.system === IMMUNOPLAN_CODES)) ||
    profiles(o).some((p) => /genomics-reporting|mcode-genomic|tumor-marker/.test(p)) ||
    codes.includes(LOINC_CODES.msi) ||
    codes.includes(LOINC_CODES.tmb);
  if (biomarker) {
    const name = codes.includes(LOINC_CODES.msi)
      ? "MSI"
      : codes.includes(LOINC_CODES.tmb)
        ? "TMB"
        : (conceptText(o.code) ?? "biomarker");
    const value =
      qValue ??
      (isObj(o.valueCodeableConcept) ? str(o.valueCodeableConcept.text) : undefined) ??
      firstCoding(o.valueCodeableConcept)?.display ??
      firstCoding(o.valueCodeableConcept)?.code ??
      str(o.valueString);
    const assay = isObj(o.method) ? conceptText(o.method) : undefined;
    const scoreType = componentStrings(o, "score-type")[0];
    c.biomarkers.push({
      name,
      code: code ?? {},
      value,
      unit: q ? (str(q.unit) ?? str(q.code)) : undefined,
      ...(assay ? { assay } : {}),
      ...(scoreType ? { scoreType } : {}),
      date,
      source,
    });
    return read(`biomarker (${name})`);
  }
  const lab =
    hasProfile(o, "us-core-observation-lab") ||
    list(o.category).some((cat) => codings(cat).some((x) => x.code === "laboratory"));
  if (lab && code) {
    c.labs.push({
      // the name the report used (the text), not only the code's display
      name: conceptText(o.code) ?? "lab",
      code,
      value: qValue,
      unit: q ? (str(q.unit) ?? str(q.code)) : undefined,
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

const LESION_STATES = ["present", "absent", "unequivocal-progression", "further-increase"] as const;

function readTumorSize(
  o: Json,
  date: string | undefined,
  source: Source,
  lesions: PendingLesion[],
  resolve: (reference: unknown) => string | undefined,
  invalid: (path: string, message: string) => void,
  read: (as: string) => void,
): void {
  const comps = list(o.component);
  const longest = comps.find((x) => hasCode(x.code, LOINC_CODES.tumorLongestDimension)) ?? comps[0];
  const lq = longest && isObj(longest.valueQuantity) ? longest.valueQuantity : undefined;
  // the lesion's identity: TumorSize.focus (identifier, and Immunoplan's "role, nodal: location" display)
  const focus = list(o.focus)[0];
  const ident = focus && isObj(focus.identifier) ? str(focus.identifier.value) : undefined;
  const stateText = isObj(o.valueCodeableConcept) ? str(o.valueCodeableConcept.text) : undefined;
  const state = LESION_STATES.find((s) => s === stateText);
  if ((!lq || typeof lq.value !== "number" || !Number.isFinite(lq.value)) && !(ident && state))
    return void invalid("component", "tumor size without a longest dimension");
  const unit = lq ? (str(lq.code) ?? str(lq.unit) ?? "mm") : "mm";
  const mm =
    lq && typeof lq.value === "number"
      ? unit === "cm" || /centimet/.test(unit)
        ? lq.value * 10
        : lq.value
      : undefined;
  const display = focus ? (str(focus.display) ?? "") : "";
  const m = /^(target|non-target|new) lesion, (nodal|non-nodal)(?:: (.*))?$/.exec(display);
  const organ = isObj(o.bodySite) ? conceptText(o.bodySite) : undefined;
  lesions.push({
    study: list(o.derivedFrom)
      .map((r) => resolve(r))
      .find(Boolean),
    date: date ?? "",
    modality: isObj(o.method) ? conceptText(o.method) : undefined,
    lesion: {
      id: ident ?? str(o.id) ?? "lesion",
      role: (m?.[1] as "target" | "non-target" | "new" | undefined) ?? "target",
      nodal: m?.[2] === "nodal",
      ...(mm !== undefined ? { diameterMm: mm } : {}),
      ...(state ? { state } : {}),
      ...(m?.[3] ? { location: m[3] } : {}),
      ...(organ ? { organ } : {}),
    },
    source,
  });
  read("imaging (tumor size)");
}

/** The first referenceRange of an Observation as plain numbers (ignored when not numeric). */
function referenceRange(o: Json): { referenceLow?: number; referenceHigh?: number } {
  const r = list(o.referenceRange)[0];
  const n = (x: unknown) =>
    isObj(x) && typeof x.value === "number" && Number.isFinite(x.value) ? x.value : undefined;
  const low = n(r?.low);
  const high = n(r?.high);
  return {
    ...(low !== undefined ? { referenceLow: low } : {}),
    ...(high !== undefined ? { referenceHigh: high } : {}),
  };
}
