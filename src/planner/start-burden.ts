/** The tumor burden on day 0 of a plan: the scans' estimate against the personalized model's start. */
import type { Evaluation } from "../clinic/evaluate.js";

/** The tumor burden on day 0: the evaluation's estimate from the scans, and the personalized model's start. */
export interface StartBurden {
  /** The latest scan on or before the plan's date, read as `evaluate` reads it (src/clinic/evaluate.ts caseBurden). */
  readonly scan: Evaluation["burden"];
  /** Tumor cells on day 0 in the personalized model (posterior median and 95 % interval). */
  readonly model: { readonly median: number; readonly lower95: number; readonly upper95: number };
  /** Whether the model's median agrees with the scan (within a factor of 10, or under the detection bound). */
  readonly consistent: boolean;
  readonly message: string;
}

/** A factor 10 in cells is a factor 2.15 in diameter [assumption: beyond it the two estimates disagree]. */
export const BURDEN_AGREEMENT_FACTOR = 10;

export function startBurden(scan: Evaluation["burden"], model: StartBurden["model"]): StartBurden {
  const m = model.median.toExponential(2);
  if (scan.cells === null)
    return { scan, model, consistent: true, message: `no measured scan: the model starts at ${m} cells` };
  const s = scan.cells.toExponential(2);
  const consistent =
    scan.window === "below detection"
      ? model.median <= scan.cells
      : model.median <= scan.cells * BURDEN_AGREEMENT_FACTOR &&
        model.median >= scan.cells / BURDEN_AGREEMENT_FACTOR;
  const reading =
    scan.window === "below detection"
      ? `below imaging detection (at most ~${s} cells) on ${scan.date}`
      : `~${s} cells (${scan.window}) on ${scan.date}`;
  return {
    scan,
    model,
    consistent,
    message: consistent
      ? `Tumor burden on day 0: the scans say ${reading}; the model starts at ${m} cells (median), in agreement.`
      : `Tumor burden disagrees: the scans say ${reading}, the personalized model starts at ${m} cells (median; 95 % ${model.lower95.toExponential(1)}–${model.upper95.toExponential(1)}) — its predictions start from a burden the latest scan does not show; read the ranking with that in mind.`,
  };
}
