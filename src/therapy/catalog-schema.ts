import { z } from "zod";

/** Units a dose may be written in; `basis` follows from the unit. */
export const DOSE_UNITS = [
  "mg",
  "mg/kg",
  "mg/m2",
  "ug",
  "ug/m2",
  "AUC",
  "IU",
  "IU/kg",
  "IU/m2",
  "cells",
  "cells/kg",
  "PFU",
  "Gy",
  "fraction",
  // appended 2026-12-05: radioligands (177Lu-PSMA-617), by administered activity
  "GBq",
  "MBq",
  "mCi",
  // appended 2026-12-05: radiopharmaceuticals dosed by weight (radium-223: 55 kBq per kg)
  "kBq/kg",
] as const;
export type DoseUnit = (typeof DOSE_UNITS)[number];

export const CONVERSIONS = [
  "antibody",
  "cells",
  "il2",
  "virus",
  "chemo",
  "vaccine",
  "radiation",
  "surgery",
  "none",
] as const;

export const RouteSchema = z
  .object({ id: z.string().min(1), name: z.string().min(1), description: z.string() })
  .strict();

export const ModalitySchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    module: z.string().nullable(),
    description: z.string(),
    /** false: not a treatment option of its own (supportive medicines), left out of a case's eligibility table. */
    eligibility: z.boolean().optional(),
  })
  .strict();

export const AgentDoseSchema = z
  .object({
    unit: z.enum(DOSE_UNITS),
    usual: z.number().positive(),
    max: z.number().positive(),
    max_total: z.number().positive().optional(),
    schedule: z.string(),
  })
  .strict()
  .refine((d) => d.max >= d.usual, { message: "max must be ≥ usual", path: ["max"] });

export const AgentModelSchema = z
  .object({
    state: z.string().nullable(),
    conversion: z.enum(CONVERSIONS),
    volume_L: z.number().positive().optional(),
    mg_m2_per_unit: z.number().positive().optional(),
    alpha: z.number().nonnegative().optional(),
    beta: z.number().nonnegative().optional(),
    lymphocyte_alpha: z.number().nonnegative().optional(),
    lymphocyte_beta: z.number().nonnegative().optional(),
    lymphocyte_field_fraction: z.number().min(0).max(1).optional(),
    set: z.record(z.string(), z.number()).optional(),
    modules: z.array(z.string()).optional(),
  })
  .strict();

/** What an agent does in the clinical model (models/immunoplan-clinical.yaml; src/therapy/compile-clinical.ts). */
export const CLINICAL_INPUTS = [
  "pd1",
  "ctla4",
  "il2",
  "chemo",
  "lymphodepletion",
  "virus",
  "gmcsf",
  "vaccine",
  "til",
  "car_t",
  "nk",
  "adcc_mab",
  "radiation",
  "surgery",
  "targeted",
  "none",
] as const;
export type ClinicalInput = (typeof CLINICAL_INPUTS)[number];

/**
 * Mechanism classes of cytotoxic chemotherapy (cross-resistance is full within a class, partial between). A virtual
 * patient draws one sensitivity per class in this order (src/population/virtual-patient.ts): new classes go at the
 * END, so that every existing patient's draws for the earlier classes stay what they were.
 */
export const CHEMO_MECHANISMS = [
  "alkylating",
  "platinum",
  "taxane",
  "antimetabolite",
  "anthracycline",
  // appended 2026-11-30 (comparator arms): vinorelbine, vincristine; etoposide
  "vinca",
  "topoisomerase",
] as const;
export type ChemoMechanism = (typeof CHEMO_MECHANISMS)[number];

/**
 * Pathways of targeted agents with a modelled effect: VEGFR tyrosine kinase inhibitors and mTOR inhibitors
 * (models/immunoplan-clinical.yaml module `targeted`), BRAF and MEK inhibitors (module `mapk`, acting only in
 * tumours with a BRAF V600 mutation), and interferon alfa's direct antiproliferative effect in the same form (module
 * `interferon`, pathway `ifn`), androgen-receptor pathway inhibitors (module `ar`) and the anti-VEGF antibody (module
 * `antivegf`, pathway `vegf`), the CD20 × CD3 bispecific engagers (module `bispecific`, pathway `cd3`) and the EGFR
 * tyrosine kinase inhibitors (module `egfr`: `egfr` the first and second generation, `egfr3` the third, osimertinib,
 * which also inhibits EGFR T790M; both act only in tumours with a sensitizing EGFR mutation) and the ALK tyrosine
 * kinase inhibitors (module `alk`: `alk` the first generation, crizotinib, `alk2` the next ones, which overcome most
 * of crizotinib's resistance; both act only in tumours with an ALK rearrangement) and the KRAS G12C inhibitors
 * (module `kras`, pathway `kras`, acting only in tumours with a KRAS G12C mutation) and the PARP inhibitors (module
 * `parp`, pathway `parp`, acting only in tumours with a BRCA1/2 alteration) and the PSMA-targeted radioligand
 * lutetium-177 PSMA-617 (module `radioligand`, pathway `psma`, acting only in prostate cancer) and the MET and RET
 * tyrosine kinase inhibitors (module `driver_tki`, pathways `met` and `ret`, acting only in tumours with a MET exon 14
 * skipping alteration or a RET fusion). A virtual patient draws one
 * sensitivity per pathway, but for the anti-VEGF antibody (the VEGFR one), the third-generation EGFR inhibitor (the
 * EGFR one) and the next-generation ALK inhibitors (the ALK one) (TARGETED_BINDING in compile-clinical.ts).
 */
export const TARGETED_PATHWAYS = [
  "vegfr",
  "mtor",
  "braf",
  "mek",
  "ifn",
  "ar",
  "vegf",
  "cd3",
  "egfr",
  "egfr3",
  "alk",
  "alk2",
  "kras",
  // appended 2026-12-03: PARP inhibitors (module parp, only in tumours with a BRCA1/2 alteration)
  "parp",
  // appended 2026-12-05: PSMA-targeted radioligands (module radioligand, only in prostate cancer)
  "psma",
  // appended 2026-12-05: MET and RET tyrosine kinase inhibitors (module driver_tki, only in tumours with a MET exon 14
  // skipping alteration or a RET fusion)
  "met",
  "ret",
] as const;
export type TargetedPathway = (typeof TARGETED_PATHWAYS)[number];
/** The pathways with a sensitivity draw of their own (the anti-VEGF antibody uses the VEGFR one, osimertinib the EGFR one). */
export type SensitivityPathway = Exclude<TargetedPathway, "vegf" | "egfr3" | "alk2">;
/** The pathways whose inhibitors act only in tumours with a BRAF V600 mutation. */
export const BRAF_V600_PATHWAYS: readonly TargetedPathway[] = ["braf", "mek"];
/** The pathways whose inhibitors act only in tumours with a sensitizing EGFR mutation (exon 19 deletion, L858R). */
export const EGFR_MUTANT_PATHWAYS: readonly TargetedPathway[] = ["egfr", "egfr3"];
/** The pathways whose inhibitors act only in tumours with an ALK rearrangement. */
export const ALK_REARRANGED_PATHWAYS: readonly TargetedPathway[] = ["alk", "alk2"];
/** The pathways whose inhibitors act only in tumours with a KRAS G12C mutation. */
export const KRAS_G12C_PATHWAYS: readonly TargetedPathway[] = ["kras"];
/** The pathways whose inhibitors act only in tumours with a deleterious BRCA1 or BRCA2 alteration. */
export const BRCA_PATHWAYS: readonly TargetedPathway[] = ["parp"];
/** The pathways whose inhibitors act only in tumours with a MET exon 14 skipping alteration. */
export const MET_EX14_PATHWAYS: readonly TargetedPathway[] = ["met"];
/** The pathways whose inhibitors act only in tumours with a RET fusion. */
export const RET_FUSION_PATHWAYS: readonly TargetedPathway[] = ["ret"];

export const ClinicalBindingSchema = z
  .object({
    input: z.enum(CLINICAL_INPUTS),
    /** One exposure equivalent (chemotherapy, lymphodepletion, GM-CSF, vaccines). */
    reference_dose: z
      .object({ value: z.number().positive(), unit: z.enum(DOSE_UNITS) })
      .strict()
      .optional(),
    /** Two-compartment population PK of an antibody at the reference weight, with allometric weight exponents. */
    pk: z
      .object({
        CL_L_day: z.number().positive(),
        V1_L: z.number().positive(),
        Q_L_day: z.number().positive(),
        V2_L: z.number().positive(),
        weight_exponent_CL: z.number(),
        weight_exponent_V: z.number(),
        ref_weight_kg: z.number().positive(),
        source: z.string().min(1),
      })
      .strict()
      .optional(),
    /**
     * Chemotherapy: the drug's mechanism class. A virtual patient's sensitivity varies between classes (partial
     * cross-resistance, catalog/vpop-priors.yaml `chemo_class_sd`) and is shared within one.
     */
    mechanism: z.enum(CHEMO_MECHANISMS).optional(),
    /** Targeted agents: the pathway inhibited (one exposure and one adaptation state per pathway). */
    pathway: z.enum(TARGETED_PATHWAYS).optional(),
    /** IL-2: the plasma volume a bolus first distributes into. */
    volume_L: z.number().positive().optional(),
    set: z.record(z.string(), z.number()).optional(),
    source: z.string().min(1).optional(),
  })
  .strict()
  .refine((b) => (b.input === "chemo") === (b.mechanism !== undefined), {
    message: "a chemotherapy binding needs a mechanism, and only a chemotherapy binding has one",
    path: ["mechanism"],
  })
  .refine((b) => (b.input === "targeted") === (b.pathway !== undefined), {
    message: "a targeted binding needs a pathway, and only a targeted binding has one",
    path: ["pathway"],
  })
  .refine((b) => b.source !== undefined || b.pk !== undefined, {
    message: "a clinical binding needs a source (or a pk block with its source)",
    path: ["source"],
  });
export type ClinicalBinding = z.infer<typeof ClinicalBindingSchema>;

export const AgentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and -"),
    name: z.string().min(1),
    brand: z.string().optional(),
    /** Other names in use (abbreviations such as T-VEC, axi-cel, DTIC), read by trial files (agent-names.ts). */
    aliases: z.array(z.string().min(1)).optional(),
    modality: z.string().min(1),
    class: z.string().min(1),
    targets: z.array(z.string()),
    approval: z.enum(["fda", "outside-us", "investigational", "discontinued"]),
    indications: z.string(),
    biomarker_gates: z.array(z.string()).optional(),
    routes: z.array(z.string()).min(1),
    doses: z.array(AgentDoseSchema).min(1),
    max_doses_per_course: z.number().int().positive().optional(),
    requires_lymphodepletion: z.boolean().optional(),
    cautions: z.array(z.string()),
    toxicities: z.array(z.string()),
    model: AgentModelSchema,
    clinical: ClinicalBindingSchema.optional(),
    model_note: z.string().optional(),
    sources: z.array(z.string()).min(1),
    verify: z.boolean().optional(),
  })
  .strict();

const Selector = z
  .object({ modalities: z.array(z.string()).optional(), classes: z.array(z.string()).optional() })
  .strict();

/** A minimum interval between two administrations of one agent: `days` at `dose` (longer for larger doses of the
 * same unit, as the flat-dose labels do: pembrolizumab 200 mg every 3 weeks or 400 mg every 6 weeks). */
export const IntervalSchema = z
  .object({
    agents: z.array(z.string().min(1)).min(1),
    days: z.number().positive(),
    dose: z
      .object({ value: z.number().positive(), unit: z.enum(DOSE_UNITS) })
      .strict()
      .optional(),
    label: z.string().min(1),
  })
  .strict();

export const RuleSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(["order", "precedes", "low-burden", "exclusive", "interval"]),
    severity: z.enum(["error", "warning"]),
    description: z.string(),
    first: Selector.optional(),
    then: Selector.optional(),
    applies_to: Selector.optional(),
    after: Selector.optional(),
    min_gap_days: z.number().nonnegative().optional(),
    /** order: measure the gap from the first (default: the last) step of `first`. */
    reference: z.enum(["first", "last"]).optional(),
    intervals: z.array(IntervalSchema).optional(),
    window_days: z.tuple([z.number(), z.number()]).optional(),
    source: z.string().min(1),
  })
  .strict();

export type Route = z.infer<typeof RouteSchema>;
export type Modality = z.infer<typeof ModalitySchema>;
export type Agent = z.infer<typeof AgentSchema>;
export type AgentDose = z.infer<typeof AgentDoseSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type Selector = z.infer<typeof Selector>;
