/**
 * The model explorer on the calibrated clinical model: a virtual patient of a cancer type's calibrated population
 * (vpops/<cancer>.json), treated with the protocol of a published trial arm (trials/calibration/*.yaml) or left
 * untreated, simulated day by day — the sum of diameters of its target lesions (mm), each lesion, every state of
 * the model — with any of its parameters changed; and the same protocol on a sample of the population (bands of
 * the sum of diameters, P(response), P(control)), beside the trial's published figures.
 *
 * Research view, not a plan: the virtual patient is not a real patient, and its lesions are the model's (no
 * reader noise, no new lesions drawn).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom, systematicResample, weightedQuantile } from "../engine/statistics.js";
import { lesionsAt } from "../population/personal-patient.js";
import {
  baselineStart,
  clinicalModel,
  dosingPatient,
  simulatePatient,
} from "../population/simulate-patient.js";
import { loadTrial, type Trial } from "../population/trial-file.js";
import { CANCER_TYPES, type CancerType } from "../population/types.js";
import type { VirtualPatient } from "../population/virtual-patient.js";
import { loadVpop, shippedVpopFile, type VpopFile } from "../population/vpop-file.js";
import { compileClinical } from "../therapy/compile-clinical.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { vpopPatients } from "./case-population.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import type {
  ExploreRequest,
  ExploreResult,
  ExplorerArm,
  ExplorerParameter,
  ExplorerPopulation,
} from "./explore-types.js";

const TRIALS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../trials/calibration");

/** Virtual patients drawn from a calibrated population for the explorer [Immunoplan choice: bands from 100]. */
export const EXPLORER_DRAWS = 100;
/** Seed of the explorer's draws (fixed: the same draw number is the same virtual patient on every visit). */
export const EXPLORER_SEED = 20261130;
export const MAX_EXPLORER_DAYS = 730;
export const UNTREATED = "untreated";
export type * from "./explore-types.js";

/** A bad request to the explorer: the field it names is wrong. */
export class ExplorerInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const UNTREATED_PROTOCOL: Protocol = {
  name: "no treatment",
  description: "The virtual patient's untreated course.",
  phases: [],
} as unknown as Protocol;

const armCache = new Map<CancerType, ExplorerArm[]>();
/** The protocols the explorer offers for a cancer type: no treatment, then every arm of its trial files. */
export function explorerArms(cancer: CancerType): ExplorerArm[] {
  let arms = armCache.get(cancer);
  if (arms) return arms;
  arms = [
    {
      id: UNTREATED,
      label: "No treatment",
      trial: null,
      source: null,
      published: [],
      protocol: UNTREATED_PROTOCOL,
    },
  ];
  const files = existsSync(TRIALS_DIR)
    ? readdirSync(TRIALS_DIR)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
    : [];
  for (const f of files) {
    let trial: Trial;
    try {
      trial = loadTrial(path.join(TRIALS_DIR, f));
    } catch {
      continue; // a trial file that does not read is reported by `trial simulate` and the tests, not here
    }
    if (trial.document.population.cancer !== cancer) continue;
    for (const a of trial.arms)
      arms.push({
        id: `${f.replace(/\.yaml$/, "")}/${a.name}`,
        label: `${trial.document.name} · ${a.name}`,
        trial: trial.document.name,
        source: trial.document.source ?? null,
        published: trial.published
          .filter((p) => p.arm === a.name)
          .map((p) => ({
            endpoint: p.endpoint,
            value: p.not_reached ? null : p.value,
            ci: p.ci ? [p.ci[0], p.ci[1]] : null,
          })),
        protocol: a.protocol,
      });
  }
  armCache.set(cancer, arms);
  return arms;
}

/** The cancer types with a shipped calibrated population. */
export function explorerCancers(): CancerType[] {
  return CANCER_TYPES.filter((c) => existsSync(shippedVpopFile(c)));
}

interface LoadedPopulation {
  readonly vpop: VpopFile;
  readonly warnings: readonly string[];
  readonly patients: readonly VirtualPatient[];
  readonly draws: readonly VirtualPatient[];
}
const populations = new Map<CancerType, LoadedPopulation>();
function population(cancer: CancerType): LoadedPopulation {
  if (!(CANCER_TYPES as readonly string[]).includes(cancer))
    throw new ExplorerInputError(
      `cancer: unknown cancer type "${cancer}" (${CANCER_TYPES.join(", ")})`,
      "cancer",
    );
  let pop = populations.get(cancer);
  if (pop) return pop;
  const file = shippedVpopFile(cancer);
  if (!existsSync(file))
    throw new ExplorerInputError(`cancer: no calibrated population is shipped for ${cancer}`, "cancer");
  const { vpop, warnings } = loadVpop(file);
  const patients = vpopPatients(file, vpop);
  // the explorer's virtual patients: systematic resampling of the calibrated weights (a seeded draw)
  const w = Float64Array.from(vpop.patients, (p) => p.weight);
  const chosen = systematicResample(w, EXPLORER_DRAWS, seededRandom(EXPLORER_SEED)());
  pop = { vpop, warnings, patients, draws: chosen.map((k) => patients[k]) };
  populations.set(cancer, pop);
  return pop;
}

/** What the explorer shows of a calibrated population before a simulation. */
export function explorerPopulation(cancer: CancerType): ExplorerPopulation {
  const pop = population(cancer);
  const cal = pop.vpop.calibration;
  return {
    cancer,
    patients: pop.vpop.patients.length,
    plausible: pop.vpop.plausible,
    effectiveSampleSize: cal.effective_sample_size,
    converged: cal.converged,
    created: pop.vpop.created,
    trials: cal.trials.map((t) => t.name),
    warnings: pop.warnings,
    draws: pop.draws.length,
    arms: explorerArms(cancer).map(({ protocol: _p, ...a }) => a),
  };
}

const infoCache = new Map<string, ExplorerParameter[]>();
/** The parameters of the model a protocol needs, with the calibrated population's spread. */
function parameterInfo(
  pop: LoadedPopulation,
  modules: readonly string[],
  set: Readonly<Record<string, number>>,
): ExplorerParameter[] {
  const key = `${pop.vpop.cancer}\0${pop.vpop.created}\0${[...modules].sort().join(",")}\0${Object.keys(set).sort().join(",")}`;
  const hit = infoCache.get(key);
  if (hit) return hit;
  const out = computeParameterInfo(pop, modules, set);
  infoCache.set(key, out);
  return out;
}

function computeParameterInfo(
  pop: LoadedPopulation,
  modules: readonly string[],
  set: Readonly<Record<string, number>>,
): ExplorerParameter[] {
  const model = clinicalModel(modules);
  const w = Float64Array.from(pop.vpop.patients, (p) => p.weight);
  const perPatient = new Set(Object.keys(pop.patients[0]?.parameters ?? {}));
  return model.spec.parameters
    .filter((p) => !(p.name in set)) // set by the protocol's agents (PK at this weight, ...): not the patient's
    .map((p) => {
      let spread: ExplorerParameter["population"] = null;
      if (perPatient.has(p.name)) {
        const v = Float64Array.from(pop.patients, (vp) => vp.parameters[p.name]);
        spread = {
          p5: weightedQuantile(v, w, 0.05),
          p50: weightedQuantile(v, w, 0.5),
          p95: weightedQuantile(v, w, 0.95),
        };
      }
      return {
        name: p.name,
        unit: p.unit,
        description: p.description,
        source: p.source,
        range: p.range ? ([p.range[0], p.range[1]] as const) : null,
        modelValue: p.value,
        perPatient: perPatient.has(p.name),
        population: spread,
      };
    })
    .sort((a, b) => Number(b.perPatient) - Number(a.perPatient));
}

/** The explorer's virtual patients of a cancer type, at their baselines (the samples of the population bands). */
export function explorerSamples(cancer: CancerType): ClinicalSample[] {
  return population(cancer).draws.map((vp) => ({ vp, start: baselineStart(vp) }));
}

export function explorerArm(cancer: CancerType, id: string): ExplorerArm {
  const arm = explorerArms(cancer).find((a) => a.id === id);
  if (!arm)
    throw new ExplorerInputError(
      `arm: no protocol "${id}" for ${cancer} (see GET /api/explorer/${cancer})`,
      "arm",
    );
  return arm;
}

/**
 * The values a parameter may take in the explorer (its slider's ends): the model's plausible range, widened to the
 * patient's own value and the calibrated population's 5–95 %; ×/÷ 10 around the own value when the model gives none.
 */
function allowedRange(p: ExplorerParameter, own: number): [number, number] {
  return [
    Math.min(p.range?.[0] ?? own / 10, own, p.population?.p5 ?? own),
    Math.max(p.range?.[1] ?? own * 10, own, p.population?.p95 ?? own),
  ];
}

/** One virtual patient of the calibrated population under one protocol, with parameters changed. */
export function exploreClinicalPatient(req: ExploreRequest): ExploreResult {
  const pop = population(req.cancer);
  const arm = explorerArm(req.cancer, req.arm);
  if (!Number.isInteger(req.draw) || req.draw < 0 || req.draw >= pop.draws.length)
    throw new ExplorerInputError(`draw: a whole number from 0 to ${pop.draws.length - 1}`, "draw");
  if (!Number.isInteger(req.horizonDays) || req.horizonDays < 7 || req.horizonDays > MAX_EXPLORER_DAYS)
    throw new ExplorerInputError(
      `horizonDays: a whole number of days from 7 to ${MAX_EXPLORER_DAYS}`,
      "horizonDays",
    );
  const base = pop.draws[req.draw];
  const inputs = compileClinical(arm.protocol, dosingPatient(base));
  const info = parameterInfo(pop, inputs.modules, inputs.set);
  const byName = new Map(info.map((p) => [p.name, p]));
  const model = clinicalModel(inputs.modules);
  const defaults = model.defaultParameters();
  for (const [k, v] of Object.entries(req.overrides)) {
    const p = byName.get(k);
    if (!p)
      throw new ExplorerInputError(
        `overrides.${k}: not a parameter of the clinical model under this protocol (or set by its agents)`,
        `overrides.${k}`,
      );
    if (!Number.isFinite(v) || v < 0)
      throw new ExplorerInputError(`overrides.${k}: a finite number ≥ 0`, `overrides.${k}`);
    const [lo, hi] = allowedRange(p, base.parameters[k] ?? defaults[model.parameterIndex(k)]);
    if (v < lo || v > hi)
      throw new ExplorerInputError(
        `overrides.${k}: ${v} is outside the plausible range ${lo}–${hi} ${p.unit}`,
        `overrides.${k}`,
      );
  }
  const vp: VirtualPatient = { ...base, parameters: { ...base.parameters, ...req.overrides } };
  const days = Array.from({ length: req.horizonDays + 1 }, (_, i) => i);
  const course = simulatePatient(vp, arm.protocol, days, inputs);
  const n = course.days.length;
  const lesionMm = vp.lesions.map(() => new Array<number>(n));
  const sldMm = new Array<number>(n);
  const d = new Array<number>(vp.lesions.length);
  for (let i = 0; i < n; i++) {
    lesionsAt(vp, course, i, d);
    let s = 0;
    for (let k = 0; k < d.length; k++) {
      lesionMm[k][i] = d[k];
      if (vp.lesions[k].role === "target") s += d[k];
    }
    sldMm[i] = s;
  }
  let best = { change: 0, day: 0 };
  for (let i = 1; i < n; i++) {
    const c = sldMm[0] > 0 ? (sldMm[i] - sldMm[0]) / sldMm[0] : 0;
    if (c < best.change) best = { change: c, day: course.days[i] };
  }
  const traj = course.trajectory!;
  const dim = traj.names.length;
  const states = traj.names.map((name, k) => ({
    name,
    unit: model.spec.states[k].unit,
    values: Array.from({ length: n }, (_, i) => traj.values[i * dim + k]),
  }));
  const parameters = info.map((p) => {
    const own = base.parameters[p.name] ?? defaults[model.parameterIndex(p.name)];
    const value = req.overrides[p.name] ?? own;
    return {
      ...p,
      value,
      bounds: allowedRange(p, own),
      changed: req.overrides[p.name] !== undefined && value !== own,
    };
  });
  const notes = [
    "A virtual patient of the calibrated population, not a real patient; lesions are the model's, without reader noise or new lesions.",
    ...(Object.keys(req.overrides).length
      ? [
          "Changed parameters act from day 0: the patient's baseline (effector T cells at their steady state, growth set from its doubling time) was computed with its own values.",
        ]
      : []),
    ...(inputs.local.includes("injection") && !vp.lesions.some((l) => l.injectable)
      ? [
          "This virtual patient has no injectable lesion: the injections reach no lesion (trials enrolled only patients with one).",
        ]
      : []),
    ...inputs.notes,
  ];
  const { protocol: _p, ...armInfo } = arm;
  return {
    cancer: req.cancer,
    arm: armInfo,
    patient: {
      id: vp.id,
      draw: req.draw,
      covariates: vp.covariates,
      lesions: vp.lesions.map((l) => ({
        id: l.id,
        role: l.role,
        site: l.site,
        local: course.local.has(l.id),
        diameterMm: l.diameterMm,
      })),
    },
    parameters,
    days: Array.from(course.days),
    sldMm,
    lesionMm,
    states,
    best,
    notes,
  };
}
