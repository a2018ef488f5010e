/**
 * The sections of a model file, read and checked one by one: states, parameters, assignments, equations,
 * events, observations and variants (the backbone and its modules use the same readers).
 */
import { ExpressionError, parseCondition } from "./expression.js";
import type {
  AssignmentSpec,
  EquationSpec,
  EventSpec,
  ObservationSpec,
  ParameterSpec,
  StateSpec,
  VariantSpec,
} from "./model-spec.js";
import { IDENT, type Scope } from "./model-scope.js";
import type { Path } from "./yaml-reader.js";

export function readStates(scope: Scope, raw: unknown, path: Path, required: boolean): StateSpec[] {
  const r = scope.r;
  const states: StateSpec[] = [];
  const rec = r.record(raw, path, required);
  if (required && rec && Object.keys(rec).length === 0) r.error(path, "a model needs at least one state");
  for (const [sn, v] of Object.entries(rec ?? {})) {
    const p = [...path, sn];
    if (!scope.declare(sn, "state", p)) continue;
    scope.known.add(sn);
    if (typeof v === "number") {
      states.push({
        name: sn,
        initial: r.number(v, p, true) ?? 0,
        unit: "1",
        description: "",
        nonnegative: false,
      });
      continue;
    }
    const s = r.record(v, p, true);
    if (!s) continue;
    r.fields(s, p, ["initial", "unit", "description", "nonnegative"]);
    states.push({
      name: sn,
      initial: r.number(s.initial, [...p, "initial"], true) ?? 0,
      unit: r.unit(s.unit, [...p, "unit"]),
      description: r.string(s.description, [...p, "description"], false),
      nonnegative: r.boolean(s.nonnegative, [...p, "nonnegative"], false),
    });
  }
  return states;
}

export function readParameters(scope: Scope, raw: unknown, path: Path): ParameterSpec[] {
  const r = scope.r;
  const parameters: ParameterSpec[] = [];
  for (const [pn, v] of Object.entries(r.record(raw, path, false) ?? {})) {
    const p = [...path, pn];
    if (!scope.declare(pn, "parameter", p)) continue;
    scope.known.add(pn);
    if (typeof v === "number") {
      r.warn(p, "parameter without unit, description and source");
      parameters.push({ name: pn, value: r.number(v, p, true) ?? 0, unit: "1", description: "", source: "" });
      continue;
    }
    const s = r.record(v, p, true);
    if (!s) continue;
    r.fields(s, p, ["value", "unit", "description", "source", "note", "range"]);
    const source = r.string(s.source, [...p, "source"], false);
    if (!source) r.warn([...p], "parameter has no source");
    const value = r.number(s.value, [...p, "value"], true) ?? 0;
    let range: [number, number] | undefined;
    if (s.range !== undefined) {
      const lo = Array.isArray(s.range) ? r.number(s.range[0], [...p, "range", 0], true) : undefined;
      const hi = Array.isArray(s.range) ? r.number(s.range[1], [...p, "range", 1], true) : undefined;
      if (!Array.isArray(s.range) || s.range.length !== 2 || lo === undefined || hi === undefined)
        r.error([...p, "range"], "must be [low, high]");
      else if (!(lo <= hi)) r.error([...p, "range"], `low ${lo} is above high ${hi}`);
      else range = [lo, hi];
    }
    parameters.push({
      name: pn,
      value,
      unit: r.unit(s.unit, [...p, "unit"]),
      description: r.string(s.description, [...p, "description"], false),
      source,
      ...(range ? { range } : {}),
    });
  }
  return parameters;
}

export function readAssignments(scope: Scope, raw: unknown, path: Path): AssignmentSpec[] {
  const r = scope.r;
  const assignments: AssignmentSpec[] = [];
  const rec = r.record(raw, path, false) ?? {};
  for (const an of Object.keys(rec)) scope.declare(an, "assignment", [...path, an]);
  for (const [an, v] of Object.entries(rec)) {
    const p = [...path, an];
    const parsed = r.expression(v, p);
    if (parsed) {
      scope.check(parsed.expr, p, parsed.text);
      assignments.push({ name: an, ...parsed });
    }
    scope.known.add(an);
  }
  return assignments;
}

/** Equations of `states` (each needs exactly one). */
export function readEquations(
  scope: Scope,
  raw: unknown,
  path: Path,
  states: readonly StateSpec[],
  statesPath: Path,
) {
  const r = scope.r;
  const equations: EquationSpec[] = [];
  const rec = r.record(raw, path, states.length > 0) ?? {};
  const names = new Set(states.map((s) => s.name));
  for (const [en, v] of Object.entries(rec)) {
    const p = [...path, en];
    if (!names.has(en)) {
      r.error(
        p,
        `equation for '${en}', which is not a state${statesPath.length > 1 ? " of this module" : ""}`,
        {
          key: true,
        },
      );
      continue;
    }
    const parsed = r.expression(v, p);
    if (parsed) {
      scope.check(parsed.expr, p, parsed.text);
      equations.push({ state: en, ...parsed });
    }
  }
  for (const s of states) {
    if (!(s.name in rec))
      r.error([...statesPath, s.name], `state '${s.name}' has no equation`, { key: true });
  }
  const order = (n: string) => states.findIndex((s) => s.name === n);
  return equations.sort((a, b) => order(a.state) - order(b.state));
}

export function readEvents(scope: Scope, raw: unknown, stateNames: ReadonlySet<string>): EventSpec[] {
  const r = scope.r;
  const events: EventSpec[] = [];
  r.list(raw, ["events"]).forEach((item, i) => {
    const p = ["events", i];
    const ev = r.record(item, p, true);
    if (!ev) return;
    r.fields(ev, p, ["name", "when", "set", "stop", "once", "description"]);
    const name = r.string(ev.name, [...p, "name"], true);
    const when = r.string(ev.when, [...p, "when"], true);
    let condition;
    try {
      condition = parseCondition(when);
      scope.check(condition.g, [...p, "when"], when);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      r.error([...p, "when"], `syntax error at column ${e.column} of '${when}': ${e.message}`, {
        offset: e.column - 1,
      });
    }
    const set: { state: string; value: number }[] = [];
    for (const [sn, v] of Object.entries(r.record(ev.set, [...p, "set"], false) ?? {})) {
      if (!stateNames.has(sn)) r.error([...p, "set", sn], `unknown state '${sn}'`, { key: true });
      const value = r.number(v, [...p, "set", sn], true);
      if (value !== undefined) set.push({ state: sn, value });
    }
    const stop = r.boolean(ev.stop, [...p, "stop"], false);
    const once = r.boolean(ev.once, [...p, "once"], false);
    if (condition) events.push({ name, text: when, condition, set, stop, once });
  });
  return events;
}

export function readObservations(scope: Scope, raw: unknown): ObservationSpec[] {
  const r = scope.r;
  const out: ObservationSpec[] = [];
  for (const [on, v] of Object.entries(r.record(raw, ["observations"], false) ?? {})) {
    const p = ["observations", on];
    if (!scope.declare(on, "observation", p)) continue;
    const o = typeof v === "string" || typeof v === "number" ? { expr: v } : r.record(v, p, true);
    if (!o) continue;
    if (typeof v === "object") r.fields(o, p, ["expr", "unit", "description", "source"]);
    const exprPath = typeof v === "object" ? [...p, "expr"] : p;
    const parsed = r.expression(o.expr, exprPath);
    if (!parsed) continue;
    scope.check(parsed.expr, exprPath, parsed.text);
    out.push({
      name: on,
      ...parsed,
      unit: r.unit(o.unit, [...p, "unit"]),
      description: r.string(o.description, [...p, "description"], false),
      source: r.string(o.source, [...p, "source"], false),
    });
  }
  return out;
}

export function readVariants(
  scope: Scope,
  raw: unknown,
  params: ReadonlySet<string>,
  states: ReadonlySet<string>,
) {
  const r = scope.r;
  const out: VariantSpec[] = [];
  for (const [vn, v] of Object.entries(r.record(raw, ["variants"], false) ?? {})) {
    const p = ["variants", vn];
    if (!IDENT.test(vn)) r.error(p, `'${vn}' is not a valid variant name`, { key: true });
    const rec = r.record(v, p, true);
    if (!rec) continue;
    r.fields(rec, p, ["description", "source", "parameters", "initial"]);
    const pick = (field: string, allowed: ReadonlySet<string>, what: string) =>
      Object.entries(r.record(rec[field], [...p, field], false) ?? {}).flatMap(([k, x]) => {
        if (!allowed.has(k)) r.error([...p, field, k], `unknown ${what} '${k}'`, { key: true });
        const value = r.number(x, [...p, field, k], true);
        return value === undefined ? [] : [{ name: k, value }];
      });
    out.push({
      name: vn,
      description: r.string(rec.description, [...p, "description"], false),
      source: r.string(rec.source, [...p, "source"], false),
      parameters: pick("parameters", params, "parameter"),
      initial: pick("initial", states, "state").map(({ name, value }) => ({ state: name, value })),
    });
  }
  return out;
}
