/**
 * The prior of a patient: the calibrated virtual population of their cancer type (vpops/<cancer>.json), conditioned
 * on what the case record says — stage, LDH above normal, PD-L1, ECOG, and the classes the patient progressed on
 * (each virtual patient's refractoriness was simulated when the population was built). Each known covariate
 * restricts the population to the virtual patients that share it; when too few remain (effective sample size
 * below MIN_PRIOR_ESS), the least decisive criteria are relaxed one by one — softly first: a virtual patient who
 * does not share the covariate keeps a fraction of its weight (RELAX_STEPS), so the covariate still tilts the prior —
 * and the plan says which, with the fraction.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { latest, latestMarker, progressions } from "../clinic/evaluate.js";
import { treatmentAgents } from "../clinic/progressions.js";
import {
  ALK_REARRANGED_PATHWAYS,
  BRAF_V600_PATHWAYS,
  EGFR_MUTANT_PATHWAYS,
  KRAS_G12C_PATHWAYS,
  BRCA_PATHWAYS,
  MET_EX14_PATHWAYS,
  RET_FUSION_PATHWAYS,
  type TargetedPathway,
} from "../therapy/catalog-schema.js";
import { caseTumorTypes } from "../clinic/tumor-types.js";
import type { MarkerId } from "../clinic/marker-readings.js";
import { kishEss } from "../engine/statistics.js";
import { refractoryClass } from "../population/eligibility.js";
import { cancerPriors } from "../population/priors.js";
import { sampleVirtualPatient, type VirtualPatient } from "../population/virtual-patient.js";
import { loadVpop, shippedVpopFile, type VpopFile } from "../population/vpop-file.js";
import type { CancerType } from "../population/types.js";
import { existsSync } from "node:fs";

import { VPOP_OF_TUMOR_TYPE } from "../population/trial-cancer.js";

/**
 * Fewest effective virtual patients a conditioned prior keeps [Immunoplan choice: with fewer, the posterior's
 * importance weights rest on a handful of patients].
 */
export const MIN_PRIOR_ESS = 50;
/**
 * Weights a virtual patient keeps when it does not share a relaxed covariate, tried in this order before the
 * covariate is dropped (1) [Immunoplan choice: a likelihood ratio of 10, then about 3, between sharing the
 * covariate and not; found by the plan audit of 2026-11-30: dropping every covariate of the progressing melanoma
 * case at once gave lifileucel 65 % response on the prior against 51 % on its draws that shared them].
 */
export const RELAX_STEPS = [0.1, 0.3, 1] as const;
/**
 * Bandwidth of the baseline-burden kernel on ln(sum of diameters) [Immunoplan choice: ±35 % is one SD, about the
 * spread of two readers on a sum (Yoon 2016 limits of agreement ±19.5 % at 2 SD) plus growth between scans].
 */
export const BURDEN_BANDWIDTH = 0.35;
/** LDH above this is "elevated" when the record gives no reference range [assumption: a common ULN, U/L]. */
const LDH_ULN_DEFAULT = 250;

export interface CaseConditions {
  readonly cancer: CancerType;
  /** The stage group or M category the record gives (latest staging entry), or null. */
  readonly stage: string | null;
  readonly ldhElevated: boolean | null;
  /** PD-L1 tumour proportion score, %, or null. */
  readonly pdl1Tps: number | null;
  readonly ecog: number | null;
  /**
   * BRAF V600 status from the biomarkers (null: not recorded or unreadable), and whether it conditions the prior:
   * only when the treatment history holds a BRAF or MEK inhibitor, the one place where the model's outcome
   * depends on it (no candidate is a targeted agent; elsewhere the condition would only thin the prior).
   */
  readonly brafV600: boolean | null;
  readonly brafApplies: boolean;
  /** The same for a sensitizing EGFR mutation (exon 19 deletion, L858R), when the history holds an EGFR inhibitor. */
  readonly egfrMutant: boolean | null;
  readonly egfrApplies: boolean;
  /** The same for an ALK rearrangement, when the history holds an ALK inhibitor. */
  readonly alkRearranged: boolean | null;
  readonly alkApplies: boolean;
  /** The same for a KRAS G12C mutation, when the history holds a KRAS G12C inhibitor. */
  readonly krasG12c: boolean | null;
  readonly krasApplies: boolean;
  /** The same for a BRCA1/2 alteration, when the history holds a PARP inhibitor. */
  readonly brcaMutant: boolean | null;
  readonly brcaApplies: boolean;
  /** The same for a MET exon 14 skipping alteration, when the history holds a MET inhibitor. */
  readonly metEx14: boolean | null;
  readonly metApplies: boolean;
  /** The same for a RET fusion, when the history holds a RET inhibitor. */
  readonly retFusion: boolean | null;
  readonly retApplies: boolean;
  /** Classes of agents the patient progressed on (treatment history). */
  readonly refractory: readonly string[];
  /** Where each condition was read. */
  readonly sources: readonly string[];
}

/** The cancer type of the case among those with a calibrated population, or null. */
export function caseVpopCancer(c: CaseRecord): CancerType | null {
  for (const t of caseTumorTypes(c)) if (VPOP_OF_TUMOR_TYPE[t]) return VPOP_OF_TUMOR_TYPE[t];
  return null;
}

function stageOf(c: CaseRecord, date: string): { stage: string; from: string } | null {
  const entries = c.staging.filter((s) => !s.date || s.date <= date);
  const e = latest(entries) ?? entries.at(-1);
  if (!e) return null;
  const text = `${e.value.display ?? ""} ${e.value.code ?? ""}`;
  const m = /\bM1[a-d]?\b/i.exec(text);
  if (m) return { stage: m[0].replace(/^m/, "M"), from: text.trim() };
  const g = /\b(I{1,3}V?|IV)([A-D])?\b/.exec(text);
  return g ? { stage: g[0], from: text.trim() } : null;
}

/** What the record says of the covariates the virtual patients carry. */
export function caseConditions(c: CaseRecord, cancer: CancerType, date: string): CaseConditions {
  const sources: string[] = [];
  const st = stageOf(c, date);
  if (st) sources.push(`stage ${st.stage} (staging: ${st.from})`);
  const ldhLab = latest(
    c.labs.filter((l) => /\bLDH\b|lactate dehydrogenase/i.test(l.name) && l.value !== undefined),
  );
  let ldhElevated: boolean | null = null;
  if (ldhLab) {
    const uln = ldhLab.referenceHigh ?? LDH_ULN_DEFAULT;
    ldhElevated = ldhLab.value! > uln;
    sources.push(
      `LDH ${ldhLab.value} ${ldhLab.unit ?? ""} on ${ldhLab.date ?? "?"} (${ldhElevated ? "above" : "within"} ${ldhLab.referenceHigh !== undefined ? "the laboratory's" : "an assumed"} upper limit ${uln})`,
    );
  }
  const pdl1 = latest(c.biomarkers.filter((b) => /PD-?L1/i.test(`${b.name} ${b.code.display ?? ""}`)));
  const tps = pdl1 && pdl1.value !== undefined ? Number.parseFloat(String(pdl1.value)) : NaN;
  if (Number.isFinite(tps)) sources.push(`PD-L1 ${tps} % (${pdl1!.scoreType ?? "score"})`);
  const perf = latest(c.performance.filter((p) => p.scale === "ECOG"));
  if (perf) sources.push(`ECOG ${perf.value}`);
  const braf = markerStatus(c, "braf", BRAF_V600_PATHWAYS, "BRAF V600", sources);
  // where the cancer's priors make driver-positive tumours immunologically colder, EGFR and ALK move every outcome
  const drivers = cancerPriors(cancer).f_imm_driver_factor !== undefined;
  const egfr = markerStatus(c, "egfr", EGFR_MUTANT_PATHWAYS, "EGFR", sources, undefined, drivers);
  const alk = markerStatus(
    c,
    "alk",
    ALK_REARRANGED_PATHWAYS,
    "ALK",
    sources,
    ["rearranged", "negative"],
    drivers,
  );
  const kras = markerStatus(c, "kras", KRAS_G12C_PATHWAYS, "KRAS", sources, ["G12C", "not G12C"]);
  const brca = markerStatus(c, "brca", BRCA_PATHWAYS, "BRCA1/2", sources, ["altered", "not altered"]);
  const met = markerStatus(c, "met", MET_EX14_PATHWAYS, "MET", sources, [
    "exon 14 skipping",
    "no exon 14 skipping",
  ]);
  const ret = markerStatus(c, "ret", RET_FUSION_PATHWAYS, "RET", sources, ["fusion", "no fusion"]);
  const refractory = [...new Set(progressions(c).flatMap((p) => refractoryClass(p.agent.id) ?? []))].sort();
  if (refractory.length) sources.push(`progressed on ${refractory.join(", ")} (treatment history)`);
  return {
    cancer,
    stage: st?.stage ?? null,
    ldhElevated,
    pdl1Tps: Number.isFinite(tps) ? tps : null,
    ecog: perf?.value ?? null,
    brafV600: braf.status,
    brafApplies: braf.applies,
    egfrMutant: egfr.status,
    egfrApplies: egfr.applies,
    alkRearranged: alk.status,
    alkApplies: alk.applies,
    krasG12c: kras.status,
    krasApplies: kras.applies,
    brcaMutant: brca.status,
    brcaApplies: brca.applies,
    metEx14: met.status,
    metApplies: met.applies,
    retFusion: ret.status,
    retApplies: ret.applies,
    refractory,
    sources,
  };
}

/**
 * A tumour marker from the biomarkers (the latest whose name matches; null: not recorded or unreadable) and whether
 * it conditions the prior: when the treatment history holds an agent of one of its pathways, or (`always`) when the
 * status moves the virtual patient's immunity too (EGFR and ALK where the cancer's priors have f_imm_driver_factor).
 * When it applies, where it was read goes into `sources`.
 */
function markerStatus(
  c: CaseRecord,
  id: MarkerId,
  pathways: readonly TargetedPathway[],
  label: string,
  sources: string[],
  words: readonly [string, string] = ["mutant", "wild-type"],
  always = false,
): { status: boolean | null; applies: boolean } {
  const { result: marker, status } = latestMarker(c, id);
  const applies =
    status !== null &&
    (always ||
      c.treatments.some((t) =>
        treatmentAgents(t).some((a) => pathways.some((p) => p === a.clinical?.pathway)),
      ));
  if (applies)
    sources.push(`${label} ${status ? words[0] : words[1]} (${marker!.name}: ${String(marker!.value)})`);
  return { status, applies };
}

/** Whether a virtual patient's stage label covers the record's stage (M category, group, or III vs IV). */
export function stageCovers(vpStage: string, stage: string): boolean {
  if (vpStage === stage) return true;
  const group = stage.startsWith("M1") ? "IV" : stage;
  if (group.startsWith("IV")) return vpStage === "IV" || vpStage === "M1" || vpStage === "III-IV";
  if (group.startsWith("III")) return vpStage.startsWith("III") || vpStage === "III-IV";
  return /^I{1,2}[A-D]?$/.test(group) && vpStage === "I-II";
}

const pdl1Category = (tps: number) => (tps < 1 ? 0 : tps < 50 ? 1 : 2);

interface Criterion {
  readonly name: string;
  readonly keep: (vp: VirtualPatient, refractory: readonly string[]) => boolean;
}

export interface ConditionedPrior {
  readonly cancer: CancerType;
  readonly vpop: VpopFile;
  readonly file: string;
  readonly patients: readonly VirtualPatient[];
  /** Prior weight of each virtual patient (calibrated weight × the conditions kept), summing to 1. */
  readonly weights: Float64Array;
  readonly conditions: CaseConditions;
  readonly applied: readonly string[];
  readonly relaxed: readonly string[];
  readonly ess: number;
  readonly warnings: readonly string[];
  /**
   * The case's sum of diameters at the first scan used, and where it lies in the calibrated population (weighted
   * share of virtual patients with a smaller baseline sum): far in a tail, the predictions extrapolate the model's
   * burden dependence beyond what the trials constrained.
   */
  readonly burden: { readonly sldMm: number; readonly percentile: number } | null;
}

/**
 * The virtual patients of a population, regenerated from their seeds once per file version (a plan reads them
 * twice: for the conditioned prior and for the widened one of its prior-sensitivity line).
 */
const regenerated = new Map<string, VirtualPatient[]>();
export function vpopPatients(file: string, vpop: VpopFile): VirtualPatient[] {
  const key = `${file}\0${vpop.created}\0${vpop.patients.length}`;
  let ps = regenerated.get(key);
  if (!ps) {
    ps = vpop.patients.map((p) => sampleVirtualPatient(vpop.cancer, p.seed));
    regenerated.clear(); // one population at a time: a server plans one case type after another
    regenerated.set(key, ps);
  }
  return ps;
}

/** The case's conditioned prior, or null when its cancer type has no shipped calibrated population. */
export function conditionedPrior(
  c: CaseRecord,
  date: string,
  vpopFile?: string,
  sldMm?: number,
): ConditionedPrior | null {
  const cancer = caseVpopCancer(c);
  if (!cancer) return null;
  const file = vpopFile ?? shippedVpopFile(cancer);
  if (!existsSync(file)) return null;
  const { vpop, warnings } = loadVpop(file);
  const cond = caseConditions(c, cancer, date);
  const patients = vpopPatients(file, vpop);
  const criteria: Criterion[] = [];
  // most decisive first; relaxed from the end
  if (cond.refractory.length)
    criteria.push({
      name: `refractory to ${cond.refractory.join(", ")}`,
      keep: (_vp, r) => cond.refractory.every((k) => r.includes(k)),
    });
  if (cond.stage)
    criteria.push({
      name: `stage ${cond.stage}`,
      keep: (vp) => stageCovers(vp.covariates.stage, cond.stage!),
    });
  if (cond.ldhElevated !== null)
    criteria.push({
      name: `LDH ${cond.ldhElevated ? "above" : "within"} normal`,
      keep: (vp) => vp.covariates.ldh_elevated === cond.ldhElevated,
    });
  if (cond.pdl1Tps !== null)
    criteria.push({
      name: `PD-L1 ${["< 1 %", "1–49 %", "≥ 50 %"][pdl1Category(cond.pdl1Tps)]}`,
      keep: (vp) => pdl1Category(vp.covariates.pdl1_tps) === pdl1Category(cond.pdl1Tps!),
    });
  if (cond.brafApplies)
    criteria.push({
      name: `BRAF V600 ${cond.brafV600 ? "mutant" : "wild-type"}`,
      keep: (vp) => vp.covariates.braf_v600 === cond.brafV600,
    });
  if (cond.krasApplies)
    criteria.push({
      name: `KRAS ${cond.krasG12c ? "G12C" : "not G12C"}`,
      keep: (vp) => vp.covariates.kras_g12c === cond.krasG12c,
    });
  if (cond.brcaApplies)
    criteria.push({
      name: `BRCA1/2 ${cond.brcaMutant ? "altered" : "not altered"}`,
      keep: (vp) => vp.covariates.brca_mutant === cond.brcaMutant,
    });
  if (cond.metApplies)
    criteria.push({
      name: `MET ${cond.metEx14 ? "exon 14 skipping" : "no exon 14 skipping"}`,
      keep: (vp) => vp.covariates.met_ex14 === cond.metEx14,
    });
  if (cond.retApplies)
    criteria.push({
      name: `RET ${cond.retFusion ? "fusion" : "no fusion"}`,
      keep: (vp) => vp.covariates.ret_fusion === cond.retFusion,
    });
  if (cond.alkApplies)
    criteria.push({
      name: `ALK ${cond.alkRearranged ? "rearranged" : "negative"}`,
      keep: (vp) => vp.covariates.alk_rearranged === cond.alkRearranged,
    });
  if (cond.egfrApplies)
    criteria.push({
      name: `EGFR ${cond.egfrMutant ? "mutant" : "wild-type"}`,
      keep: (vp) => vp.covariates.egfr_mutant === cond.egfrMutant,
    });
  if (cond.ecog !== null)
    criteria.push({
      name: `ECOG ${cond.ecog >= 1 ? "≥ 1" : "0"}`,
      keep: (vp) => vp.covariates.ecog >= 1 === cond.ecog! >= 1,
    });
  const calibrated = Float64Array.from(vpop.patients, (p) => p.weight);
  // the baseline burden: a kernel on ln(sum of diameters) around the case's, always applied (a soft condition)
  const base = Float64Array.from(calibrated, (b, i) => {
    if (!sldMm) return b;
    const z = Math.log(patients[i].covariates.sld_mm / sldMm) / BURDEN_BANDWIDTH;
    return b * Math.exp(-0.5 * z * z);
  });
  let below = 0;
  let total = 0;
  calibrated.forEach((b, i) => {
    total += b;
    if (sldMm && patients[i].covariates.sld_mm < sldMm) below += b;
  });
  // matches[k][i]: virtual patient i shares criterion k
  const matches = criteria.map((k) => patients.map((vp, i) => k.keep(vp, vpop.patients[i].refractory)));
  const weigh = (eps: readonly number[]) => {
    const w = Float64Array.from(base, (b, i) => {
      let f = b;
      for (let k = 0; k < criteria.length && f > 0; k++) if (!matches[k][i]) f *= eps[k];
      return f;
    });
    const s = w.reduce((a, b) => a + b, 0);
    if (s > 0) for (let i = 0; i < w.length; i++) w[i] /= s;
    return { w, ess: s > 0 ? kishEss(w) : 0 };
  };
  const eps = criteria.map(() => 0);
  let { w, ess } = weigh(eps);
  // relax softly, step by step over the covariates from the least decisive one (every covariate at 0.1 before any
  // at 0.3, …); the classes the patient progressed on last, only when every other covariate is dropped
  const refractoryFirst = cond.refractory.length ? 1 : 0;
  const rounds = [
    Array.from({ length: criteria.length - refractoryFirst }, (_, j) => criteria.length - 1 - j),
    refractoryFirst ? [0] : [],
  ];
  relax: for (const group of rounds)
    for (const step of RELAX_STEPS)
      for (const k of group) {
        if (ess >= MIN_PRIOR_ESS) break relax;
        eps[k] = step;
        ({ w, ess } = weigh(eps));
      }
  const kept = criteria.filter((_, k) => eps[k] === 0);
  const relaxed = criteria.flatMap((k, i) =>
    eps[i] === 0 ? [] : [eps[i] < 1 ? `${k.name} (others keep ${eps[i]} of their weight)` : k.name],
  );
  return {
    cancer,
    vpop,
    file,
    patients,
    weights: w,
    conditions: cond,
    applied: [
      ...(sldMm
        ? [`baseline sum of diameters near ${sldMm} mm (kernel, SD ${BURDEN_BANDWIDTH} on the log scale)`]
        : []),
      ...kept.map((k) => k.name),
    ],
    relaxed,
    ess,
    warnings,
    burden: sldMm ? { sldMm, percentile: total > 0 ? below / total : NaN } : null,
  };
}
