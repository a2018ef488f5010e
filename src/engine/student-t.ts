/**
 * Student's t distribution: the CDF through the regularized incomplete beta function (continued fraction,
 * Lentz's method; Press et al., Numerical Recipes 3rd ed., §6.4) and the quantile by bisection on it.
 */

import { incompleteBeta } from "./special-functions.js";

export { incompleteBeta };

/** P(T ≤ t) for T ~ t(ν). */
export function studentTCdf(t: number, nu: number): number {
  const tail = 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of t(ν) (0 < p < 1), to 1e-10. */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1) || !(nu > 0)) return NaN;
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, nu) > p) lo *= 2;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
