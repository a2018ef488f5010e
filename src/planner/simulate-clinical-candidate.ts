/**
 * One candidate protocol simulated on every posterior sample of the clinical model (clinical-personalize.ts),
 * summarized as the planner summarizes the core model's: probabilities of control (no RECIST progression: the
 * sum of diameters ≥ 20 % and ≥ 5 mm above its nadir, or a new lesion — an occult metastasis reaching 10 mm) and
 * of elimination (fewer than one viable tumour cell), the time to progression, viable-cell bands; and, in the
 * unit a clinician reads, the sum of diameters of the target lesions (mm) with its bands and the probabilities
 * of a response (−30 %) and of a complete response (every target lesion gone, nodes < 10 mm). Lesions are the
 * model's, without reader noise; irradiated or resected lesions are not evaluated when others remain.
 */
import { NEW_LESION_MM } from "../population/observe.js";
import { lesionsAt, occultReached } from "../population/personal-patient.js";
import { simulatePatient } from "../population/simulate-patient.js";
import { lesionCells } from "../population/virtual-patient.js";
import { compileClinical } from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import {
  outputGrid,
  progressionDay,
  sampleBands,
  summarizeSamples,
  type CandidateOutcome,
} from "./simulate-candidate.js";

/** Relative tolerance of planning simulations on the clinical model (as PLANNING_RTOL of the core model). */
export const CLINICAL_PLANNING_RTOL = 1e-3;

export interface ClinicalCandidateInput {
  readonly protocol: Protocol;
  readonly patient: Patient;
  readonly clinical: readonly ClinicalSample[];
  readonly horizon: number;
  readonly rtol?: number;
}

export function simulateClinicalCandidate(input: ClinicalCandidateInput): CandidateOutcome {
  const times = outputGrid(input.horizon);
  const nt = times.length;
  const inputs = compileClinical(input.protocol, { gfr_ml_min: 90, ...input.patient });
  const logV: Float64Array[] = [];
  const sldRows: Float64Array[] = [];
  const ttp: number[] = [];
  const elimDay: number[] = [];
  const finalLog10: number[] = [];
  const failures: string[] = [];
  let responders = 0;
  let complete = 0;
  for (const [si, s] of input.clinical.entries()) {
    let course;
    try {
      course = simulatePatient(
        s.vp,
        input.protocol,
        times,
        inputs,
        s.start,
        input.rtol ?? CLINICAL_PLANNING_RTOL,
      );
    } catch (e) {
      failures.push(`sample ${si}: ${(e as Error).message}`);
      finalLog10.push(NaN);
      continue;
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
    const d = new Array<number>(s.vp.lesions.length);
    for (let i = 0; i < nt; i++) {
      lesionsAt(s.vp, course, i, d);
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
    if (best <= -0.3) responders++;
    if (cr) complete++;
    logV.push(lv);
    sldRows.push(row);
    ttp.push(Math.min(progressionDay(row, times) ?? Infinity, newDay));
    elimDay.push(elim);
    finalLog10.push(lv[nt - 1]);
  }
  const m = logV.length;
  return {
    ...summarizeSamples(times, logV, ttp, elimDay, finalLog10, failures),
    sldBands: sampleBands(sldRows, nt),
    pResponse: m ? responders / m : NaN,
    pComplete: m ? complete / m : NaN,
  };
}
