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
 * The population fit of a forecast's prior, simplified as a modeller simplifies a fit the data cannot support
 * (three readings per patient, say): a full Ω that does not converge falls back to the diagonal Ω; a model that
 * converges in neither form falls back to the exponential population (two parameters, y0·e^(k·t): on one Laleh
 * 2022 study the Gompertz fits ran to y∞ → 0, ω → 0, the exponential limit, without converging). Each step goes
 * into `warnings`; a fit that converged in no form is used (the lowest −2 log-likelihood) and named there.
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
  const g = (x: number) => Number(x.toPrecision(4));
  const fit = (m: string, cov: "full" | "diagonal") =>
    fitPopulation(m, usable, { covariance: cov, errorModel, ...(correlation ? { correlation } : {}) });
  try {
    const first = fit(model, covariance);
    if (first.converged) return first.population;
    const steps: [string, "full" | "diagonal"][] = [];
    if (covariance === "full") steps.push([model, "diagonal"]);
    if (model !== "exponential") {
      steps.push(["exponential", covariance]);
      if (covariance === "full") steps.push(["exponential", "diagonal"]);
    }
    const failed = [
      `${model} with a ${covariance} Ω (−2LL ${g(first.objective)} after ${first.attempts.length} starts)`,
    ];
    for (const [m, cov] of steps) {
      const f = fit(m, cov);
      if (f.converged) {
        warnings?.push(
          `${what}: the population fit did not converge for ${failed.join(", nor ")}; the ${m} population with a ${cov} Ω is used (−2LL ${g(f.objective)})`,
        );
        return f.population;
      }
      failed.push(`${m} with a ${cov} Ω`);
    }
    warnings?.push(
      `${what}: the population fit did not converge for ${failed.join(", nor ")}: the ${model} fit with the lowest −2LL is used, and forecasts from it are unreliable`,
    );
    return first.population;
  } catch (e) {
    throw new UsageError(`${what}: the population fit failed (${(e as Error).message})`);
  }
}
