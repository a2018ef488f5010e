/**
 * The patient's history as the clinical personalization reads it: the scans used (within LOOKBACK_DAYS of the
 * plan), the measured target lesions of the first one (the anchor), the treatments the record says were given
 * (history-protocol.ts, from the start of a lead-in treatment: lead-in.ts), and the likelihood of every later lesion
 * measurement given a virtual patient simulated through them — with whether an occult metastasis of that patient
 * reached a detectable size by a scan that shows no new lesion.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { daysBetween } from "../clinic/recist.js";
import { NEW_LESION_MM, occultLesions } from "../population/observe.js";
import {
  lesionsAt,
  occultReached,
  siteOf,
  withLesions,
  type MeasuredLesion,
} from "../population/personal-patient.js";
import { simulatePatient, type GroupCourse } from "../population/simulate-patient.js";
import { lesionCells, type VirtualPatient } from "../population/virtual-patient.js";
import { compileClinical, type ClinicalInputs } from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { historyProtocol, type HistoryProtocol } from "./history-protocol.js";
import { fitLeadIn, leadInStart } from "./lead-in.js";
import { PersonalizationError, tumorSeries } from "./personalize-inputs.js";
import type { TumorObservation } from "./personalize-types.js";

/** Scans older than this before the plan's day 0 are not used [Immunoplan choice: one year of history]. */
export const LOOKBACK_DAYS = 365;
/** Model error of a lesion diameter on the log scale, beside the reader's [assumption: 10 %]. */
export const MODEL_SD = 0.1;
/** Reader noise of one lesion's diameter: Yoon 2016 between-reader limits of agreement (observe.ts). */
export const READER_SD = 0.086;
const READER_SD_SMALL = 0.03;
/** A diameter of 0 mm is read as below this (mm) [RECIST: a lesion that disappeared; 3 mm detection floor]. */
const FLOOR_MM = 3;

/** Log-likelihood of the measured diameters at one scan given the modelled ones. */
function scanLogLik(
  observed: ReadonlyMap<string, number>,
  ids: readonly string[],
  nodal: readonly boolean[],
  modelled: readonly number[],
): number {
  let ll = 0;
  for (let k = 0; k < ids.length; k++) {
    const obs = observed.get(ids[k]);
    if (obs === undefined) continue;
    const small = obs < 10 || nodal[k];
    const sd = Math.hypot(READER_SD + (small ? READER_SD_SMALL : 0), MODEL_SD);
    const z = (Math.log(Math.max(obs, FLOOR_MM)) - Math.log(Math.max(modelled[k], FLOOR_MM))) / sd;
    ll += -0.5 * z * z - Math.log(sd);
  }
  return ll;
}

export interface LaterScan {
  readonly obs: TumorObservation;
  readonly diameters: ReadonlyMap<string, number>;
  readonly newLesion: boolean;
}

/** A virtual patient simulated through the patient's history. */
export interface HistoryRun {
  /** The patient with the measured lesions (scaled back to the lead-in's start when there is one). */
  readonly vp: VirtualPatient;
  readonly course: GroupCourse;
  /** Log-likelihood of the lesion measurements after the anchor (and of the anchor, after a lead-in). */
  readonly ll: number;
  /** An occult metastasis reached 10 mm by a scan that shows no new lesion. */
  readonly newLesion: boolean;
  /** The lead-in's scaling met the anchor's sum of diameters (true without a lead-in). */
  readonly matched: boolean;
}

export interface PatientHistory {
  readonly used: readonly TumorObservation[];
  readonly excluded: readonly { readonly date: string; readonly reason: string }[];
  readonly measured: readonly MeasuredLesion[];
  readonly ids: readonly string[];
  readonly later: readonly LaterScan[];
  /** The later scans that say "no new lesion". */
  readonly noNewLesion: readonly LaterScan[];
  /** Index in `later` of the first scan that reports a new lesion (−1: none). */
  readonly firstNew: number;
  readonly leadFrom: string | null;
  /** Days of the lead-in (0: none). */
  readonly lead: number;
  /** Simulation day of plan day 0 (the first scan used is simulation day `lead`). */
  readonly off: number;
  readonly history: HistoryProtocol;
  readonly protocol: Protocol;
  readonly inputs: ClinicalInputs;
  /** The simulation's output days and the index of a day among them. */
  readonly days: readonly number[];
  readonly dayIndex: (day: number) => number;
  /** Simulate a virtual patient through the history (throws when the solver fails). */
  readonly run: (member: VirtualPatient) => HistoryRun;
}

export function patientHistory(
  c: CaseRecord,
  series: readonly TumorObservation[],
  startDate: string,
  patient: Patient,
): PatientHistory {
  const used = series.filter((o) => o.day >= -LOOKBACK_DAYS);
  const excluded = series
    .filter((o) => o.day < -LOOKBACK_DAYS)
    .map((o) => ({ date: o.date, reason: `more than ${LOOKBACK_DAYS} days before the plan` }));
  if (used.length === 0)
    throw new PersonalizationError(
      "imaging",
      `no scan with measured target lesions on or before ${startDate} (within the ${LOOKBACK_DAYS} days the model uses): the model needs the tumor's size`,
    );
  const scans = [...c.imaging].sort((a, b) => a.date.localeCompare(b.date));
  const anchorScan = scans.find((s) => s.date === used[0].date)!;
  const measured: MeasuredLesion[] = anchorScan.lesions
    .filter((l) => l.role === "target" && (l.diameterMm ?? 0) > 0)
    .map((l) => ({
      id: l.id,
      role: "target",
      diameterMm: l.diameterMm!,
      nodal: l.nodal,
      site: siteOf(l.location, l.nodal),
    }));
  if (!measured.length)
    throw new PersonalizationError(
      "imaging",
      `the scan of ${anchorScan.date} has no measured target lesion above 0 mm`,
    );
  const ids = measured.map((m) => m.id);
  const nodal = measured.map((m) => m.nodal);
  const later = used.slice(1).map((o) => {
    const scan = scans.find((s) => s.date === o.date)!;
    return {
      obs: o,
      diameters: new Map(
        scan.lesions
          .filter((l) => l.role === "target" && l.diameterMm !== undefined)
          .map((l) => [l.id, l.diameterMm!] as const),
      ),
      newLesion: scan.lesions.some((l) => l.role === "new" && l.state !== "absent"),
    };
  });
  // the scans that say "no new lesion": every later scan before the first one that reports a new lesion (after it,
  // the record's new lesion may be any of the model's occult metastases)
  const firstNew = later.findIndex((l) => l.newLesion);
  const noNewLesion = firstNew < 0 ? later : later.slice(0, firstNew);
  const span = -used[0].day;
  // a treatment that ended shortly before the first scan used is simulated from its start (lead-in.ts)
  const leadFrom = leadInStart(c, used[0].date);
  const lead = leadFrom ? daysBetween(leadFrom, used[0].date) : 0;
  const off = span + lead;
  const history = historyProtocol(c, leadFrom ?? used[0].date, startDate);
  const protocol: Protocol = history.protocol ?? { name: "no treatment", phases: [] };
  const inputs = compileClinical(protocol, patient);
  const days = [0, ...(lead > 0 ? [lead] : []), ...later.map((l) => l.obs.day + off), off].filter(
    (d, i, a) => i === 0 || d > a[i - 1],
  );
  const anchorDiameters = new Map(measured.map((m) => [m.id, m.diameterMm] as const));
  const dayIndex = (d: number) => days.indexOf(d);

  const run = (member: VirtualPatient): HistoryRun => {
    let vp: VirtualPatient;
    let matched = true;
    if (lead > 0) {
      const fit = fitLeadIn(member, measured, protocol, inputs, lead);
      vp = fit.vp;
      matched = fit.matched;
    } else vp = withLesions(member, measured);
    const course = simulatePatient(vp, protocol, days, inputs, undefined, 1e-3);
    // with a lead-in the first scan used is a reading like the others (its sum matched, its lesions not each)
    let ll = lead > 0 ? scanLogLik(anchorDiameters, ids, nodal, lesionsAt(vp, course, dayIndex(lead))) : 0;
    for (const l of later)
      ll += scanLogLik(l.diameters, ids, nodal, lesionsAt(vp, course, dayIndex(l.obs.day + off)));
    const occult = occultLesions(vp);
    const detect = lesionCells(NEW_LESION_MM, vp.parameters.rho);
    const newLesion = noNewLesion.some((l) =>
      occultReached(occult, course, dayIndex(l.obs.day + off), detect),
    );
    return { vp, course, ll, newLesion, matched };
  };
  return {
    used,
    excluded,
    measured,
    ids,
    later,
    noNewLesion,
    firstNew,
    leadFrom,
    lead,
    off,
    history,
    protocol,
    inputs,
    days,
    dayIndex,
    run,
  };
}

/** What a worker thread needs to rebuild the history (simulate-worker.ts): the record, the plan's day, the patient. */
export interface HistoryInput {
  readonly caseRecord: CaseRecord;
  readonly startDate: string;
  readonly patient: Patient;
}

/** The patient's history from the record (the scans on or before the plan's day 0). */
export function historyOf(input: HistoryInput): PatientHistory {
  const series = tumorSeries(input.caseRecord, input.startDate).filter((o) => o.day <= 0);
  return patientHistory(input.caseRecord, series, input.startDate, input.patient);
}

/** Every member simulated through the history; null where the solver failed. */
export function runHistories(
  history: PatientHistory,
  members: readonly VirtualPatient[],
): (HistoryRun | null)[] {
  return members.map((m) => {
    try {
      return history.run(m);
    } catch {
      return null;
    }
  });
}
