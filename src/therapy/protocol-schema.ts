import { z } from "zod";
import { DOSE_UNITS } from "./catalog-schema.js";

const DAYS_FORMS =
  "a list of days ([0, 7, 14]), { every: N, count: K } or { every: N, until: D }, each with an optional from: D";

/** Days of a step, relative to its phase's start: a list, or every N days × count, or every N days until a day. */
export const DaysSchema = z.union(
  [
    z.array(z.number().nonnegative()).min(1),
    z
      .object({
        every: z.number().positive(),
        count: z.number().int().positive().max(10000),
        from: z.number().nonnegative().optional(),
      })
      .strict(),
    z
      .object({
        every: z.number().positive(),
        until: z.number().nonnegative(),
        from: z.number().nonnegative().optional(),
      })
      .strict(),
  ],
  {
    // one message for the three forms, saying what is accepted (zod's own is "Invalid input")
    error: (iss) => (iss.input === undefined ? `is required: ${DAYS_FORMS}` : `must be ${DAYS_FORMS}`),
  },
);

/**
 * Usual spellings of the dose units, read as the unit they name: `mg/m²`, `mg/m^2`, `MG/KG`, `mcg`, `µg`,
 * `mg per kg`, `auc`, `gray`. Anything else is kept as written and the enum reports it.
 */
export function normalizeDoseUnit(unit: unknown): unknown {
  if (typeof unit !== "string") return unit;
  const k = unit
    .trim()
    .toLowerCase()
    .replace(/\s*per\s*/g, "/")
    .replace(/\s+/g, "")
    .replace(/²|\^2|\*\*2/g, "2")
    .replace(/^(µ|μ|mc)g/, "ug")
    .replace(/^gray$/, "gy");
  return DOSE_UNITS.find((u) => u.toLowerCase() === k) ?? unit;
}

/**
 * A dose written as text, read as `{ value, unit }`: `240 mg`, `10 mg/kg`, `75 mg/m²`, `4e8 PFU`, `4 x 10^8 PFU`,
 * `1.5 × 10⁹ cells`, `AUC 5`. Anything else (or a unit that is not a dose unit) is kept as written and the schema
 * reports it.
 */
export function readDoseText(dose: unknown): unknown {
  if (typeof dose !== "string") return dose;
  const s = dose.trim();
  const auc = /^auc\s*=?\s*(\d+(?:\.\d+)?)$/i.exec(s);
  if (auc) return { value: Number(auc[1]), unit: "AUC" };
  const m =
    /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?:\s*[x×*]\s*10\s*(?:\^|\*\*)\s*([+-]?\d+))?\s*([a-zµμ].*)$/i.exec(s);
  if (!m) return dose;
  const value = Number(m[1]) * (m[2] === undefined ? 1 : 10 ** Number(m[2]));
  const unit = normalizeDoseUnit(m[3]);
  if (!Number.isFinite(value) || !(DOSE_UNITS as readonly unknown[]).includes(unit)) return dose;
  return { value: Number(value.toPrecision(12)), unit };
}

export const DoseSchema = z.preprocess(
  readDoseText,
  z
    .object({ value: z.number().positive(), unit: z.preprocess(normalizeDoseUnit, z.enum(DOSE_UNITS)) })
    .strict(),
);

/**
 * Usual spellings of the catalog's routes (catalog/routes.yaml), read as the route they name: a protocol or trial
 * file may write "intravenous", "IV", "po" or "subcutaneous". Matched without case; anything else is kept as written
 * (lower-cased) and checked against the agent's routes.
 */
const ROUTE_SYNONYMS: Readonly<Record<string, string>> = {
  intravenous: "iv",
  "i.v.": "iv",
  subcutaneous: "sc",
  "s.c.": "sc",
  subq: "sc",
  intramuscular: "im",
  "i.m.": "im",
  po: "oral",
  "p.o.": "oral",
  orally: "oral",
  "by mouth": "oral",
  intratumoural: "intratumoral",
  intralesional: "intratumoral",
  ommaya: "intrathecal",
  intraventricular: "intrathecal",
};

export function normalizeRoute(route: unknown): unknown {
  if (typeof route !== "string") return route;
  const k = route.trim().toLowerCase();
  return ROUTE_SYNONYMS[k] ?? k;
}

export const StepSchema = z
  .object({
    agent: z.string().min(1),
    dose: DoseSchema,
    /** Why the dose is above the label maximum of the catalog (without it, such a dose is an error). */
    dose_override_reason: z.string().trim().min(3).max(500).optional(),
    route: z.preprocess(normalizeRoute, z.string().min(1)),
    days: DaysSchema,
    infusion_hours: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
    when: z.enum(["minimal-burden"]).optional(),
    /** Radiotherapy: the fraction of the tumor burden inside the field (default 1, the whole burden). */
    field_fraction: z.number().gt(0).max(1).optional(),
    combination_reason: z.string().min(1).optional(),
    intent: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();

export const PHASE_KINDS = ["evaluation", "clinic", "outpatient", "maintenance"] as const;

/**
 * Usual words for a phase's kind, read as the kind they name: an inpatient or hospital stay is the clinic phase,
 * ambulatory care outpatient, a work-up or screening the evaluation. Matched without case, spaces or hyphens;
 * anything else is kept as written and the enum reports it.
 */
const PHASE_KIND_SYNONYMS: Readonly<Record<string, (typeof PHASE_KINDS)[number]>> = {
  inpatient: "clinic",
  hospital: "clinic",
  hospitalization: "clinic",
  hospitalisation: "clinic",
  admission: "clinic",
  inclinic: "clinic",
  ambulatory: "outpatient",
  dayclinic: "outpatient",
  daycare: "outpatient",
  workup: "evaluation",
  screening: "evaluation",
  assessment: "evaluation",
  maintenancetherapy: "maintenance",
};

export function normalizePhaseKind(kind: unknown): unknown {
  if (typeof kind !== "string") return kind;
  const k = kind
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "");
  return (PHASE_KINDS as readonly string[]).includes(k) ? k : (PHASE_KIND_SYNONYMS[k] ?? kind);
}

export const PhaseSchema = z
  .object({
    name: z.string().min(1),
    kind: z.preprocess(normalizePhaseKind, z.enum(PHASE_KINDS)).optional(),
    start_day: z.number().nonnegative(),
    duration_days: z.number().positive().optional(),
    intent: z.string().optional(),
    notes: z.string().optional(),
    steps: z.array(StepSchema),
  })
  .strict();

export const ProtocolSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    intent: z.string().optional(),
    references: z.array(z.string()).optional(),
    phases: z.array(PhaseSchema).min(1),
  })
  .strict();

export type Protocol = z.infer<typeof ProtocolSchema>;
export type Phase = z.infer<typeof PhaseSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Days = z.infer<typeof DaysSchema>;

/** The published JSON Schema of protocol documents (schemas/protocol.schema.json). */
export function protocolJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(ProtocolSchema) as object),
    $id: "https://immunoplan.example/schemas/protocol.schema.json",
    title: "Immunoplan protocol",
    description: "A sequenced cancer immunotherapy protocol: phases with steps (agent, dose, route, days).",
  };
}

export { stepDays } from "./step-days.js";
