/**
 * `npm run bench` (growth fits): CPU time of the per-patient fits of the classical growth models on the Laleh 2022
 * S6 file (`../shared/research/data/laleh2022-clinical-tgi`), read as the forecast command reads it (RECIST rules
 * for text readings; volume 0.52·LD³ normalized, weeks):
 *
 * - `baseline`: the forecast baselines of `immunoplan forecast --train-points 3 --min-points 6` (310 patients, the
 *   first 3 readings fitted, V0 fitted, 4 starts), each model timed separately, with its MAE, median AE and the
 *   number of later readings it predicted (the figures of docs/forecasting.md — a speed-up must not change them
 *   unnoticed);
 * - `fit`: `immunoplan fit --fit-v0 --error-model constant` (8 starts) on every patient with more readings than the
 *   general models have parameters (≥ 5), each model timed, with the number of patients where a general model is
 *   worse than the classic model it contains (must be 0).
 *
 * CPU time of this process (process.cpuUsage, user + system), not wall time: the machine is shared.
 *
 * Usage: node dist/bench/growth-fit-bench.js [--part baseline|fit|both] [--models a,b] [--limit N]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseSeriesCsv } from "../cli/series-csv.js";
import { classicalForecast, LALEH_MODELS, lalehVolume, lalehWeeks } from "../models/forecast-baselines.js";
import { splitSeries, summarizeForecasts } from "../models/forecast.js";
import { fitGrowth, type GrowthFit, type Series } from "../models/growth-fit.js";
import { growthModel } from "../models/growth-models.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const S6 = path.resolve(
  here,
  "../../../shared/research/data/laleh2022-clinical-tgi/laleh2022_S6_target_lesion_LD.csv",
);

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "both" },
    models: { type: "string" },
    limit: { type: "string" },
  },
});
const models = values.models ? values.models.split(",") : [...LALEH_MODELS];
const limit = values.limit ? Number(values.limit) : Infinity;
const { series } = parseSeriesCsv(S6, readFileSync(S6, "utf8"));

if (values.part === "baseline" || values.part === "both") {
  const splits = splitSeries(series, 3, 6).slice(0, limit);
  console.log(`forecast baselines: ${splits.length} patients, first 3 readings (CPU time)`);
  for (const name of models) {
    const c0 = cpuSeconds();
    const forecasts = splits.map((s) => ({ test: classicalForecast(name, s.train, s.test) }));
    const cpu = cpuSeconds() - c0;
    const b = summarizeForecasts(forecasts);
    console.log(
      `  ${name.padEnd(20)} ${cpu.toFixed(2).padStart(7)} s  ${((1000 * cpu) / splits.length).toFixed(2).padStart(7)} ms/patient   MAE ${b.mae_mm.toFixed(4)} mm  median ${b.median_ae_mm.toFixed(4)} mm  readings ${b.readings}`,
    );
  }
}

if (values.part === "fit" || values.part === "both") {
  const patients: Series[] = series
    .filter((s) => s.t.length >= 5)
    .slice(0, limit)
    .map((s) => ({ id: s.id, t: s.t.map(lalehWeeks), y: s.y.map(lalehVolume) }));
  const opts = { fitV0: true, errorModel: { kind: "constant" as const, alpha: 0 } };
  console.log(`per-patient fits: ${patients.length} patients with ≥ 5 readings, 8 starts (CPU time)`);
  const fits = new Map<string, GrowthFit[]>();
  for (const name of models) {
    const c0 = cpuSeconds();
    const f = patients.map((s) => fitGrowth(growthModel(name), s, opts));
    const cpu = cpuSeconds() - c0;
    fits.set(name, f);
    const notConverged = f.filter((x) => !x.converged).length;
    console.log(
      `  ${name.padEnd(20)} ${cpu.toFixed(2).padStart(7)} s  ${((1000 * cpu) / patients.length).toFixed(2).padStart(7)} ms/patient   Σ SSR ${f.reduce((a, x) => a + x.ssr, 0).toExponential(6)}  not converged ${notConverged}`,
    );
  }
  for (const [general, classic] of [
    ["gompertz-general", "gompertz-classic"],
    ["von-bertalanffy", "bertalanffy-classic"],
  ]) {
    const g = fits.get(general);
    const c = fits.get(classic);
    if (!g || !c) continue;
    const worse = g.filter((x, i) => {
      const scale = patients[i].y.reduce((a, v) => a + v * v, 0);
      return x.ssr > c[i].ssr * (1 + 1e-9) + 1e-12 * scale;
    }).length;
    console.log(`  ${general} worse than ${classic}: ${worse} of ${patients.length}`);
  }
}
