import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR } from "../therapy/catalog.js";

/** What every prior states besides its shape: the unit, the meaning and the source. */
const described = { unit: z.string(), description: z.string(), source: z.string() };
const positiveRange = { lower: z.number().positive(), upper: z.number().positive() };

const PriorSchema = z.discriminatedUnion("distribution", [
  z
    .object({
      distribution: z.literal("lognormal"),
      median: z.number().positive(),
      sd_log: z.number().positive(),
      ...positiveRange,
      ...described,
    })
    .strict(),
  z.object({ distribution: z.literal("loguniform"), ...positiveRange, ...described }).strict(),
  z
    .object({ distribution: z.literal("uniform"), lower: z.number(), upper: z.number(), ...described })
    .strict(),
]);
export type PlanningPrior = z.infer<typeof PriorSchema>;

const WeightsSchema = z
  .object({
    control: z.number().nonnegative(),
    elimination: z.number().nonnegative(),
    toxicity: z.number().nonnegative(),
    burden: z.number().nonnegative(),
  })
  .strict();
export type RankingWeights = z.infer<typeof WeightsSchema>;

const PlanningDataSchema = z
  .object({
    priors: z
      .object({
        a: PriorSchema,
        K: PriorSchema,
        antigenicity: PriorSchema,
        suppression: PriorSchema,
        tolerance: PriorSchema,
      })
      .strict(),
    module_priors: z.record(z.string(), PriorSchema),
    measurement: z
      .object({ sd_log: z.number().positive(), description: z.string(), source: z.string() })
      .strict(),
    weights: WeightsSchema.extend({ source: z.string() }).strict(),
    toxicity: z.object({ source: z.string() }).strict(),
    burden: z
      .object({ clinic_days: z.number().positive(), visits: z.number().positive(), source: z.string() })
      .strict(),
    purposes: z.record(
      z.enum(["debulking", "virus", "checkpoint", "il2", "killers", "maintenance"]),
      z.object({ step: z.string(), targets: z.string(), source: z.string() }).strict(),
    ),
  })
  .strict();
export type PlanningData = z.infer<typeof PlanningDataSchema>;

let cached: PlanningData | null = null;

/** catalog/planning.yaml: priors, measurement error, ranking weights and proxy scales, each with its source. */
export function planningData(): PlanningData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "planning.yaml");
  cached = parseDocumentWith(PlanningDataSchema, readFileSync(file, "utf8"), file);
  return cached;
}

/**
 * Parses clinician weights "control=1,elimination=0.5,toxicity=0.2,burden=0" over the defaults. Unknown names and
 * negative or non-numeric values are errors that name the entry.
 */
export function parseWeights(text: string | undefined, defaults: RankingWeights): RankingWeights {
  const w: Record<string, number> = { ...defaults };
  if (!text) return w as RankingWeights;
  for (const part of text.split(",")) {
    const m = /^\s*(\w+)\s*=\s*([^\s]+)\s*$/.exec(part);
    if (!m) throw new RangeError(`weights: '${part}' is not NAME=VALUE`);
    if (!(m[1] in defaults))
      throw new RangeError(`weights: unknown weight '${m[1]}' (${Object.keys(defaults).join(", ")})`);
    const v = Number(m[2]);
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`weights: ${m[1]} must be a number ≥ 0`);
    w[m[1]] = v;
  }
  return w as RankingWeights;
}
