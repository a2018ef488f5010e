/**
 * The plan document: its options, the ranked candidates with their outcome summaries, the step-by-step
 * explanations and the plan itself (what `planCase` returns; the reports, server and web app read it).
 */
import type { Evaluation } from "../clinic/evaluate.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import type { CandidateDesign } from "./candidates.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import type { ParameterSample, Personalization } from "./personalize.js";
import type { ClinicalPlanInfo } from "./plan-clinical.js";
import type { PlanTies } from "./plan-ties.js";
import type { RankingWeights } from "./planning-data.js";
import type { ToxicityProxy, TreatmentBurden } from "./rank.js";
import type { CandidateOutcome } from "./simulate-candidate.js";
import type { StartBurden } from "./start-burden.js";
import type { ScoreDifference } from "./ties.js";

export interface PlanOptions {
  /** Evaluation date and the plan's day 0 (ISO). Default today. */
  readonly date?: string;
  readonly samples?: number;
  readonly maxCandidates?: number;
  readonly horizon?: number;
  readonly weights?: RankingWeights;
  readonly threads?: number;
  readonly seed?: number;
  /** How many candidates are explained in full (the recommendation and the best alternatives). Default 3. */
  readonly explain?: number;
  readonly mcmc?: { readonly warmup?: number; readonly draws?: number };
  /** Draws from the conditioned prior of the clinical model (default 3,000 distinct patients of the smoothed prior). */
  readonly priorDraws?: number;
  /** The calibrated population to use instead of the shipped one of the case's cancer type. */
  readonly vpopFile?: string;
  /** Use the de Pillis-based core model even when the cancer type has a calibrated population. */
  readonly coreModel?: boolean;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface OutcomeSummary {
  readonly samples: number;
  readonly failures: number;
  /** P(no progression) at 6 and 12 months. */
  readonly pControl: readonly number[];
  readonly pElimination: readonly number[];
  readonly medianTtpDays: number | null;
  /** Median log10 tumor cells at the horizon. */
  readonly medianFinalLog10: number;
  /** Clinical model: P(best change of the sum of diameters ≤ −30 %) and P(complete response) within the horizon. */
  readonly pResponse?: number;
  readonly pComplete?: number;
}

export interface RankedCandidate {
  readonly rank: number;
  readonly id: string;
  readonly name: string;
  readonly design: CandidateDesign;
  readonly protocol: Protocol;
  readonly outcome: OutcomeSummary;
  readonly pBest: number;
  readonly toxicity: ToxicityProxy;
  readonly burden: TreatmentBurden;
  readonly score: number;
  /**
   * score(first choice) − score(this candidate) with its Monte Carlo standard error over the paired posterior
   * samples, and whether the two are tied within that error (ties.ts); absent for the first choice itself.
   */
  readonly scoreDifference?: ScoreDifference;
  /**
   * Control and elimination at 12 months on each posterior sample, one character per sample in the samples' order
   * (ties.ts: "0" neither, "1" control, "2" elimination, "3" both, "x" failed): the paired data of the ties, for
   * the web app's re-ranking with other weights.
   */
  readonly sampleOutcomes?: string;
  readonly warnings: readonly string[];
  /**
   * Whether the candidate lies beyond the calibration of the case's cancer type (an agent no calibration or label
   * trial gives, or a combination of classes none combined; population/arm-evidence.ts), and why.
   */
  readonly evidence?: { readonly extrapolated: boolean; readonly reasons: readonly string[] };
  /** Burden bands (log10 cells at `days`, quantiles 5/25/50/75/95 %), kept for the explained candidates. */
  readonly bands?: {
    readonly days: readonly number[];
    readonly quantiles: readonly (readonly number[])[];
    /** Clinical model: the sum of diameters of the target lesions (mm), same quantiles. */
    readonly sld?: readonly (readonly number[])[];
  };
}

export interface StepExplanation {
  readonly component: "debulking" | "virus" | "checkpoint" | "il2" | "killers" | "maintenance";
  readonly clinicStep: string;
  readonly agents: readonly {
    readonly id: string;
    readonly name: string;
    readonly dose: string;
    readonly route: string;
    readonly days: readonly number[];
  }[];
  readonly targets: string;
  readonly source: string;
  readonly eligibility: { readonly verdict: string; readonly reasons: readonly string[] };
  /** The model's prediction without this step (null when that design breaks a rule). */
  readonly without: (OutcomeSummary & { readonly id: string }) | null;
}

export interface CandidateExplanation {
  readonly id: string;
  readonly steps: readonly StepExplanation[];
  readonly modelNotes: readonly string[];
  readonly cannotKnow: readonly string[];
}

export interface Plan {
  readonly kind: "immunoplan-plan";
  readonly version: 1;
  readonly caseId: string;
  readonly date: string;
  readonly disclaimer: string;
  readonly evaluation: {
    readonly missing: readonly string[];
    readonly eligibility: Evaluation["eligibility"];
    readonly burden: Evaluation["burden"];
  };
  readonly personalization: Omit<Personalization, "samples"> & { readonly samples: number };
  /** One burden estimate for day 0: the evaluation's reading of the scans, and whether the model agrees. */
  readonly startBurden: StartBurden;
  /** The case's tumor types (catalog/tumor-types.yaml): they select the trial rates of the toxicity estimate. */
  readonly tumorTypes: readonly string[];
  readonly horizonDays: number;
  readonly milestonesDays: readonly number[];
  readonly bandQuantiles: readonly number[];
  readonly weights: RankingWeights;
  readonly weightsSource: string;
  readonly scoreFormula: string;
  readonly toxicitySource: string;
  readonly burdenSource: string;
  readonly candidatesConsidered: number;
  readonly candidates: readonly RankedCandidate[];
  readonly recommended: string | null;
  readonly explanations: readonly CandidateExplanation[];
  readonly rejected: readonly { readonly name: string; readonly problems: readonly string[] }[];
  readonly excludedModalities: readonly { readonly modality: string; readonly reason: string }[];
  readonly notes: readonly string[];
  readonly simulations: number;
  /** The posterior samples (parameter values and the state on day 0), for re-simulating edited protocols. */
  readonly samples: readonly ParameterSample[];
  /** Which model made the predictions: the calibrated clinical model, or the core model (no calibrated population). */
  readonly model?: "clinical" | "core";
  /** The clinical model's personalization, safeguards and prior sensitivity. */
  readonly clinical?: ClinicalPlanInfo;
  /** The clinical model's posterior samples (the patient on day 0), for re-simulating edited protocols. */
  readonly clinicalSamples?: readonly ClinicalSample[];
  /** The candidates the first choice cannot be told apart from within Monte Carlo error (plan-ties.ts). */
  readonly ties?: PlanTies;
  /** Warnings every page and report that shows the plan repeats (posterior not converged, prior-only decisive parameters). */
  readonly flags?: readonly string[];
}

export function summarizeOutcome(o: CandidateOutcome): OutcomeSummary {
  const finite = o.finalLog10.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    samples: o.samples,
    failures: o.failures.length,
    pControl: o.pControl,
    pElimination: o.pElimination,
    medianTtpDays: o.medianTtp,
    medianFinalLog10: finite.length ? finite[Math.floor(finite.length / 2)] : NaN,
    ...(o.pResponse !== undefined ? { pResponse: o.pResponse, pComplete: o.pComplete } : {}),
  };
}
