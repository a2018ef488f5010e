/**
 * Reference regimens that define "refractory to" a class in a trial population. The issue's trial format reads
 * `refractory_to` as the agents or classes "the population progressed on", and trial eligibility says the same
 * ("progression on or after anti-PD-1", "progressed after platinum-based chemotherapy"): a virtual patient is
 * refractory to a class when, treated from its baseline with the class's reference regimen, its disease progresses
 * by RECIST 1.1 within a year (scans every 8 weeks), whether or not it responded first — primary and acquired
 * resistance alike [Immunoplan operational definition]. Until 2026-11-30 (third session) only primary resistance
 * counted (no response and progression within 24 weeks, SITC 2020); docs/calibration.md says why it changed.
 *
 * Chemotherapy's reference is the cancer type's usual first-line cytotoxic regimen: the platinum doublet for NSCLC
 * (KEYNOTE-024's control arm), docetaxel for prostate cancer, dacarbazine for melanoma and, as a single-agent
 * stand-in, for the cancer types whose usual chemotherapy the model has no regimen for.
 */
import type { Protocol } from "../therapy/protocol-schema.js";
import type { CancerType } from "./types.js";

/** Weeks of follow-up on the reference regimen within which a progression makes a patient refractory. */
export const REFRACTORY_WEEKS = 52;
export const REFRACTORY_SCAN_WEEKS = 8;

type Step = Protocol["phases"][number]["steps"][number];

const step = (agent: string, value: number, unit: string, every: number, count: number): Step =>
  ({ agent, dose: { value, unit }, route: "iv", days: { every, count } }) as Step;

const regimen = (name: string, ...steps: Step[]): Protocol => ({
  name,
  phases: [{ name: "treatment", start_day: 0, steps }],
});

const NIVOLUMAB = regimen(
  "nivolumab 3 mg/kg every 2 weeks for a year",
  step("nivolumab", 3, "mg/kg", 14, 26),
);
const DACARBAZINE = regimen(
  "dacarbazine 1000 mg/m² every 3 weeks",
  step("dacarbazine", 1000, "mg/m2", 21, 8),
);

/** The reference regimen of each class a population can be refractory to (chemotherapy: per cancer type). */
export const REFERENCE_REGIMENS: Readonly<Record<string, Protocol>> = {
  "anti-PD-1": NIVOLUMAB,
  "anti-PD-L1": { ...NIVOLUMAB, name: `${NIVOLUMAB.name} (PD-1 axis)` },
  "anti-CTLA-4": regimen("ipilimumab 3 mg/kg every 3 weeks × 4", step("ipilimumab", 3, "mg/kg", 21, 4)),
  chemotherapy: DACARBAZINE,
};

const CHEMOTHERAPY: Partial<Record<CancerType, Protocol>> = {
  nsclc: {
    name: "carboplatin AUC 5 + pemetrexed 500 mg/m² every 3 weeks × 4, then pemetrexed maintenance",
    phases: [
      {
        name: "induction",
        start_day: 0,
        steps: [step("carboplatin", 5, "AUC", 21, 4), step("pemetrexed", 500, "mg/m2", 21, 4)].map((s) => ({
          ...s,
          combination_reason: "platinum doublet (KEYNOTE-024 control arm)",
        })),
      },
      { name: "maintenance", start_day: 84, steps: [step("pemetrexed", 500, "mg/m2", 21, 13)] },
    ],
  },
  "prostate-cancer": regimen("docetaxel 75 mg/m² every 3 weeks × 10", step("docetaxel", 75, "mg/m2", 21, 10)),
};

/** The reference regimen of a class for a cancer type. */
export function referenceRegimen(cls: string, cancer: CancerType): Protocol {
  if (cls === "chemotherapy") return CHEMOTHERAPY[cancer] ?? DACARBAZINE;
  const r = REFERENCE_REGIMENS[cls];
  if (!r) throw new RangeError(`no reference regimen for class '${cls}'`);
  return r;
}
