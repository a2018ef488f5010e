/** Where a command writes; tests pass an in-memory one. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is an interactive terminal (progress display). */
  readonly interactive: boolean;
  readonly cwd: string;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY === true,
  cwd: process.cwd(),
};

/** Bad input on the command line: exit code 2 with a one-line reason. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A numeric option: `undefined` when absent; a UsageError naming the option when not a number (in [min, max]). */
export function numberOption(
  value: string | undefined,
  option: string,
  range?: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || (range && (x < range.min || x > range.max)))
    throw new UsageError(
      `--${option}: '${value}' is not a number${range ? ` in ${range.min}–${range.max}` : ""}`,
    );
  return x;
}

/**
 * `--t-end -10` as `--t-end=-10`: node's parseArgs reads a value that starts with a dash as a possible option and
 * refuses it ("argument is ambiguous"); a negative number after a long option is that option's value (the
 * command then says whether it may be negative).
 */
export function negativeOptionValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(a) && next !== undefined && /^-(\d|\.\d|Infinity\b)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A calendar date option (YYYY-MM-DD that exists: no month 13, no 30 February); undefined when absent. */
export function dateOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw new UsageError(`--${option}: '${value}' is not YYYY-MM-DD`);
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (d.toISOString().slice(0, 10) !== value)
    throw new UsageError(`--${option}: '${value}' is not a calendar date (YYYY-MM-DD)`);
  return value;
}

/**
 * A text table whose columns line up whatever the cells hold: each column as wide as its widest cell (in
 * characters), `right` columns right-aligned (numbers), the others left-aligned; two spaces between columns.
 */
export function formatTable(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const n = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: n }, (_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows.map((r) =>
    Array.from({ length: n }, (_, c) => {
      const cell = r[c] ?? "";
      const pad = " ".repeat(w[c] - [...cell].length);
      return c === n - 1 && !right[c] ? cell : right[c] ? pad + cell : cell + pad;
    })
      .join("  ")
      .trimEnd(),
  );
}
