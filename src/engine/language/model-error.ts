/** One problem found in a model or dose file, located by file, field path, line and column. */
export interface ModelIssue {
  readonly file: string;
  /** Field path, e.g. `equations.T` or `doses[2].count`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export function formatIssue(i: ModelIssue): string {
  const where = i.line !== undefined ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return `${where}: ${i.path ? `${i.path}: ` : ""}${i.severity === "warning" ? "warning: " : ""}${i.message}`;
}

/** A model that cannot be used; `issues` lists every error found (and any warnings). */
export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(readonly issues: readonly ModelIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    super(errors.length ? errors.map(formatIssue).join("\n") : "invalid model");
  }
}
