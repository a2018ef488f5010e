/** Runs the CLI in-process for a test, capturing what it writes. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CliIO } from "../cli/io.js";
import { runCliAsync } from "../cli/main.js";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `immunoplan …args` with stdout and stderr captured; the working directory a fresh temporary one unless given. */
export async function runCliCaptured(args: string[], cwd?: string): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    interactive: false,
    cwd: cwd ?? mkdtempSync(path.join(tmpdir(), "immunoplan-cli-")),
  };
  const code = await runCliAsync(args, io);
  return { code, out, err };
}
