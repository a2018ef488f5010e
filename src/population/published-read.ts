/**
 * How a published number reads the simulated scans: at its analysis' data cut and with its own response criteria,
 * when they differ from the trial's full follow-up and assessment criteria (a first report read at week 34; a
 * 5-year analysis read with irRC). The same simulated courses are evaluated once per distinct read.
 */
import type { EvaluationSettings } from "./patient-outcome.js";
import type { PublishedEndpoint } from "./trial-schema.js";
import type { ResponseCriteria } from "./types.js";

export interface Read {
  /** Only the scans up to this day are read. */
  readonly cutDay?: number;
  /** Criteria other than the assessment's. */
  readonly criteria?: ResponseCriteria;
}

/**
 * The read of a published number, or undefined when it reads the trial as its assessment does. A data cut at or
 * after `followUpDays` is no cut (the calibration's rule; the trial report passes Infinity and keeps every cut).
 */
export function readOf(
  p: PublishedEndpoint,
  criteria: ResponseCriteria,
  followUpDays: number,
): Read | undefined {
  const cutDay =
    p.data_cut_weeks !== undefined && p.data_cut_weeks * 7 < followUpDays ? p.data_cut_weeks * 7 : undefined;
  const own = p.criteria !== undefined && p.criteria !== criteria ? p.criteria : undefined;
  if (cutDay === undefined && own === undefined) return undefined;
  return { ...(cutDay !== undefined ? { cutDay } : {}), ...(own !== undefined ? { criteria: own } : {}) };
}

export const readKey = (r: Read): string => `${r.cutDay ?? ""}|${r.criteria ?? ""}`;

/** The distinct reads of a list (in first-seen order). */
export function distinctReads(reads: readonly (Read | undefined)[]): Read[] {
  const seen = new Map<string, Read>();
  for (const r of reads) if (r && !seen.has(readKey(r))) seen.set(readKey(r), r);
  return [...seen.values()];
}

/**
 * The evaluation settings of a trial's assessment block (criteria, confirmation, minimum time for SD, enrolment
 * period), shared by `trial simulate` and the calibration.
 */
export const assessmentSettings = (a: {
  readonly criteria: ResponseCriteria;
  readonly confirm: boolean;
  readonly min_sd_weeks?: number;
  readonly accrual_weeks?: number;
}): EvaluationSettings => ({
  criteria: a.criteria,
  confirm: a.confirm,
  minSdDays: (a.min_sd_weeks ?? 6) * 7,
  ...(a.accrual_weeks ? { accrualDays: a.accrual_weeks * 7 } : {}),
});

export const readSettings = (base: EvaluationSettings, r: Read): EvaluationSettings => ({
  ...base,
  ...(r.cutDay !== undefined ? { cutDay: r.cutDay } : {}),
  ...(r.criteria !== undefined ? { criteria: r.criteria } : {}),
});

export const CRITERIA_LABEL: Readonly<Record<string, string>> = {
  "recist1.1": "RECIST 1.1",
  irecist: "iRECIST",
  irrc: "irRC",
  lugano2014: "Lugano 2014",
};

/** How a published number read the scans, when the file says: " (week 34)", " (irRC)", " (week 34, irRC)". */
export const readLabel = (c: { readonly data_cut_weeks?: number | null; readonly criteria?: string }) => {
  const parts = [
    ...(c.data_cut_weeks ? [`week ${c.data_cut_weeks}`] : []),
    ...(c.criteria ? [CRITERIA_LABEL[c.criteria] ?? c.criteria] : []),
  ];
  return parts.length ? ` (${parts.join(", ")})` : "";
};
