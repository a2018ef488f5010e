import type { DoseSpec } from "../engine/language/index.js";

/**
 * Radiotherapy by the linear-quadratic (LQ) model: a fraction of d Gy given at once multiplies a cell
 * population by its surviving fraction SF = exp(−α·d − β·d²); with full repair between fractions n fractions
 * give exp(−n(α·d + β·d²)). Biologically effective dose BED = n·d·(1 + d/(α/β)). (models.md §10.)
 */
export function survivingFraction(alpha: number, beta: number, dose: number): number {
  if (!(alpha >= 0 && beta >= 0 && dose >= 0)) throw new RangeError("alpha, beta and dose must be ≥ 0");
  return Math.exp(-alpha * dose - beta * dose * dose);
}

export function biologicallyEffectiveDose(
  fractions: number,
  dosePerFraction: number,
  alphaOverBeta: number,
): number {
  if (!(alphaOverBeta > 0)) throw new RangeError("alpha/beta must be > 0");
  return fractions * dosePerFraction * (1 + dosePerFraction / alphaOverBeta);
}

/** Textbook LQ constants [K — not re-verified; models.md §10]: α/β in Gy, α in 1/Gy. */
export const LQ_TEXTBOOK = {
  tumorAlphaBeta: { value: 10, unit: "Gy", source: "[K] early-responding tissue and most tumors" },
  lateTissueAlphaBeta: { value: 3, unit: "Gy", source: "[K] late-responding normal tissue" },
  prostateAlphaBeta: { value: 1.5, unit: "Gy", source: "[K] prostate cancer" },
  tumorAlphaRange: { value: [0.1, 0.5], unit: "1/Gy", source: "[K] common range" },
} as const;

export interface FractionationPlan {
  /** States hit by the beam, each with its own radiosensitivity. */
  readonly targets: readonly { readonly state: string; readonly alpha: number; readonly beta: number }[];
  readonly dosePerFraction: number;
  /** Times of the fractions (e.g. days 1–5 of each week). */
  readonly times: readonly number[];
  readonly label?: string;
}

/** The LQ jumps of a fractionation plan as model doses (`multiply`), one per target and fraction. */
export function fractionationDoses(plan: FractionationPlan): DoseSpec[] {
  const out: DoseSpec[] = [];
  for (const at of plan.times) {
    for (const t of plan.targets) {
      out.push({
        kind: "scale",
        state: t.state,
        factor: survivingFraction(t.alpha, t.beta, plan.dosePerFraction),
        at,
        label: plan.label ?? "radiotherapy",
      });
    }
  }
  return out;
}
