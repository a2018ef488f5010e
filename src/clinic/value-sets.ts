/**
 * The value sets the record editor searches (catalog/value-sets.yaml): diagnoses with SNOMED CT and ICD-10-CM
 * codes, histology with ICD-O-3 (and SNOMED CT) codes, staging systems, biomarkers, labs, imaging modalities.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import type { Coding } from "./case-schema.js";
import { LOINC, SNOMED } from "./fhir-codes.js";

export const ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
export const ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";

const Entry = z
  .object({
    text: z.string().min(1),
    sct: z
      .string()
      .regex(/^\d{6,18}$/, "a SNOMED CT concept id")
      .optional(),
    icd10cm: z
      .string()
      .regex(/^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$/, "an ICD-10-CM code like C34.90")
      .optional(),
    icdo3: z
      .string()
      .regex(/^\d{4}\/\d$/, "an ICD-O-3 morphology code like 8140/3")
      .optional(),
    loinc: z
      .string()
      .regex(/^\d{1,7}-\d$/, "a LOINC code like 751-8")
      .optional(),
    unit: z.string().optional(),
    role: z.enum(["primary", "secondary"]).optional(),
    scores: z.array(z.string()).optional(),
    assays: z.array(z.string()).optional(),
    verify: z.boolean().optional(),
  })
  .strict();
const ValueSetsSchema = z
  .object({
    diagnoses: z.array(Entry),
    histology: z.array(Entry),
    staging_systems: z.array(Entry),
    biomarkers: z.array(Entry),
    labs: z.array(Entry),
    modalities: z.array(Entry),
  })
  .strict();
export type ValueSetKind = keyof z.infer<typeof ValueSetsSchema>;
export const VALUE_SET_KINDS = Object.keys(ValueSetsSchema.shape) as ValueSetKind[];

/** One choice: its text, its codes (first the preferred one), and hints for the form. */
export interface ValueSetOption {
  readonly text: string;
  readonly codings: readonly Coding[];
  readonly unit?: string;
  readonly role?: "primary" | "secondary";
  readonly scores?: readonly string[];
  readonly assays?: readonly string[];
  /** Written from domain knowledge, not found in the reference data: re-check against the terminology. */
  readonly verify: boolean;
}

let cached: Record<ValueSetKind, ValueSetOption[]> | null = null;
export function valueSets(): Record<ValueSetKind, ValueSetOption[]> {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "value-sets.yaml");
  const data = parseDocumentWith(ValueSetsSchema, readFileSync(file, "utf8"), file);
  const option = (e: z.infer<typeof Entry>): ValueSetOption => ({
    text: e.text,
    codings: [
      ...(e.sct ? [{ system: SNOMED, code: e.sct, display: e.text }] : []),
      ...(e.icd10cm ? [{ system: ICD10CM, code: e.icd10cm, display: e.text }] : []),
      ...(e.icdo3 ? [{ system: ICDO3, code: e.icdo3, display: e.text }] : []),
      ...(e.loinc ? [{ system: LOINC, code: e.loinc, display: e.text }] : []),
    ],
    ...(e.unit ? { unit: e.unit } : {}),
    ...(e.role ? { role: e.role } : {}),
    ...(e.scores ? { scores: e.scores } : {}),
    ...(e.assays ? { assays: e.assays } : {}),
    verify: e.verify === true,
  });
  cached = Object.fromEntries(VALUE_SET_KINDS.map((k) => [k, data[k].map(option)])) as Record<
    ValueSetKind,
    ValueSetOption[]
  >;
  return cached;
}

/** Options whose text or a code contains every word of the query (case-insensitive); all when it is empty. */
export function searchValueSet(kind: ValueSetKind, query: string, limit = 20): ValueSetOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const options = valueSets()[kind];
  return options
    .filter((o) => {
      const hay = `${o.text} ${o.codings.map((c) => c.code).join(" ")}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .slice(0, limit);
}
