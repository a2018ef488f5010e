/**
 * Stage labels of trial files and of virtual patients, read as sets of fine stage groups, so that a trial's label
 * covers every virtual patient whose stage could be it: a coarser label (IV, M1) covers the finer stages of a
 * population (M1a, M1b, M1c), and a finer label (M1b, IIIC) covers a population that is staged more coarsely
 * (prostate cancer's M1, renal cell carcinoma's IV, large B-cell lymphoma's III-IV) — the population cannot tell
 * those patients apart, and the trial's label does not exclude them.
 *
 * The fine groups: I, II, IIIA–IIID and the distant-metastasis categories M1a–M1d. Readings (AJCC 8th edition;
 * Ann Arbor for lymphoma):
 * - stage IV and M1 are the same patients in every solid tumour of the catalog (distant metastasis is stage IV);
 *   Ann Arbor's IV is read on the same scale (the lymphoma population carries "I-II" and "III-IV");
 * - M0 in a trial of advanced disease is unresectable stage III (melanoma trials' M0 stratum);
 * - IVA and IVB: in NSCLC M1a–M1b and M1c; in prostate cancer IVA is N1 M0 (no distant metastasis: none of a
 *   metastatic population) and IVB any M1; elsewhere (no population stages them) read as stage IV;
 * - a range (I-II, III-IV, IIIB-IIIC, IIIC-M1a) is every group from its first to its last;
 * - "stage " in front, case and en or em dashes do not matter (stage iv, Stage IIIc, M1C, III–IV).
 */

const FINE = ["I", "II", "IIIA", "IIIB", "IIIC", "IIID", "M1a", "M1b", "M1c", "M1d"] as const;
const STAGE_III = ["IIIA", "IIIB", "IIIC", "IIID"];
const STAGE_IV = ["M1a", "M1b", "M1c", "M1d"];

/** A label in a canonical spelling: roman numerals and sub-letters upper case, M categories as M1a. */
export function normalizeStage(label: string): string {
  const s = label
    .replace(/[–—]/g, "-")
    .trim()
    .replace(/^stage\s+/i, "")
    .replace(/\s*-\s*/g, "-");
  return s
    .split("-")
    .map((part) => {
      const m = /^m([01])([a-d])?$/i.exec(part);
      if (m) return `M${m[1]}${(m[2] ?? "").toLowerCase()}`;
      return /^[ivx]+[a-d]?$/i.test(part) ? part.toUpperCase() : part;
    })
    .join("-");
}

function singleGroups(label: string, cancer: string | undefined): readonly string[] | null {
  if ((FINE as readonly string[]).includes(label)) return [label];
  switch (label) {
    case "III":
    case "M0":
      return STAGE_III;
    case "IV":
    case "M1":
    case "IVC":
      return STAGE_IV;
    case "IVA":
      if (cancer === "nsclc") return ["M1a", "M1b"];
      if (cancer === "prostate-cancer") return [];
      return STAGE_IV;
    case "IVB":
      if (cancer === "nsclc") return ["M1c"];
      return STAGE_IV;
  }
  return null;
}

/**
 * The fine stage groups a label stands for (in FINE's order), or null when the label is not a stage this reader
 * knows (it then matches only itself). An empty list: a known stage of which no metastatic patient can be.
 */
export function stageGroups(label: string, cancer?: string): readonly string[] | null {
  const s = normalizeStage(label);
  const single = singleGroups(s, cancer);
  if (single) return single;
  const parts = s.split("-");
  if (parts.length !== 2) return null;
  const a = singleGroups(parts[0], cancer);
  const b = singleGroups(parts[1], cancer);
  if (!a?.length || !b?.length) return null;
  const from = FINE.indexOf(a[0] as (typeof FINE)[number]);
  const to = FINE.indexOf(b[b.length - 1] as (typeof FINE)[number]);
  return from <= to ? FINE.slice(from, to + 1) : null;
}

/** Whether a trial's stage label covers a virtual patient's stage (see the module's comment). */
export function stageMatches(trialStage: string, stage: string, cancer?: string): boolean {
  const t = normalizeStage(trialStage);
  const p = normalizeStage(stage);
  if (t === p) return true;
  const tg = stageGroups(t, cancer);
  const pg = stageGroups(p, cancer);
  if (!tg || !pg) return false;
  return tg.some((g) => pg.includes(g));
}

/** Whether the trial's label is finer than the patient's stage, which it covers (M1b against a population's M1). */
export function stageFinerThan(trialStage: string, stage: string, cancer?: string): boolean {
  const tg = stageGroups(trialStage, cancer);
  const pg = stageGroups(stage, cancer);
  if (!tg || !pg || !stageMatches(trialStage, stage, cancer)) return false;
  return pg.some((g) => !tg.includes(g));
}
