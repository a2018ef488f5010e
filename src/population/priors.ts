/**
 * The priors of the virtual populations (catalog/vpop-priors.yaml): one distribution per patient parameter and
 * covariate, with its unit and source, per cancer type. Read once, validated with zod, sampled with a seeded
 * generator.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as yamlParse } from "yaml";
import { z } from "zod";
import { standardNormal } from "../engine/statistics.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import { CANCER_TYPES, type CancerType } from "./types.js";

type DistributionShape =
  | { lognormal: [number, number] }
  | { loguniform: [number, number] }
  | { uniform: [number, number] }
  | { logitnormal: [number, number] }
  | { normal: [number, number, number, number] }
  | { fixed: number }
  | { categorical: Record<string, number> }
  | { mixture: [number, DistributionShape][] };

const pair = z.tuple([z.number(), z.number()]);
const Distribution: z.ZodType<DistributionShape> = z.lazy(() =>
  z.union([
    z.object({ lognormal: z.tuple([z.number().positive(), z.number().nonnegative()]) }).strict(),
    z.object({ loguniform: z.tuple([z.number().positive(), z.number().positive()]) }).strict(),
    z.object({ uniform: pair }).strict(),
    z.object({ logitnormal: z.tuple([z.number().gt(0).lt(1), z.number().nonnegative()]) }).strict(),
    z.object({ normal: z.tuple([z.number(), z.number().nonnegative(), z.number(), z.number()]) }).strict(),
    z.object({ fixed: z.number() }).strict(),
    z.object({ categorical: z.record(z.string(), z.number().nonnegative()) }).strict(),
    z.object({ mixture: z.array(z.tuple([z.number().positive(), Distribution])).min(1) }).strict(),
  ]),
);
export type Distribution = DistributionShape;

const Prior = z.object({ dist: Distribution, unit: z.string(), source: z.string().min(1) }).strict();
export type Prior = z.infer<typeof Prior>;

const LdhLink = z
  .object({
    intercept: z.number(),
    per_log_burden: z.number(),
    per_log_growth: z.number(),
    source: z.string().min(1),
  })
  .strict();

/**
 * The PD-L1 tumour proportion score of a virtual patient, a readout of its PD-1 axis: TPS = min(100, 100 · scale ·
 * beta_pd1 · inflamed · e^(0.8·z)). `scale` sets the share of PD-L1-positive tumours of the cancer type (1 when absent).
 */
/**
 * The PD-L1 readout: TPS = 100 · (scale · beta_pd1 · inflamed)^power · e^(0.8·z), z standard normal (power 1 when
 * not given; 0.8: the assay's and the biopsy's spread around the tumour's PD-1 axis).
 */
const Pdl1Link = z
  .object({
    scale: z.number().positive(),
    power: z.number().positive().optional(),
    source: z.string().min(1),
  })
  .strict();

const CancerPriors = z
  .object({
    description: z.string(),
    vdt_days: Prior,
    sld_mm: Prior,
    n_target: Prior,
    stage: Prior,
    f_imm: Prior,
    /** Factor on f_imm in tumours with a sensitizing EGFR mutation or an ALK rearrangement (1 when absent). */
    f_imm_driver_factor: Prior.optional(),
    beta_pd1: Prior,
    pdl1_link: Pdl1Link.optional(),
    r0: Prior,
    kc: Prior,
    ldh: LdhLink,
  })
  .strict();
export type CancerPriors = z.infer<typeof CancerPriors>;

const SharedPriors = z
  .object({
    weight_kg: Prior,
    height_cm: Prior,
    gfr_ml_min: Prior,
    rho: Prior,
    kmax: Prior,
    supp: Prior,
    q0: Prior,
    kex: Prior,
    kclear: Prior,
    f_spec: Prior,
    burst: Prior,
    rho_car: Prior,
    lesion_heterogeneity: Prior,
    lesion_resolution: Prior,
    residual_mass: Prior,
    residual_mass_half_life: Prior,
    chemo_class_sd: Prior,
    reader_sd: Prior,
    reader_sd_small: Prior,
    occult_lesions: Prior,
  })
  .strict();
export type SharedPriors = z.infer<typeof SharedPriors>;

// Priors of the targeted-agent parameters (not part of a population's priors hash: no calibration trial uses them).
/** A value by cancer type, each with its source (catalog/vpop-priors.yaml `targeted`). */
const byCancer = (max: number) =>
  z
    .object({
      description: z.string(),
      ...Object.fromEntries(
        CANCER_TYPES.map((c) => [
          c,
          z.object({ value: z.number().min(0).max(max), source: z.string().min(1) }).strict(),
        ]),
      ),
    })
    .strict();
/** A tumour marker's share by cancer type. */
const PrevalenceTable = byCancer(1);
/** A pathway's dependence by cancer type: a factor on every patient's sensitivity. */
const FactorTable = byCancer(10);
const TargetedPriors = z
  .object({
    vegfr_sensitivity_sd: Prior,
    mtor_sensitivity_sd: Prior,
    adaptation_sd: Prior,
    braf_sensitivity_sd: Prior,
    mek_sensitivity_sd: Prior,
    ifn_sensitivity_sd: Prior,
    ar_sensitivity_sd: Prior,
    cd3_sensitivity_sd: Prior,
    egfr_sensitivity_sd: Prior,
    alk_sensitivity_sd: Prior,
    kras_sensitivity_sd: Prior,
    parp_sensitivity_sd: Prior,
    psma_sensitivity_sd: Prior,
    met_sensitivity_sd: Prior,
    ret_sensitivity_sd: Prior,
    vegfr_coopted_fraction: Prior,
    braf_v600: PrevalenceTable,
    egfr_mutant: PrevalenceTable,
    alk_rearranged: PrevalenceTable,
    kras_g12c: PrevalenceTable,
    brca_mutant: PrevalenceTable,
    met_ex14: PrevalenceTable,
    ret_fusion: PrevalenceTable,
    vegf_dependence: FactorTable,
    line_of_therapy: z
      .object({
        description: z.string(),
        shift_sd: Prior,
        reference: z.record(
          z.enum(["egfr", "alk", "kras", "braf", "mek", "met", "ret"]),
          z.enum(["naive", "pretreated"]),
        ),
      })
      .strict(),
  })
  .strict();

const PriorsFile = z
  .object({
    shared: SharedPriors,
    targeted: TargetedPriors,
    cancers: z.record(z.string(), CancerPriors),
  })
  .strict()
  .refine((f) => CANCER_TYPES.every((c) => c in f.cancers), {
    message: `every cancer type needs priors: ${CANCER_TYPES.join(", ")}`,
  });
export type PriorsFile = z.infer<typeof PriorsFile>;

let cached: PriorsFile | undefined;
const SHIPPED_PRIORS = path.join(CATALOG_DIR, "vpop-priors.yaml");

/** The shipped priors (catalog/vpop-priors.yaml), read once; called several times per virtual patient. */
export function vpopPriors(file = SHIPPED_PRIORS): PriorsFile {
  if (cached && file === SHIPPED_PRIORS) return cached;
  const parsed = PriorsFile.safeParse(yamlParse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.join(".")}: ${i.message}`);
  }
  if (file === SHIPPED_PRIORS) cached = parsed.data;
  return parsed.data;
}

export function cancerPriors(cancer: CancerType): CancerPriors {
  return vpopPriors().cancers[cancer];
}

/** A numeric draw from a distribution (categorical distributions give the index of the drawn category). */
export function sampleNumber(d: Distribution, rand: () => number): number {
  if ("fixed" in d) return d.fixed;
  if ("lognormal" in d) return d.lognormal[0] * Math.exp(d.lognormal[1] * standardNormal(rand));
  if ("loguniform" in d) {
    const [a, b] = d.loguniform;
    return a * Math.exp(Math.log(b / a) * rand());
  }
  if ("uniform" in d) return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * rand();
  if ("logitnormal" in d) {
    const [m, s] = d.logitnormal;
    const z = Math.log(m / (1 - m)) + s * standardNormal(rand);
    return 1 / (1 + Math.exp(-z));
  }
  if ("normal" in d) {
    const [mu, sd, lo, hi] = d.normal;
    for (let k = 0; k < 100; k++) {
      const x = mu + sd * standardNormal(rand);
      if (x >= lo && x <= hi) return x;
    }
    return Math.min(hi, Math.max(lo, mu));
  }
  if ("mixture" in d) {
    const total = d.mixture.reduce((s, [w]) => s + w, 0);
    let u = rand() * total;
    for (const [w, inner] of d.mixture) {
      if ((u -= w) <= 0) return sampleNumber(inner, rand);
    }
    return sampleNumber(d.mixture[d.mixture.length - 1][1], rand);
  }
  return Number(sampleCategory(d, rand));
}

/** A category drawn from a categorical distribution. */
export function sampleCategory(d: Distribution, rand: () => number): string {
  if (!("categorical" in d)) throw new TypeError("not a categorical distribution");
  const entries = Object.entries(d.categorical);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let u = rand() * total;
  for (const [k, w] of entries) {
    if ((u -= w) <= 0) return k;
  }
  return entries[entries.length - 1][0];
}
