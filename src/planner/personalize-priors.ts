/** The planning priors as the sampler uses them: coordinates, log density, draws and a description. */
import { standardNormal } from "../engine/statistics.js";
import type { PlanningPrior } from "./planning-data.js";

/**
 * The sampler works on unbounded coordinates: log v for positive priors, logit of the position inside the range
 * for uniform ones (so that the chains never stick at a bound).
 */
export function toNatural(p: PlanningPrior, x: number): number {
  if (p.distribution === "uniform") return p.lower + (p.upper - p.lower) / (1 + Math.exp(-x));
  return Math.exp(x);
}

export function toSampler(p: PlanningPrior, v: number): number {
  if (p.distribution === "uniform") {
    const u = (v - p.lower) / (p.upper - p.lower);
    return Math.log(u / (1 - u));
  }
  return Math.log(v);
}

/** The prior's log density in the sampler's coordinate x (Jacobian included). */
export function logPrior(p: PlanningPrior, x: number): number {
  if (p.distribution === "uniform") {
    // uniform in v: density ∝ dv/dx = σ(x)(1 − σ(x))
    const s = 1 / (1 + Math.exp(-x));
    return Math.log(s) + Math.log(1 - s);
  }
  const v = Math.exp(x);
  if (!(v >= p.lower && v <= p.upper)) return -Infinity;
  if (p.distribution === "loguniform") return 0;
  const z = (x - Math.log(p.median)) / p.sd_log;
  return -0.5 * z * z;
}

export function describePrior(p: PlanningPrior): string {
  switch (p.distribution) {
    case "uniform":
      return `uniform ${p.lower}–${p.upper}`;
    case "loguniform":
      return `log-uniform ${p.lower}–${p.upper.toExponential(0)}`;
    case "lognormal":
      return `log-normal, median ${p.median}, sd(log) ${p.sd_log}, within ${p.lower}–${p.upper}`;
  }
}

/** A draw from a prior (module parameters that the tumor's growth cannot inform). */
export function drawPrior(p: PlanningPrior, rand: () => number): number {
  switch (p.distribution) {
    case "uniform":
      return p.lower + (p.upper - p.lower) * rand();
    case "loguniform":
      return Math.exp(Math.log(p.lower) + (Math.log(p.upper) - Math.log(p.lower)) * rand());
    case "lognormal":
      for (;;) {
        const v = p.median * Math.exp(p.sd_log * standardNormal(rand));
        if (v >= p.lower && v <= p.upper) return v;
      }
  }
}
