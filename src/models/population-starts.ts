/**
 * Starting points of a population fit, and the choice between them. The Lindstrom–Bates iteration is a fixed-point
 * iteration, not a descent: from one start it can drift to a boundary of the parameter space and stop there without
 * converging (seen on 83 patients of one Laleh 2022 study: a Gompertz rate ω running to 17/day, the curve a step
 * from the baseline to the plateau, every patient forecast at one size). What a modeller does then (Pinheiro & Bates
 * 2000, §8.2: fit pdDiag first and update it to pdSymm; NONMEM and Monolix users: several initial estimates):
 *
 * 1. the fit from the default start;
 * 2. for a full Ω, also the diagonal fit, which the full model nests; when the full fit did not converge or ends
 *    above the diagonal fit's −2 log-likelihood (impossible at the full model's maximum), the full fit again from
 *    the diagonal estimates;
 * 3. while no fit has converged, the pooled start moved by a factor e^∓1 on every parameter but the initial size.
 *
 * The converged fit with the lowest −2 log-likelihood is kept; when none converged, the lowest one, still marked
 * as not converged. Taken as not converged although the iteration stopped: a fit whose standard errors cannot be
 * computed (it stopped on a flat direction, not at a maximum: seen at a rate of 1/day with its random effect's SD
 * still at its start), and a full-Ω fit above the converged diagonal fit's −2 log-likelihood (not its maximum: seen
 * "converged" 75 units above it, with an SD of ln ω of 28). Every attempt is reported.
 */
import { fitMixedEffects, type MixedFitOptions, type MixedFitResult } from "../engine/mixed-effects-fit.js";
import type { MixedModel, MixedSubject } from "../engine/mixed-effects.js";

export interface FitAttempt {
  /** How the attempt started: "default", "from the diagonal fit", "diagonal (nested)", "start moved by e^-1", … */
  readonly start: string;
  readonly covariance: "diagonal" | "full";
  readonly converged: boolean;
  readonly objective: number;
  /** Why a fit that met the iteration's stopping rule is still not taken as converged. */
  readonly note?: string;
}

const UNIDENTIFIED =
  "no standard errors: a singular information matrix, a parameter the data do not identify";
const ABOVE_DIAGONAL = "stopped above the nested diagonal fit's −2LL: not the maximum";
const COLLAPSED = "a random effect's SD went to 0 (the boundary): stopped";
const STALLED = "still moving by more than 0.01 after 60 iterations: stopped";

export function fitFromStarts(
  model: MixedModel,
  subjects: readonly MixedSubject[],
  opts: MixedFitOptions,
): { fit: MixedFitResult; attempts: FitAttempt[]; chosen: number } {
  const covariance = opts.covariance ?? "diagonal";
  const attempts: FitAttempt[] = [];
  const fits: MixedFitResult[] = [];
  /** The nested diagonal fit's −2 log-likelihood, once it has converged (a full-Ω fit must not end above it). */
  let diagonalObjective = Infinity;
  /** A fit of the requested covariance taken as converged. */
  const accepted = (k: number) => attempts[k].covariance === covariance && attempts[k].converged;
  const mark = (k: number) => {
    const a = attempts[k];
    if (a.covariance === "full" && a.converged && a.objective > diagonalObjective + 1e-6)
      attempts[k] = { ...a, converged: false, note: ABOVE_DIAGONAL };
  };
  const run = (start: string, o: MixedFitOptions): MixedFitResult => {
    const f = fitMixedEffects(model, subjects, o);
    // a stop on a flat direction (a rate so fast that the curve is a step, its random effect left at the start):
    // the information matrix is singular there and no standard error can be computed
    const identified = [...f.muSe, ...f.omegaSdSe, f.sigmaSe].every(Number.isFinite);
    attempts.push({
      start,
      covariance: o.covariance ?? "diagonal",
      converged: f.converged && identified,
      objective: f.objective,
      ...(f.converged && !identified ? { note: UNIDENTIFIED } : {}),
      ...(f.collapsed.length ? { note: COLLAPSED } : f.stalled ? { note: STALLED } : {}),
    });
    fits.push(f);
    mark(attempts.length - 1);
    return f;
  };
  const first = run("default", opts);
  if (covariance === "full" && first.random.length > 1) {
    const d = run("diagonal (nested)", { ...opts, covariance: "diagonal" });
    if (attempts[1].converged) {
      diagonalObjective = d.objective;
      mark(0);
      // the diagonal fit's Ω is diagonal: the full fit starts with no correlation
      if (!accepted(0))
        run("from the diagonal fit", { ...opts, initial: { mu: d.mu, omega: d.omega, sigma: d.sigma } });
    }
  }
  for (const shift of [-1, 1]) {
    if (attempts.some((_, k) => accepted(k))) break;
    const start = opts.start.map((x, j) => (j === 0 ? x : x + shift));
    run(`start moved by e^${shift}`, { ...opts, start });
  }
  // converged first, then the lowest −2 log-likelihood, among the fits of the requested covariance
  let chosen = -1;
  const objective = (k: number) =>
    Number.isFinite(attempts[k].objective) ? attempts[k].objective : Infinity;
  for (let k = 0; k < attempts.length; k++) {
    if (attempts[k].covariance !== covariance) continue;
    if (
      chosen < 0 ||
      (accepted(k) && !accepted(chosen)) ||
      (accepted(k) === accepted(chosen) && objective(k) < objective(chosen) - 1e-6)
    )
      chosen = k;
  }
  const fit = accepted(chosen) ? fits[chosen] : { ...fits[chosen], converged: false };
  return { fit, attempts, chosen };
}
