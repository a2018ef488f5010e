/**
 * Which documents would supply what the records checklist misses, and which uploaded documents probably do
 * (by file name and DICOM header) but are not abstracted into the record yet.
 */
import type { ChecklistItem } from "./evaluate.js";

/** Documents that usually hold each checklist item (ids of catalog/evaluation.yaml's checklist). */
export const SUPPLIED_BY: Record<string, readonly string[]> = {
  imaging: ["CT, MRI or PET-CT report with lesion measurements (or the DICOM study)"],
  pathology: ["pathology report of the biopsy or surgery"],
  staging: [
    "staging summary in the oncologist's letter or the tumor board report",
    "pathology report (pTNM)",
  ],
  treatments: ["discharge letters and treatment summaries (regimens, dates, response, why stopped)"],
  labs: ["recent blood results (CBC with differential, liver and kidney panel)"],
  performance: ["the oncologist's latest letter (ECOG or Karnofsky)"],
  biomarkers: ["molecular pathology report (PD-L1, MSI/MMR, TMB, mutations)", "HLA typing report"],
  "body-size": ["the latest clinic letter or vital signs sheet (weight, height)"],
};

const NAME_HINTS: Record<string, RegExp> = {
  imaging: /\b(ct|mri|mrt|pet|scan|radiolog|imaging|dicom)\b/i,
  pathology: /patholog|biops|histolog|befund/i,
  staging: /stag|tnm|tumou?r.?board/i,
  treatments: /discharge|letter|brief|summary|therap|chemo/i,
  labs: /\blab|blood|cbc|haemat|hemat|chemistry/i,
  performance: /letter|brief|consult/i,
  biomarkers: /molecul|pd-?l1|msi|mmr|tmb|ngs|mutation|genom|hla/i,
  "body-size": /vital|letter|brief/i,
};

export interface UploadedDocument {
  readonly id: string;
  readonly filename: string;
  readonly dicom?: { modality?: string } | null;
}

export interface ChecklistHint {
  readonly id: string;
  readonly what: string;
  readonly status: ChecklistItem["status"];
  readonly detail: string;
  readonly suppliedBy: readonly string[];
  /** Uploaded documents that look like they hold it (to abstract into the record). */
  readonly uploaded: readonly { id: string; filename: string }[];
}

export function checklistHints(
  items: readonly ChecklistItem[],
  docs: readonly UploadedDocument[],
): ChecklistHint[] {
  return items.map((i) => ({
    id: i.id,
    what: i.what,
    status: i.status,
    detail: i.detail,
    suppliedBy: i.status === "present" ? [] : (SUPPLIED_BY[i.id] ?? [i.request ?? i.what]),
    uploaded:
      i.status === "present"
        ? []
        : docs
            .filter(
              (d) =>
                (i.id === "imaging" && d.dicom) || NAME_HINTS[i.id]?.test(d.filename.replace(/[_.-]/g, " ")),
            )
            .map((d) => ({ id: d.id, filename: d.filename })),
  }));
}
