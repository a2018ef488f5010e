/** The shapes of candidate protocols: a design's choices, a candidate, the generated set and its options. */
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import type { ProtocolProblem } from "../therapy/validate-protocol.js";
import type { ParameterSample } from "./personalize.js";

export type Debulking = "none" | "chemotherapy" | "radiotherapy";
export type Activation = "none" | "checkpoint" | "il2" | "checkpoint+il2";
export type Killers = "none" | "nk-allogeneic" | "nk-autologous" | "donor-adcc" | "til";
export type KillerTiming = "nadir" | "end-of-stay";

export interface CandidateDesign {
  readonly debulking: Debulking;
  readonly virus: boolean;
  readonly activation: Activation;
  /** Days from the last virus dose to immune activation (only with both). */
  readonly gapDays: number;
  readonly killers: Killers;
  readonly killerTiming: KillerTiming;
  readonly maintenance: boolean;
}

export interface Candidate {
  readonly id: string;
  readonly name: string;
  readonly design: CandidateDesign;
  readonly protocol: Protocol;
  /** Warnings of the sequencing rules (errors exclude a candidate). */
  readonly warnings: readonly ProtocolProblem[];
  /** Day the killer cells are given, and the predicted median burden then (null without killer cells). */
  readonly killerDay: number | null;
}

export interface CandidateSet {
  readonly candidates: readonly Candidate[];
  /** Designs enumerated before the limit and the rules. */
  readonly considered: number;
  readonly rejected: readonly { readonly name: string; readonly problems: readonly string[] }[];
  /** Modalities left out, with the evaluation's reasons. */
  readonly excludedModalities: readonly { readonly modality: string; readonly reason: string }[];
  readonly notes: readonly string[];
}

export interface CandidateOptions {
  readonly maxCandidates?: number;
  readonly seed?: number;
  /** The sample whose course sets the killer-cell day "at the predicted nadir". */
  /** The sample whose predicted nadir sets the killer-cell day, or a function that predicts that day. */
  readonly representative: ParameterSample | NadirPredictor;
}

/** Predicts the day (0–21) of the smallest tumor after a protocol's first steps. */
export type NadirPredictor = (prefix: Protocol, patient: Patient) => number;
