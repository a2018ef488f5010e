/**
 * `npm run bench`: the engine on the three shared/perf reference scenarios (de Pillis 2006, patient 9)
 * at rtol = atol = 1e-6, side by side with SUNDIALS CVODE BDF (shared/perf/cvode.sh) and npm odex
 * (shared/perf/odex_bench.js), measured in the same run on the same machine.
 *
 * Method: RUNS rounds; in each round a fresh engine process, then CVODE, then (once) odex. Each engine
 * process warms up (≥ 20 solves or 0.5 s), then solves repeatedly for ≥ MIN_SECONDS and reports its median
 * time per solve; the table shows the median over the processes. A "solve" is what the peers time: the
 * whole 0–100-day scenario with every restart, bolus and infusion switch, and the 1001×6 output array.
 *
 * Usage: npm run bench [-- --json FILE] [--runs N] [--min-seconds S] [--no-cvode] [--no-odex] [--method M]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { solve, type Method } from "../engine/index.js";
import { median } from "../engine/statistics.js";
import { parseDoses, readModelSource } from "../engine/language/index.js";
import { loadModelByName, resolveDosePath } from "../models/catalog.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");
const SHARED_PERF = path.resolve(ROOT, "../shared/perf");
const SCENARIOS = ["none", "chemo", "chemo_til"] as const;
type Scenario = (typeof SCENARIOS)[number];
const DOSE_FILES: Record<Scenario, string | null> = {
  none: null,
  chemo: "depillis2006-chemo",
  chemo_til: "depillis2006-chemo-til",
};
const TIMES = Float64Array.from({ length: 1001 }, (_, i) => (i * 100) / 1000);

interface WorkerResult {
  name: Scenario;
  ms: number;
  reps: number;
  steps: number;
  rejected: number;
  rhs: number;
  jac: number;
  lu: number;
  switches: number;
  maxRelErrT: number;
}

function readReferenceT(name: Scenario): Float64Array | null {
  const f = path.join(SHARED_PERF, "reference", `${name}.csv`);
  if (!existsSync(f)) return null;
  const rows = readModelSource(f).trim().split("\n").slice(1);
  return Float64Array.from(rows.map((r) => Number(r.split(",")[1])));
}

/** One benchmark process: every scenario, warm-up then timed repeats. */
function worker(minSeconds: number, method: Method): WorkerResult[] {
  const { model } = loadModelByName("depillis2006");
  const out: WorkerResult[] = [];
  for (const name of SCENARIOS) {
    const f = DOSE_FILES[name];
    const doses = f ? parseDoses(readModelSource(resolveDosePath(f)), f, model.stateNames) : [];
    // events off: the peers integrate the bare equations
    const problem = model.problem({ tEnd: 100, doses, events: false });
    const options = { method, rtol: 1e-6, atol: 1e-6, times: TIMES, dense: false };
    let sol = solve(problem, options);
    const warmStart = performance.now();
    for (let i = 0; i < 20 || performance.now() - warmStart < 500; i++) sol = solve(problem, options);
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 5 || performance.now() - start < minSeconds * 1000) {
      const t0 = performance.now();
      sol = solve(problem, options);
      times.push(performance.now() - t0);
    }
    const ref = readReferenceT(name);
    let err = NaN;
    if (ref) {
      err = 0;
      for (let i = 0; i < ref.length; i++)
        if (ref[i] >= 1) err = Math.max(err, Math.abs(sol.values[i * 6] - ref[i]) / ref[i]);
    }
    const s = sol.stats;
    out.push({
      name,
      ms: median(times),
      reps: times.length,
      steps: s.steps,
      rejected: s.rejectedSteps,
      rhs: s.rhsEvaluations,
      jac: s.jacobianEvaluations,
      lu: s.luFactorizations,
      switches: s.methodSwitches,
      maxRelErrT: err,
    });
  }
  return out;
}

interface PeerLine {
  ms: number;
  rhs: number;
  jac: number;
  steps: number;
}

/** Parses the TSV lines of shared/perf harnesses: tool method scenario ms reps rhs jac steps. */
function parsePeer(text: string): Map<string, PeerLine> {
  const m = new Map<string, PeerLine>();
  for (const line of text.split("\n")) {
    const c = line.split("\t");
    if (c.length < 8 || !SCENARIOS.includes(c[2] as Scenario)) continue;
    m.set(c[2], { ms: Number(c[3]), rhs: Number(c[5]), jac: Number(c[6]), steps: Number(c[7]) });
  }
  return m;
}

/** A scratch copy of shared/perf (its harnesses build and write trajectories beside themselves). */
let perfCopy: string | null = null;
function perfDir(): string {
  if (!perfCopy) {
    perfCopy = mkdtempSync(path.join(tmpdir(), "immunoplan-perf-"));
    cpSync(SHARED_PERF, perfCopy, { recursive: true });
    mkdirSync(path.join(perfCopy, "results", "traj"), { recursive: true });
  }
  return perfCopy;
}

function runCvode(minSeconds: number): Map<string, PeerLine> | string {
  if (!existsSync(SHARED_PERF)) return `not found: ${SHARED_PERF}`;
  const script = path.join(perfDir(), "cvode.sh");
  if (!existsSync(script)) return `not found: ${script}`;
  const r = spawnSync("bash", [script, String(minSeconds)], { encoding: "utf8", timeout: 20 * 60_000 });
  if (r.status !== 0)
    return `cvode.sh failed (${r.status}): ${(r.stderr || "").trim().split("\n").slice(-3).join(" | ")}`;
  return parsePeer(r.stdout);
}

function runOdex(minSeconds: number): Map<string, PeerLine> | string {
  if (!existsSync(SHARED_PERF)) return `not found: ${SHARED_PERF}`;
  const script = path.join(perfDir(), "odex_bench.js");
  const r = spawnSync(process.execPath, [script, "bench", String(minSeconds)], {
    encoding: "utf8",
    timeout: 20 * 60_000,
    cwd: perfDir(),
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
  });
  if (r.status !== 0)
    return `odex_bench.js failed (${r.status}): ${(r.stderr || "").trim().split("\n").slice(-2).join(" | ")}`;
  return parsePeer(r.stdout);
}

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return "–";
  return x >= 100 ? x.toFixed(0) : x.toPrecision(digits);
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      worker: { type: "boolean" },
      json: { type: "string" },
      runs: { type: "string" },
      "min-seconds": { type: "string" },
      method: { type: "string" },
      "no-cvode": { type: "boolean" },
      "no-odex": { type: "boolean" },
    },
  });
  const minSeconds = Number(values["min-seconds"] ?? 1);
  const method = (values.method ?? "auto") as Method;
  if (values.worker) {
    process.stdout.write(JSON.stringify(worker(minSeconds, method)));
    return;
  }
  const runs = Number(values.runs ?? 5);
  const self = fileURLToPath(import.meta.url);
  const engineRuns: WorkerResult[][] = [];
  const cvodeRuns: Map<string, PeerLine>[] = [];
  let cvodeProblem = "";
  console.error(
    `benchmark: ${runs} rounds, ≥ ${minSeconds} s timed per scenario and process, method ${method}`,
  );
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(
      process.execPath,
      [self, "--worker", "--min-seconds", String(minSeconds), "--method", method],
      { encoding: "utf8" },
    );
    engineRuns.push(JSON.parse(out) as WorkerResult[]);
    if (!values["no-cvode"] && !cvodeProblem) {
      const c = runCvode(minSeconds);
      if (typeof c === "string") cvodeProblem = c;
      else cvodeRuns.push(c);
    }
    console.error(`  round ${r + 1}/${runs} done`);
  }
  let odex: Map<string, PeerLine> | string = "skipped (--no-odex)";
  if (!values["no-odex"]) odex = runOdex(Math.min(minSeconds, 1));

  const rows = SCENARIOS.map((name) => {
    const mine = engineRuns.map((run) => run.find((x) => x.name === name)!);
    const ms = median(mine.map((x) => x.ms));
    const spread = [Math.min(...mine.map((x) => x.ms)), Math.max(...mine.map((x) => x.ms))];
    const cv = cvodeRuns.map((m) => m.get(name)).filter((x): x is PeerLine => !!x);
    const cvodeMs = cv.length ? median(cv.map((x) => x.ms)) : NaN;
    const od = typeof odex === "string" ? undefined : odex.get(name);
    const last = mine[mine.length - 1];
    return {
      name,
      ms,
      msMin: spread[0],
      msMax: spread[1],
      steps: last.steps,
      rejected: last.rejected,
      rhs: last.rhs,
      jac: last.jac,
      lu: last.lu,
      switches: last.switches,
      maxRelErrT: last.maxRelErrT,
      cvodeMs,
      cvodeSteps: cv[0]?.steps ?? NaN,
      cvodeRhs: cv[0]?.rhs ?? NaN,
      cvodeJac: cv[0]?.jac ?? NaN,
      ratio: ms / cvodeMs,
      odexMs: od?.ms ?? NaN,
      odexRatio: od ? od.ms / cvodeMs : NaN,
    };
  });

  const header = [
    "scenario",
    "ms/solve",
    "min–max",
    "steps",
    "rej",
    "RHS",
    "Jac",
    "LU",
    "max rel err T",
    "CVODE ms",
    "CVODE steps/RHS/Jac",
    "engine/CVODE",
    "odex ms",
    "odex/CVODE",
  ];
  const table = [
    header,
    ...rows.map((r) => [
      r.name,
      fmt(r.ms),
      `${fmt(r.msMin)}–${fmt(r.msMax)}`,
      String(r.steps),
      String(r.rejected),
      String(r.rhs),
      String(r.jac),
      String(r.lu),
      r.maxRelErrT.toExponential(1),
      fmt(r.cvodeMs),
      `${r.cvodeSteps}/${r.cvodeRhs}/${r.cvodeJac}`,
      fmt(r.ratio, 3),
      fmt(r.odexMs),
      fmt(r.odexRatio, 3),
    ]),
  ];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c])).join("  "));
  if (cvodeProblem) console.log(`CVODE: ${cvodeProblem}`);
  if (typeof odex === "string") console.log(`odex: ${odex}`);
  console.log(
    `node ${process.versions.node}; engine method ${method}; rtol = atol = 1e-6; ${runs} processes (median); CVODE via shared/perf/cvode.sh`,
  );
  if (values.json) {
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.versions.node,
          method,
          runs,
          minSeconds,
          scenarios: rows.map((r) => ({
            name: r.name,
            ms: r.ms,
            steps: r.steps,
            rhs: r.rhs,
            jac: r.jac,
            maxRelErrT: r.maxRelErrT,
            cvodeMs: r.cvodeMs,
            ratio: r.ratio,
            msMin: r.msMin,
            msMax: r.msMax,
            rejected: r.rejected,
            lu: r.lu,
            methodSwitches: r.switches,
            odexMs: r.odexMs,
            odexRatio: r.odexRatio,
          })),
          notes: [
            cvodeProblem && `CVODE: ${cvodeProblem}`,
            typeof odex === "string" && `odex: ${odex}`,
          ].filter(Boolean),
        },
        null,
        2,
      ) + "\n",
    );
  }
}

main();
