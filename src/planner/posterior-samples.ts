/**
 * Posterior samples of the clinical personalization: the occult metastases that a sample carries to day 0 at a
 * detectable size (non-target lesions of its disease). Resampling is engine/statistics.ts systematicResample.
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
