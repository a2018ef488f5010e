/**
 * Who read the scans. Blinded independent central review (BICR, IRC, IRO) reports fewer responses than the
 * trials' own investigators: Zhang J, et al. Ann Transl Med 2018;6(5):89 (28 phase III trials of solid tumours,
 * 17,466 patients), odds ratio of a central-assessed to a locally assessed response: ORR 0.81 (95 % CI 0.76–0.87)
 * in experimental arms and 0.79 (0.72–0.85) in control arms; DCR 0.90 (0.81–1.01) in experimental arms. The
 * simulated trials read scans as investigators do (reader variability of Yoon 2016, no review committee): a
 * published number of a centrally reviewed trial is set against the simulated one moved to the central scale by
 * that odds ratio (and the calibration aims the investigator-scale value at the published one moved back).
 * Progression (PFS) shows no systematic difference (Amit O, et al. Eur J Cancer 2011;47:1772) and is not moved;
 * no figure was found for CR alone, which is not moved either.
 */
import type { PublishedEndpoint } from "./trial-schema.js";

export interface ReviewEffect {
  /** Odds ratio central : investigator. */
  readonly or: number;
  /** Its 95 % CI. */
  readonly ci: readonly [number, number];
  readonly source: string;
}

const SOURCE = "Zhang J, et al. Ann Transl Med 2018;6(5):89 (pooled phase III trials)";
/** [Immunoplan choice: 0.80, between the experimental (0.81) and control (0.79) arms' pooled odds ratios.] */
export const CENTRAL_REVIEW: Readonly<Record<string, ReviewEffect>> = {
  ORR: { or: 0.8, ci: [0.72, 0.87], source: SOURCE },
  DCR: { or: 0.9, ci: [0.81, 1.01], source: SOURCE },
};

/** Whether a reviewer names a central or independent review (BICR, IRC, IRO), rather than the investigators. */
export function isCentralReview(reviewer: string | undefined): boolean {
  return reviewer !== undefined && /central|independent|blinded|\bBICR\b|\bIRC\b|\bIRO\b/i.test(reviewer);
}

/** The review effect that applies to a published number of a trial whose assessment names `reviewer`, or null. */
export function reviewEffect(
  p: PublishedEndpoint,
  assessmentReviewer: string | undefined,
): ReviewEffect | null {
  if (!isCentralReview(p.reviewer ?? assessmentReviewer)) return null;
  return CENTRAL_REVIEW[p.endpoint] ?? null;
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));

/** An investigator-read proportion on the central scale (odds × OR). */
export const toCentral = (p: number, e: ReviewEffect): number => expit(logit(clamp(p)) + Math.log(e.or));
/** A centrally reviewed proportion on the investigator scale (odds ÷ OR). */
export const toInvestigator = (p: number, e: ReviewEffect): number => expit(logit(clamp(p)) - Math.log(e.or));
/** SD of ln OR from its 95 % CI. */
export const logOrSd = (e: ReviewEffect): number => (Math.log(e.ci[1]) - Math.log(e.ci[0])) / 3.92;
