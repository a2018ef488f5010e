/**
 * Personalization of the core model to one case: the tumor's own series of sums of diameters (untreated scans since
 * the last treatment) updates literature priors on the growth rate and the carrying capacity by MCMC; the
 * immune-failure parameters, which tumor sizes cannot identify, keep their priors. The result is a set of
 * posterior samples — parameter values and the full model state on the plan's start day — that the planner
 * simulates every candidate protocol on.
 */
import { metropolis } from "../engine/mcmc.js";
import { solve } from "../engine/solve.js";
import { columnMeans, quantileSorted, sampleCovariance, seededRandom } from "../engine/statistics.js";
import type { CompiledModel } from "../engine/language/compile.js";
import type { CaseRecord } from "../clinic/case-schema.js";
import { loadModelByName } from "../models/catalog.js";
import { CORE_MODEL } from "../therapy/simulate-protocol.js";
import { planningData, type PlanningPrior } from "./planning-data.js";
import { casePatient, PersonalizationError, tumorSeries } from "./personalize-inputs.js";
import { describePrior, drawPrior, logPrior, toNatural, toSampler } from "./personalize-priors.js";
import type {
  ParameterSample,
  Personalization,
  PersonalizeOptions,
  PosteriorEntry,
} from "./personalize-types.js";

// the personalization's types, inputs and priors, importable from here as before the split
export type {
  ParameterSample,
  Personalization,
  PersonalizeOptions,
  PosteriorEntry,
  TumorObservation,
} from "./personalize-types.js";
export { casePatient, PersonalizationError, tumorSeries } from "./personalize-inputs.js";
export { describePrior } from "./personalize-priors.js";

/** The immune state at the first scan: de Pillis 2006 patient 9, strong immune state (models.md §2.3). */
const IMMUNE_STATE = { N: 1e5, L: 1e2, C: 6e10 } as const;
const FITTED = ["a", "K", "T1"] as const;
/** Split R-hat below which the chains count as converged (Gelman et al., BDA3 §11.5: 1.1). */
export const RHAT_LIMIT = 1.1;
const PRIOR_ONLY = ["antigenicity", "suppression", "tolerance"] as const;

/** Tumor cells that make a sum of diameters `sld` shared by `lesions` spheres (the model's sld observation). */
function cellsForSld(sld: number, lesions: number, cellsPerMm3: number): number {
  return lesions * cellsPerMm3 * (Math.PI / 6) * (sld / lesions) ** 3;
}

export function personalizeCase(c: CaseRecord, opts: PersonalizeOptions = {}): Personalization {
  const data = planningData();
  const startDate = opts.startDate ?? new Date().toISOString().slice(0, 10);
  const patient = casePatient(c);
  const all = tumorSeries(c, startDate).filter((o) => o.day <= 0);
  if (all.length === 0)
    throw new PersonalizationError(
      "imaging",
      `no scan with measured target lesions on or before ${startDate}: the model needs the tumor's size`,
    );
  // untreated growth only: scans after the end of the last treatment
  const ends = c.treatments.map((t) => t.end ?? t.start).filter((d): d is string => d !== undefined);
  const lastEnd = ends.length ? ends.sort().at(-1)! : null;
  const excluded: { date: string; reason: string }[] = [];
  let observations = all.filter((o) => {
    if (lastEnd !== null && o.date <= lastEnd) {
      excluded.push({ date: o.date, reason: `on or before the end of the last treatment (${lastEnd})` });
      return false;
    }
    return true;
  });
  if (observations.length === 0) {
    observations = [all[all.length - 1]];
    excluded.splice(
      excluded.findIndex((e) => e.date === observations[0].date),
      1,
    );
  }
  const lesions = Math.max(1, observations[observations.length - 1].targets);
  const { model } = loadModelByName(CORE_MODEL);
  const iT = model.stateIndex("T");
  const pIndex = (n: string) => model.parameterIndex(n);
  const base = model.defaultParameters();
  base[pIndex("lesions")] = lesions;
  const cellsPerMm3 = base[pIndex("cells_per_mm3")];
  const sldIndex = model.observationNames.indexOf("sld");
  const t1 = observations[0].day;
  const times = Float64Array.from(observations.map((o) => o.day - t1));
  const logObs = observations.map((o) => Math.log(Math.max(o.sldMm, 0.5)));
  const sigma = data.measurement.sd_log;
  const priors = data.priors;
  const t1Center = cellsForSld(Math.max(observations[0].sldMm, 0.5), lesions, cellsPerMm3);
  const t1Prior: PlanningPrior = {
    distribution: "lognormal",
    median: t1Center,
    sd_log: 2,
    lower: 1,
    upper: 1e14,
    unit: "cell",
    description: "tumor cells at the first scan used",
    source: "weak prior around the cells implied by the first sum of diameters (1e9 cells per cm³ [K])",
  };
  const allPriors: Record<string, PlanningPrior> = {
    a: priors.a,
    K: priors.K,
    T1: t1Prior,
    antigenicity: priors.antigenicity,
    suppression: priors.suppression,
    tolerance: priors.tolerance,
  };
  const names = [...FITTED, ...PRIOR_ONLY];
  const priorList = names.map((n) => allPriors[n]);
  const p = Float64Array.from(base);
  const y0 = model.defaultInitialState();
  const fitted = new Float64Array(times.length);
  const setState = (x: ArrayLike<number>) => {
    const v = (j: number) => toNatural(priorList[j], x[j]);
    p[pIndex("a")] = v(0);
    p[pIndex("b")] = 1 / v(1);
    p[pIndex("antigenicity")] = v(3);
    p[pIndex("suppression")] = v(4);
    p[pIndex("tolerance")] = v(5);
    y0.fill(0);
    y0[iT] = v(2);
    y0[model.stateIndex("N")] = IMMUNE_STATE.N;
    y0[model.stateIndex("L")] = IMMUNE_STATE.L;
    y0[model.stateIndex("C")] = IMMUNE_STATE.C;
  };
  const simulate = (tEnd: number, out: Float64Array | null): Float64Array | null => {
    try {
      if (tEnd <= 0) {
        if (out) out[0] = model.observe(Float64Array.of(0), y0, p)[sldIndex][0];
        return Float64Array.from(y0);
      }
      const sol = solve(model.problem({ tEnd, parameters: p, y0, events: false }), {
        times: out ? times : Float64Array.of(0, tEnd),
        // the model's error (≈ rtol) stays far below the measurement error (sd 0.1 on the log scale)
        rtol: 1e-5,
        atol: 1e-6,
        maxSteps: 100_000,
        dense: false,
      });
      if (out) {
        const o = model.observe(sol.times, sol.values, p)[sldIndex];
        for (let i = 0; i < out.length; i++) out[i] = o[i];
      }
      return Float64Array.from(sol.final);
    } catch {
      return null;
    }
  };
  const tEndFit = times[times.length - 1];
  const logDensity = (x: Float64Array): number => {
    let lp = 0;
    for (let j = 0; j < names.length; j++) {
      lp += logPrior(priorList[j], x[j]);
      if (lp === -Infinity) return lp;
    }
    setState(x);
    if (!simulate(tEndFit, fitted)) return -Infinity;
    for (let i = 0; i < fitted.length; i++) {
      if (!(fitted[i] > 0)) return -Infinity;
      const r = (logObs[i] - Math.log(fitted[i])) / sigma;
      lp -= 0.5 * r * r;
    }
    return lp;
  };
  const start = priorList.map((pr) =>
    toSampler(
      pr,
      pr.distribution === "lognormal"
        ? pr.median
        : pr.distribution === "loguniform"
          ? Math.sqrt(pr.lower * pr.upper)
          : (pr.lower + pr.upper) / 2,
    ),
  );
  const proposal = names.map((n, i) =>
    names.map((_, j) => {
      if (i !== j) return 0;
      const pr = allPriors[n];
      if (n === "T1") return 0.05 ** 2;
      if (pr.distribution === "lognormal") return pr.sd_log ** 2;
      if (pr.distribution === "loguniform") return Math.log(pr.upper / pr.lower) ** 2 / 12;
      return 1.8 ** 2; // the logistic distribution's spread in logit coordinates
    }),
  );
  // two stages: a pilot run learns the posterior's correlations (growth rate and initial burden are strongly
  // correlated), the main run proposes with the pilot's covariance
  const chains = opts.chains ?? 4;
  const warmup = opts.warmup ?? 1000;
  const pilot = metropolis(logDensity, start, {
    chains,
    warmup,
    samples: warmup,
    seed: opts.seed ?? 1,
    proposalCovariance: proposal,
    dispersion: 0.5,
  });
  const pilotDraws = pilot.draws.flat();
  const covariance = sampleCovariance(pilotDraws).map((row, i) =>
    row.map((v, j) => (i === j ? Math.max(v, 1e-10) : v)),
  );
  const res = metropolis(logDensity, columnMeans(pilotDraws), {
    chains,
    warmup,
    samples: opts.draws ?? 1000,
    seed: (opts.seed ?? 1) + 1,
    proposalCovariance: covariance,
    dispersion: 1,
  });
  const pooled = res.draws.flat();
  const natural = (x: readonly number[]) => x.map((v, j) => toNatural(priorList[j], v));
  const posterior: PosteriorEntry[] = names.map((n, j): PosteriorEntry => {
    const sorted = pooled.map((x) => natural(x)[j]).sort((a, b) => a - b);
    const pr = allPriors[n];
    return {
      name: n === "T1" ? `T at ${observations[0].date}` : n,
      description: pr.description,
      unit: pr.unit,
      median: quantileSorted(sorted, 0.5),
      lower95: quantileSorted(sorted, 0.025),
      upper95: quantileSorted(sorted, 0.975),
      rhat: res.rhat[j],
      ess: res.ess[j],
      informedByData: (FITTED as readonly string[]).includes(n),
      prior: describePrior(pr),
      source: pr.source,
    };
  });
  // thin evenly to the requested number of samples and carry each to the start day
  const want = Math.min(opts.samples ?? 100, pooled.length);
  const samples: ParameterSample[] = [];
  const startCells: number[] = [];
  const moduleRand = seededRandom((opts.seed ?? 1) * 31 + 17);
  const modulePriors = Object.entries(data.module_priors);
  const moduleDraws: Record<string, number[]> = {};
  for (let k = 0; k < want; k++) {
    const x = pooled[Math.floor(((k + 0.5) * pooled.length) / want)];
    setState(x);
    const y = simulate(-t1, null);
    if (!y) continue;
    const v = natural(x);
    const moduleValues = Object.fromEntries(modulePriors.map(([n, pr]) => [n, drawPrior(pr, moduleRand)]));
    for (const [n, val] of Object.entries(moduleValues)) (moduleDraws[n] ??= []).push(val);
    samples.push({
      set: {
        a: v[0],
        b: 1 / v[1],
        antigenicity: v[3],
        suppression: v[4],
        tolerance: v[5],
        lesions,
        ...moduleValues,
      },
      initial: stateRecord(model, y),
    });
    startCells.push(y[iT]);
  }
  startCells.sort((a, b) => a - b);
  for (const [n, pr] of modulePriors) {
    const sorted = (moduleDraws[n] ?? []).sort((a, b) => a - b);
    posterior.push({
      name: n,
      description: pr.description,
      unit: pr.unit,
      median: quantileSorted(sorted, 0.5),
      lower95: quantileSorted(sorted, 0.025),
      upper95: quantileSorted(sorted, 0.975),
      rhat: 1,
      ess: sorted.length,
      informedByData: false,
      prior: describePrior(pr),
      source: pr.source,
    });
  }
  return {
    caseId: c.id,
    startDate,
    patient,
    lesions,
    observations,
    excluded,
    posterior,
    acceptance: res.acceptance,
    converged: res.rhat.every((r) => r < RHAT_LIMIT),
    burdenAtStart: {
      median: quantileSorted(startCells, 0.5),
      lower95: quantileSorted(startCells, 0.025),
      upper95: quantileSorted(startCells, 0.975),
    },
    samples,
    assumptions: [
      `the tumor is ${lesions} equal spherical lesion(s) holding ${cellsPerMm3 * 1000} cells per cm³ [K]; the model's sum of diameters is theirs`,
      `scans after the last treatment (${lastEnd ?? "none recorded"}) show untreated growth; ${observations.length} scan(s) used`,
      `immune state at the first scan used: de Pillis 2006 patient 9, strong immune state (N ${IMMUNE_STATE.N}, L ${IMMUNE_STATE.L}, C ${IMMUNE_STATE.C} cells); immune parameters are the published patient-9 values`,
      `measurement error of the sum of diameters: ${sigma * 100} % (log scale) — ${data.measurement.source}`,
      "antigenicity, suppression and tolerance cannot be identified from tumor sizes: every sample draws them from their priors",
      ...modulePriors.map(
        ([n, pr]) => `${n} (${pr.description}) is drawn from its prior, ${describePrior(pr)}: ${pr.source}`,
      ),
    ],
  };
}

function stateRecord(model: CompiledModel, y: Float64Array): Record<string, number> {
  return Object.fromEntries(model.stateNames.map((n, i) => [n, y[i]]));
}
