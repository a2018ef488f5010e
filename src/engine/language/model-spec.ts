import type { Condition, Expr } from "./expression.js";

/** A validated model, as read from a YAML/JSON model file, before compilation. */
export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  readonly timeUnit: string;
  readonly sources: readonly string[];
  readonly states: readonly StateSpec[];
  readonly parameters: readonly ParameterSpec[];
  readonly assignments: readonly AssignmentSpec[];
  /** One per state, in the order of `states`. */
  readonly equations: readonly EquationSpec[];
  readonly doses: readonly DoseSpec[];
  readonly events: readonly EventSpec[];
  /** The state that holds the tumor burden (for outcomes and sweeps); default: a state named T, if any. */
  readonly tumorState?: string;
  /** Named alternative parameter sets and initial states (e.g. another patient). */
  readonly variants: readonly VariantSpec[];
  /** Switchable modules (off unless selected); see compose.ts. */
  readonly modules: readonly ModuleSpec[];
  /** Modules composed into this spec (empty for a file as written). */
  readonly activeModules: readonly string[];
  /** Quantities computed from the state that clinics measure (volume, diameter, PSA, …). */
  readonly observations: readonly ObservationSpec[];
  /** Fields of the file this version does not read (kept for tools, e.g. `outputs`, `notes`). */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface StateSpec {
  readonly name: string;
  readonly initial: number;
  readonly unit: string;
  readonly description: string;
  readonly nonnegative: boolean;
}

export interface ParameterSpec {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
  /** Plausible range [low, high], when the model gives one. */
  readonly range?: readonly [number, number];
}

export interface AssignmentSpec {
  readonly name: string;
  readonly text: string;
  readonly expr: Expr;
}

export interface EquationSpec {
  readonly state: string;
  readonly text: string;
  readonly expr: Expr;
}

export type DoseSpec =
  | {
      readonly kind: "bolus";
      readonly state: string;
      readonly amount: number;
      readonly at: number;
      readonly every?: number;
      readonly count?: number;
      readonly until?: number;
      readonly label?: string;
    }
  | {
      readonly kind: "scale";
      readonly state: string;
      readonly factor: number;
      readonly at: number;
      readonly every?: number;
      readonly count?: number;
      readonly until?: number;
      readonly label?: string;
    }
  | {
      readonly kind: "infusion";
      readonly state: string;
      readonly rate: number;
      readonly from: number;
      readonly to: number;
      readonly every?: number;
      readonly count?: number;
      readonly until?: number;
      readonly label?: string;
    };

export interface EventSpec {
  readonly name: string;
  readonly text: string;
  readonly condition: Condition;
  readonly set: readonly { readonly state: string; readonly value: number }[];
  readonly stop: boolean;
  readonly once: boolean;
}

export interface VariantSpec {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly parameters: readonly { readonly name: string; readonly value: number }[];
  readonly initial: readonly { readonly state: string; readonly value: number }[];
}

/** A module adds states, parameters, assignments and terms to a backbone model. */
export interface ModuleSpec {
  readonly name: string;
  readonly description: string;
  readonly sources: readonly string[];
  readonly states: readonly StateSpec[];
  readonly parameters: readonly ParameterSpec[];
  readonly assignments: readonly AssignmentSpec[];
  /** Equations of the module's own states. */
  readonly equations: readonly EquationSpec[];
  /** Terms added to existing equations: d(state)/dt += expr. */
  readonly terms: readonly { readonly state: string; readonly text: string; readonly expr: Expr }[];
  /** Factors multiplying existing assignments: assignment := assignment · expr. */
  readonly scales: readonly { readonly assignment: string; readonly text: string; readonly expr: Expr }[];
  /** Modules that must be on with this one. */
  readonly requires: readonly string[];
}

export interface ObservationSpec {
  readonly name: string;
  readonly text: string;
  readonly expr: Expr;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
}
