import { z } from "zod";

/**
 * Where a value came from: a FHIR resource, a document (its id in `ref`, its file name in `title`, the page it
 * was read from), manual entry ("entered by `by`"), or derived from other values.
 */
export const SourceSchema = z
  .object({
    kind: z.enum(["fhir", "document", "manual", "derived"]),
    ref: z.string().optional(),
    path: z.string().optional(),
    title: z.string().optional(),
    page: z.number().int().positive().optional(),
    /** Who entered or abstracted the value (user name). */
    by: z.string().optional(),
  })
  .strict();

export const CodingSchema = z
  .object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() })
  .strict();

const dated = { date: z.string().optional(), source: SourceSchema };

export const LesionSchema = z
  .object({
    id: z.string(),
    role: z.enum(["target", "non-target", "new"]),
    nodal: z.boolean(),
    diameterMm: z.number().nonnegative().optional(),
    state: z.enum(["present", "absent", "unequivocal-progression", "further-increase"]).optional(),
    location: z.string().optional(),
    /** The organ the lesion is in (e.g. "liver", "lung", "lymph node"). */
    organ: z.string().optional(),
  })
  .strict();

export const CaseSchema = z
  .object({
    id: z.string().min(1),
    patient: z
      .object({
        birthDate: z.string().optional(),
        sex: z.enum(["female", "male", "other", "unknown"]).optional(),
        name: z.string().optional(),
        country: z.string().optional(),
        language: z.string().optional(),
        contact: z.string().optional(),
        source: SourceSchema,
      })
      .strict(),
    weights: z.array(z.object({ kg: z.number().positive(), ...dated }).strict()).default([]),
    heights: z.array(z.object({ cm: z.number().positive(), ...dated }).strict()).default([]),
    cancers: z
      .array(
        z
          .object({
            role: z.enum(["primary", "secondary"]),
            code: CodingSchema,
            /** The same diagnosis in other code systems (e.g. ICD-10-CM beside SNOMED CT). */
            otherCodes: z.array(CodingSchema).optional(),
            histology: CodingSchema.optional(),
            bodySite: CodingSchema.optional(),
            laterality: CodingSchema.optional(),
            onset: z.string().optional(),
            source: SourceSchema,
          })
          .strict(),
      )
      .default([]),
    staging: z
      .array(
        z
          .object({
            kind: z.enum(["clinical", "pathologic"]),
            item: z.enum(["stage-group", "T", "N", "M"]),
            value: CodingSchema,
            /** The staging system (e.g. AJCC 8th edition, SNOMED 897275008). */
            method: CodingSchema.optional(),
            ...dated,
          })
          .strict(),
      )
      .default([]),
    biomarkers: z
      .array(
        z
          .object({
            name: z.string(),
            code: CodingSchema,
            value: z.union([z.string(), z.number()]).optional(),
            unit: z.string().optional(),
            /** The assay (e.g. PD-L1 clone "22C3") and the score type (e.g. "TPS", "CPS"). */
            assay: z.string().optional(),
            scoreType: z.string().optional(),
            ...dated,
          })
          .strict(),
      )
      .default([]),
    /** HLA class I typing (e.g. "A*02:01", "B*44:02", "C*05:01") and KIR genes, for donor killer-cell choice. */
    hlaTyping: z
      .object({
        alleles: z.array(
          z.string().regex(/^(HLA-)?[A-Z][A-Z0-9]*\*\d{2,3}(:[\w]+)*[A-Z]?$/, "an HLA allele like B*44:02"),
        ),
        kirGenes: z.array(z.string()).optional(),
        ...dated,
      })
      .strict()
      .optional(),
    performance: z
      .array(
        z.object({ scale: z.enum(["ECOG", "Karnofsky", "Lansky"]), value: z.number(), ...dated }).strict(),
      )
      .default([]),
    labs: z
      .array(
        z
          .object({
            name: z.string(),
            code: CodingSchema,
            value: z.number().optional(),
            unit: z.string().optional(),
            /** Reference range of the reporting laboratory (same unit as the value). */
            referenceLow: z.number().optional(),
            referenceHigh: z.number().optional(),
            text: z.string().optional(),
            ...dated,
          })
          .strict(),
      )
      .default([]),
    imaging: z
      .array(
        z
          .object({
            date: z.string(),
            modality: z.string().optional(),
            bodySite: z.string().optional(),
            report: z.string().optional(),
            lesions: z.array(LesionSchema).default([]),
            source: SourceSchema,
          })
          .strict(),
      )
      .default([]),
    pathology: z
      .array(z.object({ report: z.string().optional(), code: CodingSchema.optional(), ...dated }).strict())
      .default([]),
    treatments: z
      .array(
        z
          .object({
            kind: z.enum(["medication", "radiotherapy", "surgery", "other"]),
            name: z.string(),
            code: CodingSchema.optional(),
            start: z.string().optional(),
            end: z.string().optional(),
            status: z.string().optional(),
            bestResponse: z.string().optional(),
            reasonStopped: z.string().optional(),
            toxicities: z.array(z.string()).optional(),
            source: SourceSchema,
          })
          .strict(),
      )
      .default([]),
    conditions: z
      .array(
        z
          .object({
            category: z.enum([
              "autoimmune",
              "transplant",
              "systemic-steroids",
              "infection",
              "pregnancy",
              "comorbidity",
            ]),
            text: z.string(),
            code: CodingSchema.optional(),
            active: z.boolean().optional(),
            ...dated,
          })
          .strict(),
      )
      .default([]),
    diseaseStatus: z.array(z.object({ value: CodingSchema, ...dated }).strict()).default([]),
    documents: z
      .array(
        z
          .object({
            id: z.string(),
            type: z.string(),
            title: z.string().optional(),
            contentType: z.string().optional(),
            ...dated,
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type CaseRecord = z.infer<typeof CaseSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Coding = z.infer<typeof CodingSchema>;

export function emptyCase(id: string): CaseRecord {
  return CaseSchema.parse({ id, patient: { source: { kind: "manual" } } });
}

/** The published JSON Schema of case records (schemas/case.schema.json). */
export function caseJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(CaseSchema, { io: "input" }) as object),
    $id: "https://immunoplan.example/schemas/case.schema.json",
    title: "Immunoplan case record",
  };
}
