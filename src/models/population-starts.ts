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
 * as not converged. Every attempt is reported.
 */
import { fitMixedEffects, type MixedFitOptions, type MixedFitResult } from "../engine/mixed-effects-fit.js";
import type { MixedModel, MixedSubject } from "../engine/mixed-effects.js";

export interface FitAttempt {
  /** How the attempt started: "default", "from the diagonal fit", "diagonal (nested)", "start moved by e^-1", … */
  readonly start: string;
  readonly covariance: "diagonal" | "full";
  readonly converged: boolean;
  readonly objective: number;
}

/** Whether fit a is to be preferred to fit b: converged first, then the lower −2 log-likelihood. */
function better(a: MixedFitResult, b: MixedFitResult): boolean {
  if (a.converged !== b.converged) return a.converged;
  const fa = Number.isFinite(a.objective) ? a.objective : Infinity;
  const fb = Number.isFinite(b.objective) ? b.objective : Infinity;
  return fa < fb - 1e-6;
}

export function fitFromStarts(
  model: MixedModel,
  subjects: readonly MixedSubject[],
  opts: MixedFitOptions,
): { fit: MixedFitResult; attempts: FitAttempt[]; chosen: number } {
  const covariance = opts.covariance ?? "diagonal";
  const attempts: FitAttempt[] = [];
  const fits: MixedFitResult[] = [];
  const run = (start: string, o: MixedFitOptions): MixedFitResult => {
    const f = fitMixedEffects(model, subjects, o);
    attempts.push({
      start,
      covariance: o.covariance ?? "diagonal",
      converged: f.converged,
      objective: f.objective,
    });
    fits.push(f);
    return f;
  };
  let best = run("default", opts);
  let chosen = 0;
  const consider = (f: MixedFitResult) => {
    if (better(f, best)) {
      best = f;
      chosen = fits.length - 1;
    }
  };
  if (covariance === "full" && best.random.length > 1) {
    const diag = run("diagonal (nested)", { ...opts, covariance: "diagonal" });
    if (diag.converged && (!best.converged || best.objective > diag.objective + 1e-6)) {
      const q = diag.random.length;
      const omega = Array.from({ length: q }, (_, i) =>
        Array.from({ length: q }, (_, j) => (i === j ? diag.omega[i][i] : 0)),
      );
      consider(run("from the diagonal fit", { ...opts, initial: { mu: diag.mu, omega, sigma: diag.sigma } }));
    }
  }
  for (const shift of [-1, 1]) {
    if (best.converged) break;
    const start = opts.start.map((x, j) => (j === 0 ? x : x + shift));
    consider(run(`start moved by e^${shift}`, { ...opts, start }));
  }
  return { fit: best, attempts, chosen };
}
