/**
 * Immune-related response criteria (irRC) in their unidimensional form: Wolchok JD, et al. Clin Cancer Res
 * 2009;15:7412–20 (the criteria, bidimensional) as measured with RECIST's longest diameters by Nishino M, et al.
 * Clin Cancer Res 2013;19:3936–43 (unidimensional irRC, highly concordant with the bidimensional form), with the
 * thresholds of irRECIST (Bohnsack O, et al. Ann Oncol 2014;25(suppl 4):iv369).
 *
 * - The total measured tumor burden is the sum of the baseline target lesions' diameters plus, at each later
 *   assessment, the diameters of the new measurable lesions (≥ 10 mm; lymph nodes ≥ 15 mm short axis), at most
 *   five of them (the largest). A new lesion is not progression by itself: it adds to the burden.
 * - irCR: every target lesion gone (nodes < 10 mm), every non-target lesion absent, no new lesion.
 * - irPR: burden ≥ 30 % below the baseline burden.
 * - irPD: burden ≥ 20 % and ≥ 5 mm above the nadir (the smallest burden so far, baseline included); it is
 *   confirmed by the next assessment at least 4 weeks later that is still ≥ 20 % and ≥ 5 mm above that nadir. A
 *   non-target lesion's growth and new non-measurable lesions do not define irPD.
 * - irSD otherwise; NE when a target lesion was not measured.
 */
import { daysBetween } from "./best-response.js";
import type { Assessment, LesionMeasurement } from "./recist.js";

export type IrrcResponse = "irCR" | "irPR" | "irSD" | "irPD" | "NE";

export interface IrrcTimepoint {
  readonly date: string;
  readonly label?: string;
  /** Total measured tumor burden (mm): targets plus new measurable lesions; null when a target is missing. */
  readonly burdenMm: number | null;
  /** The new measurable lesions' part of the burden (mm). */
  readonly newMeasurableMm: number;
  readonly changeFromBaselinePct: number | null;
  readonly changeFromNadirPct: number | null;
  readonly response: IrrcResponse;
  /**
   * For irPD: true when the next assessment ≥ minConfirmDays later is irPD against the same nadir, false when it
   * is not, null when there is no such assessment (yet). Null for every other response.
   */
  readonly confirmed: boolean | null;
}

export interface IrrcOptions {
  /** A scan earlier than this after irPD cannot confirm it (days). Default 28. */
  readonly minConfirmDays?: number;
  /** New measurable lesions counted in the burden. Default 5. */
  readonly maxNewLesions?: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const PR_PCT = -30;
const PD_PCT = 20;
const PD_MM = 5;

const measurableNew = (l: LesionMeasurement): boolean =>
  l.role === "new" &&
  l.state !== "absent" &&
  l.diameterMm !== undefined &&
  Number.isFinite(l.diameterMm) &&
  l.diameterMm >= (l.nodal ? 15 : 10);

const isPd = (burden: number, nadir: number): boolean =>
  round(burden - nadir) >= PD_MM && (nadir === 0 || round(((burden - nadir) / nadir) * 100) >= PD_PCT);

export function irrcTimepoints(assessments: readonly Assessment[], opts: IrrcOptions = {}): IrrcTimepoint[] {
  if (assessments.length === 0) return [];
  const minConfirm = opts.minConfirmDays ?? 28;
  const maxNew = opts.maxNewLesions ?? 5;
  const baseline = assessments[0];
  const targetIds = baseline.lesions.filter((l) => l.role === "target").map((l) => l.lesionId);
  const nonTargetIds = baseline.lesions.filter((l) => l.role === "non-target").map((l) => l.lesionId);
  const targetSum = (a: Assessment): number | null => {
    if (targetIds.length === 0) return null;
    let s = 0;
    for (const id of targetIds) {
      const m = a.lesions.find((l) => l.lesionId === id && l.role === "target");
      if (!m || m.diameterMm === undefined || !Number.isFinite(m.diameterMm)) return null;
      s += m.diameterMm;
    }
    return s;
  };
  const base = targetSum(baseline);
  let nadir = base;
  const raw: { burden: number | null; newMm: number; nadirBefore: number | null; response: IrrcResponse }[] =
    [];
  for (let k = 1; k < assessments.length; k++) {
    const a = assessments[k];
    const targets = targetSum(a);
    const news = a.lesions
      .filter(measurableNew)
      .map((l) => l.diameterMm!)
      .sort((x, y) => y - x)
      .slice(0, maxNew);
    const newMm = round(
      news.reduce((s, d) => s + d, 0),
      4,
    );
    const burden = targets === null ? null : round(targets + newMm, 4);
    let response: IrrcResponse = "NE";
    if (burden !== null && base !== null && nadir !== null) {
      const targetsGone = targetIds.every((id) => {
        const m = a.lesions.find((l) => l.lesionId === id && l.role === "target")!;
        return m.nodal ? m.diameterMm! < 10 : m.diameterMm === 0;
      });
      const nonTargetsGone = nonTargetIds.every(
        (id) => a.lesions.find((l) => l.lesionId === id && l.role === "non-target")?.state === "absent",
      );
      const anyNew = a.lesions.some((l) => l.role === "new" && l.state !== "absent");
      if (isPd(burden, nadir)) response = "irPD";
      else if (targetsGone && nonTargetsGone && !anyNew) response = "irCR";
      else if (base > 0 && round(((burden - base) / base) * 100) <= PR_PCT) response = "irPR";
      else response = "irSD";
    }
    raw.push({ burden, newMm, nadirBefore: nadir, response });
    if (burden !== null && nadir !== null && burden < nadir) nadir = burden;
  }
  return raw.map((r, i) => {
    const a = assessments[i + 1];
    let confirmed: boolean | null = null;
    if (r.response === "irPD") {
      for (let j = i + 1; j < raw.length; j++) {
        if (daysBetween(a.date, assessments[j + 1].date) < minConfirm) continue;
        if (raw[j].burden === null) continue; // not evaluable: the next evaluable scan confirms
        confirmed = isPd(raw[j].burden!, r.nadirBefore!);
        break;
      }
    }
    return {
      date: a.date,
      ...(a.label !== undefined ? { label: a.label } : {}),
      burdenMm: r.burden,
      newMeasurableMm: r.newMm,
      changeFromBaselinePct:
        r.burden === null || base === null || base === 0 ? null : round(((r.burden - base) / base) * 100),
      changeFromNadirPct:
        r.burden === null || r.nadirBefore === null || r.nadirBefore === 0
          ? null
          : round(((r.burden - r.nadirBefore) / r.nadirBefore) * 100),
      response: r.response,
      confirmed,
    };
  });
}
