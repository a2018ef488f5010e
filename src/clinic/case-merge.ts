/**
 * Merging imported data (a FHIR Bundle read by fhir-import) into the current record without losing anything:
 * entries of the import that the record does not hold yet are added (compared by content, not by source);
 * patient details and HLA typing fill what is empty, and a different value already in the record is kept and
 * reported as a conflict. Nothing is ever replaced silently.
 */
import type { CaseRecord } from "./case-schema.js";
import { diffCases, LIST_SECTIONS, withoutSource as content, type RecordChange } from "./case-diff.js";

export interface MergeResult {
  readonly record: CaseRecord;
  readonly changes: readonly RecordChange[];
  /** Values of the import that differ from the record's (kept as they were in the record). */
  readonly conflicts: readonly { field: string; record: unknown; imported: unknown }[];
}

export function mergeCases(current: CaseRecord, imported: CaseRecord): MergeResult {
  const conflicts: { field: string; record: unknown; imported: unknown }[] = [];
  const patient = { ...current.patient };
  const fields = ["name", "birthDate", "sex", "country", "language", "contact"] as const;
  let patientFilled = false;
  for (const f of fields) {
    const v = imported.patient[f];
    if (v === undefined) continue;
    if (patient[f] === undefined) {
      (patient as Record<string, unknown>)[f] = v;
      patientFilled = true;
    } else if (patient[f] !== v) conflicts.push({ field: `patient.${f}`, record: patient[f], imported: v });
  }
  if (patientFilled && current.patient.source.kind === "manual" && !current.patient.source.by)
    patient.source = imported.patient.source;
  let hlaTyping = current.hlaTyping;
  if (imported.hlaTyping) {
    if (!hlaTyping) hlaTyping = imported.hlaTyping;
    else if (content(hlaTyping.alleles) !== content(imported.hlaTyping.alleles))
      conflicts.push({
        field: "hlaTyping.alleles",
        record: hlaTyping.alleles,
        imported: imported.hlaTyping.alleles,
      });
  }
  const record: CaseRecord = { ...current, patient, ...(hlaTyping ? { hlaTyping } : {}) };
  for (const s of LIST_SECTIONS) {
    const have = new Set((current[s] as unknown[]).map(content));
    const add = (imported[s] as unknown[]).filter((x) => {
      const k = content(x);
      if (have.has(k)) return false;
      have.add(k);
      return true;
    });
    (record as Record<string, unknown>)[s] = [...(current[s] as unknown[]), ...add];
  }
  return { record, changes: diffCases(current, record), conflicts };
}
