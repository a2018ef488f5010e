/**
 * The model's own error on trials it was not calibrated on, and the prediction intervals it gives a simulated trial.
 *
 * A simulated trial's confidence interval says how much a trial of that size would vary if the model were right.
 * It says nothing about how wrong the model is. The leave-one-trial-out predictions stored in every calibrated
 * population (vpop.calibration.leave_one_out: the weights recomputed without a trial, which is then predicted) are
 * the honest measure of that. Per family of end points, with e = predicted − published over the left-out figures
 * and s_pub their published standard errors (the calibration's tolerance without its 0.03 discrepancy floor; for a
 * median PFS the prediction is PFS at the published median and the published value 0.5):
 *
 *   model SD² = mean(e²) − mean(s_pub²)   (method of moments, floored at 0),
 *
 * the variance of the error left after the published numbers' own sampling error. A prediction interval for what
 * a trial of N patients will report is then value ± z·√(model SD² + sampling variance at N + the simulation's own).
 *
 * Families: ORR, CR, and PFS probabilities (landmarks and PFS at the median). Not covered: hazard ratios and
 * overall survival (no leave-one-trial-out error in the populations). The figures pool every cancer type's
 * population (too few trials each); they measure the error on agents and populations the calibration has seen,
 * and a new combination or a cancer type predicted from its priors alone may be wrong by more.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { survivalFile } from "./overall-survival.js";
import type { FigureFit } from "./survival-fit.js";
import type { SurvivalRead } from "./trial-survival.js";
import type { ArmOutcomes, Estimate } from "./trial-outcomes.js";
import { DISCREPANCY } from "./calibration-targets.js";
import { normalQuantile } from "./statistics.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import { loadVpop, VPOPS_DIR, type VpopFile } from "./vpop-file.js";

const Z95 = normalQuantile(0.975);

/** Standard error from a 95 % interval, on the log scale for ratios (null when an end is missing or not positive). */
function seFromCi(lo: number | null, hi: number | null, log: boolean): number | null {
  if (lo === null || hi === null) return null;
  if (log) return lo > 0 ? Math.log(hi / lo) / (2 * Z95) : null;
  return (hi - lo) / (2 * Z95);
}

export type ErrorFamily = "ORR" | "CR" | "PFS";

export interface FamilyError {
  /** Left-out figures used. */
  readonly n: number;
  readonly trials: number;
  /** Mean of predicted − published (probability scale). */
  readonly bias: number;
  /** Root mean square of predicted − published. */
  readonly rms: number;
  /** Root mean published sampling variance. */
  readonly published_se: number;
  /** The model's own error SD (method of moments). */
  readonly sd: number;
  /** Left-out figures inside their own 95 % prediction interval (a consistency check: sd is set on them). */
  readonly covered: number;
  /**
   * Left-out figures inside the 95 % interval whose SD was estimated without their trial (the interval's own
   * out-of-sample check).
   */
  readonly covered_out_of_sample: number;
}

export interface OutOfSampleError {
  readonly families: Partial<Record<ErrorFamily, FamilyError>>;
  readonly populations: string[];
  readonly method: string;
}

export const MODEL_ERROR_METHOD =
  "leave-one-trial-out predictions of the calibrated populations (vpops/*.json), pooled over cancer types; " +
  "model SD² = mean(error²) − mean(published SE²); prediction interval = value ± 1.96·√(model SD² + the trial's " +
  "sampling variance + the simulation's)";

/** One left-out figure: its error, its published sampling variance, its trial. */
interface LeftOutError {
  readonly e: number;
  readonly se2: number;
  readonly trial: string;
}

/** Model SD² = mean(e²) − mean(SE²) (floored at 0) and the rest of a family's figures; null below 3 figures. */
function summarizeErrors(r: readonly LeftOutError[]): FamilyError | null {
  if (r.length < 3) return null;
  const mean = (f: (x: LeftOutError) => number) => r.reduce((s, x) => s + f(x), 0) / r.length;
  const ms = mean((x) => x.e * x.e);
  const se2 = mean((x) => x.se2);
  const sd = Math.sqrt(Math.max(ms - se2, 0));
  const sdWithout = (trial: string): number => {
    const rest = r.filter((x) => x.trial !== trial);
    if (rest.length === 0) return 0;
    const m = (f: (x: LeftOutError) => number) => rest.reduce((s, x) => s + f(x), 0) / rest.length;
    return Math.sqrt(Math.max(m((x) => x.e * x.e) - m((x) => x.se2), 0));
  };
  return {
    n: r.length,
    trials: new Set(r.map((x) => x.trial)).size,
    bias: round(mean((x) => x.e)),
    rms: round(Math.sqrt(ms)),
    published_se: round(Math.sqrt(se2)),
    sd: round(sd),
    covered: r.filter((x) => Math.abs(x.e) <= Z95 * Math.sqrt(sd * sd + x.se2)).length,
    covered_out_of_sample: r.filter((x) => Math.abs(x.e) <= Z95 * Math.sqrt(sdWithout(x.trial) ** 2 + x.se2))
      .length,
  };
}

/** The family of a published end point, or null (hazard ratios, OS, DCR, DRR: no model error). */
export function errorFamily(endpoint: string): ErrorFamily | null {
  if (endpoint === "ORR" || endpoint === "CR") return endpoint;
  if (endpoint === "median_PFS_months") return "PFS";
  const lm = LANDMARK.exec(endpoint);
  return lm && lm[1] === "PFS" ? "PFS" : null;
}

/** The model error of the left-out predictions of some populations. */
export function modelErrorOf(vpops: readonly VpopFile[]): OutOfSampleError {
  const rows: Record<ErrorFamily, LeftOutError[]> = { ORR: [], CR: [], PFS: [] };
  for (const v of vpops)
    for (const l of v.calibration.leave_one_out)
      for (const p of l.predictions) {
        const fam = errorFamily(p.endpoint);
        if (p.trial !== l.trial || fam === null || p.calibrated === null) continue;
        const target = p.endpoint === "median_PFS_months" ? 0.5 : p.published;
        rows[fam].push({
          e: p.calibrated - target,
          se2: Math.max(p.sigma * p.sigma - DISCREPANCY * DISCREPANCY, 0),
          trial: `${v.cancer}/${p.trial}`,
        });
      }
  const families: Partial<Record<ErrorFamily, FamilyError>> = {};
  for (const fam of Object.keys(rows) as ErrorFamily[]) {
    const f = summarizeErrors(rows[fam]);
    if (f) families[fam] = f;
  }
  return {
    families,
    populations: vpops.map((v) => v.cancer),
    method: MODEL_ERROR_METHOD,
  };
}

let shipped: OutOfSampleError | null = null;

/** The model error of the shipped populations (vpops/), computed once. */
export function shippedModelError(dir: string = VPOPS_DIR): OutOfSampleError {
  if (shipped && dir === VPOPS_DIR) return shipped;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  // a population file that cannot be read is left out (it is the simulation's business to refuse it, not this one's)
  const vpops = files.sort().flatMap((f) => {
    try {
      return [loadVpop(path.join(dir, f)).vpop];
    } catch {
      return [];
    }
  });
  const err = modelErrorOf(vpops);
  if (dir === VPOPS_DIR) shipped = err;
  return err;
}

/** The model error in words: "ORR SD 3.1 points over 23 left-out figures; …". */
export function describeModelError(e: OutOfSampleError): string {
  const f = e.families;
  return (
    (["ORR", "CR", "PFS"] as const)
      .filter((k) => f[k])
      .map((k) => `${k} SD ${(f[k]!.sd * 100).toFixed(1)} points over ${f[k]!.n} left-out figures`)
      .join("; ") || "no population with a leave-one-trial-out table"
  );
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * 95 % prediction interval of the proportion a trial of `trialN` patients will report, from a simulated proportion
 * p of `simN` patients: p ± z·√(sd² + v/trialN + v/(simN + 4)), within [0, 1], with v = p̃(1 − p̃) at Agresti and
 * Coull's p̃ = (x + 2)/(simN + 4) (Am Stat 1998;52:119): none of 12 simulated patients responding does not make a
 * trial's 20 % impossible, as p(1 − p) = 0 would.
 */
export function proportionInterval(p: number, simN: number, trialN: number, sd: number): [number, number] {
  const n = Math.max(simN, 0);
  const pt = (p * n + 2) / (n + 4);
  const v = pt * (1 - pt);
  const half = Z95 * Math.sqrt(sd * sd + v / Math.max(trialN, 1) + v / (n + 4));
  return [round(clamp01(p - half)), round(clamp01(p + half))];
}

/**
 * 95 % prediction interval of a landmark PFS a trial of `trialN` patients will report, from the simulated value s and
 * its standard error (Greenwood, at the simulation's size).
 */
export function landmarkInterval(s: number, simSe: number, trialN: number, sd: number): [number, number] {
  const half = Z95 * Math.sqrt(sd * sd + (s * (1 - s)) / Math.max(trialN, 1) + simSe * simSe);
  return [round(clamp01(s - half)), round(clamp01(s + half))];
}

/**
 * 95 % prediction interval of the median PFS a trial of `trialN` patients will report, read off the simulated
 * Kaplan–Meier curve (months, survival; a step function from (0, 1)): the times at which the curve falls to
 * 0.5 + δ and to 0.5 − δ, δ = z·√(sd² + 0.25/trialN + 0.25/simN) (the error of the curve at the median, in
 * probability). The upper end is null (not reached) when the curve stays above 0.5 − δ.
 */
export function medianInterval(
  curve: readonly { readonly months: number; readonly pfs: number }[],
  simN: number,
  trialN: number,
  sd: number,
): [number | null, number | null] {
  const delta = Z95 * Math.sqrt(sd * sd + 0.25 / Math.max(trialN, 1) + 0.25 / Math.max(simN, 1));
  const firstAtOrBelow = (level: number): number | null => {
    if (level >= 1) return 0;
    for (const p of curve) if (p.pfs <= level) return round(p.months);
    return null;
  };
  return [firstAtOrBelow(0.5 + delta), firstAtOrBelow(0.5 - delta)];
}

/** Standard error of an estimate from its 95 % interval (null when an end is missing). */
const seOf = (e: Estimate): number | null => seFromCi(e.ci[0], e.ci[1], false);

/**
 * An arm's outcomes with the 95 % prediction intervals (`pi`) of what a trial of `trialN` patients would report:
 * ORR, CR, PFS at 6 and 12 months and the median PFS (families without a model error keep none).
 */
export function withPredictions(arm: ArmOutcomes, trialN: number, err: OutOfSampleError): ArmOutcomes {
  const f = err.families;
  const n = arm.patients;
  const prop = (e: Estimate, fam: FamilyError | undefined): Estimate =>
    fam && e.value !== null ? { ...e, pi: proportionInterval(e.value, n, trialN, fam.sd) } : e;
  const landmark = (e: Estimate): Estimate => {
    const se = seOf(e);
    return f.PFS && e.value !== null && se !== null
      ? { ...e, pi: landmarkInterval(e.value, se, trialN, f.PFS.sd) }
      : e;
  };
  return {
    ...arm,
    ORR: prop(arm.ORR, f.ORR),
    CR: prop(arm.CR, f.CR),
    PFS_6mo: landmark(arm.PFS_6mo),
    PFS_12mo: landmark(arm.PFS_12mo),
    median_PFS_months: f.PFS
      ? { ...arm.median_PFS_months, pi: medianInterval(arm.pfs_curve, n, trialN, f.PFS.sd) }
      : arm.median_PFS_months,
    ...survivalPredictions(arm, trialN),
  };
}

/** The arm's OS estimates with their prediction intervals (shippedSurvivalError), where there is an estimate. */
function survivalPredictions(arm: ArmOutcomes, trialN: number): Partial<ArmOutcomes> {
  const sds = shippedSurvivalError();
  if (!sds) return {};
  const out: { median_OS_months?: Estimate; OS_12mo?: Estimate; OS_24mo?: Estimate } = {};
  for (const k of ["median_OS_months", "OS_12mo", "OS_24mo"] as const) {
    const e = arm[k];
    if (!e) continue;
    const pi = survivalInterval(k, e, arm.patients, trialN, sds);
    out[k] = pi ? { ...e, pi } : e;
  }
  return out;
}

/**
 * The 95 % prediction interval of a published end point from the simulated outcomes of its arm(s): `sim` the
 * simulated value with its CI (investigator-read), `curve` the PFS curve (for a median), `simN` and `trialN` the
 * simulated and the published numbers of patients. Null for an end point without a model error.
 */
export function predictionInterval(
  endpoint: string,
  sim: Estimate,
  curve: readonly { readonly months: number; readonly pfs: number }[] | null,
  simN: number,
  trialN: number,
  err: OutOfSampleError,
): [number | null, number | null] | null {
  const fam = errorFamily(endpoint);
  const fe = fam ? err.families[fam] : undefined;
  if (!fe || sim.value === null) return null;
  if (endpoint === "ORR" || endpoint === "CR") return proportionInterval(sim.value, simN, trialN, fe.sd);
  if (endpoint === "median_PFS_months") return curve ? medianInterval(curve, simN, trialN, fe.sd) : null;
  const se = seOf(sim);
  return se === null ? null : landmarkInterval(sim.value, se, trialN, fe.sd);
}

/**
 * The survival model's out-of-sample error (catalog/survival.yaml `out_of_sample`, from the leave-one-trial-out
 * predictions of src/docs/survival-report.ts): SDs of ln(median OS), of OS landmarks (probability) and of ln(OS HR).
 */
export interface SurvivalError {
  readonly median_log: FamilyError;
  readonly landmark: FamilyError;
  readonly hr_log: FamilyError;
}

/**
 * The error of left-out survival figures, as modelErrorOf: model SD² = mean(e²) − mean(SE²), e = ln(predicted /
 * published) for medians and hazard ratios, predicted − published for landmarks; the published SE from the
 * figure's CI (on the log scale for medians and hazard ratios), 0 without one (all of its error counted as the
 * model's). A figure not simulated is left out.
 */
export function survivalErrorOf(figures: readonly FigureFit[]): SurvivalError | null {
  const fam = (pick: (f: FigureFit) => boolean, log: boolean): FamilyError | null => {
    const r = figures
      .filter((f) => pick(f) && f.simulated !== null && f.simulated > 0)
      .map((f) => {
        const e = log ? Math.log(f.simulated! / f.published) : f.simulated! - f.published;
        const se = seFromCi(f.ci?.[0] ?? null, f.ci?.[1] ?? null, log) ?? 0;
        return { e, se2: se * se, trial: f.trial };
      });
    return summarizeErrors(r);
  };
  const median_log = fam((f) => f.endpoint === "median_OS_months", true);
  const landmark = fam((f) => /^OS_\d+mo$/.test(f.endpoint), false);
  const hr_log = fam((f) => f.endpoint === "OS_HR", true);
  return median_log && landmark && hr_log ? { median_log, landmark, hr_log } : null;
}

/** The shipped survival model's out-of-sample SDs (catalog/survival.yaml), or null when the file has none. */
export function shippedSurvivalError(): { median_log: number; landmark: number; hr_log: number } | null {
  const o = survivalFile().out_of_sample;
  return o
    ? { median_log: o.median_log_sd.value, landmark: o.landmark_sd.value, hr_log: o.hr_log_sd.value }
    : null;
}

/**
 * 95 % prediction interval of an overall-survival figure a trial of `trialN` patients would report, from the
 * simulated estimate and its CI at `simN` patients: the simulation's SE scaled to the trial's size (√(simN/trialN))
 * stands for the trial's sampling error. Medians and hazard ratios on the log scale. Null without a CI.
 */
export function survivalInterval(
  endpoint: string,
  sim: Estimate,
  simN: number,
  trialN: number,
  sds: { median_log: number; landmark: number; hr_log: number },
): [number | null, number | null] | null {
  const log = endpoint === "median_OS_months" || endpoint === "OS_HR";
  const se = seFromCi(sim.ci[0], sim.ci[1], log);
  if (sim.value === null || se === null || (log && !(sim.value > 0))) return null;
  const sd =
    endpoint === "median_OS_months" ? sds.median_log : endpoint === "OS_HR" ? sds.hr_log : sds.landmark;
  const half = Z95 * Math.sqrt(sd * sd + se * se * (1 + Math.max(simN, 1) / Math.max(trialN, 1)));
  if (log) return [round(sim.value * Math.exp(-half)), round(sim.value * Math.exp(half))];
  return [round(clamp01(sim.value - half)), round(clamp01(sim.value + half))];
}

/** The prediction interval of an OS figure (survivalInterval), both arms' sizes for a hazard ratio. */
export function survivalPrediction(
  p: PublishedEndpoint,
  names: readonly string[],
  read: { value: number | null; ci: [number | null, number | null] | null },
  os: SurvivalRead,
  sizes: ReadonlyMap<string, number>,
): [number | null, number | null] | null {
  const sds = shippedSurvivalError();
  if (!sds || !read.ci) return null;
  const arms = p.endpoint === "OS_HR" && p.versus !== undefined ? [...names, p.versus] : names;
  const simN = arms.reduce((s, n) => s + (os.deaths.get(n)?.length ?? 0), 0);
  const trialN = arms.reduce((s, n) => s + (sizes.get(n) ?? 0), 0);
  return survivalInterval(p.endpoint, { value: read.value, ci: read.ci }, simN, trialN, sds);
}
