/**
 * The trial file (issue 13 §3): who was enrolled, the arms and their protocols, the scan schedule and response
 * criteria, and what the trial published. YAML or JSON; the JSON Schema is schemas/trial.schema.json.
 */
import { z } from "zod";
import { ProtocolSchema } from "../therapy/protocol-schema.js";
import { CANCER_TYPES, PDL1_LEVELS } from "./types.js";

/**
 * Cancer types a trial file may name: the calibration set's (CANCER_TYPES, which have virtual populations) and
 * others kept as data for reference (no virtual population: such trials cannot be simulated yet).
 */
export const TRIAL_CANCER_TYPES = [...CANCER_TYPES, "acute-myeloid-leukemia"] as const;

/**
 * End points computed from the simulated arms. `PFS_<n>mo` is any landmark (PFS_6mo, PFS_12mo, PFS_48mo);
 * `median_DOR_months` and `DOR_<n>mo` are the duration of response among the responders (Kaplan–Meier from the
 * first scan showing CR or PR to progression; DOR_12mo: the share of responses lasting 12 months or more).
 */
export const SIMULATED_ENDPOINTS = [
  "ORR",
  "CR",
  "PR",
  "SD",
  "PD",
  "DCR",
  "DRR",
  "median_PFS_months",
  "PFS_HR",
  "median_DOR_months",
] as const;
/**
 * Overall-survival end points: drawn from each simulated patient's tumour dynamics (overall-survival.ts), not from
 * the clinical model itself (it simulates no deaths).
 */
export const RECORDED_ENDPOINTS = ["median_OS_months", "OS_HR"] as const;
export const LANDMARK = /^(PFS|OS|DOR)_(\d+(?:\.\d+)?)mo$/;

/** Proportions (0–1), as opposed to months and hazard ratios. */
export function isProportion(endpoint: string): boolean {
  return (
    ((SIMULATED_ENDPOINTS as readonly string[]).includes(endpoint) &&
      !endpoint.includes("months") &&
      endpoint !== "PFS_HR") ||
    LANDMARK.test(endpoint)
  );
}

export function knownEndpoint(endpoint: string): boolean {
  return (
    (SIMULATED_ENDPOINTS as readonly string[]).includes(endpoint) ||
    (RECORDED_ENDPOINTS as readonly string[]).includes(endpoint) ||
    LANDMARK.test(endpoint)
  );
}

const fraction = z.number().min(0).max(1);
const lines = z.array(z.number().int().min(0).max(20));
/** How reports word a marker status (ALK-positive, EGFR-mutated, BRAF wild-type), read as mutant or wildtype. */
export const MARKER_STATUS_ALIASES = {
  positive: "mutant",
  mutated: "mutant",
  rearranged: "mutant",
  negative: "wildtype",
  "wild-type": "wildtype",
  wt: "wildtype",
} as const;
/** A tumour marker's status in the enrolled population (braf, egfr, alk, kras, brca, met, ret): any, mutant, wildtype or an alias. */
const markerStatus = (description: string) =>
  z
    .enum([
      "any",
      "mutant",
      "wildtype",
      ...(Object.keys(MARKER_STATUS_ALIASES) as (keyof typeof MARKER_STATUS_ALIASES)[]),
    ])
    .describe(`${description} (positive, mutated, rearranged = mutant; negative, wild-type, wt = wildtype)`)
    .optional();

/** Cancer types whose id shares a stem with a misspelt name ("melanomaX", "nsclc2"), for "did you mean" hints. */
function nearCancerTypes(input: unknown): string[] {
  if (typeof input !== "string") return [];
  const k = input.toLowerCase().replace(/[^a-z]/g, "");
  if (k.length < 4) return [];
  return TRIAL_CANCER_TYPES.filter((t) => {
    const id = t.replace(/-/g, "");
    return k.includes(id) || id.includes(k);
  });
}

export const TrialPopulationSchema = z.object({
  cancer: z.enum(TRIAL_CANCER_TYPES, {
    error: (iss) => {
      const near = nearCancerTypes(iss.input);
      return `unknown cancer type ${JSON.stringify(iss.input)}${near.length ? ` (did you mean ${near.join(", ")}?)` : ""} (cancer types: ${TRIAL_CANCER_TYPES.join(", ")})`;
    },
  }),
  stage: z
    .union([z.record(z.string(), fraction), z.array(z.string().min(1)).min(1)])
    .describe("a distribution over stage / M categories (fractions summing to 1) or a list of allowed values")
    .optional(),
  prior_lines: lines.describe("allowed numbers of prior systemic lines").optional(),
  refractory_to: z
    .array(z.string().min(1))
    .describe(
      "catalog agent ids or classes (anti-PD-1, anti-PD-L1, anti-CTLA-4, chemotherapy) the population progressed on",
    )
    .optional(),
  pdl1: z
    .union([
      z.enum(PDL1_LEVELS),
      z
        .object({
          min_tps: z.number().min(0).max(100).optional(),
          max_tps: z.number().gt(0).max(100).optional(),
        })
        .strict()
        .refine((r) => r.min_tps !== undefined || r.max_tps !== undefined, "give min_tps, max_tps or both")
        .refine((r) => (r.min_tps ?? 0) < (r.max_tps ?? Infinity), "min_tps must be below max_tps"),
    ])
    .describe(
      "PD-L1 tumour proportion score: any; positive ≥ 1 %; high ≥ 50 %; negative < 1 %; low 1–49 %; or { min_tps, max_tps } in % (min inclusive, max exclusive) for other cut-offs",
    )
    .optional(),
  braf: markerStatus(
    "BRAF V600 status of the tumours: mutant (V600E/K) or wildtype enrol only those; not given and an arm gives a BRAF or MEK inhibitor: mutant (their labels' indication), with a warning",
  ),
  egfr: markerStatus(
    "EGFR status of the tumours: mutant (a sensitizing mutation, exon 19 deletion or L858R) or wildtype enrol only those; not given and an arm gives an EGFR tyrosine kinase inhibitor: mutant (their labels' indication), with a warning",
  ),
  alk: markerStatus(
    "ALK status of the tumours: mutant (an ALK rearrangement, ALK-positive) or wildtype (ALK-negative) enrol only those; not given and an arm gives an ALK tyrosine kinase inhibitor: mutant (their labels' indication), with a warning",
  ),
  kras: markerStatus(
    "KRAS G12C status of the tumours: mutant (KRAS p.G12C) or wildtype (no G12C mutation) enrol only those; not given and an arm gives a KRAS G12C inhibitor: mutant (their labels' indication), with a warning",
  ),
  brca: markerStatus(
    "BRCA1/2 status of the tumours: mutant (a deleterious germline or somatic BRCA1 or BRCA2 alteration) or wildtype enrol only those; not given and an arm gives a PARP inhibitor: mutant (their labels' indication in prostate cancer), with a warning",
  ),
  met: markerStatus(
    "MET status of the tumours: mutant (a MET exon 14 skipping alteration, METex14) or wildtype enrol only those; not given and an arm gives a MET inhibitor: mutant (their labels' indication), with a warning",
  ),
  ret: markerStatus(
    "RET status of the tumours: mutant (a RET fusion, RET-rearranged) or wildtype enrol only those; not given and an arm gives a RET inhibitor: mutant (their labels' indication), with a warning",
  ),
  ecog: z.array(z.number().int().min(0).max(4)).optional(),
  ldh_elevated: fraction.describe("fraction with LDH above the upper limit of normal").optional(),
  injectable: z.boolean().describe("all patients have injectable lesions").optional(),
  /** Median baseline sum of target-lesion diameters, mm (when published). */
  baseline_sum_mm: z.number().positive().optional(),
  notes: z.string().optional(),
});

export const TrialArmSchema = z.object({
  name: z.string().min(1),
  /** A protocol file (relative to the trial file) or an inline protocol. */
  protocol: z.union([z.string().min(1), ProtocolSchema], {
    error: (iss) =>
      iss.input === undefined
        ? "is required: a protocol file (relative to the trial file) or an inline protocol"
        : "must be a protocol file name or an inline protocol object",
  }),
  patients: z.number().int().positive().max(100_000),
  notes: z.string().optional(),
});

/** Response criteria: RECIST 1.1, iRECIST, immune-related response criteria (unidimensional irRC), Lugano 2014. */
export const CriteriaSchema = z.enum(["recist1.1", "irecist", "irrc", "lugano2014"]);

export const AssessmentSchema = z.object({
  criteria: CriteriaSchema.describe("response criteria applied at the scans"),
  first_week: z.number().positive().max(520),
  every_weeks: z.number().positive().max(520),
  until_week: z.number().positive().max(1040).optional(),
  every_weeks_after: z.number().positive().max(520).optional(),
  follow_up_weeks: z.number().positive().max(1040),
  /** Follow-up of overall survival, weeks (default: catalog/survival.yaml, 5 years); deaths after it are censored. */
  os_follow_up_weeks: z.number().positive().max(1040).optional(),
  confirm: z.boolean().default(false).describe("responses need a confirming scan ≥ 4 weeks later"),
  /** Minimum time from the start of treatment for a best response of SD (weeks; default 6). */
  min_sd_weeks: z.number().nonnegative().max(104).optional(),
  /**
   * Weeks over which the patients were enrolled (uniformly): at a published number's data cut, each patient has been
   * followed `data_cut_weeks` ± half of it (data_cut_weeks is then the median follow-up), not all the same time.
   * Without it every simulated patient is cut on the same day.
   */
  accrual_weeks: z.number().nonnegative().max(520).optional(),
  /** Who read the scans (investigator, central, independent review committee). */
  reviewer: z.string().optional(),
  notes: z.string().optional(),
});

export const PublishedSchema = z.object({
  /** An arm of this file, or a list of arms whose patients are pooled. */
  arm: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** ORR, CR, PR, SD, PD, DCR, DRR, median_PFS_months, PFS_<n>mo, PFS_HR, median_OS_months, OS_<n>mo, OS_HR. */
  endpoint: z.string().min(1),
  value: z.number().nonnegative(),
  /**
   * The median was not reached at the analysis (shorthands `value: null`, `value: NR`, `value: not reached`;
   * published-not-reached.ts): it compares with a simulated median not reached in the same follow-up; `value` is
   * then the CI's lower limit (or 0).
   */
  not_reached: z.boolean().optional(),
  /** [lower, upper]; an upper limit of null is "not reached" (medians). */
  ci: z.tuple([z.number().nonnegative(), z.number().nonnegative().nullable()]).optional(),
  /** Confidence level of `ci` (default 0.95; Fyfe 1995 published a 90 % interval). */
  ci_level: z.number().gt(0).lt(1).optional(),
  /** Hazard ratios: the reference arm (the ratio is `arm` against `versus`). */
  versus: z.string().min(1).optional(),
  /** Allowed distance when no CI is published (default ±0.05 for proportions, ±1 month (median OS: ±10 %), ±0.1 for HR). */
  tolerance: z.number().positive().optional(),
  /** Certainty tag of the number in shared/research/trials.md: C confirmed in a source, H from memory, M moderate. */
  certainty: z.enum(["C", "H", "M"]).optional(),
  /**
   * Weeks of follow-up at the analysis that reported the number (a first report of a trial followed longer): the
   * simulated value uses only the scans up to then.
   */
  data_cut_weeks: z.number().positive().max(1040).optional(),
  /** Who read the scans for this number, when it differs from the assessment's reviewer (a pooled IRC analysis). */
  reviewer: z.string().optional(),
  /**
   * Response criteria of this number, when they differ from the assessment's (a later analysis read with other
   * criteria, e.g. irRC after KEYNOTE-006's final analysis): the simulated value reads the same scans with them.
   */
  criteria: CriteriaSchema.optional(),
  /**
   * false: a check, never a calibration target — `vpop build --calibrate` compares it but does not weight the
   * population on it (default: a target when its end point is one the calibration uses).
   */
  calibrate: z.boolean().optional(),
  note: z.string().optional(),
});

export const TrialSchema = z.object({
  name: z.string().min(1),
  source: z.string().min(1),
  description: z.string().optional(),
  references: z.array(z.string()).optional(),
  population: TrialPopulationSchema,
  arms: z.array(TrialArmSchema).min(1),
  assessment: AssessmentSchema,
  published: z.array(PublishedSchema).optional(),
  /** Calibration use: false keeps the trial as data only (e.g. a cancer type without a virtual population). */
  calibration: z.object({ use: z.boolean(), reason: z.string().optional() }).optional(),
  notes: z.string().optional(),
});

export type TrialDocument = z.infer<typeof TrialSchema>;
export type TrialArmDocument = z.infer<typeof TrialArmSchema>;
export type PublishedEndpoint = z.infer<typeof PublishedSchema>;
export type AssessmentDocument = z.infer<typeof AssessmentSchema>;

/** Fields of each block (unknown ones are warned about, as typos). */
export const FIELDS = {
  trial: Object.keys(TrialSchema.shape),
  population: Object.keys(TrialPopulationSchema.shape),
  arm: Object.keys(TrialArmSchema.shape),
  assessment: Object.keys(AssessmentSchema.shape),
  published: Object.keys(PublishedSchema.shape),
} as const;

/**
 * How a file may write a median not reached (published-not-reached.ts): NR, N.R., NE, not reached, not estimable,
 * in any case — spelled out per letter, as JSON Schema patterns have no case-insensitive flag.
 */
export const NOT_REACHED_PATTERN =
  "^\\s*(?:[Nn]\\.?[Rr]\\.?|[Nn][Ee]|[Nn][Oo][Tt] [Rr][Ee][Aa][Cc][Hh][Ee][Dd]|[Nn][Oo][Tt] [Ee][Ss][Tt][Ii][Mm][Aa][Bb][Ll][Ee])\\s*$";

/** The published JSON Schema of trial files (schemas/trial.schema.json). */
export function trialJsonSchema(): unknown {
  const schema = z.toJSONSchema(TrialSchema, { io: "input" }) as unknown as {
    properties: { published: { items: { properties: Record<string, unknown> } } };
  };
  // the file may write a median not reached as `value: null`, `NR` or `not reached` (published-not-reached.ts),
  // which the reader turns into `not_reached: true` before the schema above reads the number
  const props = schema.properties.published.items.properties;
  props.value = {
    anyOf: [props.value, { type: "null" }, { type: "string", pattern: NOT_REACHED_PATTERN }],
    description:
      "the published value; for a median not reached: null, NR or not reached (or not_reached: true)",
  };
  return {
    ...schema,
    $id: "https://immunoplan.example/schemas/trial.schema.json",
    title: "Immunoplan trial",
    description:
      "A clinical trial as data: the population, the arms with their protocols, the scan schedule and response criteria, and the published end points.",
  };
}
