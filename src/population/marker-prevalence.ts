/** Tumour markers' shares by cancer type (catalog/vpop-priors.yaml `targeted`): what a virtual patient's draws use. */
import { vpopPriors } from "./priors.js";
import type { CancerType } from "./types.js";

/** The share of tumours of a cancer type with a KRAS G12C mutation (catalog/vpop-priors.yaml `targeted`). */
export function krasG12cShare(cancer: CancerType): number {
  return prevalence("kras_g12c", cancer);
}

/** The share of tumours of a cancer type with an ALK rearrangement (catalog/vpop-priors.yaml `targeted`). */
export function alkRearrangedShare(cancer: CancerType): number {
  return prevalence("alk_rearranged", cancer);
}

/** The share of tumours of a cancer type with a sensitizing EGFR mutation (catalog/vpop-priors.yaml `targeted`). */
export function egfrMutantShare(cancer: CancerType): number {
  return prevalence("egfr_mutant", cancer);
}

/** The share of tumours of a cancer type with a BRAF V600 mutation (catalog/vpop-priors.yaml `targeted`). */
export function brafV600Share(cancer: CancerType): number {
  return prevalence("braf_v600", cancer);
}

/** The share of tumours of a cancer type with a deleterious BRCA1 or BRCA2 alteration (germline or somatic). */
export function brcaMutantShare(cancer: CancerType): number {
  return prevalence("brca_mutant", cancer);
}

/** The share of tumours of a cancer type with a MET exon 14 skipping alteration (catalog/vpop-priors.yaml `targeted`). */
export function metEx14Share(cancer: CancerType): number {
  return prevalence("met_ex14", cancer);
}

/** The share of tumours of a cancer type with a RET fusion (catalog/vpop-priors.yaml `targeted`). */
export function retFusionShare(cancer: CancerType): number {
  return prevalence("ret_fusion", cancer);
}

/**
 * How much tumours of a cancer type depend on the VEGF pathway: a factor on every patient's VEGF-pathway sensitivity
 * (the VEGFR tyrosine kinase inhibitors and the anti-VEGF antibodies share that draw); 1 in renal-cell carcinoma, on
 * which the pathway was calibrated (catalog/vpop-priors.yaml `targeted.vegf_dependence`).
 */
export function vegfDependence(cancer: CancerType): number {
  return byCancer("vegf_dependence", cancer, 1);
}

type Marker =
  "braf_v600" | "egfr_mutant" | "alk_rearranged" | "kras_g12c" | "brca_mutant" | "met_ex14" | "ret_fusion";

/** A tumour marker's share by cancer type, from its table in catalog/vpop-priors.yaml `targeted` (0 when absent). */
function prevalence(marker: Marker, cancer: CancerType): number {
  return byCancer(marker, cancer, 0);
}

/** A cancer type's value in a by-cancer table of catalog/vpop-priors.yaml `targeted` (`absent` when missing). */
function byCancer(table: Marker | "vegf_dependence", cancer: CancerType, absent: number): number {
  const t = vpopPriors().targeted[table] as unknown as Record<CancerType, { value: number }>;
  return t[cancer]?.value ?? absent;
}
