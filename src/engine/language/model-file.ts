import { readDoses } from "./dose-reader.js";
import { ExpressionError, FUNCTIONS, namesIn, parseCondition, type Expr } from "./expression.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import type {
  AssignmentSpec,
  EquationSpec,
  EventSpec,
  ModelSpec,
  ModuleSpec,
  ObservationSpec,
  ParameterSpec,
  StateSpec,
  VariantSpec,
} from "./model-spec.js";
import { byPosition, openDocument, type Path, type Reader } from "./yaml-reader.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["t", ...Object.keys(FUNCTIONS)]);
const TOP_FIELDS = new Set([
  "name",
  "description",
  "time_unit",
  "sources",
  "states",
  "parameters",
  "assignments",
  "equations",
  "doses",
  "events",
  "tumor_state",
  "variants",
  "modules",
  "observations",
  "outputs",
  "notes",
  "references",
  "caveats",
  "version",
]);
const KEPT_FIELDS = ["outputs", "notes", "references", "caveats", "version"];
const MODULE_FIELDS = [
  "description",
  "sources",
  "states",
  "parameters",
  "assignments",
  "equations",
  "terms",
  "scale",
  "requires",
  "caveats",
  "notes",
];

/** Names declared so far (shared by the backbone and its modules) and the names an expression may use. */
class Scope {
  readonly taken: Map<string, string>;
  readonly known: Set<string>;
  constructor(
    readonly r: Reader,
    parent?: Scope,
  ) {
    this.taken = parent ? parent.taken : new Map();
    this.known = new Set(parent ? parent.known : ["t"]);
  }

  declare(n: string, what: string, path: Path): boolean {
    const r = this.r;
    if (!IDENT.test(n)) {
      r.error(path, `'${n}' is not a valid name (letters, digits and _; not starting with a digit)`, {
        key: true,
      });
      return false;
    }
    if (RESERVED.has(n)) {
      r.error(path, `'${n}' is reserved (${n === "t" ? "time" : "a function"}) and cannot name a ${what}`, {
        key: true,
      });
      return false;
    }
    const before = this.taken.get(n);
    if (before) {
      r.error(path, `duplicate name '${n}': already a ${before}`, { key: true });
      return false;
    }
    this.taken.set(n, what);
    return true;
  }

  check(expr: Expr, path: Path, text: string): void {
    for (const used of namesIn(expr)) {
      if (this.known.has(used)) continue;
      const later = this.taken.get(used) === "assignment";
      this.r.error(
        path,
        later
          ? `'${used}' is used before it is assigned (assignments are evaluated in order)`
          : `unknown name '${used}'`,
        { offset: findName(text, used) },
      );
    }
  }
}

function readStates(scope: Scope, raw: unknown, path: Path, required: boolean): StateSpec[] {
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

function readParameters(scope: Scope, raw: unknown, path: Path): ParameterSpec[] {
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

function readAssignments(scope: Scope, raw: unknown, path: Path): AssignmentSpec[] {
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
function readEquations(
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

function readEvents(scope: Scope, raw: unknown, stateNames: ReadonlySet<string>): EventSpec[] {
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

function readObservations(scope: Scope, raw: unknown): ObservationSpec[] {
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

function readVariants(scope: Scope, raw: unknown, params: ReadonlySet<string>, states: ReadonlySet<string>) {
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

function readModules(
  root: Scope,
  raw: unknown,
  backboneStates: ReadonlySet<string>,
  backboneAssignments: ReadonlySet<string>,
): ModuleSpec[] {
  const r = root.r;
  const modules: ModuleSpec[] = [];
  const rec = r.record(raw, ["modules"], false) ?? {};
  /** Names each module declared, so that modules which require it can use them. */
  const declared = new Map<string, string[]>();
  for (const [mn, v] of Object.entries(rec)) {
    const p = ["modules", mn];
    if (!IDENT.test(mn)) r.error(p, `'${mn}' is not a valid module name`, { key: true });
    const m = r.record(v, p, true);
    if (!m) continue;
    r.fields(m, p, MODULE_FIELDS);
    const scope = new Scope(r, root);
    const before = new Set(scope.taken.keys());
    const requiredNames = Array.isArray(m.requires)
      ? m.requires.filter((x): x is string => typeof x === "string")
      : [];
    for (const req of requiredNames) for (const n of declared.get(req) ?? []) scope.known.add(n);
    const states = readStates(scope, m.states, [...p, "states"], false);
    const parameters = readParameters(scope, m.parameters, [...p, "parameters"]);
    const assignments = readAssignments(scope, m.assignments, [...p, "assignments"]);
    const equations = readEquations(scope, m.equations, [...p, "equations"], states, [...p, "states"]);
    const own = new Set(states.map((s) => s.name));
    const terms: ModuleSpec["terms"][number][] = [];
    for (const [sn, tv] of Object.entries(r.record(m.terms, [...p, "terms"], false) ?? {})) {
      const tp = [...p, "terms", sn];
      if (!backboneStates.has(sn) && !own.has(sn))
        r.error(tp, `term for unknown state '${sn}'`, { key: true });
      const items = Array.isArray(tv) ? tv : [tv];
      items.forEach((item, i) => {
        const ip = Array.isArray(tv) ? [...tp, i] : tp;
        const parsed = r.expression(item, ip);
        if (parsed) {
          scope.check(parsed.expr, ip, parsed.text);
          terms.push({ state: sn, ...parsed });
        }
      });
    }
    const scales: ModuleSpec["scales"][number][] = [];
    for (const [an, sv] of Object.entries(r.record(m.scale, [...p, "scale"], false) ?? {})) {
      const sp = [...p, "scale", an];
      if (!backboneAssignments.has(an)) {
        r.error(sp, `'${an}' is not an assignment of the model (scale multiplies one)`, { key: true });
      }
      const parsed = r.expression(sv, sp);
      if (parsed) {
        scope.check(parsed.expr, sp, parsed.text);
        scales.push({ assignment: an, ...parsed });
      }
    }
    const requires = r
      .list(m.requires, [...p, "requires"])
      .map((x, i) => r.string(x, [...p, "requires", i], true));
    for (const [i, req] of requires.entries()) {
      if (!(req in rec)) r.error([...p, "requires", i], `unknown module '${req}'`);
      else if (!declared.has(req)) {
        r.error([...p, "requires", i], `module '${req}' must come before '${mn}' in the file`);
      }
    }
    declared.set(
      mn,
      [...scope.taken.keys()].filter((n) => !before.has(n)),
    );
    modules.push({
      name: mn,
      description: r.string(m.description, [...p, "description"], false),
      sources: r.list(m.sources, [...p, "sources"]).map((s, i) => r.string(s, [...p, "sources", i], true)),
      states,
      parameters,
      assignments,
      equations,
      terms,
      scales,
      requires,
    });
  }
  return modules;
}

/** Parses and validates a model file's text (YAML or JSON). Throws ModelError listing every problem. */
export function parseModel(text: string, file = "<model>"): { spec: ModelSpec; warnings: ModelIssue[] } {
  const { reader: r, data } = openDocument(text, file);
  const top = r.record(data, [], true);
  if (!top) throw new ModelError(r.issues);
  for (const k of Object.keys(top))
    if (!TOP_FIELDS.has(k)) r.warn([k], `unknown field '${k}'`, { key: true });

  const name = r.string(top.name, ["name"], true);
  const description = r.string(top.description, ["description"], false);
  const timeUnit = r.string(top.time_unit, ["time_unit"], false, "day");
  const sources = r.list(top.sources, ["sources"]).map((s, i) => r.string(s, ["sources", i], true));

  const scope = new Scope(r);
  const states = readStates(scope, top.states, ["states"], true);
  const parameters = readParameters(scope, top.parameters, ["parameters"]);
  const assignments = readAssignments(scope, top.assignments, ["assignments"]);
  const equations = r.record(top.states, ["states"], false)
    ? readEquations(scope, top.equations, ["equations"], states, ["states"])
    : [];
  const stateNames = new Set(states.map((s) => s.name));
  const doses = readDoses(r, top.doses, ["doses"], stateNames);
  const events = readEvents(scope, top.events, stateNames);
  const modules = readModules(scope, top.modules, stateNames, new Set(assignments.map((a) => a.name)));
  const observations = readObservations(scope, top.observations);
  const variants = readVariants(scope, top.variants, new Set(parameters.map((p) => p.name)), stateNames);
  let tumorState: string | undefined = stateNames.has("T") ? "T" : undefined;
  if (top.tumor_state !== undefined) {
    tumorState = r.string(top.tumor_state, ["tumor_state"], false);
    if (!stateNames.has(tumorState)) r.error(["tumor_state"], `'${tumorState}' is not a state`);
  }

  if (r.hasErrors) throw new ModelError(byPosition(r.issues));
  const extra: Record<string, unknown> = {};
  for (const k of KEPT_FIELDS) if (top[k] !== undefined) extra[k] = top[k];
  return {
    spec: {
      name,
      description,
      timeUnit,
      sources,
      states,
      parameters,
      assignments,
      equations,
      doses,
      events,
      tumorState,
      variants,
      modules,
      activeModules: [],
      observations,
      extra,
    },
    warnings: byPosition(r.issues.filter((i) => i.severity === "warning")),
  };
}

function findName(text: string, name: string): number {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
  const m = re.exec(text);
  return m ? m.index + m[1].length : 0;
}
