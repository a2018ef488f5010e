import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseSeriesCsv, timeUnitOption } from "./series-csv.js";
import {
  fitGrowth,
  parseErrorModel,
  summarizeFits,
  type GrowthFit,
  type Series,
} from "../models/growth-fit.js";
import { growthModel, growthModels } from "../models/growth-models.js";
import { bayesFitGrowth, predictionBand, type Prior } from "../models/bayes-fit.js";
import { loadModelByName } from "../models/catalog.js";
import { fitMechanistic } from "../models/mechanistic-fit.js";
import { numberOption, UsageError, type CliIO } from "./io.js";
import { POPULATION_USAGE, runPopulationFit } from "./fit-population.js";

export const FIT_USAGE = `usage: immunoplan fit --model NAME[,NAME…] --data series.csv [--error-model proportional|constant|log|power:α]
                      [--t0 T --v0 V | --fit-v0] [--starts N] [--seed S] [--json]
                      [--id-column C] [--time-column C] [--value-column C] [--time-unit U]
                      [--bayes [--samples N] [--prior NAME=CENTER:SD]…]
       immunoplan fit --model CATALOG_MODEL --free a,suppression=0..0.9,init.T --observe sld --data series.csv
                      [--error-model …] [--…-column C] [--json]
  Fits growth models to each subject of a CSV by weighted least squares (Levenberg–Marquardt, multi-start), with
  standard errors and AIC/BIC, then the population summary; several models are compared by AIC. Columns (any
  case): an optional id (id, subject, PatientID, … with StudyArm joined), a time (time, t, day, TreatmentDay) and a
  value (value, volume, size, sld, TargetLesionLongDiam_mm), or those named by the --…-column options (--id-column
  A,B joins two); TOO SMALL TO MEASURE is 5 mm, NOT EVALUABLE or empty no reading (as forecast). V(t0) = v0 is
  fixed (default t0 = 0, v0 = 1), or fitted with --fit-v0 (t0 = the first time; clinical series). --bayes samples the posterior (random-walk Metropolis, 4 chains;
  log-normal priors, weak by default) and prints medians, 95 % credible intervals, R-hat and effective sample
  sizes. A catalog model (second form) has the named parameters or initial states fitted, the rest published.
  Growth models: ${growthModels()
    .map((m) => m.name)
    .join(", ")}
${POPULATION_USAGE}`;

/** Reads the series of a CSV file, with the column options of the command. */
function readSeriesFile(
  io: CliIO,
  file: string,
  values: { "id-column"?: string; "time-column"?: string; "value-column"?: string; "time-unit"?: string },
): Series[] {
  let text: string;
  try {
    text = readFileSync(path.resolve(io.cwd, file), "utf8");
  } catch {
    throw new UsageError(`${file}: cannot read the file`);
  }
  return parseSeriesCsv(file, text, {
    id: values["id-column"],
    time: values["time-column"],
    value: values["value-column"],
    timeUnit: timeUnitOption(values["time-unit"]),
  }).series;
}

const num = (v: string | undefined, name: string, fallback: number): number =>
  numberOption(v, name) ?? fallback;

export function runFitCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      "error-model": { type: "string" },
      t0: { type: "string" },
      v0: { type: "string" },
      "fit-v0": { type: "boolean" },
      bayes: { type: "boolean" },
      free: { type: "string" },
      observe: { type: "string" },
      samples: { type: "string" },
      prior: { type: "string", multiple: true },
      "id-column": { type: "string" },
      "time-column": { type: "string" },
      "value-column": { type: "string" },
      "time-unit": { type: "string" },
      starts: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
      population: { type: "boolean" },
      covariance: { type: "string" },
      random: { type: "string" },
      "min-points": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(FIT_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.model) throw new UsageError("missing --model (e.g. gompertz, or gompertz,logistic,power-law)");
  if (!values.data) throw new UsageError("missing --data series.csv");
  if (values.population) return runPopulationFit(io, values);
  if (values.free !== undefined || !growthModels().some((m) => m.name === values.model!.split(",")[0].trim()))
    return runMechanistic(io, values);
  let models;
  let errorModel;
  try {
    models = values.model.split(",").map((m) => growthModel(m.trim()));
    errorModel = parseErrorModel(values["error-model"] ?? "proportional");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const file = values.data;
  const all = readSeriesFile(io, file, values);
  const opts = {
    errorModel,
    t0: values.t0 === undefined ? undefined : num(values.t0, "t0", 0),
    v0: num(values.v0, "v0", 1),
    fitV0: values["fit-v0"] === true,
    starts: Math.max(1, Math.round(num(values.starts, "starts", 8))),
    seed: Math.round(num(values.seed, "seed", 1)),
  };
  // every model is fitted to the same subjects: those with more observations than the largest model has parameters
  const needed = Math.max(...models.map((m) => m.parameters.length)) + (opts.fitV0 ? 1 : 0) + 1;
  const series = all.filter((s) => s.t.length >= needed);
  const skipped = all.length - series.length;
  if (series.length === 0)
    throw new UsageError(
      `${file}: no subject has the ${needed} observations the model${models.length > 1 ? "s need" : " needs"}`,
    );
  if (values.bayes) {
    if (skipped > 0 && !values.json)
      io.out(`${skipped} subject(s) with fewer than ${needed} observations skipped\n`);
    const samples = num(values.samples, "samples", 2000);
    return runBayes(io, models, series, opts, values.prior ?? [], samples, values.json === true);
  }
  const results = models.map((m) => {
    const fits: GrowthFit[] = series.map((s) => {
      try {
        return fitGrowth(m, s, opts);
      } catch (e) {
        throw new UsageError(`${file}: ${(e as Error).message}`);
      }
    });
    return { model: m, fits, summary: summarizeFits(fits) };
  });
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          errorModel,
          t0: opts.t0 ?? (opts.fitV0 ? "first time" : 0),
          v0: opts.fitV0 ? "fitted" : opts.v0,
          skipped: all.filter((s) => s.t.length < needed).map((s) => s.id),
          results: results.map(({ fits, summary }) => ({ summary, fits })),
        },
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  const g = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : "–");
  for (const { model, fits, summary } of results) {
    io.out(
      `${model.name}: ${model.equation}   (error model ${errorModel.kind}${errorModel.kind === "power" ? ` α=${errorModel.alpha}` : ""}; ${opts.fitV0 ? "V(first time) fitted" : `V(${opts.t0 ?? 0}) = ${opts.v0}`})\n`,
    );
    for (const f of fits)
      io.out(
        `  ${f.id.padEnd(8)} ${Object.keys(f.parameters)
          .map((p) => {
            const i = model.parameters.indexOf(p);
            const at = i < 0 ? null : atBound(f.parameters[p].value, model.lower[i], model.upper[i]);
            return `${p} = ${g(f.parameters[p].value)} ± ${g(f.parameters[p].se)}${at ? ` (${at})` : ""}`;
          })
          .join("  ")}  AIC ${g(f.aic)}  BIC ${g(f.bic)}${f.converged ? "" : "  (not converged)"}\n`,
      );
    io.out(
      `  population (${summary.subjects} subjects): ${Object.keys(summary.parameters)
        .map(
          (p) =>
            `${p} median ${g(summary.parameters[p].median)} (CV ${g(summary.parameters[p].cvPercent)} %)`,
        )
        .join("; ")}; mean AIC ${g(summary.meanAic)}\n\n`,
    );
  }
  if (skipped > 0) io.out(`${skipped} subject(s) with fewer than ${needed} observations skipped\n`);
  if (results.length > 1) {
    io.out("Best model by AIC per subject:\n");
    const wins = new Map<string, number>();
    series.forEach((_, i) => {
      const best = results.reduce((a, b) => (b.fits[i].aic < a.fits[i].aic ? b : a));
      wins.set(best.model.name, (wins.get(best.model.name) ?? 0) + 1);
    });
    for (const r of results)
      io.out(
        `  ${r.model.name.padEnd(16)} ${wins.get(r.model.name) ?? 0} of ${series.length}  (mean AIC ${g(r.summary.meanAic)})\n`,
      );
  }
  return 0;
}

function runMechanistic(
  io: CliIO,
  values: {
    model?: string;
    data?: string;
    free?: string;
    observe?: string;
    "error-model"?: string;
    "id-column"?: string;
    "time-column"?: string;
    "value-column"?: string;
    json?: boolean;
  },
): number {
  if (!values.free)
    throw new UsageError(
      `unknown growth model '${values.model}' (one of ${growthModels()
        .map((m) => m.name)
        .join(", ")}); for a catalog model give --free and --observe`,
    );
  if (!values.observe)
    throw new UsageError("--observe: name the observation the series measures (e.g. sld, volume, psa)");
  let model;
  try {
    model = loadModelByName(values.model!).model;
  } catch (e) {
    throw new UsageError(
      `--model ${values.model}: neither a growth model (${growthModels()
        .map((m) => m.name)
        .join(", ")}) nor a catalog model (${(e as Error).message.split("\n")[0]})`,
    );
  }
  const file = values.data!;
  const series = readSeriesFile(io, file, values);
  const free = values.free
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  let errorModel;
  try {
    errorModel = parseErrorModel(values["error-model"] ?? "proportional");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const fits = series.map((s) => {
    try {
      return { id: s.id, fit: fitMechanistic(model, s, { observation: values.observe!, free, errorModel }) };
    } catch (e) {
      throw new UsageError(`${file}: subject ${s.id}: ${(e as Error).message}`);
    }
  });
  if (values.json) {
    io.out(JSON.stringify({ model: model.spec.name, observation: values.observe, fits }, null, 1) + "\n");
    return 0;
  }
  const g = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : "–");
  io.out(
    `${model.spec.name}: ${free.join(", ")} fitted to ${values.observe}; other parameters at their published values\n`,
  );
  for (const { id, fit } of fits)
    io.out(
      `  ${id.padEnd(8)} ${Object.entries(fit.parameters)
        .map(([k, p]) => {
          const at = atBound(p.value, p.lower, p.upper);
          return `${k} = ${g(p.value)} ± ${g(p.se)} (published ${g(p.published)}${at ? `; ${at}` : ""})`;
        })
        .join("  ")}  AIC ${g(fit.aic)}${fit.converged ? "" : "  (not converged)"}\n`,
    );
  io.out(
    "Research model: parameters of a mechanistic fit to few scans are often poorly identified (docs/fitting.md).\n",
  );
  return 0;
}

/**
 * "at its upper bound 50" when a least-squares estimate sits on a bound of the box it was kept in (the data do not
 * pin it there: the optimum lies on or beyond the bound, and its standard error means little), else null.
 */
export function atBound(value: number, lower?: number, upper?: number): string | null {
  const near = (b: number) => Math.abs(value - b) <= 1e-9 * Math.max(Math.abs(b), 1e-3);
  if (lower !== undefined && near(lower)) return `at its lower bound ${Number(lower.toPrecision(4))}`;
  if (upper !== undefined && near(upper)) return `at its upper bound ${Number(upper.toPrecision(4))}`;
  return null;
}

function parsePriors(specs: readonly string[]): Record<string, Prior> {
  const out: Record<string, Prior> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z_]\w*)=([^:]+):(.+)$/.exec(spec);
    const center = m ? Number(m[2]) : NaN;
    const sd = m ? Number(m[3]) : NaN;
    if (!m || !Number.isFinite(center) || !(sd > 0))
      throw new UsageError(
        `--prior: '${spec}' is not NAME=CENTER:SD (SD > 0; log-scale SD for positive parameters)`,
      );
    out[m[1]] = { center, sd, source: "command line" };
  }
  return out;
}

function runBayes(
  io: CliIO,
  models: ReturnType<typeof growthModel>[],
  series: Series[],
  opts: {
    errorModel: ReturnType<typeof parseErrorModel>;
    t0?: number;
    v0: number;
    fitV0: boolean;
    seed: number;
  },
  priorSpecs: readonly string[],
  samples: number,
  json: boolean,
): number {
  const priors = parsePriors(priorSpecs);
  const out = [];
  for (const m of models)
    for (const s of series) {
      let fit;
      try {
        fit = bayesFitGrowth(m, s, { ...opts, priors, samples: Math.max(100, Math.round(samples)) });
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const tMax = Math.max(...s.t);
      const band = predictionBand(fit, [Math.min(...s.t), tMax, tMax * 1.5]);
      out.push({ fit, band });
    }
  if (json) {
    io.out(
      JSON.stringify(
        out.map(({ fit, band }) => ({
          id: fit.id,
          model: fit.model,
          parameters: fit.parameters,
          sigma: fit.sigma,
          acceptance: fit.acceptance,
          converged: fit.converged,
          band,
        })),
        null,
        1,
      ) + "\n",
    );
    return 0;
  }
  const g = (x: number) => Number(x.toPrecision(4)).toString();
  for (const { fit, band } of out) {
    io.out(
      `${fit.model}, subject ${fit.id}${fit.converged ? "" : "  (NOT converged: R-hat ≥ 1.05 or ESS ≤ 100)"}\n`,
    );
    for (const [name, p] of Object.entries(fit.parameters))
      io.out(
        `  ${name.padEnd(6)} ${g(p.median)}  [${g(p.lower95)}, ${g(p.upper95)}]  R-hat ${p.rhat.toFixed(3)}  ESS ${Math.round(p.ess)}  prior: ${p.prior.source}\n`,
      );
    io.out(
      `  predicted (median [90 %]): ${band.map((b) => `t=${g(b.t)}: ${g(b.quantiles[1])} [${g(b.quantiles[0])}, ${g(b.quantiles[2])}]`).join("; ")}\n`,
    );
  }
  return 0;
}
