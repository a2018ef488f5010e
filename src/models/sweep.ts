import { solve, type Method } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import type { DoseSpec } from "../engine/language/index.js";
import { course, firstTimeBelow } from "./tumor-course.js";

/** What a sweep varies: an initial value, a parameter, or a field of doses (by index or label). */
export type SweepTarget =
  | { readonly kind: "init"; readonly state: string }
  | { readonly kind: "parameter"; readonly name: string }
  | { readonly kind: "dose"; readonly selector: number | string; readonly field: DoseField };

export type DoseField = "at" | "amount" | "rate" | "from" | "to" | "multiply";
const DOSE_FIELDS: readonly DoseField[] = ["at", "amount", "rate", "from", "to", "multiply"];

export interface SweepSpec {
  readonly target: SweepTarget;
  readonly from: number;
  readonly to: number;
  /** The text as given, e.g. `init.T=1e4..1e9`. */
  readonly text: string;
}

export class SweepSpecError extends Error {
  override readonly name = "SweepSpecError";
}

/**
 * Parses `init.STATE=a..b`, `PARAM=a..b` (or `param.PARAM=…`) and `dose.N.FIELD=a..b` / `dose.LABEL.FIELD=a..b`
 * against a model and its doses.
 */
export function parseSweepSpec(text: string, model: CompiledModel, doses: readonly DoseSpec[]): SweepSpec {
  const m = /^\s*([A-Za-z0-9_.]+)\s*=\s*([^.]+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*\.\.\s*(\S+)\s*$/.exec(text);
  if (!m) throw new SweepSpecError(`--vary expects TARGET=FROM..TO (e.g. init.T=1e4..1e9), not '${text}'`);
  const from = Number(m[2]);
  const to = Number(m[3]);
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new SweepSpecError(`--vary: '${m[2]}..${m[3]}' must be two finite numbers`);
  }
  const parts = m[1].split(".");
  let target: SweepTarget;
  if (parts[0] === "init" && parts.length === 2) {
    if (!model.stateNames.includes(parts[1])) {
      throw new SweepSpecError(
        `--vary: unknown state '${parts[1]}' (states: ${model.stateNames.join(", ")})`,
      );
    }
    target = { kind: "init", state: parts[1] };
  } else if (parts[0] === "dose" && parts.length === 3) {
    const field = parts[2] as DoseField;
    if (!DOSE_FIELDS.includes(field)) {
      throw new SweepSpecError(
        `--vary: dose field must be one of ${DOSE_FIELDS.join(", ")}, not '${parts[2]}'`,
      );
    }
    const selector = /^\d+$/.test(parts[1]) ? Number(parts[1]) : parts[1];
    const matched = selectDoses(doses, selector);
    if (matched.length === 0) {
      const labels = [...new Set(doses.map((d) => d.label).filter(Boolean))];
      throw new SweepSpecError(
        `--vary: no dose '${parts[1]}' (${doses.length} doses${labels.length ? `; labels: ${labels.join(", ")}` : ""})`,
      );
    }
    for (const i of matched) {
      const d = doses[i];
      if (!(doseKey(field) in d))
        throw new SweepSpecError(`--vary: dose ${i} (${d.kind}) has no field '${field}'`);
    }
    target = { kind: "dose", selector, field };
  } else {
    const name = parts[0] === "param" && parts.length === 2 ? parts[1] : m[1];
    if (!model.parameterNames.includes(name)) {
      throw new SweepSpecError(
        `--vary: '${m[1]}' is not init.STATE, dose.N.FIELD or a parameter (parameters: ${model.parameterNames.join(", ")})`,
      );
    }
    target = { kind: "parameter", name };
  }
  return { target, from, to, text: text.trim() };
}

/** The DoseSpec property behind a --vary dose field (`multiply` is stored as `factor`). */
function doseKey(field: DoseField): string {
  return field === "multiply" ? "factor" : field;
}

function selectDoses(doses: readonly DoseSpec[], selector: number | string): number[] {
  if (typeof selector === "number") return selector < doses.length ? [selector] : [];
  return doses.flatMap((d, i) => (d.label === selector ? [i] : []));
}

/** The grid of values: log-spaced when both ends are positive and span ≥ 100×, unless `scale` says otherwise. */
export function sweepValues(
  from: number,
  to: number,
  points: number,
  scale?: "log" | "linear",
): { values: number[]; log: boolean } {
  const log =
    scale === "log" || (scale === undefined && from > 0 && to > 0 && Math.max(to / from, from / to) >= 100);
  if (log && !(from > 0 && to > 0)) throw new SweepSpecError("--log needs two positive ends");
  if (points === 1) return { values: [from], log };
  const values = Array.from({ length: points }, (_, i) => {
    const f = i / (points - 1);
    return log ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from);
  });
  values[points - 1] = to;
  return { values, log };
}

export type Outcome = "eliminated" | "controlled" | "escaped";

/**
 * Without an explicit threshold a tumor has escaped when it ends near its largest burden of the run and not
 * far below where it started: final ≥ ½ · peak and final ≥ ½ · initial (growth to, or stay at, a high burden).
 */
const ESCAPE_FRACTION = 0.5;

export interface SweepRow {
  readonly value: number;
  readonly outcome: Outcome;
  /** Smallest tumor burden over the horizon and when it occurred. */
  readonly nadir: number;
  readonly nadirDay: number;
  /** Tumor burden at the end of the horizon. */
  readonly final: number;
  /** First time the tumor fell below one cell, if it did. */
  readonly eliminatedDay: number | null;
  readonly initial: number;
}

export interface SweepInput {
  readonly model: CompiledModel;
  readonly parameters: Float64Array;
  readonly y0: Float64Array;
  readonly doses: readonly DoseSpec[];
  readonly tEnd: number;
  readonly events: boolean;
  readonly spec: SweepSpec;
  readonly values: readonly number[];
  readonly solveOptions: { method: Method; rtol: number; atol: number; maxSteps: number };
  /** Final burden at or above which the outcome is "escaped" (default: see ESCAPE_FRACTION). */
  readonly escapeThreshold?: number;
  /** Burden below which the tumor counts as eliminated (default 1 cell). */
  readonly eliminationThreshold?: number;
}

/**
 * Runs the model once per value and classifies the outcome on the tumor state: eliminated (fell below one
 * cell), escaped (see ESCAPE_FRACTION, or final ≥ the given threshold), controlled (otherwise).
 */
export function runSweep(input: SweepInput): SweepRow[] {
  const { model, spec } = input;
  const ti = model.tumorIndex;
  if (ti < 0)
    throw new SweepSpecError(`${model.spec.name} has no tumor state (set tumor_state in the model file)`);
  const elim = input.eliminationThreshold ?? 1;
  const nOut = Math.max(1001, Math.ceil(input.tEnd * 4) + 1);
  return input.values.map((value) => {
    const parameters = input.parameters.slice();
    const y0 = input.y0.slice();
    let doses = input.doses;
    const t = spec.target;
    if (t.kind === "init") y0[model.stateIndex(t.state)] = value;
    else if (t.kind === "parameter") parameters[model.parameterIndex(t.name)] = value;
    else {
      const chosen = new Set(selectDoses(doses, t.selector));
      doses = doses.map((d, i) => (chosen.has(i) ? ({ ...d, [doseKey(t.field)]: value } as DoseSpec) : d));
    }
    const sol = solve(model.problem({ tEnd: input.tEnd, parameters, y0, doses, events: input.events }), {
      ...input.solveOptions,
      nOut,
      dense: false,
    });
    const c = course(sol, ti);
    let eliminatedDay = firstTimeBelow(sol, ti, elim);
    const elimEvent = sol.events.find((e) => e.state[ti] < elim || e.name === "eliminated");
    if (elimEvent && (eliminatedDay === null || elimEvent.t < eliminatedDay)) eliminatedDay = elimEvent.t;
    const { initial, final, nadir, nadirDay, peak } = c;
    const escaped =
      input.escapeThreshold !== undefined
        ? final >= input.escapeThreshold
        : final >= ESCAPE_FRACTION * peak && final >= ESCAPE_FRACTION * initial;
    const outcome: Outcome = eliminatedDay !== null ? "eliminated" : escaped ? "escaped" : "controlled";
    return { value, outcome, nadir, nadirDay, final, eliminatedDay, initial };
  });
}
