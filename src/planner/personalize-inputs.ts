/**
 * What a personalization reads from a case: the tumor's series of sums of diameters and the patient as dosing
 * needs it, and the error that names the missing field.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { latest } from "../clinic/evaluate.js";
import { daysBetween } from "../clinic/recist.js";
import type { Patient } from "../therapy/patient.js";
import type { TumorObservation } from "./personalize-types.js";

export class PersonalizationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "PersonalizationError";
  }
}

/** The sums of diameters of the case's scans with measured target lesions, oldest first. */
export function tumorSeries(c: CaseRecord, startDate: string): TumorObservation[] {
  return [...c.imaging]
    .filter((im) => im.lesions.some((l) => l.role === "target" && l.diameterMm !== undefined))
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((im) => {
      const targets = im.lesions.filter((l) => l.role === "target" && l.diameterMm !== undefined);
      return {
        date: im.date,
        day: daysBetween(startDate, im.date),
        sldMm: targets.reduce((s, l) => s + l.diameterMm!, 0),
        targets: targets.length,
      };
    });
}

/** The patient as dosing needs it: the latest weight and height of the case. */
export function casePatient(c: CaseRecord): Patient {
  const w = latest(c.weights);
  const h = latest(c.heights);
  if (!w) throw new PersonalizationError("weights", "no body weight in the case (needed for dosing)");
  if (!h) throw new PersonalizationError("heights", "no height in the case (needed for dosing by m²)");
  return { id: c.id, weight_kg: w.kg, height_cm: h.cm, source: `case ${c.id}` };
}
