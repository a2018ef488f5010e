/**
 * The inputs of `immunoplan forecast`: the readings of a CSV file, a population file checked field by field,
 * and a population fitted now (a failed fit is a usage error naming what it was fitted on).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Series } from "../models/growth-fit.js";
import { fitPopulation, type PopulationParameters, type ResidualModel } from "../models/population-fit.js";
import { populationModel } from "../models/population-models.js";
import { UsageError, type CliIO } from "./io.js";
import { parseSeriesCsv, type SeriesColumns } from "./series-csv.js";

export function readData(io: CliIO, file: string, cols: SeriesColumns) {
  let text: string;
  try {
    text = readFileSync(path.resolve(io.cwd, file), "utf8");
  } catch {
    throw new UsageError(`${file}: cannot read the file`);
  }
  return parseSeriesCsv(file, text, cols);
}

export function readPopulation(io: CliIO, file: string): PopulationParameters {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.resolve(io.cwd, file), "utf8"));
  } catch (e) {
    throw new UsageError(`--population ${file}: cannot read a JSON file (${(e as Error).message})`);
  }
  const p = ((json as { population?: unknown }).population ?? json) as Partial<PopulationParameters>;
  const bad = (what: string) => new UsageError(`--population ${file}: ${what}`);
  if (typeof p.model !== "string")
    throw bad("no 'model' (the output of 'immunoplan fit --population --json')");
  let m;
  try {
    m = populationModel(p.model);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const k = m.parameters.length;
  if (!Array.isArray(p.mu) || p.mu.length !== k || !p.mu.every(Number.isFinite))
    throw bad(`'mu' is not ${k} numbers`);
  if (!Array.isArray(p.random) || !p.random.every((r) => m.parameters.includes(r)))
    throw bad(`'random' is not a list of parameters of ${m.name}`);
  const q = p.random.length;
  if (
    !Array.isArray(p.omega) ||
    p.omega.length !== q ||
    !p.omega.every((row) => Array.isArray(row) && row.length === q && row.every(Number.isFinite))
  )
    throw bad(`'omega' is not a ${q} × ${q} matrix`);
  if (!(typeof p.sigma === "number" && p.sigma > 0)) throw bad("'sigma' is not a positive number");
  if (
    p.errorModel !== "log" &&
    p.errorModel !== "constant" &&
    p.errorModel !== "combined" &&
    p.errorModel !== "log-time"
  )
    throw bad("'errorModel' is not log, constant, combined or log-time");
  if (
    (p.errorModel === "combined" || p.errorModel === "log-time") &&
    !(typeof p.kappa === "number" && p.kappa >= 0 && Number.isFinite(p.kappa))
  )
    throw bad("'kappa' (of the combined or log-time error model) is not a number ≥ 0");
  const floor = typeof p.floor === "number" && p.floor > 0 ? p.floor : 1;
  return {
    model: m.name,
    errorModel: p.errorModel,
    floor,
    mu: p.mu,
    random: p.random,
    omega: p.omega,
    sigma: p.sigma,
    ...(p.errorModel === "combined" || p.errorModel === "log-time" ? { kappa: p.kappa } : {}),
  };
}

export const enough = (s: Series) => s.t.length >= 2;

/**
 * The population fit of a forecast's prior. A full Ω that does not converge (a random-effect structure the data
 * cannot support: three readings per patient, say) falls back to the diagonal Ω when that converges, as a modeller
 * simplifies the random effects of a failing fit; what was done goes into `warnings`, and a fit that converged in
 * neither form is used but named there (its forecasts are unreliable).
 */
export function fitOrFail(
  model: string,
  series: Series[],
  what: string,
  covariance: "full" | "diagonal",
  errorModel: ResidualModel,
  correlation?: "exp" | "exp-nugget",
  warnings?: string[],
): PopulationParameters {
  const usable = series.filter(enough);
  const fit = (cov: "full" | "diagonal") =>
    fitPopulation(model, usable, { covariance: cov, errorModel, ...(correlation ? { correlation } : {}) });
  try {
    const f = fit(covariance);
    if (f.converged) return f.population;
    const g = (x: number) => Number(x.toPrecision(4));
    if (covariance === "full") {
      const d = fit("diagonal");
      if (d.converged) {
        warnings?.push(
          `${what}: the ${model} population with a full Ω did not converge (−2LL ${g(f.objective)} after ${f.attempts.length} starts); the diagonal Ω is used (−2LL ${g(d.objective)})`,
        );
        return d.population;
      }
    }
    warnings?.push(
      `${what}: the ${model} population fit did not converge (−2LL ${g(f.objective)} after ${f.attempts.length} starts${covariance === "full" ? ", nor with a diagonal Ω" : ""}): forecasts from it are unreliable`,
    );
    return f.population;
  } catch (e) {
    throw new UsageError(`${what}: the population fit failed (${(e as Error).message})`);
  }
}
