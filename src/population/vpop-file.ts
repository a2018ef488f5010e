/**
 * The virtual-population file (`immunoplan vpop build --out vpops/<cancer>.json`): the seeds of the plausible
 * patients (each is regenerated from its seed and the priors), their calibrated weights, the classes each is
 * refractory to, and the provenance — trials used, seed, acceptance figures, the fit to every target, the
 * leave-one-trial-out predictions.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { MODELS_DIR } from "../models/catalog.js";
import { vpopPriors } from "./priors.js";
import { CANCER_TYPES, type CancerType } from "./types.js";

export const VPOP_FORMAT = "immunoplan-vpop/1";
export const VPOPS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../vpops");

const TargetSchema = z.object({
  trial: z.string(),
  arm: z.string(),
  endpoint: z.string(),
  published: z.number(),
  ci: z.tuple([z.number(), z.number().nullable()]).nullable(),
  certainty: z.string().nullable(),
  /** Tolerance of the constraint (in the endpoint's proportion scale). */
  sigma: z.number(),
  /** Enrolled virtual patients simulated for this arm. */
  simulated_patients: z.number(),
  /** Weeks of follow-up of the analysis that reported the value (null: the trial's whole follow-up). */
  data_cut_weeks: z.number().nullable(),
  /** Response criteria of the value, when they differ from the trial's assessment (e.g. irrc). */
  criteria: z.string().optional(),
  /** Value with uniform weights (the priors alone) and with the calibrated weights. */
  prior: z.number().nullable(),
  calibrated: z.number().nullable(),
});
export type CalibrationTarget = z.infer<typeof TargetSchema>;

/** One end of a published median's CI held as a one-sided constraint: PFS at `at_months` (prior, calibrated). */
const BoundSchema = TargetSchema.extend({
  side: z.enum(["lower", "upper"]),
  at_months: z.number(),
});
export type CalibrationBound = z.infer<typeof BoundSchema>;

/**
 * A published median duration of response held as a constraint (`vpop build --dor-targets on`): `published` the
 * median in months; `prior` and `calibrated` the share of the observed responders still responding there (0.5 asked).
 */
const DorSchema = TargetSchema;
export type CalibrationDor = z.infer<typeof DorSchema>;

const LeaveOutSchema = z.object({
  trial: z.string(),
  effective_sample_size: z.number(),
  predictions: z.array(TargetSchema),
});
export type LeaveOneOut = z.infer<typeof LeaveOutSchema>;

export const VpopFileSchema = z.object({
  format: z.literal(VPOP_FORMAT),
  cancer: z.enum(CANCER_TYPES),
  created: z.string(),
  seed: z.number().int(),
  model: z.string(),
  model_sha256: z.string(),
  priors_sha256: z.string(),
  plausible: z.number().int().positive(),
  patients: z.array(
    z.object({
      seed: z.number().int().nonnegative(),
      weight: z.number().nonnegative(),
      refractory: z.array(z.string()),
      /**
       * Per refractory class, the model states kept from the progression on it (reference-regimens.ts): adaptation
       * states, fractions between 0 and 1; tumour cell states are never carried (simulate-batch.ts).
       */
      carry: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1))).optional(),
    }),
  ),
  calibration: z.object({
    method: z.string(),
    /** Readings each plausible patient's outcome is averaged over (absent in files built before it was recorded: 6). */
    noise_draws: z.number().int().min(1).optional(),
    /** How PFS targets read the progression scan's day (absent in files built before 2026-12-06: "drawn"). */
    scan_timing: z.enum(["expected", "drawn"]).optional(),
    trials: z.array(z.object({ name: z.string(), file: z.string() })),
    targets: z.array(TargetSchema),
    /** The medians' CI ends as one-sided constraints (absent in files built before 2026-12-07). */
    bounds: z.array(BoundSchema).optional(),
    /** Published median durations of response held as constraints (absent unless built with --dor-targets on). */
    dor: z.array(DorSchema).optional(),
    effective_sample_size: z.number(),
    divergence_nats: z.number(),
    converged: z.boolean(),
    leave_one_out: z.array(LeaveOutSchema),
    notes: z.array(z.string()),
  }),
});
export type VpopFile = z.infer<typeof VpopFileSchema>;

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
export const modelHash = (): string =>
  sha256(readFileSync(path.join(MODELS_DIR, "immunoplan-clinical.yaml"), "utf8"));
/**
 * The priors a population of `cancer` is drawn from: the shared section and the cancer's own section of
 * catalog/vpop-priors.yaml (as parsed, so comments and the other cancers' sections do not count). Until 2026-12-01
 * the hash was the whole file's, and a change to one cancer's priors marked every population as stale.
 */
export const priorsHash = (cancer: CancerType): string => {
  const p = vpopPriors();
  const own = p.cancers[cancer];
  // where the driver mutations move immunity (f_imm_driver_factor), their shares are part of the population's priors
  const share = (t: object) => (t as Record<CancerType, unknown>)[cancer];
  const drivers = own.f_imm_driver_factor
    ? { egfr_mutant: share(p.targeted.egfr_mutant), alk_rearranged: share(p.targeted.alk_rearranged) }
    : undefined;
  return sha256(
    JSON.stringify(drivers ? { shared: p.shared, cancer: own, drivers } : { shared: p.shared, cancer: own }),
  );
};

/** The shipped population of a cancer type (vpops/<cancer>.json). */
export const shippedVpopFile = (cancer: CancerType): string => path.join(VPOPS_DIR, `${cancer}.json`);

/** Largest population file read (bytes): 1e6 patients at about 60 bytes each. */
export const MAX_VPOP_BYTES = 64 * 1024 * 1024;

export class VpopError extends Error {
  override readonly name = "VpopError";
}

/** Reads and checks a population file; warns (in `warnings`) when the model or the priors changed since. */
export function loadVpop(file: string): { vpop: VpopFile; warnings: string[] } {
  if (!existsSync(file)) throw new VpopError(`${file}: no such virtual-population file`);
  const st = statSync(file);
  if (!st.isFile()) throw new VpopError(`${file}: not a regular file`);
  if (st.size > MAX_VPOP_BYTES)
    throw new VpopError(
      `${file}: ${st.size} bytes; a virtual-population file is at most ${MAX_VPOP_BYTES} bytes`,
    );
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new VpopError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = VpopFileSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new VpopError(`${file}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  const warnings: string[] = [];
  if (r.data.model_sha256 !== modelHash())
    warnings.push(
      `${file}: built with another version of the clinical model: rebuild it (immunoplan vpop build)`,
    );
  if (r.data.priors_sha256 !== priorsHash(r.data.cancer))
    warnings.push(
      `${file}: built with other priors (catalog/vpop-priors.yaml): rebuild it (immunoplan vpop build)`,
    );
  return { vpop: r.data, warnings };
}

export function saveVpop(file: string, vpop: VpopFile): void {
  writeFileSync(file, JSON.stringify(vpop) + "\n");
}
