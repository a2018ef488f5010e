/**
 * "Patients like this": the plan's first choices given to virtual patients of the calibrated population who share
 * the record's covariates (stage, LDH, PD-L1, ECOG, the classes progressed on — not the burden, not the scans), each
 * with their own lesions, and read as a trial reads them (RECIST 1.1 with confirmation, scans every 8 weeks). A
 * clinician can set that figure beside the trials they know, and beside the personalized one: the distance between
 * the two is what the patient's burden and scans add — an extrapolation of the model where it is large. Each
 * figure includes overall survival (alive at 24 months, median) from the survival model that `trial simulate` uses
 * (overall-survival.ts), with what it cannot see said beside it.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { seededRandom } from "../engine/statistics.js";
import { drawWeighted } from "../population/arm-simulator.js";
import { describeModelError, shippedModelError } from "../population/model-error.js";
import { overallSurvival, survivalModel } from "../population/overall-survival.js";
import { STANDARD_ASSESSMENT } from "../population/population-run.js";
import { scanDays } from "../population/scan-schedule.js";
import { carriedStates } from "../population/eligibility.js";
import { carryOf, runBatches } from "../population/simulate-batch.js";
import { DAYS_PER_MONTH, summarizeArm, type Estimate } from "../population/trial-outcomes.js";
import { defaultOsFollowUpDays } from "../population/trial-survival.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { conditionedPrior } from "./case-population.js";

/** Virtual patients per candidate [Immunoplan choice: a response rate within about ±5 points (95 %)]. */
export const LIKE_THIS_PATIENTS = 300;

/** Said wherever these figures are shown: most candidates combine agents that were calibrated alone. */
export const COMBINATION_CAVEAT =
  "A candidate that combines agents calibrated alone is an extrapolation: in this model such combinations respond above independent drug action of their parts, which phase III trials of checkpoint-inhibitor combinations did not show (docs/sequencing.md), so their figures are optimistic.";

export interface PopulationFigure {
  readonly id: string;
  readonly name: string;
  readonly orr: Estimate;
  readonly pfs12: Estimate;
  /** Overall survival from the survival model (catalog/survival.yaml), censored at its follow-up. */
  readonly medianOsMonths: Estimate;
  readonly os24: Estimate;
}

/** Said wherever the survival figures are shown: what the survival model is, and what it does not see. */
export const SURVIVAL_CAVEAT =
  "Survival comes from each virtual patient's tumour dynamics (their growth rate constant up to progression) through a log-normal survival model set by hand on the calibration trials' overall survival (catalog/survival.yaml; out of sample, leave one melanoma trial out: docs/calibration.md); it does not see treatment after progression, so differences between candidates tend to be larger than a trial's (KEYNOTE-006 and OPTiM in docs/calibration.md).";

export interface PatientsLikeThis {
  /** The record's covariates the virtual patients share, and those relaxed (too few share them all). */
  readonly conditions: readonly string[];
  readonly relaxed: readonly string[];
  readonly patients: number;
  readonly assessment: string;
  /** Overall survival's follow-up (days): a median beyond it is "not reached". */
  readonly survivalFollowUpDays: number;
  readonly figures: readonly PopulationFigure[];
  readonly message: string;
}

const pct = (e: Estimate) =>
  e.value === null
    ? "—"
    : `${Math.round(100 * e.value)} % (${Math.round(100 * (e.ci[0] ?? 0))}–${Math.round(100 * (e.ci[1] ?? 0))})`;

/** A median survival in months with its CI; "not reached" within the follow-up. */
export function months(e: Estimate, followUpDays: number): string {
  const r = (x: number | null) => (x === null ? "not reached" : x.toFixed(1));
  if (e.value === null) return `not reached in ${Math.round(followUpDays / DAYS_PER_MONTH)} months`;
  return `${r(e.value)} months (${r(e.ci[0])}–${r(e.ci[1])})`;
}

/** The candidates on the case's covariate-conditioned population, or null without a calibrated population. */
export async function patientsLikeThis(
  c: CaseRecord,
  date: string,
  candidates: readonly { readonly id: string; readonly name: string; readonly protocol: Protocol }[],
  opts: { vpopFile?: string; patients?: number; seed?: number; threads?: number } = {},
): Promise<PatientsLikeThis | null> {
  const prior = conditionedPrior(c, date, opts.vpopFile);
  if (!prior || candidates.length === 0) return null;
  const n = opts.patients ?? LIKE_THIS_PATIENTS;
  const rand = seededRandom(opts.seed ?? 1);
  const drawn = drawWeighted(prior.weights, n, rand);
  if (!drawn.length) return null;
  const noiseSeeds = drawn.map(() => Math.floor(rand() * 2 ** 31));
  const days = scanDays(STANDARD_ASSESSMENT);
  const survival = survivalModel(prior.cancer);
  const followUpDays = defaultOsFollowUpDays(survival);
  const progressedOn = { cancer: prior.cancer, refractory_to: prior.conditions.refractory };
  const carry = drawn.map((i) => carriedStates(prior.vpop.patients[i], progressedOn));
  const results = await runBatches(
    candidates.map((cand) => ({
      cancer: prior.cancer,
      seeds: drawn.map((i) => prior.vpop.patients[i].seed),
      noiseSeeds,
      ids: drawn.map((i, k) => `p${k + 1}-vp${i}`),
      protocol: cand.protocol,
      days,
      settings: { criteria: "recist1.1" as const, confirm: true, minSdDays: 42 },
      courses: true,
      // the adaptation a patient carries from the classes the record says they progressed on (an AR-pathway
      // inhibitor's cross-resistance; reference-regimens.ts)
      ...carryOf(carry),
    })),
    { threads: opts.threads },
  );
  const figures = candidates.map((cand, k) => {
    const { outcomes, courses } = results[k];
    const deaths = overallSurvival(courses ?? [], outcomes, survival, opts.seed ?? 1);
    const arm = summarizeArm(cand.name, outcomes, 0.95, { deaths, followUpDays });
    return {
      id: cand.id,
      name: cand.name,
      orr: arm.ORR,
      pfs12: arm.PFS_12mo,
      medianOsMonths: arm.median_OS_months ?? { value: null, ci: [null, null] },
      os24: arm.OS_24mo ?? { value: null, ci: [null, null] },
    };
  });
  const assessment = "RECIST 1.1 with confirmation, scans every 8 weeks to week 48, reader variability";
  const shared = prior.applied.join(", ") || "none of the record's covariates exactly";
  return {
    conditions: prior.applied,
    relaxed: prior.relaxed,
    patients: n,
    assessment,
    survivalFollowUpDays: followUpDays,
    figures,
    message:
      `Patients like this in the calibrated ${prior.cancer} population (${n} virtual patients conditioned on ${shared}` +
      `${prior.relaxed.length ? `; relaxed: ${prior.relaxed.join(", ")}` : ""}; their own tumours, not this patient's burden or scans; read as a trial: ${assessment}): ` +
      figures
        .map(
          (f, i) =>
            `#${i + 1} ${f.name}: response ${pct(f.orr)}, progression-free at 12 months ${pct(f.pfs12)}, alive at 24 months ${pct(f.os24)}, median survival ${months(f.medianOsMonths, followUpDays)}`,
        )
        .join("; ") +
      `. The model's own error on trials left out of its calibration (SD, as a trial would report the figure): ${describeModelError(shippedModelError())} (docs/trials.md). ` +
      "Where the personalized figures lie far from these, they rest on the patient's burden and scans and on the model's burden dependence more than on the trials. " +
      SURVIVAL_CAVEAT +
      " " +
      COMBINATION_CAVEAT,
  };
}
