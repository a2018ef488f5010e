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
      readonly kind: "infusion";
      readonly state: string;
      readonly rate: number;
      readonly from: number;
      readonly to: number;
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
