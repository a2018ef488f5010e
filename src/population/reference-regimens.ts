/**
 * Reference regimens that define "refractory to" a class in a trial population: a virtual patient is refractory
 * to a class when, treated from its baseline with the class's reference regimen, it has no confirmed response
 * and progresses by RECIST 1.1 within 24 weeks (scans every 8 weeks) — the usual definition of primary
 * resistance (SITC 2020: progression after ≥ 6 weeks of drug without prior response) [Immunoplan operational
 * definition].
 */
import type { Protocol } from "../therapy/protocol-schema.js";

export const REFRACTORY_WEEKS = 24;
export const REFRACTORY_SCAN_WEEKS = 8;

const regimen = (
  name: string,
  agent: string,
  value: number,
  unit: "mg/kg" | "mg/m2",
  every: number,
  count: number,
): Protocol => ({
  name,
  phases: [
    {
      name: "treatment",
      start_day: 0,
      steps: [{ agent, dose: { value, unit }, route: "iv", days: { every, count } }],
    },
  ],
});

/** The reference regimen of each class a population can be refractory to. */
export const REFERENCE_REGIMENS: Readonly<Record<string, Protocol>> = {
  "anti-PD-1": regimen("nivolumab 3 mg/kg every 2 weeks", "nivolumab", 3, "mg/kg", 14, 12),
  "anti-PD-L1": regimen("nivolumab 3 mg/kg every 2 weeks (PD-1 axis)", "nivolumab", 3, "mg/kg", 14, 12),
  "anti-CTLA-4": regimen("ipilimumab 3 mg/kg every 3 weeks × 4", "ipilimumab", 3, "mg/kg", 21, 4),
  chemotherapy: regimen("dacarbazine 1000 mg/m² every 3 weeks", "dacarbazine", 1000, "mg/m2", 21, 8),
};
