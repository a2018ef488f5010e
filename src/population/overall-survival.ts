/**
 * Overall survival of simulated trial patients (catalog/survival.yaml has the model, its parameters and their
 * sources). The clinical model simulates tumours, not deaths: each patient's survival time is drawn from their
 * simulated course by a log-normal accelerated-failure-time model in their tumour-dynamics growth rate KG (the
 * "observation-level bridge" of shared/research/clinical-model.md §8.2, the form of Claret 2018 and Chan 2021):
 *
 *   ln T (months) = θ0[cancer] + θ_kg·ln(max(KG, floor)/ref) + θ_ldh·LDH + θ_ecog·ECOG + θ_sld·ln(SLD0/ref) + σ·z
 *
 * KG is estimated (src/models/tumor-rates.ts) from the measured sums of target diameters from the baseline to the
 * progression scan (to the last scan without progression), as a trial's tumour-dynamics analysis sees them. z is
 * the patient's own standard normal draw from (seed, patient id): arms given to the same patients (paired runs)
 * share it. Progression-free survival is unchanged by this: the model's PFS stays a time to progression.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as yamlParse } from "yaml";
import { z } from "zod";
import { fnv1a, seededRandom, standardNormal } from "../engine/statistics.js";
import { tumorRates } from "../models/tumor-rates.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import { targetSum, type PatientOutcome } from "./patient-outcome.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";
import { CANCER_TYPES, type CancerType, type SimulatedCourse } from "./types.js";

const Param = z
  .object({
    value: z.number(),
    unit: z.string(),
    range: z.tuple([z.number(), z.number()]),
    source: z.string().min(1),
  })
  .strict();
export type SurvivalParam = z.infer<typeof Param>;

const SharedParams = z
  .object({
    theta_kg: Param,
    sigma: Param,
    kg_ref: Param,
    kg_floor: Param,
    theta_ldh: Param,
    theta_ecog: Param,
    theta_sld: Param,
    sld_ref_mm: Param,
    follow_up_weeks: Param,
  })
  .strict();

/** The survival model's error on left-out trials (src/docs/survival-report.ts; model-error.ts reads it). */
const OutOfSample = z
  .object({
    median_log_sd: Param,
    landmark_sd: Param,
    hr_log_sd: Param,
  })
  .strict();

const SurvivalFile = z
  .object({
    shared: SharedParams,
    out_of_sample: OutOfSample.optional(),
    cancers: z.object(
      Object.fromEntries(CANCER_TYPES.map((c) => [c, z.object({ theta0: Param }).strict()])) as Record<
        CancerType,
        z.ZodObject<{ theta0: typeof Param }>
      >,
    ),
  })
  .strict();
export type SurvivalFile = z.infer<typeof SurvivalFile>;

/** The numbers of the model for one cancer type. */
export interface SurvivalModel {
  readonly theta0: number;
  readonly theta_kg: number;
  readonly sigma: number;
  readonly kg_ref: number;
  readonly kg_floor: number;
  readonly theta_ldh: number;
  readonly theta_ecog: number;
  readonly theta_sld: number;
  readonly sld_ref_mm: number;
  /** Default follow-up of overall survival, weeks. */
  readonly follow_up_weeks: number;
}

const SHIPPED = path.join(CATALOG_DIR, "survival.yaml");
let cached: SurvivalFile | undefined;

/** The shipped survival model (catalog/survival.yaml), validated. */
export function survivalFile(file = SHIPPED): SurvivalFile {
  if (cached && file === SHIPPED) return cached;
  const parsed = SurvivalFile.safeParse(yamlParse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.join(".")}: ${i.message}`);
  }
  if (file === SHIPPED) cached = parsed.data;
  return parsed.data;
}

export function survivalModel(cancer: CancerType, file?: SurvivalFile): SurvivalModel {
  const f = file ?? survivalFile();
  const s = f.shared;
  return {
    theta0: f.cancers[cancer].theta0.value,
    theta_kg: s.theta_kg.value,
    sigma: s.sigma.value,
    kg_ref: s.kg_ref.value,
    kg_floor: s.kg_floor.value,
    theta_ldh: s.theta_ldh.value,
    theta_ecog: s.theta_ecog.value,
    theta_sld: s.theta_sld.value,
    sld_ref_mm: s.sld_ref_mm.value,
    follow_up_weeks: s.follow_up_weeks.value,
  };
}

/** One patient's simulated survival: the day of death (not censored here; censor at the analysis' follow-up). */
export interface SurvivalOutcome {
  readonly id: string;
  readonly deathDay: number;
  /** The growth rate constant KG read from the patient's scans, 1/day (null without two readings). */
  readonly kg: number | null;
}

/** The patient's standard normal survival draw: a function of the trial seed and the patient id only. */
export function survivalDraw(seed: number, id: string): number {
  return standardNormal(seededRandom(fnv1a(`os:${seed}:${id}`)));
}

/**
 * The target lesions the survival model reads: every one, or, when some were treated locally (injected, irradiated)
 * and others were not, only the others (null: every one). A locally treated lesion's shrinkage is local control; the
 * growth that shortens survival is that of the disease the treatment reaches systemically (an assumption, 2026-12-07:
 * read from every target lesion, T-VEC's injected lesions shrinking counted as systemic control, and OPTiM's T-VEC arm
 * lived 36.9 months against 23.3, HR 0.58 against 0.79). A patient whose every target lesion was treated locally is
 * read from them all.
 */
export function survivalLesionsExcluded(course: SimulatedCourse): ReadonlySet<string> | null {
  if (!course.local?.length || course.scans.length === 0) return null;
  const local = new Set(course.local);
  const systemic = course.scans[0].lesions.some((l) => l.role === "target" && !local.has(l.lesionId));
  return systemic ? local : null;
}

/**
 * KG of a course from its measured target sums (without the locally treated lesions, survivalLesionsExcluded),
 * baseline to the progression scan (or to the last scan).
 */
export function courseGrowthRate(course: SimulatedCourse, outcome: PatientOutcome): number | null {
  const t: number[] = [];
  const y: number[] = [];
  const exclude = survivalLesionsExcluded(course) ?? undefined;
  for (const s of course.scans) {
    if (s.day > outcome.pfsDays + 1e-9) break;
    const sum = targetSum(s, exclude);
    if (sum === null) continue;
    t.push(s.day);
    y.push(sum);
  }
  return tumorRates(t, y)?.kg ?? null;
}

const num = (x: unknown, fallback: number): number =>
  typeof x === "number" && Number.isFinite(x) ? x : fallback;

/** ln T of a patient without the noise term (months). */
export function logSurvivalMean(
  m: SurvivalModel,
  kg: number | null,
  covariates: SimulatedCourse["covariates"],
  baselineSumMm: number | null,
): number {
  const k = Math.max(kg ?? m.kg_ref, m.kg_floor);
  const sld = num(covariates.sld_mm, baselineSumMm ?? m.sld_ref_mm);
  return (
    m.theta0 +
    m.theta_kg * Math.log(k / m.kg_ref) +
    (covariates.ldh_elevated === true ? m.theta_ldh : 0) +
    m.theta_ecog * num(covariates.ecog, 0) +
    m.theta_sld * Math.log(Math.max(sld, 1) / m.sld_ref_mm)
  );
}

/** What a patient's survival time depends on, read from their course (the model's parameters aside). */
export interface SurvivalInput {
  readonly id: string;
  /** Growth rate constant KG from the scans up to progression, 1/day (null without two readings). */
  readonly kg: number | null;
  readonly covariates: SimulatedCourse["covariates"];
  /** Measured baseline sum of target diameters, mm. */
  readonly base: number | null;
  /** The patient's standard normal draw. */
  readonly z: number;
}

export function survivalInput(course: SimulatedCourse, outcome: PatientOutcome, seed: number): SurvivalInput {
  return {
    id: course.id,
    kg: courseGrowthRate(course, outcome),
    covariates: course.covariates,
    base: course.scans.length ? targetSum(course.scans[0]) : null,
    z: survivalDraw(seed, course.id),
  };
}

/** The patient's day of death under a model. */
export function deathOf(m: SurvivalModel, p: SurvivalInput): SurvivalOutcome {
  const months = Math.exp(logSurvivalMean(m, p.kg, p.covariates, p.base) + m.sigma * p.z);
  return { id: p.id, deathDay: months * DAYS_PER_MONTH, kg: p.kg };
}

/** Each patient's day of death, from their course and outcome (same order). */
export function overallSurvival(
  courses: readonly SimulatedCourse[],
  outcomes: readonly PatientOutcome[],
  model: SurvivalModel,
  seed: number,
): SurvivalOutcome[] {
  return courses.map((c, i) => deathOf(model, survivalInput(c, outcomes[i], seed)));
}
