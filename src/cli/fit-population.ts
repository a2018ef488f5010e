import { readFileSync } from "node:fs";
import path from "node:path";
import { fitPopulation, type PopulationFit, type ResidualModel } from "../models/population-fit.js";
import { populationModels } from "../models/population-models.js";
import { UsageError, type CliIO } from "./io.js";
import { parseSeriesCsv, timeUnitOption } from "./series-csv.js";

export const POPULATION_USAGE = `       immunoplan fit --population --model ${populationModels()
  .map((m) => m.name)
  .join("|")} --data FILE.csv
                      [--id-column A[,B]] [--time-column C] [--value-column C] [--time-unit U] [--error-model log|constant|combined|log-time]
                      [--covariance diagonal|full] [--random P,Q] [--min-points N] [--json]
  Population (nonlinear mixed-effects) fit, Lindstrom–Bates as in R nlme: typical values, log-normal random effects
  (diagonal or full covariance), residual error on ln y (log, default), on y (constant) or combined (on ln y,
  Var = σ² + additive²/y²), standard errors, −2 log-likelihood,
  AIC/BIC and each patient's empirical Bayes estimates. Patients with fewer than N readings (default 2) are left out.`;

export interface PopulationValues {
  model?: string;
  data?: string;
  "error-model"?: string;
  covariance?: string;
  random?: string;
  "min-points"?: string;
  "id-column"?: string;
  "time-column"?: string;
  "value-column"?: string;
  "time-unit"?: string;
  json?: boolean;
}

export function runPopulationFit(io: CliIO, values: PopulationValues): number {
  const file = values.data!;
  const names = populationModels().map((m) => m.name);
  if (!names.includes(values.model!))
    throw new UsageError(`--population: unknown model '${values.model}' (one of ${names.join(", ")})`);
  const errorModel = (values["error-model"] ?? "log") as ResidualModel;
  if (
    errorModel !== "log" &&
    errorModel !== "constant" &&
    errorModel !== "combined" &&
    errorModel !== "log-time"
  )
    throw new UsageError(
      `--error-model: '${values["error-model"]}' is not log, constant, combined or log-time for a population fit`,
    );
  const covariance = values.covariance ?? "diagonal";
  if (covariance !== "diagonal" && covariance !== "full")
    throw new UsageError(`--covariance: '${covariance}' is not diagonal or full`);
  const minPoints = values["min-points"] === undefined ? 2 : Number(values["min-points"]);
  if (!Number.isInteger(minPoints) || minPoints < 1)
    throw new UsageError(`--min-points: '${values["min-points"]}' is not a positive integer`);
  let text: string;
  try {
    text = readFileSync(path.resolve(io.cwd, file), "utf8");
  } catch {
    throw new UsageError(`${file}: cannot read the file`);
  }
  const data = parseSeriesCsv(file, text, {
    id: values["id-column"],
    time: values["time-column"],
    value: values["value-column"],
    timeUnit: timeUnitOption(values["time-unit"]),
  });
  const series = data.series.filter((s) => s.t.length >= minPoints);
  let fit: PopulationFit;
  try {
    fit = fitPopulation(values.model!, series, {
      errorModel,
      covariance,
      random: values.random
        ?.split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    });
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ...fit,
          data: {
            file,
            columns: data.columns,
            textReadings: data.textReadings,
            leftOut: data.series.length - series.length,
          },
        },
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  const g = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : "–");
  io.out(
    `${fit.model}: ${fit.equation}\n  ${fit.method}; ${fit.covariance} covariance; residual ${fit.residual.scale}\n`,
  );
  io.out(
    `  ${fit.subjects} patients, ${fit.observations} readings${fit.converged ? "" : "  (NOT converged)"}; −2LL ${g(fit.objective)}  AIC ${g(fit.aic)}  BIC ${g(fit.bic)}\n`,
  );
  if (fit.attempts.length > 1)
    io.out(
      `  starts tried: ${fit.attempts.map((a, k) => `${a.start}${a.covariance === fit.covariance ? "" : ` (${a.covariance})`} −2LL ${g(a.objective)}${a.converged ? "" : ` not converged${a.note ? ` (${a.note})` : ""}`}${k === fit.chosenAttempt ? " ← kept" : ""}`).join("; ")}\n`,
    );
  if (!fit.converged && fit.attempts.some((a) => a.covariance !== fit.covariance && a.converged))
    io.out("  the diagonal Ω converged: --covariance diagonal\n");
  io.out("  typical value (SE)         between-patient SD (SE)\n");
  for (const [p, fe] of Object.entries(fit.fixedEffects)) {
    const re = fit.randomEffects[p];
    io.out(
      `  ${p.padEnd(7)} ${`${g(fe.value)} (${g(fe.se)})`.padEnd(20)} ${re ? `${g(re.sd)} (${g(re.se)}) ${fe.variability}` : "fixed"}   ${fe.unit}\n`,
    );
  }
  io.out(
    `  residual σ ${g(fit.residual.sigma)} (${g(fit.residual.se)})${fit.residual.additive ? `, additive ${g(fit.residual.additive.sd)} (${g(fit.residual.additive.se)})` : fit.residual.kappa ? `, κ ${g(fit.residual.kappa.value)} (${g(fit.residual.kappa.se)})` : ""}\n`,
  );
  if (fit.correlation) {
    const r = Object.keys(fit.correlation);
    io.out(
      `  correlations: ${r.flatMap((a, i) => r.slice(0, i).map((b) => `${a}–${b} ${g(fit.correlation![a][b])}`)).join(", ")}\n`,
    );
  }
  io.out(
    `  ${data.textReadings.tooSmall} TOO SMALL TO MEASURE read as 5 mm, ${data.textReadings.notEvaluable} NOT EVALUABLE/empty skipped; ${data.series.length - series.length} patients with < ${minPoints} readings left out\n`,
  );
  io.out("  individual estimates: --json (individuals)\n");
  return 0;
}
