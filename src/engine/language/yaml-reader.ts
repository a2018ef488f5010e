import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { ExpressionError, parseExpression, type Expr } from "./expression.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import { unknownUnitAtoms } from "./units.js";

export type Path = readonly (string | number)[];

/** Largest file accepted (bytes): model files are small; this bounds parsing time. */
export const MAX_FILE_BYTES = 2_000_000;

function pathText(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** Validates one YAML/JSON document, collecting every problem with its position. */
export class Reader {
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

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text '${v.length > 40 ? v.slice(0, 40) + "…" : v}'`;
  return `${typeof v} ${String(v)}`;
}

export function openDocument(text: string, file: string): { reader: Reader; data: unknown } {
  if (text.length > MAX_FILE_BYTES) {
    throw new ModelError([
      { file, path: "", message: `file is larger than ${MAX_FILE_BYTES} bytes`, severity: "error" },
    ]);
  }
  const { doc, lines, data } = parseYamlDocument(text, file);
  return { reader: new Reader(file, doc, lines), data };
}

/** A schema with zod's `safeParse` shape (structural, so that the engine does not depend on zod). */
export interface SchemaLike<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly IssueLike[] } };
}

/**
 * Validates data read from a document against a schema; each problem goes to `reader` with its path (below
 * `at`), line and column. Returns undefined when there were problems.
 */
export function checkSchema<T>(
  schema: SchemaLike<T>,
  data: unknown,
  reader: Reader,
  at: Path = [],
): T | undefined {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const path = [...at, ...keys(issue.path)];
    const branch = matchedBranch(issue);
    if (branch) for (const i of branch) reader.error([...path, ...keys(i.path)], readable(i));
    else reader.error(path, readable(issue));
  }
  return undefined;
}

/**
 * A schema's message as the other readers word it: a missing field "is required (a string)" rather than zod's
 * "Invalid input: expected string, received undefined".
 */
function readable(issue: IssueLike): string {
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  if (issue.code === "invalid_type" && missing) return `is required (${article(missing[1])})`;
  return issue.message;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly errors?: readonly (readonly IssueLike[])[];
}

function keys(path: readonly PropertyKey[]): (string | number)[] {
  return path.filter((p): p is string | number => typeof p !== "symbol");
}

/**
 * For a union that failed (zod's `invalid_union`), the problems of the one branch whose type matched the value
 * (e.g. the inline object of "a file name or an inline object"), so that they are reported where they are
 * instead of as "must be one of"; undefined when no branch or several branches matched the value's type.
 */
function matchedBranch(issue: IssueLike): readonly IssueLike[] | undefined {
  if (issue.code !== "invalid_union" || !issue.errors) return undefined;
  const typed = issue.errors.filter(
    (b) => b.length > 0 && !b.some((i) => i.path.length === 0 && i.code === "invalid_type"),
  );
  if (typed.length !== 1) return undefined;
  return typed[0]!.flatMap(
    (i) => matchedBranch(i)?.map((j) => ({ ...j, path: [...i.path, ...j.path] })) ?? [i],
  );
}

/** Parses a YAML/JSON document and validates it; every problem is in the ModelError, with path, line and column. */
export function parseDocumentWith<T>(schema: SchemaLike<T>, text: string, file: string): T {
  const { reader, data } = openDocument(text, file);
  const value = checkSchema(schema, data, reader);
  if (value === undefined) throw new ModelError(reader.issues);
  return value;
}

/**
 * Parses YAML (or JSON) text into a document with line positions and its plain data. Syntax errors and alias
 * bombs become a ModelError naming the file, line and column.
 */
export function parseYamlDocument(
  text: string,
  file: string,
): { doc: Document; lines: LineCounter; data: unknown } {
  const lines = new LineCounter();
  // warnings are not printed: an unknown tag (`!foo`) is an error of the document, reported with its place
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: "error",
  });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")];
  if (problems.length) {
    throw new ModelError(
      problems.map((e) => {
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
  return { doc, lines, data };
}

/** Issues in file order (line, then column); issues without a position keep their place at the end. */
export function byPosition(issues: readonly ModelIssue[]): ModelIssue[] {
  return [...issues].sort(
    (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
  );
}
