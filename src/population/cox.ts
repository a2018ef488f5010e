/**
 * The Cox proportional-hazards model with one binary covariate (the arm), fitted by Newton–Raphson on the
 * partial likelihood with Efron's (default) or Breslow's handling of tied event times; the hazard ratio with its
 * Wald interval. Checked against R survival 3.5.3 coxph (cox.test.ts).
 */
import { normalQuantile } from "./statistics.js";

export interface ArmObservation {
  readonly time: number;
  readonly event: boolean;
  /** 1 for the experimental arm, 0 for the reference arm. */
  readonly x: 0 | 1;
}

export interface HazardRatio {
  readonly value: number;
  readonly ci: [number, number];
  readonly beta: number;
  readonly se: number;
  readonly ties: "efron" | "breslow";
  readonly iterations: number;
}

interface Terms {
  loglik: number;
  score: number;
  information: number;
}

function partialLikelihood(
  times: readonly { time: number; event: boolean; x: number }[],
  beta: number,
  ties: "efron" | "breslow",
): Terms {
  // times sorted descending: the risk set at t is everything seen so far (time ≥ t)
  let s0 = 0;
  let s1 = 0;
  let loglik = 0;
  let score = 0;
  let information = 0;
  const w = Math.exp(beta);
  for (let i = 0; i < times.length;) {
    const t = times[i].time;
    let d = 0;
    let dx = 0; // Σ_D x
    let e0 = 0; // Σ_D e^{βx}
    let e1 = 0; // Σ_D x e^{βx}
    while (i < times.length && times[i].time === t) {
      const r = times[i];
      const ri = r.x === 1 ? w : 1;
      s0 += ri;
      s1 += r.x * ri;
      if (r.event) {
        d++;
        dx += r.x;
        e0 += ri;
        e1 += r.x * ri;
      }
      i++;
    }
    if (d === 0) continue;
    loglik += beta * dx;
    score += dx;
    for (let l = 0; l < d; l++) {
      const f = ties === "efron" ? l / d : 0;
      const a0 = s0 - f * e0;
      const a1 = s1 - f * e1;
      const m = a1 / a0;
      loglik -= Math.log(a0);
      score -= m;
      information += m - m * m; // x binary: S2 = S1
    }
  }
  return { loglik, score, information };
}

/**
 * Hazard ratio of arm x = 1 against arm x = 0. Null when it is not estimable (no events, a single arm, or the
 * maximum-likelihood estimate at infinity because one arm has no events).
 */
export function coxHazardRatio(
  data: readonly ArmObservation[],
  opts: { ties?: "efron" | "breslow"; level?: number } = {},
): HazardRatio | null {
  const ties = opts.ties ?? "efron";
  const level = opts.level ?? 0.95;
  const sorted = [...data].sort((a, b) => b.time - a.time);
  const ev = (x: number) => sorted.some((r) => r.event && r.x === x);
  if (!ev(0) || !ev(1)) return null;
  let beta = 0;
  let cur = partialLikelihood(sorted, beta, ties);
  let iterations = 0;
  for (; iterations < 50; iterations++) {
    if (cur.information <= 0) return null;
    let step = cur.score / cur.information;
    let next = partialLikelihood(sorted, beta + step, ties);
    for (let h = 0; h < 30 && next.loglik < cur.loglik - 1e-12; h++) {
      step /= 2;
      next = partialLikelihood(sorted, beta + step, ties);
    }
    beta += step;
    cur = next;
    if (Math.abs(step) < 1e-10) break;
  }
  if (!Number.isFinite(beta) || Math.abs(beta) > 30 || cur.information <= 0) return null;
  const se = 1 / Math.sqrt(cur.information);
  const z = normalQuantile(1 - (1 - level) / 2);
  return {
    value: Math.exp(beta),
    ci: [Math.exp(beta - z * se), Math.exp(beta + z * se)],
    beta,
    se,
    ties,
    iterations,
  };
}
