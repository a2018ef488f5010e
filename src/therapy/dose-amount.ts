import type { Patient } from "./patient.js";

/** GFR assumed when a patient record has none (mL/min) [Immunoplan assumption: normal adult renal function]. */
export const DEFAULT_GFR_ML_MIN = 90;
/** FDA cap on the GFR used in the Calvert formula (mL/min) [C: clinical-model.md §4.4]. */
export const CALVERT_GFR_CAP = 125;

/** Carboplatin dose (mg) for a target AUC (mg·min/mL) by the Calvert formula: AUC × (GFR + 25), GFR capped. */
export function calvertDoseMg(auc: number, gfrMlMin: number = DEFAULT_GFR_ML_MIN): number {
  return auc * (Math.min(gfrMlMin, CALVERT_GFR_CAP) + 25);
}

/** GBq in one millicurie (1 Ci = 3.7e10 Bq by definition). */
export const MCI_GBQ = 0.037;

/** An activity in GBq (GBq, MBq or mCi), or null when the unit is not an activity. */
export function activityGBq(value: number, unit: string): number | null {
  if (unit === "GBq") return value;
  if (unit === "MBq") return value / 1000;
  if (unit === "mCi") return value * MCI_GBQ;
  return null;
}

/**
 * The dose as an absolute amount for this patient: per-kg by weight, per-m² by Mosteller body-surface area, a
 * target AUC (carboplatin) in mg by the Calvert formula, an activity in MBq or mCi in GBq.
 */
export function absoluteAmount(
  value: number,
  unit: string,
  p: Patient,
  bsa: number,
): { amount: number; unit: string } {
  if (unit === "AUC") return { amount: calvertDoseMg(value, p.gfr_ml_min), unit: "mg" };
  // activities of radiopharmaceuticals in GBq (1 mCi = 37 MBq exactly)
  const gbq = activityGBq(value, unit);
  if (gbq !== null) return { amount: gbq, unit: "GBq" };
  if (unit.endsWith("/kg")) return { amount: value * p.weight_kg, unit: unit.slice(0, -3) };
  if (unit.endsWith("/m2")) return { amount: value * bsa, unit: unit.slice(0, -3) };
  return { amount: value, unit };
}
