/**
 * Shared types of the population layer: virtual patients, trial populations, scan schedules and the simulated
 * course of one patient as a radiologist would report it. The trial machinery (trial files, RECIST at the scans,
 * Kaplan–Meier, reports) and the clinical-model simulator meet here.
 */
import type { LesionMeasurement } from "../clinic/recist.js";
import type { Protocol } from "../therapy/protocol-schema.js";

/**
 * PD-L1 expression a trial's population enrols (tumour proportion score, TPS): any; positive ≥ 1 %; high ≥ 50 %;
 * negative < 1 %; low 1–49 %.
 */
export const PDL1_LEVELS = ["any", "positive", "high", "negative", "low"] as const;
/**
 * A trial's PD-L1 selection: a level, or a range of the tumour proportion score in % (`min_tps` inclusive, `max_tps`
 * exclusive) for other cut-offs — CheckMate 067's 5 % is `{ max_tps: 5 }` and `{ min_tps: 5 }`.
 */
export type Pdl1Level =
  (typeof PDL1_LEVELS)[number] | { readonly min_tps?: number; readonly max_tps?: number };

/** Whether a tumour proportion score (%) belongs to a PD-L1 selection. */
export function pdl1Admits(level: Pdl1Level, tps: number): boolean {
  if (typeof level === "object") return tps >= (level.min_tps ?? 0) && tps < (level.max_tps ?? Infinity);
  switch (level) {
    case "positive":
      return tps >= 1;
    case "high":
      return tps >= 50;
    case "negative":
      return tps < 1;
    case "low":
      return tps >= 1 && tps < 50;
    default:
      return true;
  }
}

/** Cancer types of the calibration set (more may be added as data). */
export const CANCER_TYPES = [
  "melanoma",
  "nsclc",
  "renal-cell-carcinoma",
  "large-b-cell-lymphoma",
  "prostate-cancer",
] as const;
export type CancerType = (typeof CANCER_TYPES)[number];

/** The class of the androgen-receptor pathway inhibitors (enzalutamide, abiraterone, apalutamide, darolutamide). */
export const ARPI_CLASS = "androgen-receptor pathway inhibitor";

/** Agent classes a population may be refractory to (besides catalog agent ids). */
export const REFRACTORY_CLASSES = [
  "anti-PD-1",
  "anti-PD-L1",
  "anti-CTLA-4",
  "chemotherapy",
  "androgen-receptor pathway inhibitor",
] as const;

/** Who a trial arm enrolled: the `population` block of a trial file. */
export interface TrialPopulation {
  readonly cancer: CancerType;
  /** A distribution over stage / M categories (fractions summing to 1) or a list of allowed values. */
  readonly stage?: Readonly<Record<string, number>> | readonly string[];
  readonly prior_lines?: readonly number[];
  /** Catalog agent ids or classes (REFRACTORY_CLASSES) the population progressed on. */
  readonly refractory_to?: readonly string[];
  readonly pdl1?: Pdl1Level;
  /** BRAF V600 status of the tumours (mutant: V600E/K). */
  readonly braf?: "any" | "mutant" | "wildtype";
  /** EGFR status of the tumours (mutant: a sensitizing mutation, exon 19 deletion or L858R). */
  readonly egfr?: "any" | "mutant" | "wildtype";
  /** ALK status of the tumours (mutant: an ALK rearrangement; the field's values are shared with braf and egfr). */
  readonly alk?: "any" | "mutant" | "wildtype";
  /** KRAS G12C status of the tumours (mutant: KRAS p.G12C). */
  readonly kras?: "any" | "mutant" | "wildtype";
  /** BRCA1/2 status of the tumours (mutant: a deleterious germline or somatic BRCA1 or BRCA2 alteration). */
  readonly brca?: "any" | "mutant" | "wildtype";
  /** MET status of the tumours (mutant: a MET exon 14 skipping alteration). */
  readonly met?: "any" | "mutant" | "wildtype";
  /** RET status of the tumours (mutant: a RET fusion, RET-rearranged). */
  readonly ret?: "any" | "mutant" | "wildtype";
  readonly ecog?: readonly number[];
  /** Fraction with LDH above the upper limit of normal. */
  readonly ldh_elevated?: number;
  /** All patients have injectable lesions. */
  readonly injectable?: boolean;
}

export type ResponseCriteria = "recist1.1" | "irecist" | "irrc" | "lugano2014";

/** The `assessment` block of a trial file. */
export interface ScanSchedule {
  readonly criteria: ResponseCriteria;
  readonly first_week: number;
  readonly every_weeks: number;
  readonly until_week?: number;
  readonly every_weeks_after?: number;
  readonly follow_up_weeks: number;
  /** Responses need a confirming scan ≥ 4 weeks later. */
  readonly confirm: boolean;
}

/** A scan of one simulated patient: day from the start of treatment and the measured lesions (with reader noise). */
export interface SimulatedScan {
  readonly day: number;
  readonly lesions: readonly LesionMeasurement[];
}

/** One simulated patient of a trial arm, as the trial's radiologists would have reported them. */
export interface SimulatedCourse {
  readonly id: string;
  /** Covariates of the virtual patient (cancer, stage, ldh_elevated, pdl1, ecog, prior_lines, injectable, ...). */
  readonly covariates: Readonly<Record<string, string | number | boolean>>;
  /** The baseline scan (day 0) first, then one entry per scheduled scan while the patient is followed. */
  readonly scans: readonly SimulatedScan[];
  /** True (noise-free) sum of target-lesion diameters at each scan day, mm (for plots and checks). */
  readonly trueSumMm: readonly number[];
  /**
   * Ids of the target lesions treated locally (injected, in the radiation field) and still in place; absent when
   * none is. The survival model reads the growth of the others (overall-survival.ts courseGrowthRate).
   */
  readonly local?: readonly string[];
}

export interface SimulateArmRequest {
  readonly population: TrialPopulation;
  readonly protocol: Protocol;
  /** Scan days after the baseline (day 0 is the baseline scan), ascending. */
  readonly scanDays: readonly number[];
  readonly patients: number;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Simulates the patients of one trial arm (the clinical model on a virtual population). */
export interface ArmSimulator {
  simulateArm(request: SimulateArmRequest): Promise<SimulatedCourse[]>;
}

/** A virtual patient's lesions and covariates (virtual-patient.ts), here so that the web app can use the types. */
export type LesionSite = "skin" | "subcutaneous" | "node" | "lung" | "liver" | "visceral" | "bone";

export interface Lesion {
  readonly id: string;
  readonly role: "target" | "non-target";
  readonly site: LesionSite;
  /** Lymph node (measured by short axis; normal < 10 mm). */
  readonly nodal: boolean;
  /** Cutaneous, subcutaneous or nodal lesions can be injected. */
  readonly injectable: boolean;
  readonly visceral: boolean;
  /** Longest diameter (short axis for nodes) at baseline, mm. */
  readonly diameterMm: number;
  /** Lesion-level sensitivity: the lesion's volume follows its group's volume to this power. */
  readonly w: number;
  /**
   * Residual mass (fibrosis, scar) left when the lesion's cancer cells are gone, as a share of its baseline volume;
   * 0 when the lesion resolves completely.
   */
  readonly scar: number;
  /**
   * Half-life of the residual mass, days: it shrinks as 2^(−t/T) from the start of the course (fibrosis resolving
   * over months to years); absent: permanent.
   */
  readonly scarHalfLife?: number;
}

export interface Covariates {
  readonly cancer: CancerType;
  readonly stage: string;
  readonly ldh_elevated: boolean;
  /** PD-L1 tumour proportion score, % (latent: PD-1 block × inflammation × assay noise). */
  readonly pdl1_tps: number;
  readonly ecog: number;
  readonly prior_lines: number;
  readonly injectable: boolean;
  readonly weight_kg: number;
  readonly height_cm: number;
  readonly gfr_ml_min: number;
  readonly vdt_days: number;
  readonly sld_mm: number;
  /** The tumour carries a BRAF V600 mutation (BRAF and MEK inhibitors act only then). */
  readonly braf_v600: boolean;
  /** The tumour carries a sensitizing EGFR mutation, exon 19 deletion or L858R (EGFR inhibitors act only then). */
  readonly egfr_mutant: boolean;
  /** The tumour carries an ALK rearrangement (ALK inhibitors act only then). */
  readonly alk_rearranged: boolean;
  /** The tumour carries a KRAS G12C mutation (KRAS G12C inhibitors act only then). */
  readonly kras_g12c: boolean;
  /** The tumour carries a deleterious BRCA1 or BRCA2 alteration (PARP inhibitors act only then). */
  readonly brca_mutant: boolean;
  /** The tumour carries a MET exon 14 skipping alteration (MET inhibitors act only then). */
  readonly met_ex14: boolean;
  /** The tumour carries a RET fusion (RET inhibitors act only then). */
  readonly ret_fusion: boolean;
}
