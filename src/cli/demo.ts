import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { solve } from "../engine/index.js";
import { parseDoses, readModelSource } from "../engine/language/index.js";
import { loadModelByName, resolveDosePath } from "../models/catalog.js";
import type { CliIO } from "./io.js";
import { plotSolution } from "./simulate.js";

/**
 * The quick-start demo: the de Pillis 2006 "chemotherapy + TIL + IL-2" scenario (patient 9), printed as a
 * table and written as an SVG plot.
 */
export function runDemo(argv: string[], io: CliIO): number {
  const outDir = path.resolve(io.cwd, argv[0] ?? "out");
  const { model } = loadModelByName("depillis2006");
  const doseFile = resolveDosePath("depillis2006-chemo-til");
  const doses = parseDoses(readModelSource(doseFile), doseFile, model.stateNames);
  const started = performance.now();
  const solution = solve(model.problem({ tEnd: 100, doses }), { nOut: 1001 });
  const ms = performance.now() - started;

  io.out("Immunoplan demo — de Pillis, Gu & Radunskaya 2006, patient 9: chemotherapy + TIL + IL-2\n");
  io.out("Chemotherapy M += 2 every 9 days; 1e9 TIL on day 7; IL-2 5e6 IU/L per day on days 8–13.\n");
  io.out("Research model output: decision support only, not a clinical prediction.\n\n");
  const names = model.stateNames;
  io.out(["day".padStart(6), ...names.map((n) => n.padStart(11))].join(" ") + "\n");
  const n = model.dimension;
  for (let i = 0; i < solution.times.length; i += 50) {
    const row = [solution.times[i].toFixed(1).padStart(6)];
    for (let k = 0; k < n; k++) row.push(solution.values[i * n + k].toExponential(3).padStart(11));
    io.out(row.join(" ") + "\n");
  }
  io.out("\n");
  for (const e of solution.events) io.out(`event: ${e.name} at day ${e.t.toFixed(2)}\n`);
  const s = solution.stats;
  io.out(
    `solver: ${s.steps} steps, ${s.rejectedSteps} rejected, ${s.rhsEvaluations} RHS and ${s.jacobianEvaluations} Jacobian evaluations, ${ms.toFixed(1)} ms (first run, includes JIT warm-up)\n`,
  );
  mkdirSync(outDir, { recursive: true });
  const svg = path.join(outDir, "depillis2006-chemo-til.svg");
  writeFileSync(svg, plotSolution({ model, solution, doses }));
  io.out(`plot written to ${path.relative(io.cwd, svg) || svg}\n`);
  return 0;
}
