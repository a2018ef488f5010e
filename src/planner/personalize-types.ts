/** The shapes of the core model's personalization: observations, posterior samples and summary, options. */
import type { Patient } from "../therapy/patient.js";

export interface TumorObservation {
  readonly date: string;
  /** Days from the plan's start (negative before it). */
  readonly day: number;
  /** RECIST sum of diameters of the target lesions (short axis for nodes). */
  readonly sldMm: number;
  readonly targets: number;
}

/** Parameter values and initial state of one posterior sample, by name (any module set of the core model). */
export interface ParameterSample {
  readonly set: Readonly<Record<string, number>>;
  readonly initial: Readonly<Record<string, number>>;
}

export interface PosteriorEntry {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly median: number;
  readonly lower95: number;
  readonly upper95: number;
  readonly rhat: number;
  readonly ess: number;
  /** Whether the data inform it (false: the posterior is the prior). */
  readonly informedByData: boolean;
  readonly prior: string;
  readonly source: string;
}

export interface Personalization {
  readonly caseId: string;
  readonly startDate: string;
  readonly patient: Patient;
  readonly lesions: number;
  readonly observations: readonly TumorObservation[];
  readonly excluded: readonly { readonly date: string; readonly reason: string }[];
  readonly posterior: readonly PosteriorEntry[];
  readonly acceptance: readonly number[];
  readonly converged: boolean;
  /** Tumor cells on the start day: median and 95 % interval over the samples. */
  readonly burdenAtStart: { readonly median: number; readonly lower95: number; readonly upper95: number };
  readonly samples: readonly ParameterSample[];
  readonly assumptions: readonly string[];
  /** How the posterior was made and whether it converged, in a sentence each (reports print them). */
  readonly fitMethod?: string;
  readonly convergence?: string;
}

export interface PersonalizeOptions {
  /** The plan's day 0 (ISO date). Default: the evaluation date, today. */
  readonly startDate?: string;
  /** Posterior samples to keep for planning (default 100). */
  readonly samples?: number;
  readonly seed?: number;
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
}
