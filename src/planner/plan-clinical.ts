/**
 * The planner on the calibrated clinical model: the personalization in the shape the plan and its reports read,
 * the killer-cell timing from the predicted nadir, what the model cannot know, and the modeller's safeguards —
 * the parameters that decide the first choice and whether the scans informed them, and the prior sensitivity
 * line (does the first choice change when the prior is widened to every plausible patient, uncalibrated and
 * unconditioned?).
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import type { Evaluation } from "../clinic/evaluate.js";
import { lesionsAt } from "../population/personal-patient.js";
import { cancerPriors } from "../population/priors.js";
import { simulatePatient } from "../population/simulate-patient.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { conditionedPrior } from "./case-population.js";
import {
  personalizeClinical,
  MIN_POSTERIOR_ESS,
  type ClinicalPersonalization,
  type ClinicalSample,
} from "./clinical-personalize.js";
import { decisiveParameters } from "./clinical-posterior-summary.js";
import type { PatientsLikeThis } from "./patients-like-this.js";
import type { Personalization } from "./personalize.js";
import type { ScoreDifference } from "./ties.js";
import { INDEPENDENCE_ASSUMPTION } from "./toxicity-risk.js";

export interface ClinicalPlanInfo extends Omit<ClinicalPersonalization, "samples"> {
  /** Parameters whose values over the samples decide the first choice's outcome (rank correlation). */
  readonly decisive: readonly {
    readonly name: string;
    readonly correlation: number;
    readonly informedByData: boolean;
  }[];
  /** Decisive parameters that the scans did not inform (the prior alone sets them). */
  readonly priorOnlyDecisive: readonly string[];
  readonly sensitivity: PriorSensitivity | null;
  /** The first choices on virtual patients who share the record's covariates, read as a trial. */
  readonly population?: PatientsLikeThis | null;
}

export interface PriorSensitivity {
  readonly widened: string;
  readonly ess: number;
  /** The candidates compared (the first choices of the plan) with their scores under both priors. */
  readonly compared: readonly {
    readonly id: string;
    readonly score: number;
    readonly widenedScore: number;
  }[];
  readonly firstChoice: string;
  readonly widenedFirstChoice: string;
  readonly changed: boolean;
  /**
   * When the first choice changed: whether the widened first choice was tied with the plan's first choice within
   * Monte Carlo error on the calibrated posterior (then the change is within the ranking's noise), and the score
   * difference of the two on the widened posterior (first choice − widened first choice; ties.ts).
   */
  readonly widenedTiedWithFirst?: boolean;
  readonly widenedScoreDifference?: ScoreDifference | null;
  readonly message: string;
}

/** What the plan passes to the clinical personalization. */
export interface ClinicalPersonalOptions {
  readonly startDate: string;
  readonly samples?: number;
  readonly seed?: number;
  readonly draws?: number;
  readonly vpopFile?: string;
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** The clinical personalization and its view as the plan's `personalization`, or null without a calibrated population. */
export async function clinicalPersonalization(
  c: CaseRecord,
  opts: ClinicalPersonalOptions,
): Promise<{ pers: Personalization; clin: ClinicalPersonalization } | null> {
  const clin = await personalizeClinical(c, opts);
  if (!clin) return null;
  const patient = clin.patient;
  const pers: Personalization = {
    caseId: c.id,
    startDate: opts.startDate,
    patient,
    lesions: clin.anchor.lesions,
    observations: clin.observations,
    excluded: clin.excluded,
    posterior: clin.posterior.map((e) => ({
      name: e.name,
      description: e.description,
      unit: e.unit,
      median: e.posterior.median,
      lower95: e.posterior.lower95,
      upper95: e.posterior.upper95,
      rhat: NaN,
      ess: clin.ess,
      informedByData: e.informedByData,
      prior: `conditioned ${clin.prior.cancer} population: median ${e.prior.median.toPrecision(3)}, 90 % ${e.prior.lower90.toPrecision(3)}–${e.prior.upper90.toPrecision(3)}`,
      source: "calibrated virtual population (docs/calibration.md)",
    })),
    acceptance: [],
    converged: clin.converged,
    burdenAtStart: clin.burdenAtStart,
    samples: [],
    assumptions: [clin.method, ...clin.history.simulated, ...clin.notes],
    fitMethod: `the calibrated ${clin.prior.cancer} population (${clin.prior.plausible} plausible patients; conditioned on ${clin.prior.applied.join(", ") || "nothing the record gives"}) updated by ${clin.observations.length} scan(s) by importance sampling${clin.smc ? ` and, its weights resting on ${clin.smc.importanceEss.toFixed(1)} effective patients, by sequential Monte Carlo (${clin.smc.particles} particles, ${clin.smc.stages.length} tempering steps${clin.smc.complete ? "" : ", stopped before the full likelihood"})` : ""}`,
    convergence: clin.converged
      ? `converged: effective sample size ${Math.round(clin.ess)} ≥ ${MIN_POSTERIOR_ESS}`
      : `NOT converged: effective sample size ${Math.round(clin.ess)} < ${MIN_POSTERIOR_ESS} — few virtual patients explain the scans`,
  };
  return { pers, clin };
}

/** The day (0–21) of the smallest sum of diameters after a protocol's first steps, on the median-burden sample. */
export function clinicalNadir(
  samples: readonly ClinicalSample[],
): (prefix: Protocol, patient: Patient) => number {
  const sorted = [...samples].sort((a, b) => a.vp.covariates.sld_mm - b.vp.covariates.sld_mm);
  const s = sorted[Math.floor(sorted.length / 2)];
  const days = Float64Array.from({ length: 22 }, (_, i) => i);
  return (prefix) => {
    const course = simulatePatient(s.vp, prefix, days, undefined, s.start, 1e-4);
    let best = 0;
    let min = Infinity;
    for (let i = 0; i < days.length; i++) {
      const sum = lesionsAt(s.vp, course, i).reduce((a, b) => a + b, 0);
      if (sum < min) [min, best] = [sum, i];
    }
    return best;
  };
}

/** What the clinical model cannot know, for this case. */
export function clinicalCannotKnow(
  clin: ClinicalPersonalization,
  ev: Evaluation,
  notes: readonly string[],
): string[] {
  const prior = clin.posterior.filter((p) => !p.informedByData).map((p) => p.name);
  const out = [
    `The patient is represented by virtual patients of the calibrated ${clin.prior.cancer} population (docs/calibration.md) that resemble the record (${clin.prior.applied.join(", ") || "no condition applied"}) and explain the scans; ${prior.length ? `the scans did not narrow ${prior.join(", ")}: they keep the population's spread` : "every listed parameter was narrowed by the scans"}.`,
    "The calibration reproduces published trial response rates and progression-free survival in populations; a single patient's course can lie outside what those trials saw.",
    "Lesions follow two groups (injected or irradiated, and the rest) with a lesion-level sensitivity; sites the drugs reach poorly (e.g. the brain), resistance mutations and antigen loss beyond the model's resistant and antigen-loss cells are not represented.",
    `Toxicity is not simulated: the probability of grade ≥ 3 adverse events comes from the label and trial rates of the agents (in those trials' patients, not this patient's), ${INDEPENDENCE_ASSUMPTION}.`,
    `${clin.observations.length} scan(s) from ${clin.anchor.date} were used, with ${clin.history.simulated.length ? `the recorded treatments simulated (${clin.history.simulated.join("; ")})` : "no treatment in that window"}.`,
  ];
  const drivers = driverNote(clin);
  if (drivers) out.push(drivers);
  const missing = ev.checklist.filter((i) => i.status !== "present");
  if (missing.length)
    out.push(`Records missing or outdated: ${missing.map((i) => `${i.what} (${i.status})`).join("; ")}.`);
  for (const n of notes) if (/not represented|assumption/i.test(n)) out.push(`Model note: ${n}`);
  return out;
}

/**
 * Where driver-positive tumours are immunologically colder (the cancer's f_imm_driver_factor: NSCLC) and the record
 * gives neither an EGFR nor an ALK result, the posterior mixes them in at their shares: the note says how many of
 * the patient's samples carry one, since they respond to checkpoint inhibitors far less often.
 */
export function driverNote(clin: Pick<ClinicalPersonalization, "prior" | "samples">): string | null {
  if (cancerPriors(clin.prior.cancer).f_imm_driver_factor === undefined) return null;
  const named = [...clin.prior.applied, ...clin.prior.relaxed].some((c) => /^(EGFR|ALK) /.test(c));
  if (named || clin.samples.length === 0) return null;
  const positive = clin.samples.filter((x) => x.vp.covariates.egfr_mutant || x.vp.covariates.alk_rearranged);
  const share = Math.round((100 * positive.length) / clin.samples.length);
  return `The record gives no EGFR or ALK result: ${share} % of the posterior samples carry a sensitizing EGFR mutation or an ALK rearrangement (drawn at their shares in ${clin.prior.cancer}), which respond to checkpoint inhibitors far less often (Gainor 2016: 3.6 % against 23.3 %); a result would narrow the prior.`;
}

/** The decisive parameters of the first choice (from its per-sample final burdens). */
export function decisiveOf(
  clin: ClinicalPersonalization,
  finalLog10: readonly number[],
): Pick<ClinicalPlanInfo, "decisive" | "priorOnlyDecisive"> {
  const informed = new Map(clin.posterior.map((p) => [p.name, p.informedByData]));
  const decisive = decisiveParameters(
    clin.samples.map((s) => s.vp),
    finalLog10,
  ).map((d) => ({ ...d, informedByData: informed.get(d.name) ?? false }));
  return { decisive, priorOnlyDecisive: decisive.filter((d) => !d.informedByData).map((d) => d.name) };
}

/** The widened prior: every plausible patient of the population, with equal weights and no condition. */
export async function widenedPersonalization(
  c: CaseRecord,
  opts: ClinicalPersonalOptions,
): Promise<ClinicalPersonalization | null> {
  const cond = conditionedPrior(c, opts.startDate, opts.vpopFile);
  if (!cond) return null;
  const n = cond.patients.length;
  const prior = { ...cond, weights: new Float64Array(n).fill(1 / n), applied: [], relaxed: [], ess: n };
  return personalizeClinical(c, { ...opts, prior });
}
