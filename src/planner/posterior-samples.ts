/**
 * Posterior samples of the clinical personalization: systematic resampling of the importance weights, and the
 * occult metastases that a sample carries to day 0 at a detectable size (non-target lesions of its disease).
 */
import { NEW_LESION_MM } from "../population/observe.js";
import { lesionCells } from "../population/virtual-patient.js";
import type { StartState } from "../population/simulate-patient.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

/** A posterior sample: the patient on the plan's day 0 and the state it starts from. */
export interface ClinicalSample {
  readonly vp: VirtualPatient;
  readonly start: StartState;
}

/**
 * A sample whose occult metastases have reached a detectable 10 mm by day 0 (between the last scan and the plan): a
 * scan before treatment would show them, so they are part of the disease on day 0 — non-target lesions of the
 * systemic group — and not new lesions to come (counted as progression at the first output day, under any
 * treatment, they made every candidate "progress" on day 7 unless a cytotoxic drug on day 0 shrank them back below
 * 10 mm by then). The lesion holds the metastasis's viable cells with the patient's dead share on day 0, and
 * follows the systemic group with the metastasis's own sensitivity; smaller metastases stay occult.
 */
export function visibleOccultAsLesions(s: ClinicalSample): ClinicalSample {
  const rho = s.vp.parameters.rho;
  const detect = lesionCells(NEW_LESION_MM, rho);
  const visible = s.start.occult.filter((o) => o.cells >= detect);
  if (!visible.length) return s;
  const live = Math.max(1 - s.start.deadFraction, 1e-9);
  const lesions = visible.map((o, k) => ({
    id: `occult-${k + 1}`,
    role: "non-target" as const,
    site: "visceral" as const,
    nodal: false,
    injectable: false,
    visceral: true,
    diameterMm: Math.cbrt(o.cells / live / (rho * (Math.PI / 6))),
    w: o.w,
    scar: 0,
  }));
  return {
    vp: { ...s.vp, lesions: [...s.vp.lesions, ...lesions] },
    start: { ...s.start, occult: s.start.occult.filter((o) => o.cells < detect) },
  };
}

/** Indices drawn by systematic resampling: positions (j + u)/n of the normalized cumulative weights. */
export function systematicResample(w: ArrayLike<number>, n: number, u: number): number[] {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i];
  const out: number[] = [];
  if (!(total > 0)) return out;
  let i = 0;
  let cum = w[0] / total;
  for (let j = 0; j < n; j++) {
    const pos = (j + u) / n;
    while (pos > cum && i < w.length - 1) cum += w[++i] / total;
    out.push(i);
  }
  return out;
}
