/**
 * In-silico trial benchmark (issue 13 §5: a 1,000-patient two-arm trial in under 10 s on 2 cores): CheckMate 067's
 * nivolumab and ipilimumab arms, 500 patients each (1,000 in all), then 1,000 each, simulated on the shipped
 * melanoma population on every core — the same work as `immunoplan trial simulate … --patients N`. Best of 3. The
 * worker pool lives for the process (src/population/simulate-batch.ts): the bench's first run starts it, as a
 * single `trial simulate` command does; the later runs find it warm.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { populationSimulator } from "../population/arm-simulator.js";
import { loadTrial } from "../population/trial-file.js";
import { runTrial } from "../population/trial-run.js";
import { loadVpop, shippedVpopFile } from "../population/vpop-file.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main(): Promise<void> {
  const threads = Number(process.env.THREADS ?? availableParallelism());
  const trial = loadTrial(path.join(ROOT, "trials", "calibration", "checkmate-067.yaml"));
  const { vpop } = loadVpop(shippedVpopFile("melanoma"));
  for (const perArm of [500, 1000]) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const sim = populationSimulator(vpop, [], threads);
      const t = performance.now();
      await runTrial(trial, sim, { patients: perArm, seed: 1 + r });
      runs.push((performance.now() - t) / 1000);
    }
    const best = Math.min(...runs);
    console.log(
      `trial: CheckMate 067, 2 arms × ${perArm} patients (${2 * perArm} in all), ${threads} threads: best ${best.toFixed(2)} s (runs ${runs.map((x) => x.toFixed(2)).join(", ")} s${perArm === 500 ? "; the first starts the worker pool" : "; warm pool"}); ${((2 * perArm) / best).toFixed(0)} patients/s; target for 1,000 patients < 10 s`,
    );
  }
  commandLine(threads);
}

/**
 * What a user waits for: the `immunoplan trial simulate` command itself, start to exit (module loading, the
 * population, the simulation, the report), with its default threads (this one up to 4,000 patients,
 * simulate-batch.ts) and with `--threads` all cores, alternating per round (paired), three rounds.
 */
function commandLine(cores: number): void {
  const bin = path.join(ROOT, "bin", "immunoplan.js");
  const trialFile = path.join(ROOT, "trials", "calibration", "checkmate-067.yaml");
  const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-bench-"));
  const out = path.join(dir, "result.json");
  const run = (perArm: number, extra: string[]): number => {
    const t = performance.now();
    execFileSync(
      process.execPath,
      [bin, "trial", "simulate", trialFile, "--patients", String(perArm), "--json", "--out", out, ...extra],
      { stdio: "ignore" },
    );
    return (performance.now() - t) / 1000;
  };
  for (const perArm of [500, 1000]) {
    const auto: number[] = [];
    const all: number[] = [];
    for (let r = 0; r < 3; r++) {
      auto.push(run(perArm, []));
      all.push(run(perArm, ["--threads", String(cores)]));
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    console.log(
      `trial simulate command, CheckMate 067, 2 arms × ${perArm}, start to exit: default threads best ${Math.min(...auto).toFixed(2)} s (${fmt(auto)}); --threads ${cores} best ${Math.min(...all).toFixed(2)} s (${fmt(all)}); paired per round; target < 10 s`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
