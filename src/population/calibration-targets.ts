/**
 * What a published end point asks of the calibration (calibrate.ts): the per-patient indicator whose weighted mean
 * it is, its target value and its tolerance.
 */
import { logOrSd, toInvestigator, type ReviewEffect } from "./central-review.js";
import { isResponder, type PatientOutcome } from "./patient-outcome.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";

/** Model-discrepancy floor of every tolerance, in quadrature (CALIBRATION_METHOD). */
export const DISCREPANCY = 0.03;

/** The indicator a published end point averages over patients, or null when it is not a proportion of patients. */
export function feature(endpoint: string, value: number): ((o: PatientOutcome) => number) | null {
  switch (endpoint) {
    case "ORR":
      return (o) => (isResponder(o) ? 1 : 0);
    case "CR":
      return (o) => (o.bor === "CR" ? 1 : 0);
    case "DCR":
      return (o) => (o.bor === "CR" || o.bor === "PR" || o.bor === "SD" || o.bor === "NON-CR/NON-PD" ? 1 : 0);
    case "DRR":
      return (o) => (o.durable ? 1 : 0);
    case "median_PFS_months":
      return (o) => (o.pfsDays > value * DAYS_PER_MONTH ? 1 : 0);
  }
  const lm = LANDMARK.exec(endpoint);
  if (lm && lm[1] === "PFS") {
    const d = Number(lm[2]) * DAYS_PER_MONTH;
    return (o) => (o.pfsDays > d ? 1 : 0);
  }
  return null;
}

/**
 * Target value of the feature's mean (a median becomes PFS(median) = 0.5). A centrally reviewed proportion is
 * aimed at on the investigator scale the simulation reads in (central-review.ts).
 */
export function targetOf(p: PublishedEndpoint, review: ReviewEffect | null = null): number {
  if (p.endpoint === "median_PFS_months") return 0.5;
  return review ? toInvestigator(p.value, review) : p.value;
}

export function sigmaOf(p: PublishedEndpoint, n: number, review: ReviewEffect | null = null): number {
  let se: number;
  const scale = (x: number) => (review ? toInvestigator(x, review) : x);
  if (p.ci && p.endpoint !== "median_PFS_months" && p.ci[1] !== null) {
    const z = (p.ci_level ?? 0.95) >= 0.95 ? 3.92 : 3.29;
    se = (scale(p.ci[1]) - scale(p.ci[0])) / z;
  } else {
    const t = targetOf(p, review);
    se = Math.sqrt(Math.max(t * (1 - t), 0.01) / Math.max(n, 1));
  }
  if (p.certainty && /\[(H|M)\]|^(H|M)$/.test(p.certainty)) se *= 1.5;
  // the odds ratio's own uncertainty, on the proportion scale (delta method)
  if (review) {
    const t = targetOf(p, review);
    se = Math.hypot(se, t * (1 - t) * logOrSd(review));
  }
  return Math.sqrt(se * se + DISCREPANCY * DISCREPANCY);
}
