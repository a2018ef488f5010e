/**
 * Test and benchmark support: the clinic server as its own process (source through tsx, or the build), on a
 * free port and a data directory, ready when /api/health answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly port: number;
}

/** Starts `src/server/main.ts` (from: "source") or `dist/server/main.js` (from: "build") with the environment. */
export async function startServerProcess(o: {
  readonly from: "source" | "build";
  readonly dataDir: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = o.port ?? (await freePort());
  const args =
    o.from === "source"
      ? ["--import", "tsx", "src/server/main.ts"]
      : [path.join(ROOT, "dist/server/main.js")];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: o.dataDir, DATABASE_URL: "", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base, port };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > until) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
