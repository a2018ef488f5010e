/**
 * The fit of the survival model (overall-survival.ts) to published overall survival, and its leave-one-trial-out
 * check. Each calibration trial's arms are simulated once; what the survival time depends on (KG, covariates,
 * the patient's draw) is kept per patient, so that any parameter set is evaluated without simulating again.
 *
 * Loss: over every published OS figure, (ln simulated/published)² for medians and hazard ratios and
 * ((simulated − published)/0.1)² for landmarks; a median not reached counts 1. Minimised over a grid of θ_kg, σ
 * and the intercept θ0, and of the KG floor when the grid names it (the covariate coefficients stay at their
 * assumed values); the five best points are kept
 * (how flat the optimum is).
 */
import {
  deathOf,
  survivalInput,
  survivalModel,
  type SurvivalInput,
  type SurvivalModel,
} from "./overall-survival.js";
import type { Trial } from "./trial-file.js";
import { simulateTrialArms, simulatorPopulation, withinPublished } from "./trial-run.js";
import type { PublishedEndpoint } from "./trial-schema.js";
import { osFollowUpDays, survivalValue } from "./trial-survival.js";
import { assessmentSettings } from "./published-read.js";
import type { ArmSimulator } from "./types.js";

/** One trial's survival inputs: its published OS figures and each arm's patients. */
export interface TrialSurvivalInputs {
  readonly trial: string;
  readonly followUpDays: number;
  /** Enrolment period (days; assessment.accrual_weeks), for figures at a data cut. */
  readonly accrualDays?: number;
  readonly published: readonly PublishedEndpoint[];
  readonly arms: ReadonlyMap<string, readonly SurvivalInput[]>;
}

/**
 * Simulates a trial's arms (simulateTrialArms: paired, every arm given to the same patients as the calibration
 * report's model run, or not) and keeps what survival depends on.
 */
export async function survivalInputs(
  trial: Trial,
  simulator: ArmSimulator,
  opts: { patients: number; seed: number; paired?: boolean },
): Promise<TrialSurvivalInputs> {
  const arms = await simulateTrialArms(trial, simulator, opts);
  return {
    trial: trial.document.name,
    followUpDays: osFollowUpDays(trial, survivalModel(simulatorPopulation(trial).cancer)),
    accrualDays: assessmentSettings(trial.document.assessment).accrualDays,
    // a median not reached says where the median is not: not a figure to fit (published-not-reached.ts)
    published: trial.published.filter((p) => /OS/.test(p.endpoint) && !p.not_reached),
    arms: new Map(
      arms.map((a) => [a.name, a.courses.map((c, i) => survivalInput(c, a.outcomes[i], opts.seed))]),
    ),
  };
}

export interface FigureFit {
  readonly trial: string;
  readonly arm: string;
  readonly endpoint: string;
  readonly versus?: string;
  readonly published: number;
  readonly ci: readonly [number, number | null] | null;
  readonly simulated: number | null;
  /** Within as the trial simulator judges it (trial-run.ts withinPublished); a value not simulated is not. */
  readonly inside: boolean;
  readonly loss: number;
}

/** Every published OS figure of the trials against the model with these parameters. */
export function survivalFigures(inputs: readonly TrialSurvivalInputs[], m: SurvivalModel): FigureFit[] {
  const out: FigureFit[] = [];
  for (const t of inputs) {
    const deaths = new Map([...t.arms].map(([arm, ps]) => [arm, ps.map((p) => deathOf(m, p))]));
    for (const p of t.published) {
      const names = Array.isArray(p.arm) ? p.arm : [p.arm];
      const sim = survivalValue(p, names, {
        deaths,
        followUpDays: t.followUpDays,
        accrualDays: t.accrualDays,
      }).value;
      const loss =
        sim === null
          ? 1
          : /^OS_\d/.test(p.endpoint)
            ? ((sim - p.value) / 0.1) ** 2
            : Math.log(sim / p.value) ** 2;
      out.push({
        trial: t.trial,
        arm: names.join(" + "),
        endpoint: p.endpoint,
        ...(p.versus !== undefined ? { versus: p.versus } : {}),
        published: p.value,
        ci: p.ci ?? null,
        simulated: sim,
        inside: withinPublished(p, sim) === true,
        loss,
      });
    }
  }
  return out;
}

export interface SurvivalGrid {
  readonly theta_kg: readonly number[];
  readonly sigma: readonly number[];
  readonly theta0: readonly number[];
  /** The KG floor (1/day); absent: the base model's. */
  readonly kg_floor?: readonly number[];
}

/** Every grid point's loss on each trial: evaluated once, then any subset of the trials is fitted from it. */
export interface SurvivalLossTable {
  readonly points: readonly SurvivalModel[];
  /** losses[p][t]: point p on trial t (the order of the inputs). */
  readonly losses: readonly Float64Array[];
}

export function survivalLossTable(
  inputs: readonly TrialSurvivalInputs[],
  base: SurvivalModel,
  grid: SurvivalGrid,
): SurvivalLossTable {
  const points: SurvivalModel[] = [];
  const losses: Float64Array[] = [];
  for (const kg_floor of grid.kg_floor ?? [base.kg_floor])
    for (const theta_kg of grid.theta_kg)
      for (const sigma of grid.sigma)
        for (const theta0 of grid.theta0) {
          const model = { ...base, kg_floor, theta_kg, sigma, theta0 };
          points.push(model);
          losses.push(
            Float64Array.from(inputs, (t) => survivalFigures([t], model).reduce((s, f) => s + f.loss, 0)),
          );
        }
  return { points, losses };
}

export interface SurvivalFit {
  readonly model: SurvivalModel;
  readonly loss: number;
  /** The five best grid points (how flat the optimum is). */
  readonly ranked: { model: SurvivalModel; loss: number }[];
}

/**
 * Another cancer type's figures under the shared parameters of each point of a table (KG floor, θ_kg, σ), each
 * with that cancer type's own best intercept on `theta0` (ties: the first): `losses[p]` and `theta0[p]` per point.
 * Added to the table's losses (bestInTable's `offset`) it makes the shared parameters a joint fit of every cancer
 * type's figures, each with its intercept.
 */
export interface InterceptProfile {
  readonly losses: Float64Array;
  readonly theta0: Float64Array;
}

export function interceptProfile(
  inputs: readonly TrialSurvivalInputs[],
  base: SurvivalModel,
  points: readonly SurvivalModel[],
  theta0: readonly number[],
): InterceptProfile {
  const losses = new Float64Array(points.length);
  const best = new Float64Array(points.length);
  const seen = new Map<string, [number, number]>();
  points.forEach((p, i) => {
    const key = `${p.kg_floor}|${p.theta_kg}|${p.sigma}`;
    let r = seen.get(key);
    if (!r) {
      const fit = fitSurvival(inputs, base, {
        kg_floor: [p.kg_floor],
        theta_kg: [p.theta_kg],
        sigma: [p.sigma],
        theta0,
      });
      r = [fit.loss, fit.model.theta0];
      seen.set(key, r);
    }
    losses[i] = r[0];
    best[i] = r[1];
  });
  return { losses, theta0: best };
}

/**
 * The grid point with the least loss on the trials `use` keeps (ties: the first), plus `offset[p]` (other cancer
 * types' figures at the point, interceptProfile) if given.
 */
export function bestInTable(
  table: SurvivalLossTable,
  use: (trial: number) => boolean = () => true,
  offset?: ArrayLike<number>,
): SurvivalFit {
  const all = table.points.map((model, i) => {
    let loss = offset ? offset[i] : 0;
    table.losses[i].forEach((l, t) => {
      if (use(t)) loss += l;
    });
    return { model, loss, i };
  });
  // stable: among equal losses the first grid point
  const ranked = all.sort((a, b) => a.loss - b.loss || a.i - b.i);
  return { ...ranked[0], ranked: ranked.slice(0, 5).map(({ model, loss }) => ({ model, loss })) };
}

/** θ_kg, σ, θ0 (and the KG floor, when the grid has it) of the grid with the least loss on these trials. */
export function fitSurvival(
  inputs: readonly TrialSurvivalInputs[],
  base: SurvivalModel,
  grid: SurvivalGrid,
): SurvivalFit {
  const { model, loss, ranked } = bestInTable(survivalLossTable(inputs, base, grid));
  return { model, loss, ranked };
}
