/**
 * One candidate protocol simulated on every posterior sample of the clinical model (clinical-personalize.ts),
 * summarized as the planner summarizes the core model's: probabilities of control (no RECIST progression: the
 * sum of diameters ≥ 20 % and ≥ 5 mm above its nadir, or a new lesion — an occult metastasis reaching 10 mm) and
 * of elimination (fewer than one viable tumour cell), the time to progression, viable-cell bands; and, in the
 * unit a clinician reads, the sum of diameters of the target lesions (mm) with its bands and the probabilities
 * of a response (−30 %) and of a complete response (every target lesion gone, nodes < 10 mm). Lesions are the
 * model's, without reader noise; irradiated or resected lesions are not evaluated when others remain — they are
 * followed as non-target lesions: one that grows back past its size before treatment by 20 % and 5 mm is
 * unequivocal progression (RECIST 1.1 §4.3.2 non-target progression; the thresholds of a target lesion's progression
 * applied to the lesion's own pre-treatment size [Immunoplan assumption]).
 */
import { NEW_LESION_MM } from "../population/observe.js";
import { lesionsAt, occultReached } from "../population/personal-patient.js";
import { simulatePatient } from "../population/simulate-patient.js";
import { lesionCells } from "../population/virtual-patient.js";
import { compileClinical, type ClinicalInputs } from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import { FAILED_SAMPLE } from "./ties.js";
import {
  milestoneOutcomeChar,
  outputGrid,
  progressionDay,
  sampleBands,
  summarizeSamples,
  type CandidateOutcome,
} from "./simulate-candidate.js";

/**
 * Whether a lesion followed as non-target (irradiated or resected, left out of the sum) has grown back past its
 * size on day 0 by 20 % and 5 mm: unequivocal progression.
 */
export function regrewPastStart(
  d0: readonly number[],
  d: readonly number[],
  followed: readonly boolean[],
): boolean {
  for (let k = 0; k < d.length; k++) if (followed[k] && d[k] >= 1.2 * d0[k] && d[k] - d0[k] >= 5) return true;
  return false;
}

/** Relative tolerance of planning simulations on the clinical model (as PLANNING_RTOL of the core model). */
export const CLINICAL_PLANNING_RTOL = 1e-3;

export interface ClinicalCandidateInput {
  readonly protocol: Protocol;
  readonly patient: Patient;
  readonly clinical: readonly ClinicalSample[];
  readonly horizon: number;
  readonly rtol?: number;
}

/** One sample's course under the candidate, in the figures the summary reads (or why its simulation failed). */
interface SampleCourse {
  readonly logV: Float64Array;
  readonly sld: Float64Array;
  readonly ttp: number;
  readonly elimDay: number;
  readonly responder: boolean;
  readonly complete: boolean;
}

/**
 * A key equal for two samples exactly when their contents are equal: the posterior is drawn by systematic
 * resampling (clinical-personalize.ts), so a virtual patient of high weight appears several times (27 distinct
 * among 100 samples in the planning benchmark on 2026-11-30), and its course under a candidate is the same every
 * time. Numbers JSON cannot tell apart (NaN, ±Infinity, −0) are written out.
 */
export function sampleKey(s: ClinicalSample): string {
  return JSON.stringify(s, (_, v: unknown) =>
    typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))
      ? { "#": String(Object.is(v, -0) ? "-0" : v) }
      : v,
  );
}

const keyCache = new WeakMap<readonly ClinicalSample[], readonly string[]>();

/** The samples' keys, computed once per samples array (a plan simulates every candidate on the same array). */
function sampleKeys(samples: readonly ClinicalSample[]): readonly string[] {
  let keys = keyCache.get(samples);
  if (!keys) {
    keys = samples.map(sampleKey);
    keyCache.set(samples, keys);
  }
  return keys;
}

export function simulateClinicalCandidate(input: ClinicalCandidateInput): CandidateOutcome {
  const times = outputGrid(input.horizon);
  const nt = times.length;
  const inputs = compileClinical(input.protocol, { gfr_ml_min: 90, ...input.patient });
  const rtol = input.rtol ?? CLINICAL_PLANNING_RTOL;
  const logV: Float64Array[] = [];
  const sldRows: Float64Array[] = [];
  const ttp: number[] = [];
  const elimDay: number[] = [];
  const finalLog10: number[] = [];
  const failures: string[] = [];
  let responders = 0;
  let complete = 0;
  let perSample = "";
  // samples with the same contents are simulated once (a course is a function of the sample and the protocol)
  const seen = new Map<string, SampleCourse | { readonly failure: string }>();
  const keys = sampleKeys(input.clinical);
  for (const [si, s] of input.clinical.entries()) {
    const key = keys[si];
    let r = seen.get(key);
    if (r === undefined) {
      r = sampleCourse(s, input.protocol, inputs, times, rtol);
      seen.set(key, r);
    }
    if ("failure" in r) {
      failures.push(`sample ${si}: ${r.failure}`);
      finalLog10.push(NaN);
      perSample += FAILED_SAMPLE;
      continue;
    }
    if (r.responder) responders++;
    if (r.complete) complete++;
    logV.push(r.logV);
    sldRows.push(r.sld);
    ttp.push(r.ttp);
    elimDay.push(r.elimDay);
    finalLog10.push(r.logV[nt - 1]);
    perSample += milestoneOutcomeChar(r.ttp, r.elimDay);
  }
  const m = logV.length;
  return {
    ...summarizeSamples(times, logV, ttp, elimDay, finalLog10, failures),
    sldBands: sampleBands(sldRows, nt),
    pResponse: m ? responders / m : NaN,
    pComplete: m ? complete / m : NaN,
    sampleOutcomes: perSample,
  };
}

function sampleCourse(
  s: ClinicalSample,
  protocol: Protocol,
  inputs: ClinicalInputs,
  times: Float64Array,
  rtol: number,
): SampleCourse | { readonly failure: string } {
  const nt = times.length;
  let course;
  try {
    course = simulatePatient(s.vp, protocol, times, inputs, s.start, rtol);
  } catch (e) {
    return { failure: (e as Error).message };
  }
  const lv = new Float64Array(nt);
  const row = new Float64Array(nt);
  const detect = lesionCells(NEW_LESION_MM, s.vp.parameters.rho);
  let newDay = Infinity;
  let elim = Infinity;
  let cr = false;
  // lesions in a radiation field or resected are not evaluated (RECIST 1.1: irradiated lesions are not
  // measurable; trials of radiotherapy with immunotherapy read the lesions outside the field), unless no other
  // target lesion is left
  const treated = course.inputs.local.some((x) => x === "radiation" || x === "surgery");
  const targets = s.vp.lesions.map((l) => l.role === "target");
  const outside = targets.map((t, k) => t && !(treated && course.local.has(s.vp.lesions[k].id)));
  const evaluated = outside.some(Boolean) ? outside : targets;
  // the treated lesions left out of the sum are followed as non-target lesions (regrowth past their size on day 0)
  const followed = s.vp.lesions.map(
    (_, k) => !evaluated[k] && treated && course.local.has(s.vp.lesions[k].id),
  );
  const d0 = new Array<number>(s.vp.lesions.length);
  let localDay = Infinity;
  const d = new Array<number>(s.vp.lesions.length);
  for (let i = 0; i < nt; i++) {
    lesionsAt(s.vp, course, i, d);
    if (i === 0) for (let k = 0; k < d.length; k++) d0[k] = d[k];
    else if (localDay === Infinity && regrewPastStart(d0, d, followed)) localDay = times[i];
    let sum = 0;
    let gone = true;
    for (let k = 0; k < d.length; k++) {
      if (!evaluated[k]) continue;
      sum += d[k];
      if (s.vp.lesions[k].nodal ? d[k] >= 10 : d[k] >= 3) gone = false;
    }
    row[i] = sum;
    if (i > 0 && gone) cr = true;
    const viable = course.viableS[i] + course.viableL[i];
    lv[i] = Math.log10(viable + 1);
    if (viable < 1 && elim === Infinity) elim = times[i];
    if (i > 0 && newDay === Infinity && occultReached(s.start.occult, course, i, detect)) newDay = times[i];
  }
  const base = row[0];
  let best = 0;
  for (let i = 1; i < nt; i++) best = Math.min(best, base > 0 ? (row[i] - base) / base : 0);
  return {
    logV: lv,
    sld: row,
    ttp: Math.min(progressionDay(row, times) ?? Infinity, newDay, localDay),
    elimDay: elim,
    responder: best <= -0.3,
    complete: cr,
  };
}
