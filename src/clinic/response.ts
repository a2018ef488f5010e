/**
 * The tumor response of a case for its current line of treatment: RECIST 1.1 and iRECIST against the right
 * baseline. The baseline of a line is the last scan on or before the day the line started (a new plan is not
 * compared with the scans before an older line); with no scan before the line, the first scan is the baseline.
 */
import type { CaseRecord } from "./case-schema.js";
import { irecistBest, irecistTimepoints, type IrecistBest, type IrecistTimepoint } from "./irecist.js";
import { irrcTimepoints, type IrrcTimepoint } from "./irrc.js";
import {
  bestOverallResponse,
  recistTimepoints,
  type Assessment,
  type BestOverallResponse,
  type BestResponseOptions,
  type TimepointResponse,
} from "./recist.js";

export interface ResponseOptions extends BestResponseOptions {
  /** Start dates (ISO) of the lines of treatment: plans started, treatments in the record. */
  readonly lineStarts?: readonly string[];
}

export interface LineResponse {
  /** Start of the line the response is measured for; null when no line start precedes the last scan. */
  readonly lineStart: string | null;
  readonly baseline: { readonly date: string; readonly label?: string; readonly sumMm: number | null };
  /** Why this scan is the baseline. */
  readonly baselineReason: string;
  readonly recist: { readonly timepoints: TimepointResponse[]; readonly best: BestOverallResponse };
  readonly irecist: {
    readonly timepoints: Omit<IrecistTimepoint, "recist">[];
    readonly best: IrecistBest;
  };
  /** Immune-related response criteria, unidimensional (irrc.ts): new lesions add to the burden. */
  readonly irrc: { readonly timepoints: IrrcTimepoint[] };
}

const day = (d: string) => d.slice(0, 10);

/** The scans of the current line: its baseline and every later scan (oldest first). */
export function assessmentsForLine(
  assessments: readonly Assessment[],
  lineStarts: readonly string[] = [],
): { lineStart: string | null; assessments: Assessment[]; reason: string } {
  const sorted = [...assessments].sort((a, b) => a.date.localeCompare(b.date));
  if (sorted.length === 0) return { lineStart: null, assessments: [], reason: "no scan" };
  const last = sorted[sorted.length - 1].date;
  // the latest line that started before the last scan (a line starting after every scan has no follow-up yet)
  const starts = [...new Set(lineStarts.map(day))].filter((s) => s < last).sort();
  const lineStart = starts.at(-1) ?? null;
  if (lineStart === null)
    return {
      lineStart,
      assessments: sorted,
      reason: "the first scan (no line of treatment starts before it)",
    };
  let k = -1;
  sorted.forEach((a, i) => {
    if (a.date <= lineStart) k = i;
  });
  if (k < 0)
    return {
      lineStart,
      assessments: sorted,
      reason: `the first scan: no scan on or before the line's start on ${lineStart}`,
    };
  return {
    lineStart,
    assessments: sorted.slice(k),
    reason: `the last scan on or before the line's start on ${lineStart}`,
  };
}

/** Sum of the baseline's target lesions (mm), null if one is unmeasured. */
function baselineSum(a: Assessment): number | null {
  let s = 0;
  for (const l of a.lesions.filter((x) => x.role === "target")) {
    if (l.diameterMm === undefined || !Number.isFinite(l.diameterMm)) return null;
    s += l.diameterMm;
  }
  return Math.round(s * 1e4) / 1e4;
}

/** RECIST 1.1, iRECIST and irRC for the current line, or null with fewer than two scans in it. */
export function lineResponse(
  assessments: readonly Assessment[],
  opts: ResponseOptions = {},
): LineResponse | null {
  const line = assessmentsForLine(assessments, opts.lineStarts);
  const a = line.assessments;
  if (a.length < 2) return null;
  const tps = recistTimepoints(a);
  const itps = irecistTimepoints(a);
  return {
    lineStart: line.lineStart,
    baseline: { date: a[0].date, label: a[0].label, sumMm: baselineSum(a[0]) },
    baselineReason: line.reason,
    recist: {
      timepoints: tps,
      best: bestOverallResponse(a[0].date, tps, { ...opts, referenceDate: opts.referenceDate ?? a[0].date }),
    },
    irecist: { timepoints: itps.map(({ recist: _r, ...rest }) => rest), best: irecistBest(itps) },
    irrc: { timepoints: irrcTimepoints(a) },
  };
}

/** Start dates of the lines of treatment in the record (medication and radiotherapy with a start date). */
export function recordLineStarts(c: CaseRecord): string[] {
  return c.treatments
    .filter((t) => (t.kind === "medication" || t.kind === "radiotherapy") && t.start)
    .map((t) => day(t.start!));
}
