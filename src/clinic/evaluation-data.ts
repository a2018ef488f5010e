/** catalog/evaluation.yaml: checklist, eligibility rules and burden windows, checked against the catalogs. */
import { MARKER_IDS } from "./marker-readings.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ModelError, parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR, therapyCatalog } from "../therapy/catalog.js";
import { tumorTypes } from "./tumor-types.js";

const Gate = z
  .object({ name: z.string(), value: z.string().optional(), min: z.number().optional() })
  .strict();
const When = z
  .object({
    performance: z
      .object({ ecog_at_least: z.number().optional(), karnofsky_at_most: z.number().optional() })
      .strict()
      .optional(),
    performance_missing: z.literal(true).optional(),
    condition: z.object({ category: z.string(), active: z.boolean().optional() }).strict().optional(),
    lab: z
      .object({
        codes: z.array(z.string()),
        name: z.string(),
        below: z.number().optional(),
        above: z.number().optional(),
        unit: z.string(),
      })
      .strict()
      .optional(),
    biomarker_none_of: z.array(Gate).optional(),
    /** The latest result of one of these markers reads positive (mutant, rearranged; clinic/marker-readings.ts). */
    marker_positive: z.array(z.enum(MARKER_IDS)).optional(),
    cancer_none_of: z.array(z.string()).optional(),
    /** None of the case's cancers is one of these tumor types (catalog/tumor-types.yaml ids). */
    tumor_type_none_of: z.array(z.string()).optional(),
    /** The treatment history shows progression on an agent of these classes or modalities. */
    progressed_on: z
      .object({ classes: z.array(z.string()).optional(), modalities: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();
const EvaluationSchema = z
  .object({
    checklist: z.array(
      z
        .object({
          id: z.string(),
          what: z.string(),
          max_age_days: z.number().nullable(),
          request: z.string(),
          source: z.string(),
        })
        .strict(),
    ),
    rules: z.array(
      z
        .object({
          id: z.string(),
          applies_to: z.array(z.string()),
          when: When,
          verdict: z.enum(["not-recommended", "caution"]),
          reason: z.string(),
          source: z.string(),
        })
        .strict(),
    ),
    window: z.record(z.string(), z.object({ value: z.number(), source: z.string() }).strict()),
  })
  .strict();
export type EvaluationData = z.infer<typeof EvaluationSchema>;

let cached: EvaluationData | null = null;
/** catalog/evaluation.yaml, validated (rules must name modalities of the therapy catalog). */
export function evaluationData(): EvaluationData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "evaluation.yaml");
  const data = parseDocumentWith(EvaluationSchema, readFileSync(file, "utf8"), file);
  const modalities = therapyCatalog().modalities;
  const bad = data.rules.flatMap((rule, i) =>
    rule.applies_to
      .filter((m) => !modalities.has(m))
      .map((m) => ({
        file,
        path: `rules.${i}.applies_to`,
        message: `unknown modality '${m}'`,
        severity: "error" as const,
      })),
  );
  const types = new Set(tumorTypes().types.map((t) => t.id));
  data.rules.forEach((rule, i) =>
    (rule.when.tumor_type_none_of ?? []).forEach((t, j) => {
      if (!types.has(t))
        bad.push({
          file,
          path: `rules.${i}.when.tumor_type_none_of.${j}`,
          message: `unknown tumor type '${t}' (catalog/tumor-types.yaml)`,
          severity: "error" as const,
        });
    }),
  );
  if (bad.length) throw new ModelError(bad);
  cached = data;
  return cached;
}
