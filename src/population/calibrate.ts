/**
 * Builds a calibrated virtual population (issue 13 §2): plausible patients are sampled from the priors, each is
 * simulated under the reference regimens (to know what it is refractory to) and under every arm of every
 * calibration trial of its cancer type — the same patients in every arm, only the treatment differs — and the
 * population is then weighted (maximum-entropy prevalence weights, src/engine/entropy-weights.ts) so that its
 * best-overall-response and PFS figures match the published ones within their uncertainty. Leave-one-trial-out:
 * the weights are recomputed without each trial and that trial is predicted.
 */
import path from "node:path";
import { entropyWeights } from "../engine/entropy-weights.js";
import { carriedStates, enrol, type PoolMember } from "./eligibility.js";
import { covariateConstraints, type CovariateConstraint } from "./calibration-covariates.js";
import type { PatientOutcome } from "./patient-outcome.js";
import {
  REFERENCE_REGIMENS,
  classAppliesTo,
  isRefractory,
  referenceRegimen,
  refractoryRule,
  refractoryScanDays,
} from "./reference-regimens.js";
import { scanDays } from "./scan-schedule.js";
import { carryOf, runBatches, SCAN_WINDOW_DAYS, type BatchTask } from "./simulate-batch.js";
import type { Trial } from "./trial-file.js";
import { simulatorPopulation } from "./trial-run.js";
import { calibrationMethod, feature, NOISE_DRAWS, sigmaOf, targetOf } from "./calibration-targets.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";
import { reviewEffect, toCentral, type ReviewEffect } from "./central-review.js";
import { distinctReads, readKey, readOf, type Read } from "./published-read.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import type { CancerType } from "./types.js";
import { sampleVirtualPatient } from "./virtual-patient.js";
import {
  modelHash,
  priorsHash,
  VPOP_FORMAT,
  VPOPS_DIR,
  type CalibrationTarget,
  type LeaveOneOut,
  type VpopFile,
} from "./vpop-file.js";

const ROOT = path.dirname(VPOPS_DIR);

/** Seed of plausible patient i of a population built with `seed`. */
export const patientSeed = (seed: number, i: number): number =>
  ((seed * 1_000_003 + i * 7919 + 17) >>> 0) % 2 ** 31;

/** Seed of reader noise for patient i in arm `arm` of trial `trial`. */
const noiseSeed = (seed: number, trial: number, arm: number, i: number) =>
  ((seed * 31 + trial * 1009 + arm * 101) * 2654435761 + i * 40503) >>> 0;

interface ArmRun {
  readonly trial: number;
  readonly arm: string;
  readonly patients: number;
  /** Enrolment factor of every pool member and the outcome of those enrolled (at the trial's follow-up). */
  readonly factor: Float64Array;
  readonly outcomes: Map<number, PatientOutcome[]>;
  /** Outcomes of other reads: earlier data cuts, other criteria (read key → pool index → each noise draw's). */
  readonly at: Map<string, Map<number, PatientOutcome[]>>;
}

/** The arm's outcomes read as a published number reads them, or at the full follow-up with the trial's criteria. */
const outcomesOf = (arm: ArmRun, read: Read | undefined) =>
  read === undefined ? arm.outcomes : arm.at.get(readKey(read))!;

/** A feature's mean over a patient's noise draws. */
function featureMean(f: (o: PatientOutcome) => number, os: readonly PatientOutcome[]): number {
  let s = 0;
  for (const o of os) s += f(o);
  return s / os.length;
}

interface Constraint {
  readonly trial: number;
  /** A centrally reviewed proportion: the features are investigator-read, the published value central. */
  readonly review: ReviewEffect | null;
  /** How the published value reads the scans (data cut earlier than the follow-up, other criteria), if it differs. */
  readonly read?: Read;
  readonly published: PublishedEndpoint;
  readonly arms: readonly ArmRun[];
  readonly f: (o: PatientOutcome) => number;
  readonly target: number;
  readonly sigma: number;
}

/**
 * The constraint's value under weights w: the trial-size-weighted mean over its arms of the enrolled mean. With
 * `factor` (the trial's enrolment under w, post-stratified as the arm simulator does) instead of the eligibility.
 */
function valueOf(c: Constraint, w: ArrayLike<number>, factor?: ArrayLike<number>): number | null {
  let total = 0;
  let acc = 0;
  for (const arm of c.arms) {
    let mass = 0;
    let sum = 0;
    const f = factor ?? arm.factor;
    for (const [i, os] of outcomesOf(arm, c.read)) {
      const m = w[i] * f[i];
      mass += m;
      sum += m * featureMean(c.f, os);
    }
    if (mass <= 0) continue;
    acc += arm.patients * (sum / mass);
    total += arm.patients;
  }
  return total > 0 ? acc / total : null;
}

/** Row contributions a_ik of constraint c (normalised by the arm's enrolled prior mass). */
function fillColumn(c: Constraint, col: number, k: number, a: Float64Array, u: ArrayLike<number>): void {
  const total = c.arms.reduce((s, arm) => s + arm.patients, 0);
  for (const arm of c.arms) {
    const outcomes = outcomesOf(arm, c.read);
    let mass = 0;
    for (const [i] of outcomes) mass += u[i] * arm.factor[i];
    if (mass <= 0) continue;
    const share = arm.patients / total;
    for (const [i, os] of outcomes)
      a[i * k + col] += (share * arm.factor[i] * (featureMean(c.f, os) - c.target)) / mass;
  }
}

function solve(constraints: readonly Constraint[], covariates: readonly CovariateConstraint[], n: number) {
  const k = constraints.length + covariates.length;
  const u = new Float64Array(n).fill(1 / n);
  const a = new Float64Array(n * k);
  constraints.forEach((c, j) => fillColumn(c, j, k, a, u));
  covariates.forEach((c, j) => {
    const col = constraints.length + j;
    for (let i = 0; i < n; i++) a[i * k + col] = c.column[i];
  });
  return entropyWeights(a, n, k, [...constraints.map((c) => c.sigma), ...covariates.map((c) => c.sigma)]);
}

/** Carried states as the population file keeps them: finite values to 6 significant digits. */
function roundedStates(states: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(states)
      .filter(([, v]) => Number.isFinite(v))
      .map(([k, v]) => [k, Number(v.toPrecision(6))]),
  );
}

export interface BuildOptions {
  readonly cancer: CancerType;
  readonly trials: readonly Trial[];
  readonly plausible: number;
  readonly seed: number;
  readonly threads?: number;
  /** Readings of each plausible patient in every calibration arm (default NOISE_DRAWS). */
  readonly noiseDraws?: number;
  /**
   * How a PFS target reads the day of the scan that showed progression: the day each reading drew ("drawn", the
   * default) or its expectation over the visit window ("expected"; tried on 2026-12-06 and not adopted:
   * docs/calibration.md, disclosures).
   */
  readonly scanTiming?: "expected" | "drawn";
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export async function buildVpop(opts: BuildOptions): Promise<VpopFile> {
  const { cancer, seed } = opts;
  const n = opts.plausible;
  const draws = opts.noiseDraws ?? NOISE_DRAWS;
  const timingExpected = opts.scanTiming === "expected";
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError("noiseDraws must be a whole number ≥ 1");
  const seeds = Array.from({ length: n }, (_, i) => patientSeed(seed, i));
  const vps = seeds.map((s) => sampleVirtualPatient(cancer, s));
  const notes: string[] = [];

  // 1. refractoriness: the reference regimen of each class, scans every 8 weeks (24 weeks or a year: its rule)
  const classes = Object.keys(REFERENCE_REGIMENS).filter(
    (c) => c !== "anti-PD-L1" && classAppliesTo(c, cancer),
  );
  const refTasks: BatchTask[] = classes.map((c, ci) => ({
    cancer,
    seeds,
    noiseSeeds: seeds.map((_, i) => noiseSeed(seed, 999, ci, i)),
    protocol: referenceRegimen(c, cancer),
    days: refractoryScanDays(refractoryRule(c)),
    settings: { criteria: "recist1.1", confirm: false },
    ...(refractoryRule(c).carry ? { keep: refractoryRule(c).carry } : {}),
  }));
  const refResults = await runBatches(refTasks, {
    threads: opts.threads,
    onProgress: (d, t) => opts.onProgress?.("refractoriness", d, t),
  });
  const pool: PoolMember[] = vps.map((vp, i) => {
    const refractory: string[] = [];
    const carry: Record<string, Record<string, number>> = {};
    classes.forEach((c, ci) => {
      const o = refResults[ci].outcomes[i];
      if (!isRefractory(o, refractoryRule(c))) return;
      refractory.push(c);
      const kept = refResults[ci].kept?.[i];
      if (kept) carry[c] = roundedStates(kept);
    });
    if (refractory.includes("anti-PD-1")) refractory.push("anti-PD-L1");
    return Object.keys(carry).length
      ? { covariates: vp.covariates, refractory, carry }
      : { covariates: vp.covariates, refractory };
  });

  // 2. every arm of every calibration trial on the enrolled patients
  const uniform = new Float64Array(n).fill(1 / n);
  const arms: ArmRun[] = [];
  const covariates: CovariateConstraint[] = [];
  const tasks: BatchTask[] = [];
  const enrolledIdx: number[][] = [];
  /** The arm (index into arms) of every task: `draws` tasks an arm. */
  const armOfTask: number[] = [];
  opts.trials.forEach((trial, ti) => {
    const population = simulatorPopulation(trial);
    const a = trial.document.assessment;
    const days = [0, ...scanDays(a)];
    const followUp = a.follow_up_weeks * 7;
    const reads = distinctReads(trial.published.map((p) => readOf(p, a.criteria, followUp)));
    const enrolment = enrol(pool, population, uniform);
    for (const note of enrolment.notes) notes.push(`${trial.document.name}: ${note}`);
    // outcomes are averaged over the eligible patients; the trial's baseline mix (LDH, stages) is a constraint of
    // its own, so that the calibrated weights keep it (and enrolment's post-stratification stays a small correction)
    const factor = Float64Array.from(enrolment.eligible, (e, i) =>
      e && (enrolment.stageLabels.length === 0 || enrolment.stageOf[i] >= 0) ? 1 : 0,
    );
    covariates.push(...covariateConstraints(ti, enrolment, pool, population));
    const idx = [...factor.keys()].filter((i) => factor[i] > 0);
    if (idx.length === 0) notes.push(`${trial.document.name}: no virtual patient is eligible`);
    trial.arms.forEach((arm, ai) => {
      arms.push({
        trial: ti,
        arm: arm.name,
        patients: arm.patients,
        factor,
        outcomes: new Map(),
        at: new Map(reads.map((r) => [readKey(r), new Map()])),
      });
      enrolledIdx.push(idx);
      // draw 0 has the noise seeds of the populations built before NOISE_DRAWS
      for (let r = 0; r < draws; r++) {
        armOfTask.push(arms.length - 1);
        tasks.push({
          cancer,
          seeds: idx.map((i) => seeds[i]),
          noiseSeeds: idx.map((i) => noiseSeed(seed + 7777 * r, ti, ai, i)),
          protocol: arm.protocol,
          days,
          settings: { criteria: a.criteria, confirm: a.confirm, minSdDays: (a.min_sd_weeks ?? 6) * 7 },
          reads,
          ...carryOf(idx.map((i) => carriedStates(pool[i], population))),
        });
      }
    });
  });
  const results = await runBatches(tasks, {
    threads: opts.threads,
    onProgress: (d, t) => opts.onProgress?.("calibration arms", d, t),
  });
  const push = (m: Map<number, PatientOutcome[]>, i: number, o: PatientOutcome) => {
    const list = m.get(i);
    if (list) list.push(o);
    else m.set(i, [o]);
  };
  results.forEach((r, t) => {
    const k = armOfTask[t];
    r.outcomes.forEach((o, j) => push(arms[k].outcomes, enrolledIdx[k][j], o));
    tasks[t].reads?.forEach((read, c) =>
      r.outcomesRead?.[c].forEach((o, j) => push(arms[k].at.get(readKey(read))!, enrolledIdx[k][j], o)),
    );
  });

  // 3. constraints and weights
  const constraints: Constraint[] = [];
  opts.trials.forEach((trial, ti) => {
    const grid = timingExpected
      ? { days: [0, ...scanDays(trial.document.assessment)], windowDays: SCAN_WINDOW_DAYS }
      : undefined;
    for (const p of trial.published) {
      const f = p.not_reached ? null : feature(p.endpoint, p.value, grid);
      if (!f) continue;
      const followUp = trial.document.assessment.follow_up_weeks * 7;
      const read = readOf(p, trial.document.assessment.criteria, followUp);
      const cut = read?.cutDay;
      const horizon = cut ?? followUp;
      const lm = LANDMARK.exec(p.endpoint);
      const at = p.endpoint === "median_PFS_months" ? p.value : lm ? Number(lm[2]) : 0;
      if (at * DAYS_PER_MONTH > horizon) {
        notes.push(
          `${trial.document.name}: ${p.endpoint} of ${Array.isArray(p.arm) ? p.arm.join(" + ") : p.arm} lies beyond the simulated follow-up (${Math.round(horizon / 7)} weeks): not used`,
        );
        continue;
      }
      const names = Array.isArray(p.arm) ? p.arm : [p.arm];
      const mine = arms.filter((a) => a.trial === ti && names.includes(a.arm) && a.outcomes.size > 0);
      if (mine.length !== names.length) continue;
      const size = mine.reduce((s, a) => s + a.patients, 0);
      const review = reviewEffect(p, trial.document.assessment.reviewer);
      constraints.push({
        trial: ti,
        review,
        // a value published at an earlier data cut is compared with the outcomes at that cut (until 2026-11-30 the
        // cut was computed here and then dropped: every target was read at the full follow-up)
        ...(read !== undefined ? { read } : {}),
        published: p,
        arms: mine,
        f,
        target: targetOf(p, review),
        sigma: sigmaOf(p, size, review),
      });
    }
  });
  const fit = solve(constraints, covariates, n);
  const reported = (c: Constraint, v: number | null) =>
    v === null || !c.review ? v : toCentral(v, c.review);
  const describe = (c: Constraint, w: ArrayLike<number>, factor: ArrayLike<number>): CalibrationTarget => {
    const v = reported(c, valueOf(c, w, factor));
    const ep = c.published.endpoint;
    return {
      trial: opts.trials[c.trial].document.name,
      arm: c.arms.map((a) => a.arm).join(" + "),
      endpoint: ep,
      published: c.published.value,
      ci: c.published.ci ? [c.published.ci[0], c.published.ci[1] ?? null] : null,
      certainty: c.published.certainty ?? null,
      sigma: Math.round(c.sigma * 1e4) / 1e4,
      simulated_patients: c.arms.reduce((s, a) => s + a.outcomes.size, 0),
      data_cut_weeks: c.read?.cutDay === undefined ? null : c.read.cutDay / 7,
      ...(c.read?.criteria !== undefined ? { criteria: c.read.criteria } : {}),
      prior: v,
      calibrated: null,
    };
  };
  // reported values: each trial's patients enrolled under the weights as the arm simulator enrols them
  const populations = opts.trials.map((t) => simulatorPopulation(t));
  const enrolledUnder = (w: ArrayLike<number>) => populations.map((p) => enrol(pool, p, w).factor);
  const uniformFactors = enrolledUnder(uniform);
  const fitFactors = enrolledUnder(fit.weights);
  const targets = constraints.map((c) => ({
    ...describe(c, uniform, uniformFactors[c.trial]),
    calibrated: reported(c, valueOf(c, fit.weights, fitFactors[c.trial])),
  }));

  // 4. leave one trial out
  const leaveOneOut: LeaveOneOut[] = [];
  opts.trials.forEach((trial, ti) => {
    const held = constraints.filter((c) => c.trial === ti);
    const kept = constraints.filter((c) => c.trial !== ti);
    if (held.length === 0) return;
    // without any other trial the prediction is the priors' own (uniform weights)
    const r = kept.length
      ? solve(
          kept,
          covariates.filter((c) => c.trial !== ti),
          n,
        )
      : { weights: uniform, effectiveSampleSize: n };
    leaveOneOut.push({
      trial: trial.document.name,
      effective_sample_size: Math.round(r.effectiveSampleSize * 10) / 10,
      predictions: held.map((c) => ({
        ...describe(c, uniform, uniformFactors[c.trial]),
        calibrated: reported(c, valueOf(c, r.weights, enrol(pool, populations[ti], r.weights).factor)),
      })),
    });
  });
  return {
    format: VPOP_FORMAT,
    cancer,
    created: new Date().toISOString(),
    seed,
    model: "immunoplan-clinical",
    model_sha256: modelHash(),
    priors_sha256: priorsHash(cancer),
    plausible: n,
    patients: seeds.map((s, i) => ({
      seed: s,
      weight: fit.weights[i],
      refractory: [...pool[i].refractory],
      ...(pool[i].carry ? { carry: pool[i].carry } : {}),
    })),
    calibration: {
      method: calibrationMethod(draws, timingExpected),
      noise_draws: draws,
      scan_timing: timingExpected ? "expected" : "drawn",
      trials: opts.trials.map((t) => ({ name: t.document.name, file: path.relative(ROOT, t.file) })),
      targets,
      effective_sample_size: Math.round(fit.effectiveSampleSize * 10) / 10,
      divergence_nats: Math.round(fit.divergence * 1000) / 1000,
      converged: fit.converged,
      leave_one_out: leaveOneOut,
      notes,
    },
  };
}
