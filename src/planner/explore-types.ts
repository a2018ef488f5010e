/**
 * The model explorer's request and answer shapes (explore-clinical.ts), without its imports: the web app reads
 * them (type imports from a server module would pull Node's modules into the browser's typecheck).
 */
import type { CancerType, Covariates } from "../population/types.js";
import type { Protocol } from "../therapy/protocol-schema.js";

export interface PublishedFigure {
  readonly endpoint: string;
  /** The published value; null for a median that was not reached. */
  readonly value: number | null;
  /** 95 % CI; an open upper end (e.g. a median PFS not reached) is null. */
  readonly ci: readonly [number, number | null] | null;
}

export interface ExplorerArm {
  readonly id: string;
  readonly label: string;
  readonly trial: string | null;
  readonly source: string | null;
  readonly published: readonly PublishedFigure[];
  readonly protocol: Protocol;
}

export interface ExplorerParameter {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
  /** The model's plausible range (the explorer's sliders stay inside it, widened to the patient's own value). */
  readonly range: readonly [number, number] | null;
  readonly modelValue: number;
  /** Drawn per virtual patient (true) or shared by all (false). */
  readonly perPatient: boolean;
  /** 5 %, 50 % and 95 % of the calibrated population (weighted), for per-patient parameters. */
  readonly population: { readonly p5: number; readonly p50: number; readonly p95: number } | null;
}

export interface ExplorerPatientParameter extends ExplorerParameter {
  readonly value: number;
  readonly bounds: readonly [number, number];
  readonly changed: boolean;
}

export interface ExplorerPopulation {
  readonly cancer: CancerType;
  readonly patients: number;
  readonly plausible: number;
  readonly effectiveSampleSize: number;
  readonly converged: boolean;
  readonly created: string;
  readonly trials: readonly string[];
  readonly warnings: readonly string[];
  readonly draws: number;
  readonly arms: readonly Omit<ExplorerArm, "protocol">[];
}

export interface ExploreRequest {
  readonly cancer: CancerType;
  readonly arm: string;
  /** Which of the explorer's virtual patients (0 … EXPLORER_DRAWS − 1). */
  readonly draw: number;
  /** Parameter values replacing the virtual patient's (or the model's) own. */
  readonly overrides: Readonly<Record<string, number>>;
  readonly horizonDays: number;
}

export interface ExploreResult {
  readonly cancer: CancerType;
  readonly arm: Omit<ExplorerArm, "protocol">;
  readonly patient: {
    readonly id: string;
    readonly draw: number;
    readonly covariates: Covariates;
    readonly lesions: readonly {
      readonly id: string;
      readonly role: string;
      readonly site: string;
      /** In the locally treated group (injected, irradiated or resected). */
      readonly local: boolean;
      readonly diameterMm: number;
    }[];
  };
  /** Each parameter's value for this patient, and the values the explorer accepts for it (`bounds`). */
  readonly parameters: readonly ExplorerPatientParameter[];
  readonly days: readonly number[];
  /** Sum of the diameters of the target lesions (mm), and each lesion's diameter (mm), per day. */
  readonly sldMm: readonly number[];
  readonly lesionMm: readonly (readonly number[])[];
  readonly states: readonly {
    readonly name: string;
    readonly unit: string;
    readonly values: readonly number[];
  }[];
  /** Best change of the sum of diameters from baseline (fraction) and its day. */
  readonly best: { readonly change: number; readonly day: number };
  readonly notes: readonly string[];
}
