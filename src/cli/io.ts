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
