/**
 * Tumour-marker results as a case record words them (biomarkers[].value: free text from a pathology or molecular
 * report), read as the status the virtual patients carry: true (mutant, rearranged), false (wild type, negative,
 * another variant), null (unreadable: the condition is not applied). Used by the case prior
 * (planner/case-population.ts) and the evaluation rules (evaluate.ts).
 */

/**
 * A BRAF result as the record words it: "wild type", "negative", "not detected", "no mutation" are wild-type;
 * "V600E", "V600K", "mutated", "positive", "detected" are mutant; anything else is unreadable (null).
 */
export function readBrafStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (/wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+(v600\s+)?mutation|absent/i.test(v)) return false;
  if (/v600|mutat|mutant|positive|detected|present/i.test(v)) return true;
  return null;
}

/**
 * An EGFR result as the record words it: "wild type", "negative", "not detected", "no mutation" are wild-type; a
 * sensitizing mutation named (exon 19 deletion, L858R) or "mutated", "positive", "detected" is mutant; anything
 * else is unreadable (null).
 */
export function readEgfrStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (/wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+mutation|absent/i.test(v)) return false;
  if (/exon\s*19|del(etion)?\s*19|l858r|mutat|mutant|positive|detected|present/i.test(v)) return true;
  return null;
}

/** A fusion marker's negative result (ALK, RET): wild type, negative, not detected, no rearrangement or fusion. */
const NO_FUSION =
  /wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+(rearrangement|fusion|translocation)|absent/i;

/**
 * An ALK result as the record words it: "negative", "not detected", "no rearrangement", "wild type" are negative; a
 * rearrangement or fusion named (EML4-ALK), "rearranged", "positive", "detected" is rearranged; anything else is
 * unreadable (null).
 */
export function readAlkStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (NO_FUSION.test(v)) return false;
  if (/rearrang|fusion|translocat|eml4|positive|detected|present/i.test(v)) return true;
  return null;
}

/**
 * A KRAS result as the record words it, for G12C: "wild type", "negative", "not detected", "no mutation" are not G12C
 * (also "G12C not detected"); "G12C" (p.G12C, c.34G>T) otherwise is; another KRAS variant named (G12D, G12V, G13D,
 * Q61H...) is not; anything else (a bare "mutated") is unreadable (null): it does not say which variant.
 */
export function readKrasG12cStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (/wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+mutation|absent/i.test(v)) return false;
  if (/g12c|c\.34g>t/i.test(v)) return true;
  if (/\b(g12[a-bd-z]|g13[a-z]|q61[a-z]|a146[a-z]|k117[a-z])\b/i.test(v)) return false;
  return null;
}

/**
 * A BRCA1/2 result as the record words it: "wild type", "negative", "not detected", "no pathogenic variant" are
 * negative (a negation wins, as for the other markers); a variant of uncertain significance ("VUS") is unreadable
 * (null); a deleterious alteration ("pathogenic", "likely pathogenic", "deleterious", "mutated", "positive",
 * "detected", a named variant such as c.5946delT) is positive; anything else is unreadable (null).
 */
export function readBrcaStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (
    /wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+(pathogenic\s+)?(variant|mutation|alteration)|benign|absent/i.test(
      v,
    )
  )
    return false;
  if (/uncertain|\bvus\b/i.test(v)) return null;
  if (/pathogenic|deleterious|mutat|mutant|positive|detected|present|\bc\.\d|\bp\.[a-z]/i.test(v))
    return true;
  return null;
}

/**
 * A MET result as the record words it, for exon 14 skipping (the alteration MET inhibitors are indicated in):
 * "wild type", "negative", "not detected", "no alteration" are negative; exon 14 named ("exon 14 skipping",
 * "METex14", "ex14") is positive; an amplification or overexpression without exon 14 is not exon 14 skipping
 * (negative); anything else (a bare "positive", which may be an IHC score) is unreadable (null).
 */
export function readMetEx14Status(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (/wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+(mutation|alteration|skipping)|absent/i.test(v))
    return false;
  if (/exon\s*14|ex14|skipping/i.test(v)) return true;
  if (/amplif|overexpress|copy\s*number|\bgcn\b|ihc/i.test(v)) return false;
  return null;
}

/**
 * A RET result as the record words it, for a fusion: "wild type", "negative", "not detected", "no fusion" are
 * negative; a fusion or rearrangement named (KIF5B-RET, CCDC6-RET, "fusion", "rearranged"), "positive" or
 * "detected" is positive; a point mutation named (M918T: medullary thyroid cancer's) is not a fusion (negative);
 * anything else is unreadable (null).
 */
export function readRetFusionStatus(value: string | number | undefined): boolean | null {
  const v = String(value ?? "").trim();
  if (NO_FUSION.test(v)) return false;
  if (/fusion|rearrang|translocat|kif5b|ccdc6|ncoa4|positive|detected|present/i.test(v)) return true;
  if (/\b[a-z]\d{3,4}[a-z]\b|mutat/i.test(v)) return false;
  return null;
}

/** The tumour markers a record's biomarkers are read for: the name a result goes by, and its reader. */
export const MARKER_READERS = {
  braf: { name: /\bBRAF\b/i, read: readBrafStatus },
  egfr: { name: /\bEGFR\b/i, read: readEgfrStatus },
  alk: { name: /\bALK\b/i, read: readAlkStatus },
  kras: { name: /\bKRAS\b/i, read: readKrasG12cStatus },
  brca: { name: /\bBRCA[12]?\b/i, read: readBrcaStatus },
  met: { name: /\bMET\b/i, read: readMetEx14Status },
  ret: { name: /\bRET\b/i, read: readRetFusionStatus },
} as const;
export type MarkerId = keyof typeof MARKER_READERS;
export const MARKER_IDS = Object.keys(MARKER_READERS) as [MarkerId, ...MarkerId[]];
