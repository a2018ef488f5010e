/**
 * RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228–247) over an imaging timeline: sums of diameters,
 * nadir, target / non-target / new-lesion responses, the overall time-point response and the best overall
 * response with confirmation. Rules as in shared/research/clinical.md §2.1.
 */
import { daysBetween, deriveBor, deriveConfirmedBor, type BorOptions } from "./best-response.js";

export type TargetResponse = "CR" | "PR" | "SD" | "PD" | "NE";
export type NonTargetResponse = "CR" | "NON-CR/NON-PD" | "PD" | "NE" | "NONE";
export type OverallResponse = "CR" | "PR" | "SD" | "PD" | "NE" | "NON-CR/NON-PD";

export interface LesionMeasurement {
  readonly lesionId: string;
  readonly role: "target" | "non-target" | "new";
  /** Lymph node: measured by short axis, and a "CR" node is < 10 mm. */
  readonly nodal: boolean;
  /** Target lesions: longest diameter (non-nodal) or short axis (nodal), mm; 0 when it disappeared. */
  readonly diameterMm?: number;
  /**
   * Non-target and new lesions. "further-increase": increased again since the previous assessment (the iRECIST
   * "INCLA" qualifier); RECIST 1.1 reads it as unequivocal progression.
   */
  readonly state?: "present" | "absent" | "unequivocal-progression" | "further-increase";
}

export interface Assessment {
  /** ISO date (a partial date such as 2014-02 is allowed). */
  readonly date: string;
  readonly label?: string;
  readonly lesions: readonly LesionMeasurement[];
}

export interface TimepointResponse {
  readonly date: string;
  readonly label?: string;
  /** Sum of diameters of the target lesions measured at this time point (mm), or null if any is missing. */
  readonly sumMm: number | null;
  readonly changeFromBaselinePct: number | null;
  readonly changeFromNadirPct: number | null;
  readonly changeFromNadirMm: number | null;
  readonly nadirMm: number | null;
  readonly target: TargetResponse | "NONE";
  readonly nonTarget: NonTargetResponse;
  readonly newLesions: boolean;
  readonly overall: OverallResponse;
}

export interface BestOverallResponse {
  /** Best response, confirmation not required; SD and NON-CR/NON-PD only ≥ `minSdDays` from the reference date. */
  readonly response: OverallResponse | "NE";
  /** Confirmed: CR/PR need the same or better response ≥ `confirmDays` later; SD needs `minSdDays` from baseline. */
  readonly confirmed: OverallResponse | "NE";
  /** Date of the assessment that gave `response`. */
  readonly date: string | null;
  /** Date of the assessment that gave `confirmed`. */
  readonly confirmedDate?: string | null;
  /** The settings used (days). */
  readonly minSdDays?: number;
  readonly confirmDays?: number;
}

/**
 * Percent changes and millimetre differences are compared on values rounded to 0.001 % and 0.001 mm, so that
 * floating-point artefacts (25.5 → 30.6 giving 19.999…%) do not change a category.
 */
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function recistTimepoints(assessments: readonly Assessment[]): TimepointResponse[] {
  if (assessments.length === 0) return [];
  const baseline = assessments[0];
  const targetIds = baseline.lesions.filter((l) => l.role === "target").map((l) => l.lesionId);
  const nonTargetIds = baseline.lesions.filter((l) => l.role === "non-target").map((l) => l.lesionId);
  const sumOf = (a: Assessment): number | null => {
    let s = 0;
    for (const id of targetIds) {
      const m = a.lesions.find((l) => l.lesionId === id && l.role === "target");
      if (!m || m.diameterMm === undefined || !Number.isFinite(m.diameterMm)) return null;
      s += m.diameterMm;
    }
    return round(s, 4);
  };
  const baseSum = sumOf(baseline);
  let nadir = baseSum;
  const out: TimepointResponse[] = [];
  // RECIST working group FAQ ("Does a new lesion always result in PD?"): a lesion that reappears is PD only when
  // an overall CR was definitively (confirmed) assigned before; after an unconfirmed CR the usual thresholds apply.
  let crStreak = 0;
  for (let k = 1; k < assessments.length; k++) {
    const a = assessments[k];
    const sum = sumOf(a);
    // target response
    let target: TargetResponse | "NONE" = targetIds.length === 0 ? "NONE" : "NE";
    let fromBase: number | null = null;
    let fromNadirPct: number | null = null;
    let fromNadirMm: number | null = null;
    if (targetIds.length > 0 && baseSum !== null) {
      const present = targetIds.map((id) => a.lesions.find((l) => l.lesionId === id && l.role === "target"));
      const partial = present.reduce((s, m) => s + (m?.diameterMm ?? 0), 0);
      // a partial sum that already exceeds the PD threshold is PD even with missing measurements
      const sumForPd = sum ?? partial;
      if (nadir !== null) {
        fromNadirMm = round(sumForPd - nadir);
        fromNadirPct = nadir > 0 ? round(((sumForPd - nadir) / nadir) * 100) : null;
      }
      const reappeared =
        crStreak >= 2 &&
        present.some((m) => m?.diameterMm !== undefined && (m.nodal ? m.diameterMm >= 10 : m.diameterMm > 0));
      const pd =
        reappeared ||
        (nadir !== null &&
          fromNadirMm !== null &&
          fromNadirMm >= 5 &&
          (nadir === 0 || (fromNadirPct ?? 0) >= 20));
      if (sum !== null) fromBase = baseSum > 0 ? round(((sum - baseSum) / baseSum) * 100) : null;
      if (pd) target = "PD";
      else if (sum !== null) {
        const allGone = present.every(
          (m) => m !== undefined && (m.nodal ? m.diameterMm! < 10 : m.diameterMm === 0),
        );
        if (allGone) target = "CR";
        else if (fromBase !== null && fromBase <= -30) target = "PR";
        else target = "SD";
      }
      if (sum === null) fromBase = null;
    }
    // non-target response
    let nonTarget: NonTargetResponse = nonTargetIds.length === 0 ? "NONE" : "NE";
    if (nonTargetIds.length > 0) {
      const states = nonTargetIds.map((id) =>
        a.lesions.find((l) => l.lesionId === id && l.role === "non-target"),
      );
      if (states.some((m) => m?.state === "unequivocal-progression" || m?.state === "further-increase"))
        nonTarget = "PD";
      else if (states.some((m) => m === undefined || m.state === undefined)) nonTarget = "NE";
      else if (states.every((m) => m!.state === "absent")) nonTarget = "CR";
      else nonTarget = "NON-CR/NON-PD";
    }
    const newLesions = a.lesions.some((l) => l.role === "new" && l.state !== "absent");
    const overall = overallResponse(target, nonTarget, newLesions);
    out.push({
      date: a.date,
      label: a.label,
      sumMm: sum,
      changeFromBaselinePct: fromBase,
      changeFromNadirPct: fromNadirPct,
      changeFromNadirMm: fromNadirMm,
      nadirMm: nadir,
      target,
      nonTarget,
      newLesions,
      overall,
    });
    if (sum !== null && (nadir === null || sum < nadir)) nadir = sum;
    if (overall !== "NE") crStreak = overall === "CR" ? crStreak + 1 : 0;
  }
  return out;
}

/** The overall time-point response table of RECIST 1.1 (measurable and non-target-only disease). */
export function overallResponse(
  target: TargetResponse | "NONE",
  nonTarget: NonTargetResponse,
  newLesions: boolean,
): OverallResponse {
  if (newLesions || target === "PD" || nonTarget === "PD") return "PD";
  if (target === "NONE") {
    if (nonTarget === "CR") return "CR";
    if (nonTarget === "NON-CR/NON-PD") return "NON-CR/NON-PD";
    return "NE";
  }
  if (target === "CR") return nonTarget === "CR" || nonTarget === "NONE" ? "CR" : "PR";
  if (target === "PR") return nonTarget === "NE" ? "PR" : "PR";
  if (target === "SD") return "SD";
  return "NE";
}

/** Days from date a to date b (ISO; a partial date means the middle of its month or year). */
export { daysBetween };

export interface BestResponseOptions {
  /** Confirmation of CR / PR: the confirming assessment ≥ this many days later. Default 28 (4 weeks). */
  readonly confirmDays?: number;
  /**
   * Minimum duration for SD (protocol-defined, usually 6–8 weeks), days from `referenceDate`. Default 42: an SD or
   * NON-CR/NON-PD earlier than this is NE.
   */
  readonly minSdDays?: number;
  /** Where the minimum duration for SD is counted from. Default: the baseline scan's date. */
  readonly referenceDate?: string;
  /** NE assessments accepted between a response and its confirmation. Default 1 (admiralonco). */
  readonly maxNe?: number;
  /** Accept one SD between a PR and its confirmation. Default false (admiralonco). */
  readonly acceptSd?: boolean;
}

/**
 * Best overall response (confirmation not required) and confirmed best overall response over the time points,
 * with admiralonco's rules (see best-response.ts): assessments up to the first PD; SD and NON-CR/NON-PD only
 * ≥ minSdDays after the reference date (earlier: NE, so an early SD then PD is PD and a lone early SD is NE);
 * CR/PR confirmed by a CR/PR ≥ confirmDays later.
 */
export function bestOverallResponse(
  baselineDate: string,
  timepoints: readonly TimepointResponse[],
  opts: BestResponseOptions = {},
): BestOverallResponse {
  const o: BorOptions = {
    referenceDate: opts.referenceDate ?? baselineDate,
    minSdDays: opts.minSdDays ?? 42,
    confirmDays: opts.confirmDays ?? 28,
    maxNe: opts.maxNe,
    acceptSd: opts.acceptSd,
  };
  const records = timepoints.map((t) => ({ date: t.date, response: t.overall }));
  const bor = deriveBor(records, o);
  const cbor = deriveConfirmedBor(records, o);
  return {
    response: bor.response as OverallResponse,
    confirmed: cbor.response as OverallResponse,
    date: bor.date,
    confirmedDate: cbor.date,
    minSdDays: o.minSdDays!,
    confirmDays: o.confirmDays!,
  };
}
