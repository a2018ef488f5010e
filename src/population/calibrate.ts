/**
 * Builds a calibrated virtual population (issue 13 §2): plausible patients are sampled from the priors, each is
 * simulated under the reference regimens (to know what it is refractory to) and under every arm of every
 * calibration trial of its cancer type — the same patients in every arm, only the treatment differs — and the
 * population is then weighted (maximum-entropy prevalence weights, src/engine/entropy-weights.ts) so that its
 * best-overall-response and PFS figures match the published ones within their uncertainty. Leave-one-trial-out:
 * the weights are recomputed without each trial and that trial is predicted.
 */
import path from "node:path";
import { carriedStates, enrol, type PoolMember } from "./eligibility.js";
import { covariateConstraints, type CovariateConstraint } from "./calibration-covariates.js";
import {
  buildConstraints,
  isTarget,
  solve,
  valueOf,
  type ArmRun,
  type Constraint,
} from "./calibration-constraints.js";
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
import { carryOf, runBatches, type BatchTask } from "./simulate-batch.js";
import type { Trial } from "./trial-file.js";
import { simulatorPopulation } from "./trial-run.js";
import { calibrationMethod, dorObserved, NOISE_DRAWS } from "./calibration-targets.js";
import { toCentral } from "./central-review.js";
import { assessmentSettings, distinctReads, readKey, readOf } from "./published-read.js";
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
  /**
   * The ends of every published median's CI as one-sided constraints (calibration-targets.ts medianBounds; default
   * false: tried on 2026-12-07, they did not bind on the melanoma population, docs/calibration.md disclosures).
   */
  readonly medianBounds?: boolean;
  /**
   * Every published median duration of response as a constraint (calibration-targets.ts dorFeature; default false:
   * tried on 2026-12-07, docs/calibration.md disclosures).
   */
  readonly dorTargets?: boolean;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export async function buildVpop(opts: BuildOptions): Promise<VpopFile> {
  const { cancer, seed } = opts;
  const n = opts.plausible;
  const draws = opts.noiseDraws ?? NOISE_DRAWS;
  const timingExpected = opts.scanTiming === "expected";
  const withBounds = opts.medianBounds ?? false;
  const withDor = opts.dorTargets ?? false;
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
          settings: assessmentSettings(a),
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
  const constraints = buildConstraints(opts.trials, arms, { timingExpected, withBounds, withDor }, notes);
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
  const targets = constraints.filter(isTarget).map((c) => ({
    ...describe(c, uniform, uniformFactors[c.trial]),
    calibrated: reported(c, valueOf(c, fit.weights, fitFactors[c.trial])),
  }));
  const bounds = constraints.flatMap((c) =>
    c.bound
      ? [
          {
            ...describe(c, uniform, uniformFactors[c.trial]),
            side: c.bound.side > 0 ? ("lower" as const) : ("upper" as const),
            at_months: c.bound.months,
            calibrated: valueOf(c, fit.weights, fitFactors[c.trial]),
          },
        ]
      : [],
  );

  // a DoR constraint reported as the share of its responders still responding at the published median (0.5 asked)
  const share = (c: Constraint, w: ArrayLike<number>, factor: ArrayLike<number>) => {
    const v = valueOf(c, w, factor);
    const observed = valueOf({ ...c, f: dorObserved(c.dor!.months) }, w, factor);
    return v === null || !observed ? null : 0.5 + v / observed;
  };
  const dor = constraints.flatMap((c) =>
    c.dor
      ? [
          {
            ...describe(c, uniform, uniformFactors[c.trial]),
            prior: share(c, uniform, uniformFactors[c.trial]),
            calibrated: share(c, fit.weights, fitFactors[c.trial]),
          },
        ]
      : [],
  );

  // 4. leave one trial out
  const leaveOneOut: LeaveOneOut[] = [];
  opts.trials.forEach((trial, ti) => {
    // a held-out trial's CI bounds go with it; only its targets are predicted
    const held = constraints.filter((c) => c.trial === ti && isTarget(c));
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
      method: calibrationMethod(draws, timingExpected, withBounds, withDor),
      noise_draws: draws,
      scan_timing: timingExpected ? "expected" : "drawn",
      trials: opts.trials.map((t) => ({ name: t.document.name, file: path.relative(ROOT, t.file) })),
      targets,
      ...(withBounds ? { bounds } : {}),
      ...(withDor ? { dor } : {}),
      effective_sample_size: Math.round(fit.effectiveSampleSize * 10) / 10,
      divergence_nats: Math.round(fit.divergence * 1000) / 1000,
      converged: fit.converged,
      leave_one_out: leaveOneOut,
      notes,
    },
  };
}
