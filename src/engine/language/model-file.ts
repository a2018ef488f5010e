import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import {
  ExpressionError,
  FUNCTIONS,
  namesIn,
  parseCondition,
  parseExpression,
  type Expr,
} from "./expression.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import type {
  AssignmentSpec,
  DoseSpec,
  EquationSpec,
  EventSpec,
  ModelSpec,
  ParameterSpec,
  StateSpec,
} from "./model-spec.js";
import { unknownUnitAtoms } from "./units.js";

type Path = readonly (string | number)[];

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
  "outputs",
  "notes",
  "references",
  "caveats",
  "version",
]);
/** Largest file accepted (bytes): model files are small; this bounds parsing time. */
const MAX_FILE_BYTES = 2_000_000;

function pathText(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** Validates one YAML/JSON document, collecting every problem with its position. */
class Reader {
  readonly issues: ModelIssue[] = [];
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private position(path: Path, key: boolean, offset = 0): { line?: number; column?: number } {
    try {
      let node: unknown;
      if (key && path.length > 0) {
        const parent = this.doc.getIn(path.slice(0, -1), true);
        if (isMap(parent)) {
          const last = path[path.length - 1];
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
          node = pair?.key;
        }
      }
      node ??= path.length ? this.doc.getIn(path, true) : this.doc.contents;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (!range) return path.length ? this.position(path.slice(0, -1), false) : {};
      let start = range[0];
      if (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) start += 1;
      const lp = this.lines.linePos(start + offset);
      return { line: lp.line, column: lp.col };
    } catch {
      return {};
    }
  }

  error(path: Path, message: string, opts: { key?: boolean; offset?: number } = {}): void {
    this.issues.push({
      file: this.file,
      path: pathText(path),
      ...this.position(path, opts.key ?? false, opts.offset),
      message,
      severity: "error",
    });
  }

  warn(path: Path, message: string, opts: { key?: boolean } = {}): void {
    this.issues.push({
      file: this.file,
      path: pathText(path),
      ...this.position(path, opts.key ?? false),
      message,
      severity: "warning",
    });
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === "error");
  }

  string(v: unknown, path: Path, required: boolean, fallback = ""): string {
    if (v === undefined || v === null) {
      if (required) this.error(path, "is required");
      return fallback;
    }
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v !== "string") {
      this.error(path, `must be a text, not ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  number(v: unknown, path: Path, required: boolean): number | undefined {
    if (v === undefined || v === null) {
      if (required) this.error(path, "is required");
      return undefined;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.error(path, `must be a finite number, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  boolean(v: unknown, path: Path, fallback: boolean): boolean {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") {
      this.error(path, `must be true or false, not ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  record(v: unknown, path: Path, required: boolean): Record<string, unknown> | undefined {
    if (v === undefined || v === null) {
      if (required) this.error(path, "is required");
      return undefined;
    }
    if (typeof v !== "object" || Array.isArray(v)) {
      this.error(path, `must be a mapping of names to entries, not ${describe(v)}`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  list(v: unknown, path: Path): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.error(path, `must be a list, not ${describe(v)}`);
      return [];
    }
    return v;
  }

  unit(v: unknown, path: Path): string {
    const u = this.string(v, path, false, "1");
    const unknown = unknownUnitAtoms(u);
    if (unknown.length) this.warn(path, `unknown unit ${unknown.map((a) => `'${a}'`).join(", ")} in '${u}'`);
    return u;
  }

  expression(v: unknown, path: Path): { text: string; expr: Expr } | undefined {
    if (typeof v === "number" && Number.isFinite(v))
      return { text: String(v), expr: { kind: "num", value: v } };
    if (typeof v !== "string") {
      this.error(
        path,
        v === undefined || v === null ? "is required" : `must be an expression, not ${describe(v)}`,
      );
      return undefined;
    }
    try {
      return { text: v, expr: parseExpression(v) };
    } catch (e) {
      if (e instanceof ExpressionError) {
        this.error(path, `syntax error at column ${e.column} of '${v}': ${e.message}`, {
          offset: e.column - 1,
        });
        return undefined;
      }
      throw e;
    }
  }

  /** Warns about fields that are not part of the format (typos). */
  fields(obj: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k))
        this.warn([...path, k], `unknown field '${k}' (expected ${allowed.join(", ")})`, { key: true });
    }
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text '${v.length > 40 ? v.slice(0, 40) + "…" : v}'`;
  return `${typeof v} ${String(v)}`;
}

function openDocument(text: string, file: string): { reader: Reader; data: unknown } {
  if (text.length > MAX_FILE_BYTES) {
    throw new ModelError([
      { file, path: "", message: `file is larger than ${MAX_FILE_BYTES} bytes`, severity: "error" },
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const reader = new Reader(file, doc, lines);
  if (doc.errors.length) {
    throw new ModelError(
      doc.errors.map((e) => {
        const lp = lines.linePos(e.pos[0]);
        return {
          file,
          path: "",
          line: lp.line,
          column: lp.col,
          message: e.message.split("\n")[0],
          severity: "error" as const,
        };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ModelError([{ file, path: "", message: (e as Error).message, severity: "error" }]);
  }
  return { reader, data };
}

/** Reads a dose list (model `doses:` field or a dose file) against the model's state names. */
function readDoses(r: Reader, raw: unknown, path: Path, states: ReadonlySet<string>): DoseSpec[] {
  const out: DoseSpec[] = [];
  r.list(raw, path).forEach((item, i) => {
    const p = [...path, i];
    const d = r.record(item, p, true);
    if (!d) return;
    const state = r.string(d.state, [...p, "state"], true);
    if (state && !states.has(state))
      r.error([...p, "state"], `dose to unknown state '${state}' (states: ${[...states].join(", ")})`);
    const label = d.label === undefined ? undefined : r.string(d.label, [...p, "label"], false);
    if (d.rate !== undefined) {
      r.fields(d, p, ["state", "rate", "from", "to", "label"]);
      const rate = r.number(d.rate, [...p, "rate"], true);
      const from = r.number(d.from, [...p, "from"], true);
      const to = r.number(d.to, [...p, "to"], true);
      if (from !== undefined && to !== undefined && to <= from)
        r.error([...p, "to"], `infusion must end after it starts (from ${from}, to ${to})`);
      if (rate !== undefined && from !== undefined && to !== undefined)
        out.push({ kind: "infusion", state, rate, from, to, label });
      return;
    }
    r.fields(d, p, ["state", "amount", "at", "every", "count", "until", "label"]);
    const amount = r.number(d.amount, [...p, "amount"], true);
    const at = r.number(d.at, [...p, "at"], true);
    const every = r.number(d.every, [...p, "every"], false);
    const count = r.number(d.count, [...p, "count"], false);
    const until = r.number(d.until, [...p, "until"], false);
    if (every !== undefined && !(every > 0)) r.error([...p, "every"], `must be > 0, not ${every}`);
    if (count !== undefined && !(Number.isInteger(count) && count >= 1))
      r.error([...p, "count"], `must be a whole number ≥ 1, not ${count}`);
    if (count !== undefined && count > 100_000)
      r.error([...p, "count"], `${count} doses is more than the limit of 100000`);
    if ((count !== undefined || until !== undefined) && every === undefined)
      r.error([...p, "every"], "is required with count or until");
    if (every !== undefined && count === undefined && until === undefined)
      r.error([...p, "count"], "a repeated dose needs count or until");
    if (until !== undefined && at !== undefined && until < at)
      r.error([...p, "until"], `must not be before 'at' (${at})`);
    if (
      until !== undefined &&
      at !== undefined &&
      every !== undefined &&
      every > 0 &&
      (until - at) / every > 100_000
    ) {
      r.error([...p, "until"], "more than 100000 doses");
    }
    if (amount !== undefined && at !== undefined)
      out.push({ kind: "bolus", state, amount, at, every, count, until, label });
  });
  return out;
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

  const taken = new Map<string, string>();
  const declare = (n: string, what: string, path: Path): boolean => {
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
    const before = taken.get(n);
    if (before) {
      r.error(path, `duplicate name '${n}': already a ${before}`, { key: true });
      return false;
    }
    taken.set(n, what);
    return true;
  };

  const states: StateSpec[] = [];
  const statesRaw = r.record(top.states, ["states"], true);
  if (statesRaw && Object.keys(statesRaw).length === 0)
    r.error(["states"], "a model needs at least one state");
  for (const [sn, raw] of Object.entries(statesRaw ?? {})) {
    const p = ["states", sn];
    if (!declare(sn, "state", p)) continue;
    if (typeof raw === "number") {
      states.push({
        name: sn,
        initial: r.number(raw, p, true) ?? 0,
        unit: "1",
        description: "",
        nonnegative: false,
      });
      continue;
    }
    const s = r.record(raw, p, true);
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

  const parameters: ParameterSpec[] = [];
  for (const [pn, raw] of Object.entries(r.record(top.parameters, ["parameters"], false) ?? {})) {
    const p = ["parameters", pn];
    if (!declare(pn, "parameter", p)) continue;
    if (typeof raw === "number") {
      r.warn(p, "parameter without unit, description and source");
      parameters.push({
        name: pn,
        value: r.number(raw, p, true) ?? 0,
        unit: "1",
        description: "",
        source: "",
      });
      continue;
    }
    const s = r.record(raw, p, true);
    if (!s) continue;
    r.fields(s, p, ["value", "unit", "description", "source", "note", "range"]);
    const source = r.string(s.source, [...p, "source"], false);
    if (!source) r.warn([...p], "parameter has no source");
    parameters.push({
      name: pn,
      value: r.number(s.value, [...p, "value"], true) ?? 0,
      unit: r.unit(s.unit, [...p, "unit"]),
      description: r.string(s.description, [...p, "description"], false),
      source,
    });
  }

  const known = new Set<string>(["t", ...states.map((s) => s.name), ...parameters.map((p) => p.name)]);
  const checkNames = (expr: Expr, path: Path, text: string): void => {
    for (const used of namesIn(expr)) {
      if (known.has(used)) continue;
      const col = findName(text, used);
      const later = taken.get(used) === "assignment";
      r.error(
        path,
        later
          ? `'${used}' is used before it is assigned (assignments are evaluated in order)`
          : `unknown name '${used}'`,
        { offset: col },
      );
    }
  };

  const assignments: AssignmentSpec[] = [];
  const assignRaw = r.record(top.assignments, ["assignments"], false) ?? {};
  for (const an of Object.keys(assignRaw)) declare(an, "assignment", ["assignments", an]);
  for (const [an, raw] of Object.entries(assignRaw)) {
    const p = ["assignments", an];
    const parsed = r.expression(raw, p);
    if (parsed) {
      checkNames(parsed.expr, p, parsed.text);
      assignments.push({ name: an, ...parsed });
    }
    known.add(an);
  }

  const equations: EquationSpec[] = [];
  const eqRaw = r.record(top.equations, ["equations"], true) ?? {};
  const stateNames = new Set(states.map((s) => s.name));
  for (const [en, raw] of Object.entries(eqRaw)) {
    const p = ["equations", en];
    if (!stateNames.has(en)) {
      r.error(p, `equation for '${en}', which is not a state`, { key: true });
      continue;
    }
    const parsed = r.expression(raw, p);
    if (parsed) {
      checkNames(parsed.expr, p, parsed.text);
      equations.push({ state: en, ...parsed });
    }
  }
  if (statesRaw) {
    for (const s of states)
      if (!(s.name in eqRaw)) r.error(["states", s.name], `state '${s.name}' has no equation`, { key: true });
  }
  equations.sort(
    (a, b) => states.findIndex((s) => s.name === a.state) - states.findIndex((s) => s.name === b.state),
  );

  const doses = readDoses(r, top.doses, ["doses"], stateNames);

  const events: EventSpec[] = [];
  r.list(top.events, ["events"]).forEach((item, i) => {
    const p = ["events", i];
    const ev = r.record(item, p, true);
    if (!ev) return;
    r.fields(ev, p, ["name", "when", "set", "stop", "once", "description"]);
    const en = r.string(ev.name, [...p, "name"], true);
    const when = r.string(ev.when, [...p, "when"], true);
    let condition;
    try {
      condition = parseCondition(when);
      checkNames(condition.g, [...p, "when"], when);
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
    if (condition) events.push({ name: en, text: when, condition, set, stop, once });
  });

  if (r.hasErrors) throw new ModelError(byPosition(r.issues));
  const extra: Record<string, unknown> = {};
  for (const k of ["outputs", "notes", "references", "caveats", "version"])
    if (top[k] !== undefined) extra[k] = top[k];
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

/** Parses a dose file: a YAML/JSON list of doses, or a mapping with a `doses:` list. */
export function parseDoses(text: string, file: string, stateNames: readonly string[]): DoseSpec[] {
  const { reader: r, data } = openDocument(text, file);
  const states = new Set(stateNames);
  let doses: DoseSpec[];
  if (Array.isArray(data)) doses = readDoses(r, data, [], states);
  else {
    const top = r.record(data, [], true);
    if (top && top.doses === undefined)
      r.error([], "a dose file is a list of doses or a mapping with a 'doses' list");
    doses = top ? readDoses(r, top.doses, ["doses"], states) : [];
  }
  if (r.hasErrors) throw new ModelError(r.issues);
  return doses;
}

/** Reads a file as text, turning I/O failures into a ModelError that names the file. */
export function readModelSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new ModelError([{ file, path: "", message: why, severity: "error" }]);
  }
}

/** Issues in file order (line, then column); issues without a position keep their place at the end. */
function byPosition(issues: readonly ModelIssue[]): ModelIssue[] {
  return [...issues].sort(
    (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
  );
}
