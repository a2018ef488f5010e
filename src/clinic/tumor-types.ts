/**
 * Tumor types (catalog/tumor-types.yaml): which types a case's diagnosis names, and whether an agent's label
 * (its `indications`) covers one of them — or a tumor-agnostic label whose biomarker the case documents.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import type { Agent } from "../therapy/catalog-schema.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import type { CaseRecord } from "./case-schema.js";

const TumorTypesSchema = z
  .object({
    types: z.array(
      z
        .object({
          id: z.string().min(1),
          name: z.string().min(1),
          hematologic: z.boolean().optional(),
          case: z.string(),
          indication: z.string(),
        })
        .strict(),
    ),
    tumor_agnostic: z.array(
      z
        .object({
          indication: z.string(),
          biomarker: z.string(),
          value: z.string().optional(),
          min: z.number().optional(),
          solid_only: z.boolean().optional(),
        })
        .strict(),
    ),
    source: z.string(),
  })
  .strict();
export type TumorTypes = z.infer<typeof TumorTypesSchema>;

let cached: TumorTypes | null = null;
export function tumorTypes(): TumorTypes {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "tumor-types.yaml");
  cached = parseDocumentWith(TumorTypesSchema, readFileSync(file, "utf8"), file);
  return cached;
}

const re = (p: string) => new RegExp(p, "i");

/** The tumor types the case's cancers name (ids of catalog/tumor-types.yaml). */
export function caseTumorTypes(c: CaseRecord): string[] {
  const text = c.cancers
    .map((x) => `${x.code.display ?? ""} ${x.histology?.display ?? ""} ${x.bodySite?.display ?? ""}`)
    .join(" | ");
  return tumorTypes()
    .types.filter((t) => re(t.case).test(text))
    .map((t) => t.id);
}

/** Does the agent's label name one of the case's tumor types (or a tumor-agnostic biomarker the case has)? */
export function agentFitsCase(agent: Agent, c: CaseRecord): boolean {
  const data = tumorTypes();
  const types = new Set(caseTumorTypes(c));
  if (data.types.some((t) => types.has(t.id) && re(t.indication).test(agent.indications))) return true;
  const hematologicOnly =
    types.size > 0 && data.types.filter((t) => types.has(t.id)).every((t) => t.hematologic);
  return data.tumor_agnostic.some(
    (g) =>
      re(g.indication).test(agent.indications) &&
      !(g.solid_only && hematologicOnly) &&
      c.biomarkers.some((b) => {
        if (!re(g.biomarker).test(`${b.name} ${b.code.display ?? ""}`)) return false;
        if (g.min !== undefined) return typeof b.value === "number" && b.value >= g.min;
        return g.value === undefined || (typeof b.value === "string" && re(g.value).test(b.value));
      }),
  );
}
