import { ModelError, parseYamlDocument, readModelSource } from "../engine/language/index.js";
import { CaseSchema, type CaseRecord } from "./case-schema.js";
import type { Assessment } from "./recist.js";

/** Reads a case record (JSON or YAML) and validates it; problems name the file and path. */
export function loadCase(file: string): CaseRecord {
  const { data } = parseYamlDocument(readModelSource(file), file);
  const r = CaseSchema.safeParse(data);
  if (!r.success) {
    throw new ModelError(
      r.error.issues.map((i) => ({
        file,
        path: i.path
          .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
          .join("")
          .replace(/^\./, ""),
        message: i.message,
        severity: "error",
      })),
    );
  }
  return r.data;
}

/** The case's imaging studies as RECIST assessments, oldest first (the first is the baseline). */
export function imagingAssessments(c: CaseRecord): Assessment[] {
  return [...c.imaging]
    .filter((i) => i.lesions.length > 0)
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((i) => ({
      date: i.date.slice(0, 10),
      label: i.modality,
      lesions: i.lesions.map((l) => ({
        lesionId: l.id,
        role: l.role,
        nodal: l.nodal,
        diameterMm: l.diameterMm,
        state: l.state,
      })),
    }));
}
