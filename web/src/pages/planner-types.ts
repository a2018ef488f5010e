// The plan document as the planner tab reads it (candidates, personalization, explanations), and the
// conversion of the plan's log10 bands to tumor cells; shared by the tab and its protocol editor.
import type { ScoreWeights } from "../../../src/planner/score.js";
import type { Protocol } from "../format";

export interface Candidate {
  rank: number;
  id: string;
  name: string;
  protocol: Protocol;
  outcome: { pControl: number[]; pElimination: number[]; medianTtpDays: number | null };
  /** pAny: P(grade ≥ 3 adverse event) (plans before issue 14 have only a score, a count of risks). */
  toxicity: { score: number; pAny?: number; lowerBound?: boolean };
  burden: { score: number };
  score: number;
  /** Control and elimination at 12 months per posterior sample (src/planner/ties.ts), for the ties within Monte Carlo error. */
  sampleOutcomes?: string;
  bands?: { days: number[]; quantiles: number[][] };
  /** Beyond the calibration of the cancer type (src/population/arm-evidence.ts), and why (plans since 2026-12-06). */
  evidence?: { extrapolated: boolean; reasons: string[] };
}
export type Weights = ScoreWeights;
export interface PlanDoc {
  personalization: {
    observations: { date: string; sldMm: number }[];
    converged: boolean;
    burdenAtStart: { median: number };
    posterior: {
      name: string;
      description: string;
      unit: string;
      median: number;
      lower95: number;
      upper95: number;
      informedByData: boolean;
      prior: string;
      source: string;
    }[];
  };
  weights: Weights;
  scoreFormula: string;
  date: string;
  disclaimer: string;
  horizonDays: number;
  candidates: Candidate[];
  recommended: string | null;
  notes: string[];
  samples: { set: Record<string, number>; initial: Record<string, number> }[];
  /** "clinical": the calibrated clinical model (predictions are made on the server); absent or "core": the core model. */
  model?: "clinical" | "core";
  /** The clinical personalization (clinical-model plans): its method, ESS, convergence and lead-in. */
  clinical?: {
    ess: number;
    converged: boolean;
    distinct?: number;
    leadIn?: { from: string; days: number } | null;
    history?: { simulated: string[] };
    /** The sequential Monte Carlo that followed a degenerate importance sampler (plans before it have none). */
    smc?: {
      particles: number;
      distinct: number;
      simulations: number;
      complete: boolean;
      importanceEss: number;
      stages: { beta: number; ess: number; acceptance: number; distinct: number; components: number }[];
    } | null;
  };
  /** The first choice's ties within Monte Carlo error (plans made before them have none): the posterior's ESS. */
  ties?: { ess: number; firstChoice: string; tiedWithFirst: string[]; message: string; method: string };
  /** Warnings the plan repeats wherever it is shown (not converged, decisive parameters from the prior only, prior sensitivity). */
  flags?: string[];
  explanations: {
    id: string;
    steps: { clinicStep: string; targets: string; without: { pControl: number[] } | null }[];
    cannotKnow: string[];
  }[];
}
export interface PlanRow {
  id: string;
  status: string;
  chosen: string | null;
  createdAt: string;
}
export interface Compiled {
  problems: { path: string; severity: string; message: string }[];
  compiled: { modules: string[]; doses: unknown[]; set: Record<string, number> } | null;
}

export const cells = (log10: number[]) => log10.map((v) => Math.pow(10, v) - 1);
