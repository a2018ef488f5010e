/**
 * The fit of the survival model (overall-survival.ts) to published overall survival, and its leave-one-trial-out
 * check. Each calibration trial's arms are simulated once; what the survival time depends on (KG, covariates,
 * the patient's draw) is kept per patient, so that any parameter set is evaluated without simulating again.
 *
 * Loss: over every published OS figure, (ln simulated/published)² for medians and hazard ratios and
 * ((simulated − published)/0.1)² for landmarks; a median not reached counts 1. Minimised over a grid of θ_kg, σ
 * and the intercept θ0 (the covariate coefficients stay at their assumed values); the five best points are kept
 * (how flat the optimum is).
 */
import { coxHazardRatio } from "./cox.js";
import { kaplanMeier, medianSurvival, survivalAt } from "./kaplan-meier.js";
import { courseGrowthRate, logSurvivalMean, survivalDraw, type SurvivalModel } from "./overall-survival.js";
import { evaluateCourse, targetSum } from "./patient-outcome.js";
import { scanDays } from "./scan-schedule.js";
import type { Trial } from "./trial-file.js";
import { simulatorPopulation } from "./trial-run.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import type { ArmSimulator, SimulatedCourse } from "./types.js";

const DAYS_PER_MONTH = 30.4375;

interface PatientInput {
  readonly kg: number | null;
  readonly covariates: SimulatedCourse["covariates"];
  readonly base: number | null;
  readonly z: number;
}

/** One trial's survival inputs: its published OS figures and each arm's patients. */
export interface TrialSurvivalInputs {
  readonly trial: string;
  readonly followUpDays: number;
  readonly published: readonly PublishedEndpoint[];
  readonly arms: ReadonlyMap<string, readonly PatientInput[]>;
}

/**
 * Simulates a trial's arms and keeps what survival depends on. Paired: every arm given to the same patients (as
 * the calibration report's model run); otherwise arms draw different patients as runTrial does.
 */
export async function survivalInputs(
  trial: Trial,
  simulator: ArmSimulator,
  opts: { patients: number; seed: number; defaultFollowUpWeeks: number; paired?: boolean },
): Promise<TrialSurvivalInputs> {
  const population = simulatorPopulation(trial);
  const a = trial.document.assessment;
  const days = scanDays(a);
  const settings = { criteria: a.criteria, confirm: a.confirm, minSdDays: (a.min_sd_weeks ?? 6) * 7 };
  const arms = new Map<string, PatientInput[]>();
  for (let i = 0; i < trial.arms.length; i++) {
    const courses = await simulator.simulateArm({
      population,
      protocol: trial.arms[i].protocol,
      scanDays: days,
      patients: opts.patients,
      seed: opts.paired ? opts.seed : (opts.seed + 7919 * i) >>> 0,
    });
    arms.set(
      trial.arms[i].name,
      courses.map((c) => ({
        kg: courseGrowthRate(c, evaluateCourse(c, settings)),
        covariates: c.covariates,
        base: c.scans.length ? targetSum(c.scans[0]) : null,
        z: survivalDraw(opts.seed, c.id),
      })),
    );
  }
  return {
    trial: trial.document.name,
    followUpDays: (a.os_follow_up_weeks ?? opts.defaultFollowUpWeeks) * 7,
    published: trial.published.filter((p) => /OS/.test(p.endpoint)),
    arms,
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
  /**
   * Inside the published CI; without one, within the trial simulator's tolerance (±0.05 for landmarks, ±10 % and at
   * least a month for a median, ±0.1 for a hazard ratio). A median not reached is not within.
   */
  readonly inside: boolean;
  readonly loss: number;
}

/** Every published OS figure of the trials against the model with these parameters. */
export function survivalFigures(inputs: readonly TrialSurvivalInputs[], m: SurvivalModel): FigureFit[] {
  const out: FigureFit[] = [];
  for (const t of inputs) {
    const deaths = new Map<string, number[]>();
    for (const [arm, ps] of t.arms)
      deaths.set(
        arm,
        ps.map(
          (p) => Math.exp(logSurvivalMean(m, p.kg, p.covariates, p.base) + m.sigma * p.z) * DAYS_PER_MONTH,
        ),
      );
    for (const p of t.published) {
      const names = Array.isArray(p.arm) ? p.arm : [p.arm];
      const fu = (p.data_cut_weeks ?? t.followUpDays / 7) * 7;
      const row = (d: number, x: 0 | 1) => ({ time: Math.min(d, fu), event: d <= fu, x });
      const pooled = names.flatMap((n) => deaths.get(n) ?? []);
      let sim: number | null = null;
      let loss = 1;
      if (p.endpoint === "OS_HR") {
        const b = p.versus !== undefined ? (deaths.get(p.versus) ?? []) : [];
        sim = coxHazardRatio([...pooled.map((d) => row(d, 1)), ...b.map((d) => row(d, 0))])?.value ?? null;
        if (sim !== null) loss = Math.log(sim / p.value) ** 2;
      } else {
        const km = kaplanMeier(
          pooled.map((d) => ({ time: Math.min(d, fu) / DAYS_PER_MONTH, event: d <= fu })),
        );
        const lm = LANDMARK.exec(p.endpoint);
        if (p.endpoint === "median_OS_months") {
          sim = medianSurvival(km).value;
          if (sim !== null) loss = Math.log(sim / p.value) ** 2;
        } else if (lm && lm[1] === "OS") {
          sim = survivalAt(km, Number(lm[2])).value;
          if (sim !== null) loss = ((sim - p.value) / 0.1) ** 2;
        }
      }
      const ci = p.ci ?? null;
      out.push({
        trial: t.trial,
        arm: names.join(" + "),
        endpoint: p.endpoint,
        ...(p.versus !== undefined ? { versus: p.versus } : {}),
        published: p.value,
        ci,
        simulated: sim,
        inside: within(p, sim),
        loss,
      });
    }
  }
  return out;
}

function within(p: PublishedEndpoint, sim: number | null): boolean {
  if (sim === null) return false;
  if (p.ci) return sim >= p.ci[0] && (p.ci[1] === null || sim <= p.ci[1]);
  const tol =
    p.tolerance ??
    (p.endpoint === "OS_HR" ? 0.1 : p.endpoint === "median_OS_months" ? Math.max(1, 0.1 * p.value) : 0.05);
  return Math.abs(sim - p.value) <= tol + 1e-12;
}

export interface SurvivalGrid {
  readonly theta_kg: readonly number[];
  readonly sigma: readonly number[];
  readonly theta0: readonly number[];
}

/** θ_kg, σ, θ0 of the grid with the least loss on these trials (ties: the first). */
export function fitSurvival(
  inputs: readonly TrialSurvivalInputs[],
  base: SurvivalModel,
  grid: SurvivalGrid,
): { model: SurvivalModel; loss: number; ranked: { model: SurvivalModel; loss: number }[] } {
  const all: { model: SurvivalModel; loss: number }[] = [];
  for (const theta_kg of grid.theta_kg)
    for (const sigma of grid.sigma)
      for (const theta0 of grid.theta0) {
        const model = { ...base, theta_kg, sigma, theta0 };
        all.push({ model, loss: survivalFigures(inputs, model).reduce((s, f) => s + f.loss, 0) });
      }
  // stable: among equal losses the first grid point
  const ranked = all.map((x, i) => ({ ...x, i })).sort((a, b) => a.loss - b.loss || a.i - b.i);
  return { ...ranked[0], ranked: ranked.slice(0, 5).map(({ model, loss }) => ({ model, loss })) };
}
