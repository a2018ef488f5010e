/**
 * Reference regimens that define "refractory to" a class in a trial population (the agents or classes "the
 * population progressed on"). A virtual patient is refractory to a class when, treated from its baseline with the
 * class's reference regimen and scanned every 8 weeks, its disease progresses by RECIST 1.1 [Immunoplan operational
 * definitions, per class]:
 * - checkpoint inhibitors (anti-PD-1, anti-PD-L1, anti-CTLA-4): primary resistance — no response and progression
 *   within 24 weeks (SITC 2020: progression after ≥ 6 weeks of drug without prior response). Patients who respond
 *   and later progress (acquired resistance) are not counted: a trial starts from the patient's untreated baseline,
 *   so the escape clone that made them progress would not be carried into the next regimen, and re-treatment with
 *   the same class would respond again (a patient progressing after nivolumab would respond to pembrolizumab).
 * - chemotherapy: progression within 48 weeks (about a year of scans every 8 weeks) of the cancer type's usual
 *   first-line regimen, responders included
 *   ("progressed after platinum-based chemotherapy"); the next line is another drug (a sensitivity per mechanism
 *   class, catalog/vpop-priors.yaml `chemo_class_sd`). Until 2026-11-30 (third session) chemotherapy had the
 *   checkpoint inhibitors' definition, with dacarbazine for every cancer type; docs/trials.md says why it changed.
 *
 * - androgen-receptor pathway inhibitors (prostate cancer only): progression within 160 weeks of continuous
 *   enzalutamide 160 mg daily, responders included (acquired resistance, as "progressed on abiraterone or
 *   enzalutamide" is meant in mCRPC trials), and the tumour's adaptation to the pathway at that progression (state
 *   Aar of module `ar`: AR amplification and splice variants, lasting changes of the tumour) is carried into the
 *   next trial: the patient starts from its baseline burden with that adaptation, so a second AR-pathway inhibitor
 *   meets the cross-resistance the first one built. Added 2026-12-04 (session 22) with the rule fixed before any
 *   simulation of an ARPI-refractory population: 160 weeks (20 scans 8 weeks apart, about 37 months) is almost twice
 *   PREVAIL's median rPFS (20 months), so that most patients who progress on the drug count, and no decay of the adaptation off drug
 *   [Immunoplan assumption].
 *
 * Chemotherapy's reference: the platinum doublet for NSCLC (KEYNOTE-024's control arm), docetaxel for prostate
 * cancer, R-CHOP for large B-cell lymphoma (trials/protocols/r-chop.yaml; dacarbazine until 2026-11-30, sixth
 * session — a melanoma drug no lymphoma patient is given), dacarbazine for melanoma and, as a single-agent
 * stand-in, for renal cell carcinoma (no usual chemotherapy).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadProtocol } from "../therapy/protocol-file.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { ARPI_CLASS, type CancerType } from "./types.js";

const PROTOCOLS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../trials/protocols");

export const REFRACTORY_SCAN_WEEKS = 8;

/**
 * How a class's reference regimen is read: the weeks within which a progression counts, whether a response first
 * excludes, and the model states whose value at the progression the patient keeps into the next trial.
 */
export interface RefractoryRule {
  readonly weeks: number;
  readonly primaryOnly: boolean;
  readonly carry?: readonly string[];
}

export function refractoryRule(cls: string): RefractoryRule {
  if (cls === "chemotherapy") return { weeks: 48, primaryOnly: false };
  if (cls === ARPI_CLASS) return { weeks: 160, primaryOnly: false, carry: ["Aar"] };
  return { weeks: 24, primaryOnly: true };
}

/** The cancer types a class can be tested in (its reference regimen acts there); every type when absent. */
const CLASS_CANCERS: Readonly<Record<string, readonly CancerType[]>> = {
  [ARPI_CLASS]: ["prostate-cancer"],
};

/** Whether refractoriness to a class is tested in a cancer type's virtual population. */
export const classAppliesTo = (cls: string, cancer: string): boolean =>
  CLASS_CANCERS[cls]?.includes(cancer as CancerType) ?? true;

/** Whether an outcome on the reference regimen (read on its rule's scans) makes the patient refractory. */
export function isRefractory(o: { progressed: boolean; bor: string }, rule: RefractoryRule): boolean {
  return o.progressed && (!rule.primaryOnly || (o.bor !== "CR" && o.bor !== "PR"));
}

/** Scan days of a class's reference regimen: baseline, then every 8 weeks to the rule's end. */
export function refractoryScanDays(rule: RefractoryRule): number[] {
  return [
    0,
    ...Array.from(
      { length: rule.weeks / REFRACTORY_SCAN_WEEKS },
      (_, k) => (k + 1) * REFRACTORY_SCAN_WEEKS * 7,
    ),
  ];
}

type Step = Protocol["phases"][number]["steps"][number];

const step = (agent: string, value: number, unit: string, every: number, count: number): Step =>
  ({ agent, dose: { value, unit }, route: "iv", days: { every, count } }) as Step;

const regimen = (name: string, ...steps: Step[]): Protocol => ({
  name,
  phases: [{ name: "treatment", start_day: 0, steps }],
});

const NIVOLUMAB = regimen("nivolumab 3 mg/kg every 2 weeks", step("nivolumab", 3, "mg/kg", 14, 12));
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
  [ARPI_CLASS]: regimen("enzalutamide 160 mg daily for 160 weeks", {
    ...step("enzalutamide", 160, "mg", 1, 1120),
    route: "oral",
  } as Step),
};

/** A protocol of trials/protocols, read once when first needed. */
function fromFile(file: string): () => Protocol {
  let protocol: Protocol | undefined;
  return () => (protocol ??= loadProtocol(path.join(PROTOCOLS_DIR, file)));
}

/** Per cancer type; NSCLC's is KEYNOTE-024's control arm, read from the protocol file its trial file uses. */
const CHEMOTHERAPY: Partial<Record<CancerType, () => Protocol>> = {
  nsclc: fromFile("carboplatin-pemetrexed.yaml"),
  "large-b-cell-lymphoma": fromFile("r-chop.yaml"),
  "prostate-cancer": () =>
    regimen("docetaxel 75 mg/m² every 3 weeks × 10", step("docetaxel", 75, "mg/m2", 21, 10)),
};

/** The reference regimen of a class for a cancer type. */
export function referenceRegimen(cls: string, cancer: CancerType): Protocol {
  if (cls === "chemotherapy") return CHEMOTHERAPY[cancer]?.() ?? DACARBAZINE;
  const r = REFERENCE_REGIMENS[cls];
  if (!r) throw new RangeError(`no reference regimen for class '${cls}'`);
  return r;
}
