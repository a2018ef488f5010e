/**
 * `immunoplan forecast`: forecast each patient's later readings from the first K, beside classical models.
 */
import { parseArgs } from "node:util";
import { type Series } from "../models/growth-fit.js";
import { growthModels } from "../models/growth-models.js";
import { classicalForecast, LALEH_MODELS } from "../models/forecast-baselines.js";
import {
  populationForecast,
  splitSeries,
  summarizeForecasts,
  type PatientForecast,
  type Split,
} from "../models/forecast.js";
import type { PopulationParameters, ResidualModel } from "../models/population-fit.js";
import { populationModels } from "../models/population-models.js";
import {
  candidateName,
  DEFAULT_STACK,
  fitStack,
  parseCandidate,
  stackedForecast,
  type FittedStack,
  type StackCandidate,
} from "../models/forecast-stacking.js";
import { enough, fitOrFail, readData, readPopulation } from "./forecast-inputs.js";
import { FORECAST_USAGE } from "./forecast-usage.js";
import { numberOption, UsageError, type CliIO } from "./io.js";
import { timeUnitOption, type ReadSeries } from "./series-csv.js";

// importable from here as before the split
export { FORECAST_USAGE } from "./forecast-usage.js";

/** Who a stack's population was fitted on, from its cache key (forecast-stacking.ts): for warnings. */
function fitScope(key: string): string {
  const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  if (kind === "all") return `the training patients${rest ? ` (${rest.replaceAll("+", ", ")})` : ""}`;
  return `the inner cross-validation's training part (${kind === "patients" ? "patient folds" : "groups"} ${rest.replaceAll("+", ", ")})`;
}

export function runForecastCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: "string" },
      "train-points": { type: "string" },
      "min-points": { type: "string" },
      model: { type: "string" },
      population: { type: "string" },
      "population-from": { type: "string" },
      "hold-out-column": { type: "string" },
      "id-column": { type: "string" },
      "time-column": { type: "string" },
      "value-column": { type: "string" },
      "time-unit": { type: "string" },
      seed: { type: "string" },
      covariance: { type: "string" },
      "error-model": { type: "string" },
      posterior: { type: "string" },
      intervals: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(FORECAST_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.data) throw new UsageError("missing --data FILE.csv");
  const K = numberOption(values["train-points"], "train-points", { min: 1, max: 1000 });
  if (K === undefined || !Number.isInteger(K))
    throw new UsageError("--train-points: give the number K of readings fitted (an integer ≥ 1)");
  const M = numberOption(values["min-points"], "min-points", { min: 1, max: 1000 }) ?? K + 1;
  const seed = Math.round(numberOption(values.seed, "seed") ?? 1);
  const sources = [values.population, values["population-from"], values["hold-out-column"]].filter(
    (x) => x !== undefined,
  );
  if (sources.length > 1)
    throw new UsageError("give one of --population, --population-from and --hold-out-column");
  if (values.population !== undefined && values.model !== undefined)
    throw new UsageError("--model and --population exclude each other (the population file names its model)");
  const cols = {
    id: values["id-column"],
    time: values["time-column"],
    value: values["value-column"],
    timeUnit: timeUnitOption(values["time-unit"]),
  };
  const data = readData(io, values.data, cols);
  const splits = splitSeries(data.series, K, M);
  if (splits.length === 0)
    throw new UsageError(
      `${values.data}: no patient has the ${Math.max(M, K + 1)} readings a forecast needs`,
    );
  // default: the stack (docs/forecasting.md); with --population FILE, that population alone
  const modelName =
    values.model === "stack" || (values.model === undefined && values.population === undefined)
      ? DEFAULT_STACK.join(",")
      : (values.model ?? "gompertz");
  const covariance = values.covariance ?? "full";
  if (covariance !== "full" && covariance !== "diagonal")
    throw new UsageError(`--covariance: '${covariance}' is not diagonal or full`);
  const errorModel = (values["error-model"] ?? "log") as ResidualModel;
  if (
    errorModel !== "log" &&
    errorModel !== "combined" &&
    errorModel !== "constant" &&
    errorModel !== "log-time"
  )
    throw new UsageError(
      `--error-model: '${values["error-model"]}' is not log, combined, log-time or constant`,
    );
  const posterior = values.posterior ?? "importance";
  if (posterior !== "importance" && posterior !== "laplace")
    throw new UsageError(`--posterior: '${posterior}' is not importance or laplace`);
  const intervals = values.intervals ?? "recalibrated";
  if (intervals !== "model" && intervals !== "recalibrated")
    throw new UsageError(`--intervals: '${intervals}' is not model or recalibrated`);
  if (values["error-model"] !== undefined && values.population !== undefined)
    throw new UsageError("--error-model and --population exclude each other (the population file names it)");
  // a stack: a list, or a single candidate only a stack has (model/…/carry, analog)
  const stackList =
    modelName.includes(",") || modelName.includes("/") || modelName === "analog"
      ? modelName.split(",")
      : null;
  let candidates: StackCandidate[] = [];
  if (stackList) {
    try {
      candidates = stackList.map((t) => parseCandidate(t, { covariance, errorModel }));
    } catch (e) {
      throw new UsageError(`--model: ${(e as Error).message}`);
    }
    if (values.population !== undefined)
      throw new UsageError("--model A,B (a stack) needs its populations fitted: not --population");
  }
  const isPopulationModel = stackList !== null || populationModels().some((m) => m.name === modelName);
  if (!isPopulationModel && !growthModels().some((m) => m.name === modelName))
    throw new UsageError(`--model: unknown model '${modelName}'`);
  if (!isPopulationModel && sources.length)
    throw new UsageError(
      `--model ${modelName} is a classical per-patient model; population options need a population model`,
    );

  // the population (prior) of every forecast patient
  const priorOf = new Map<string, PopulationParameters>();
  const stackOf = new Map<string, FittedStack>();
  const stacks: { group: string | null; stack: FittedStack }[] = [];
  const fitCache = new Map<string, PopulationParameters>();
  // population fits that did not converge, or fell back to a diagonal Ω (stderr and the JSON's warnings)
  const warnings: string[] = [];
  const stackFit = (c: StackCandidate, series: readonly Series[], key: string) => {
    const k = `${candidateName(c)}|${key}`;
    let pop = fitCache.get(k);
    if (!pop) {
      pop = fitOrFail(
        c.model,
        [...series],
        `${candidateName(c)} on ${fitScope(key)}`,
        c.covariance,
        c.errorModel,
        c.correlation,
        warnings,
      );
      fitCache.set(k, pop);
    }
    return pop;
  };
  // outOfSample: the patients forecast are not in `training` (a held-out group, another file)
  const makeStack = (training: readonly Series[], groupKey: (s: Series) => string, outOfSample: boolean) =>
    fitStack(
      candidates,
      training.map((s) => ({ ...s, groupKey: groupKey(s) })),
      K,
      M,
      stackFit,
      { seed, posterior, recalibrate: intervals === "recalibrated", outOfSample },
    );
  let method: string;
  if (stackList && values["population-from"] !== undefined) {
    const train = readData(io, values["population-from"], cols);
    const stack = makeStack(train.series, () => "", true);
    splits.forEach((s) => stackOf.set(s.series.id, stack));
    stacks.push({ group: null, stack });
    method = `stack of ${candidates.map(candidateName).join(", ")} fitted on ${values["population-from"]}`;
  } else if (stackList && values["hold-out-column"] === undefined) {
    const forecast = new Map(splits.map((s) => [s.series.id, s.train]));
    const own = data.series.map((s) => forecast.get(s.id) ?? s);
    const stack = makeStack(own, () => "", false);
    splits.forEach((s) => stackOf.set(s.series.id, stack));
    stacks.push({ group: null, stack });
    method = `stack of ${candidates.map(candidateName).join(", ")} fitted on the training readings of ${values.data}`;
  } else if (values.population !== undefined) {
    const pop = readPopulation(io, values.population);
    splits.forEach((s) => priorOf.set(s.series.id, pop));
    method = `population ${pop.model} from ${values.population}`;
  } else if (values["population-from"] !== undefined) {
    const train = readData(io, values["population-from"], cols);
    const pop = fitOrFail(
      modelName,
      train.series,
      `--population-from ${values["population-from"]}`,
      covariance,
      errorModel,
      undefined,
      warnings,
    );
    splits.forEach((s) => priorOf.set(s.series.id, pop));
    method = `population ${modelName} fitted on ${values["population-from"]}`;
  } else if (values["hold-out-column"] !== undefined) {
    const col = Object.keys(data.series[0].group).find(
      (c) => c.toLowerCase() === values["hold-out-column"]!.trim().toLowerCase(),
    );
    if (!col)
      throw new UsageError(
        `--hold-out-column: '${values["hold-out-column"]}' is not a column of ${values.data}`,
      );
    const groupOf = (s: ReadSeries) => s.group[col];
    const groups = [...new Set(splits.map((s) => groupOf(s.series as ReadSeries)))];
    for (const g of groups) {
      const others = data.series.filter((s) => groupOf(s) !== g);
      if (others.filter(enough).length < 2)
        throw new UsageError(`--hold-out-column ${col}: no other group than '${g}' to fit the population on`);
      const mine = splits.filter((s) => groupOf(s.series as ReadSeries) === g);
      if (stackList) {
        const stack = makeStack(others, (s) => groupOf(s as ReadSeries), true);
        mine.forEach((s) => stackOf.set(s.series.id, stack));
        stacks.push({ group: g, stack });
        continue;
      }
      const pop = fitOrFail(
        modelName,
        others,
        `patients with ${col} ≠ ${g}`,
        covariance,
        errorModel,
        undefined,
        warnings,
      );
      mine.forEach((s) => priorOf.set(s.series.id, pop));
    }
    method = stackList
      ? `stack of ${candidates.map(candidateName).join(", ")} fitted on the other values of ${col} (leave one group out; weights by leave one group out within them)`
      : `population ${modelName} fitted on the other values of ${col} (leave one group out)`;
  } else if (isPopulationModel) {
    const forecast = new Map(splits.map((s) => [s.series.id, s.train]));
    const own = data.series.map((s) => forecast.get(s.id) ?? s);
    const pop = fitOrFail(modelName, own, values.data, covariance, errorModel, undefined, warnings);
    splits.forEach((s) => priorOf.set(s.series.id, pop));
    method = `population ${modelName} fitted on the training readings of ${values.data}`;
  } else method = `${modelName} per patient, no prior`;

  if (warnings.length) method += "; simplified where a population fit did not converge (warnings)";
  const forecastOne = (s: Split): PatientForecast => {
    const pop = priorOf.get(s.series.id);
    const stack = stackOf.get(s.series.id);
    const test = stack
      ? stackedForecast(stack, s.train, s.test, { seed, posterior })
      : pop
        ? populationForecast(pop, s.train, s.test, { seed, posterior })
        : classicalForecast(modelName, s.train, s.test);
    return {
      id: s.series.id,
      train: s.train.t.map((t, i) => ({ t, observed: s.train.y[i] })),
      test,
    };
  };
  const patients = splits.map(forecastOne);
  const summary = summarizeForecasts(patients);
  const baselines = LALEH_MODELS.map((name) => {
    const b = summarizeForecasts(splits.map((s) => ({ test: classicalForecast(name, s.train, s.test) })));
    return {
      model: name,
      mae_mm: b.mae_mm,
      median_ae_mm: b.median_ae_mm,
      coverage80: b.coverage80,
      coverage95: b.coverage95,
      readings: b.readings,
    };
  });
  for (const w of warnings) io.err(`immunoplan forecast: warning: ${w}\n`);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          method,
          trainPoints: K,
          minPoints: M,
          columns: data.columns,
          textReadings: data.textReadings,
          patients,
          summary,
          baselines,
          warnings,
          ...(stacks.length
            ? {
                stack: stacks.map(({ group, stack }) => ({
                  group,
                  candidates: stack.inner.candidates,
                  weights: stack.inner.weights,
                  folds: stack.inner.folds,
                  too_few_patients: stack.inner.tooFew,
                  // the intervals' scales by horizon (--intervals recalibrated), null: the model's own
                  interval_scale: stack.inner.scale,
                  // each population candidate's within-patient residual correlation (fitted), null otherwise
                  residual_correlation: stack.populations.map((p) => p?.correlation ?? null),
                  inner: {
                    patients: stack.inner.patients,
                    readings: stack.inner.readings,
                    median_ae_mm: stack.inner.medianAe,
                    mae_mm: stack.inner.mae,
                    alone: stack.inner.alone.map((a) => ({
                      candidate: a.candidate,
                      median_ae_mm: a.medianAe,
                      mae_mm: a.mae,
                    })),
                  },
                })),
              }
            : {}),
        },
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  const g = (x: number | null) =>
    x === null || !Number.isFinite(x) ? "–" : Number(x.toPrecision(3)).toString();
  const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(1)} %`);
  io.out(`Forecast of ${summary.patients} patients (≥ ${M} readings) from their first ${K}: ${method}\n`);
  for (const { group, stack } of stacks)
    io.out(
      `  stack${group === null ? "" : ` for ${group}`}: ${stack.inner.candidates.map((c, k) => `${c} ${stack.inner.weights[k]}`).join(", ")} (inner median AE ${g(stack.inner.medianAe)} mm${stack.inner.tooFew ? `; ${stack.inner.patients} patients in the inner cross-validation, too few: the first candidate alone` : ""})\n`,
    );
  io.out(
    `  ${summary.readings} later readings: MAE ${g(summary.mae_mm)} mm, median AE ${g(summary.median_ae_mm)} mm, 80 % interval coverage ${pct(summary.coverage80)}, 95 % ${pct(summary.coverage95)}\n`,
  );
  io.out("Classical models per patient (Laleh 2022), same readings:\n");
  for (const b of baselines)
    io.out(
      `  ${b.model.padEnd(20)} MAE ${g(b.mae_mm)} mm, median AE ${g(b.median_ae_mm)} mm, 80 % coverage ${pct(b.coverage80)}\n`,
    );
  io.out(
    `Readings read from text: ${data.textReadings.tooSmall} TOO SMALL TO MEASURE (5 mm), ${data.textReadings.notEvaluable} NOT EVALUABLE or empty (skipped)\n`,
  );
  return 0;
}
