/**
 * The outcome of one simulated patient as the trial would record it: the time-point responses at the scans
 * (RECIST 1.1 or iRECIST from src/clinic, or the CT-based Lugano 2014 response), the best overall response
 * (confirmed when the trial requires it: a CR/PR needs a CR/PR ≥ 28 days later; SD counts only ≥ min_sd_weeks
 * after the start of treatment), progression-free survival on the scan grid and the best % change of the
 * target-lesion sum.
 *
 * PFS: the event is the day of the first scan showing progression (RECIST PD; iRECIST: the first iUPD that
 * was confirmed, or one still unconfirmed at the last scan; irRC: the first irPD that its confirming scan did not
 * contradict, src/clinic/irrc.ts; Lugano PD): progression is interval-censored
 * between scans and recorded at the scan, as trials do. Without progression the patient is censored at the last
 * scan. No deaths are simulated.
 */
import { deriveBor, deriveConfirmedBor, type RecordedResponse } from "../clinic/best-response.js";
import { irecistTimepoints, type IrecistResponse } from "../clinic/irecist.js";
import { irrcTimepoints, type IrrcResponse } from "../clinic/irrc.js";
import { recistTimepoints, type Assessment } from "../clinic/recist.js";
import { fnv1a } from "../engine/statistics.js";
import { luganoTimepoints } from "./lugano.js";
import type { ResponseCriteria, SimulatedCourse } from "./types.js";

export type Bor = "CR" | "PR" | "SD" | "NON-CR/NON-PD" | "PD" | "NE";
export const BOR_CATEGORIES: readonly Bor[] = ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"];

/** An objective response: best overall response CR or PR (the ORR's numerator). */
export const isResponder = (o: { readonly bor: Bor }): boolean => o.bor === "CR" || o.bor === "PR";

export interface EvaluationSettings {
  readonly criteria: ResponseCriteria;
  /** CR/PR need a confirming scan ≥ 28 days later. */
  readonly confirm: boolean;
  /** Minimum days from the start of treatment for SD (default 42). */
  readonly minSdDays?: number;
  /** The analysis' data cut (day): only the scans up to it are read. Default: every scan. */
  readonly cutDay?: number;
  /**
   * Enrolment period (days): at a data cut, a patient has been followed cutDay + accrualDays·(½ − u), u in [0, 1)
   * drawn from the patient's id (entryFraction), so that cutDay is the median follow-up. No effect without a cut.
   */
  readonly accrualDays?: number;
}

/**
 * Where in the enrolment period a patient entered, in [0, 1): a hash of the id (FNV-1a), so that the same virtual
 * patient enters at the same point in every arm of a paired run and in every reading of a calibration.
 */
export function entryFraction(id: string): number {
  let h = fnv1a(id);
  // a final avalanche, so that ids differing in their last character spread over [0, 1)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** The day at which a patient's scans stop being read: the data cut, moved by where the patient entered. */
export function patientCutDay(
  id: string,
  settings: { readonly cutDay?: number; readonly accrualDays?: number },
): number {
  if (settings.cutDay === undefined) return Infinity;
  const a = settings.accrualDays ?? 0;
  return a > 0 ? Math.max(0, settings.cutDay + a * (0.5 - entryFraction(id))) : settings.cutDay;
}

export interface PatientOutcome {
  readonly id: string;
  /** Best overall response (confirmed when the trial confirms responses). */
  readonly bor: Bor;
  /** Day of progression (event) or of the last scan (censored). */
  readonly pfsDays: number;
  readonly progressed: boolean;
  /** Best (lowest) % change of the sum of target diameters from baseline, up to progression; null without scans. */
  readonly bestChangePct: number | null;
  /** Durable response (OPTiM): CR/PR starting within 12 months and lasting continuously ≥ 6 months. */
  readonly durable: boolean;
  /**
   * Day of the first scan showing CR or PR, for a patient whose best overall response is CR or PR (null otherwise):
   * the duration of response runs from it to the progression (RECIST 1.1: from when the criteria are first met).
   */
  readonly responseDays?: number | null;
}

const EPOCH = Date.UTC(2000, 0, 1);
/** The scan day as an ISO date (the clinic's functions work on dates); days are rounded to whole days. */
export const dayToDate = (day: number): string =>
  new Date(EPOCH + Math.round(day) * 86_400_000).toISOString().slice(0, 10);

const IRRC_AS: Record<Exclude<IrrcResponse, "irPD">, RecordedResponse> = {
  irCR: "CR",
  irPR: "PR",
  irSD: "SD",
  NE: "NE",
};

const IRECIST_AS: Record<IrecistResponse, RecordedResponse> = {
  iCR: "CR",
  iPR: "PR",
  iSD: "SD",
  "NON-iCR/NON-iUPD": "NON-CR/NON-PD",
  iUPD: "NE",
  iCPD: "PD",
  NE: "NE",
};

/**
 * Sum of the target lesions' measured diameters at a scan (null when one is not measured), leaving out the lesions
 * of `exclude` if given.
 */
export function targetSum(
  scan: SimulatedCourse["scans"][number],
  exclude?: ReadonlySet<string>,
): number | null {
  let s = 0;
  let any = false;
  for (const l of scan.lesions)
    if (l.role === "target" && !exclude?.has(l.lesionId)) {
      if (l.diameterMm === undefined || !Number.isFinite(l.diameterMm)) return null;
      s += l.diameterMm;
      any = true;
    }
  return any ? s : null;
}

export function evaluateCourse(course: SimulatedCourse, settings: EvaluationSettings): PatientOutcome {
  const cut = patientCutDay(course.id, settings);
  const scans = course.scans.filter((s) => s.day <= cut + 1e-9).sort((a, b) => a.day - b.day);
  const assessments: Assessment[] = scans.map((s) => ({ date: dayToDate(s.day), lesions: s.lesions }));
  const days = scans.map((s) => s.day);
  const post = days.slice(1);
  // time-point responses (as RECIST records) and the index of the progression scan
  let records: { date: string; response: RecordedResponse }[];
  let pdIndex = -1; // index into post
  if (settings.criteria === "irecist") {
    const tps = irecistTimepoints(assessments);
    records = tps.map((t) => ({ date: t.date, response: IRECIST_AS[t.response] }));
    let firstUpd = -1;
    for (let i = 0; i < tps.length; i++) {
      const r = tps[i].response;
      if (r === "iUPD" && firstUpd < 0) firstUpd = i;
      else if (r === "iCPD") {
        pdIndex = firstUpd >= 0 ? firstUpd : i;
        break;
      } else if (r !== "iUPD" && r !== "NE") firstUpd = -1;
    }
    if (pdIndex < 0 && firstUpd >= 0) pdIndex = firstUpd; // unconfirmed at the end of follow-up
  } else if (settings.criteria === "irrc") {
    const tps = irrcTimepoints(assessments);
    // an irPD that the next scan did not confirm is not evaluable for the best response (as iRECIST's iUPD);
    // the first irPD not contradicted by its confirming scan is the progression (one at the last scan counts)
    records = tps.map((t) => ({
      date: t.date,
      response: t.response === "irPD" ? (t.confirmed === false ? "NE" : "PD") : IRRC_AS[t.response],
    }));
    pdIndex = tps.findIndex((t) => t.response === "irPD" && t.confirmed !== false);
  } else {
    const tps =
      settings.criteria === "lugano2014" ? luganoTimepoints(assessments) : recistTimepoints(assessments);
    records = tps.map((t) => ({ date: t.date, response: t.overall }));
    pdIndex = records.findIndex((r) => r.response === "PD");
  }
  const opts = {
    referenceDate: assessments[0]?.date ?? dayToDate(0),
    minSdDays: settings.minSdDays ?? 42,
    confirmDays: 28,
  };
  const best =
    records.length === 0
      ? { response: "NE" as const }
      : settings.confirm
        ? deriveConfirmedBor(records, opts)
        : deriveBor(records, opts);
  const bor = (best.response === "ND" ? "NE" : best.response) as Bor;
  const progressed = pdIndex >= 0;
  const pfsDays = progressed ? post[pdIndex] : (days[days.length - 1] ?? 0);
  // best % change of the target sum up to progression
  const base = scans.length ? targetSum(scans[0]) : null;
  let bestChange: number | null = null;
  if (base !== null && base > 0) {
    const last = progressed ? pdIndex + 1 : scans.length - 1;
    for (let k = 1; k <= last; k++) {
      const s = targetSum(scans[k]);
      if (s === null) continue;
      const c = ((s - base) / base) * 100;
      if (bestChange === null || c < bestChange) bestChange = c;
    }
  }
  // durable response: a run of CR/PR starting ≤ 365 days, lasting ≥ 182 days
  let durable = false;
  for (let i = 0; i < records.length && !durable; i++) {
    if (!isResponse(records[i].response) || post[i] > 365) continue;
    for (let j = i; j < records.length && isResponse(records[j].response); j++)
      if (post[j] - post[i] >= 182) durable = true;
  }
  let responseDays: number | null = null;
  if (bor === "CR" || bor === "PR") {
    const first = records.findIndex((r) => isResponse(r.response));
    if (first >= 0 && (pdIndex < 0 || first < pdIndex)) responseDays = post[first];
  }
  return { id: course.id, bor, pfsDays, progressed, bestChangePct: bestChange, durable, responseDays };
}

const isResponse = (r: RecordedResponse) => r === "CR" || r === "PR";
