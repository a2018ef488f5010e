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
