/**
 * The baseline constraints of a population's calibration (calibrate.ts): the shares of an arm's enrolled patients
 * with a raised LDH and in each stage, held at the trial's published baseline.
 */
import type { Enrolment, PoolMember } from "./eligibility.js";
import type { TrialPopulation } from "./types.js";

/** A constraint on the enrolled baseline of a trial (share with raised LDH, stage fractions). */
export interface CovariateConstraint {
  readonly trial: number;
  readonly name: string;
  /** a_i for every pool member. */
  readonly column: Float64Array;
  readonly sigma: number;
}

/** Tolerance of a baseline share: two points [Immunoplan choice]. */
const COVARIATE_SIGMA = 0.02;

export function covariateConstraints(
  trial: number,
  en: Enrolment,
  pool: readonly PoolMember[],
  population: TrialPopulation,
): CovariateConstraint[] {
  const n = pool.length;
  const elig = Float64Array.from(en.eligible, (e, i) =>
    e && (en.stageLabels.length === 0 || en.stageOf[i] >= 0) ? 1 : 0,
  );
  const mass = elig.reduce((a, b) => a + b, 0) / n;
  if (mass <= 0) return [];
  const out: CovariateConstraint[] = [];
  const share = (name: string, has: (i: number) => boolean, target: number) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) if (elig[i]) column[i] = ((has(i) ? 1 : 0) - target) / mass;
    out.push({ trial, name, column, sigma: COVARIATE_SIGMA });
  };
  if (population.ldh_elevated !== undefined)
    share("ldh_elevated", (i) => pool[i].covariates.ldh_elevated, population.ldh_elevated);
  if (population.stage && !Array.isArray(population.stage)) {
    const total = en.stageTargets.reduce((s, t) => s + t, 0);
    en.stageLabels.forEach((l, k) =>
      share(`stage ${l}`, (i) => en.stageOf[i] === k, en.stageTargets[k] / total),
    );
  }
  return out;
}
