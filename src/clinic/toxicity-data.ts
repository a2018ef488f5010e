/**
 * catalog/toxicity.yaml, validated: CTCAE lab rules and terms, irAE and cell-therapy management, guidance.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR } from "../therapy/catalog.js";

const Grade = z.number().int().min(1).max(4);
const LabRule = z
  .object({
    term: z.string(),
    nci: z.string().optional(),
    loinc: z.array(z.string()),
    name: z.string(),
    unit: z.string(),
    direction: z.enum(["high", "low"]),
    plausible: z.tuple([z.number(), z.number()]),
    default_uln: z.number().positive().optional(),
    uln_multiples: z.array(z.number()).length(4).optional(),
    baseline_rule: z.enum(["instead", "also"]).optional(),
    baseline_multiples: z.array(z.number().nullable()).length(4).optional(),
    default_lln: z.number().positive().optional(),
    below: z
      .array(z.union([z.literal("LLN"), z.number(), z.null()]))
      .length(4)
      .optional(),
    note: z.string().optional(),
  })
  .strict();
const ToxicitySchema = z
  .object({
    ctcae_version: z.string(),
    lab_source: z.string(),
    labs: z.array(LabRule),
    terms: z.array(
      z
        .object({
          term: z.string(),
          nci: z.string().optional(),
          category: z.string().optional(),
          grades: z.array(z.string().nullable()).length(5),
          note: z.string().optional(),
        })
        .strict(),
    ),
    irae_management: z
      .object({
        source: z.string(),
        grades: z.array(
          z.object({ grade: Grade, checkpoint_inhibitor: z.string(), steroids: z.string() }).strict(),
        ),
        taper: z.string(),
        always_hold: z.array(z.string()),
      })
      .strict(),
    cell_therapy_management: z
      .object({
        source: z.string(),
        crs: z.array(z.object({ grade: Grade, action: z.string() }).strict()).length(4),
        icans: z.array(z.object({ grade: Grade, action: z.string() }).strict()).length(4),
      })
      .strict(),
    ae_guidance: z
      .object({
        source: z.string(),
        categories: z.array(
          z
            .object({
              category: z.string(),
              match: z.string(),
              general: z.string(),
              immune_effector: z.string().optional(),
              checkpoint: z.string().optional(),
            })
            .strict(),
        ),
      })
      .strict(),
  })
  .strict();
export type ToxicityData = z.infer<typeof ToxicitySchema>;
export type LabRule = z.infer<typeof LabRule>;

let cached: ToxicityData | null = null;
/** catalog/toxicity.yaml, validated. */
export function toxicityData(): ToxicityData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "toxicity.yaml");
  cached = parseDocumentWith(ToxicitySchema, readFileSync(file, "utf8"), file);
  return cached;
}
