/** Test support: the synthetic melanoma case with its scans replaced (a case to plan for). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CaseSchema, type CaseRecord } from "../clinic/case-schema.js";

export const MELANOMA_CASE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../examples/cases/melanoma-progressing-synthetic.json",
);

export function melanomaCase(edit: (raw: Record<string, unknown>) => void = () => {}): CaseRecord {
  const raw = JSON.parse(readFileSync(MELANOMA_CASE, "utf8")) as Record<string, unknown>;
  edit(raw);
  return CaseSchema.parse(raw);
}

/** Scans of `lesions` equal target lesions whose sum of diameters is `sld[i]` on `dates[i]`. */
export function scans(dates: readonly string[], sld: readonly number[], lesions = 3): unknown[] {
  return dates.map((date, i) => ({
    date,
    modality: "CT",
    lesions: Array.from({ length: lesions }, (_, k) => ({
      id: `l${k}`,
      role: "target",
      nodal: false,
      diameterMm: sld[i] / lesions,
    })),
    source: { kind: "manual" },
  }));
}
