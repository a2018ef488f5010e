/**
 * Treatments that ended shortly before the first scan the posterior uses still act on it and on the scans after
 * it: a tumour shrinking months after chemotherapy (the NSCLC example: 68 → 39 → 8 mm from three to seven months
 * after carboplatin + pemetrexed) is not untreated growth. When the record has such a treatment, the simulation
 * starts at its start (the lead-in) and each virtual patient's measured lesions are scaled, all by one factor, so
 * that its simulated sum of diameters on the day of the first scan used is the measured one (a shooting problem,
 * solved by the secant method on the log scale). The scan itself then enters the likelihood like any other.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { daysBetween } from "../clinic/recist.js";
import { lesionsAt, withLesions, type MeasuredLesion } from "../population/personal-patient.js";
import { simulatePatient } from "../population/simulate-patient.js";
import type { VirtualPatient } from "../population/virtual-patient.js";
import type { ClinicalInputs } from "../therapy/compile-clinical.js";
import type { Protocol } from "../therapy/protocol-schema.js";

/** A treatment that ended at most this many days before the first scan used is simulated [assumption: 6 months]. */
export const LEAD_IN_AFTER_END_DAYS = 183;
/** The lead-in starts at most this many days before the first scan used [assumption: one year]. */
export const MAX_LEAD_IN_DAYS = 365;
/** Scale factors of the lesions' diameters tried (1/8 to 8: volumes 1/512 to 512) [Immunoplan choice]. */
const K_MIN = 1 / 8;
const K_MAX = 8;
/** The shooting stops when the simulated sum is within this ratio of the measured one (1 %). */
const TOLERANCE = 0.01;
const MAX_ITERATIONS = 8;

/** The lead-in's start date (ISO), or null when no recorded treatment needs one. */
export function leadInStart(c: CaseRecord, anchorDate: string): string | null {
  let earliest: string | null = null;
  for (const t of c.treatments) {
    if (t.kind !== "medication" || !t.start) continue;
    if (daysBetween(t.start, anchorDate) <= 0) continue; // starts on or after the anchor: simulated anyway
    if (t.end && daysBetween(t.end, anchorDate) > LEAD_IN_AFTER_END_DAYS) continue; // long over
    if (earliest === null || t.start < earliest) earliest = t.start;
  }
  if (earliest === null) return null;
  if (daysBetween(earliest, anchorDate) <= MAX_LEAD_IN_DAYS) return earliest;
  const d = new Date(`${anchorDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - MAX_LEAD_IN_DAYS);
  return d.toISOString().slice(0, 10);
}

export interface LeadInFit {
  /** The virtual patient with its lesions at the lead-in's start. */
  readonly vp: VirtualPatient;
  /** The diameters' scale factor (lesions at the lead-in's start / at the first scan used). */
  readonly k: number;
  /** Whether the simulated sum of diameters reached the measured one within 1 % (false: k at a bound). */
  readonly matched: boolean;
}

/**
 * The lesions at the lead-in's start that give the measured sum of diameters `leadDays` later under `protocol`.
 * Throws what simulatePatient throws.
 */
export function fitLeadIn(
  vp: VirtualPatient,
  measured: readonly MeasuredLesion[],
  protocol: Protocol,
  inputs: ClinicalInputs,
  leadDays: number,
): LeadInFit {
  const target = measured.reduce((s, m) => s + m.diameterMm, 0);
  const days = [0, leadDays];
  const at = (k: number) => {
    const v = withLesions(
      vp,
      measured.map((m) => ({ ...m, diameterMm: m.diameterMm * k })),
    );
    const course = simulatePatient(v, protocol, days, inputs, undefined, 1e-3);
    const sum = lesionsAt(v, course, 1).reduce((a, b) => a + b, 0);
    return { v, g: Math.log(Math.max(sum, 1e-6) / target) };
  };
  const clamp = (x: number) => Math.min(Math.log(K_MAX), Math.max(Math.log(K_MIN), x));
  // secant on g(log k) = log(simulated sum / measured sum); the first step assumes the sum scales with k
  let x0 = 0;
  let r0 = at(1);
  if (Math.abs(r0.g) <= TOLERANCE) return { vp: r0.v, k: 1, matched: true };
  let x1 = clamp(-r0.g);
  let r1 = at(Math.exp(x1));
  for (let it = 0; it < MAX_ITERATIONS && Math.abs(r1.g) > TOLERANCE; it++) {
    const slope = (r1.g - r0.g) / (x1 - x0);
    // a flat or inverted response (the immune system clears any smaller tumour): step as if proportional
    const step = Number.isFinite(slope) && slope > 0.05 ? -r1.g / slope : -r1.g;
    const x2 = clamp(x1 + step);
    if (x2 === x1) break; // at a bound
    x0 = x1;
    r0 = r1;
    x1 = x2;
    r1 = at(Math.exp(x1));
  }
  return { vp: r1.v, k: Math.exp(x1), matched: Math.abs(r1.g) <= TOLERANCE };
}
