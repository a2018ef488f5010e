/**
 * `population.cancer` as people write it: the catalog's tumor-type ids and names (rcc, lbcl, prostate, "renal cell
 * carcinoma", NSCLC, DLBCL, "metastatic castration-resistant prostate cancer"; catalog/tumor-types.yaml) are read as
 * the trial cancer type that holds a virtual population, with a warning naming the line; a tumor type of the
 * catalog without a population is an error that says so.
 */
import { tumorTypes } from "../clinic/tumor-types.js";
import type { Reader } from "../engine/language/yaml-reader.js";
import { TRIAL_CANCER_TYPES } from "./trial-schema.js";
import type { CancerType } from "./types.js";

/** Catalog tumor types (catalog/tumor-types.yaml) that have a calibrated virtual population. */
export const VPOP_OF_TUMOR_TYPE: Readonly<Record<string, CancerType>> = {
  melanoma: "melanoma",
  nsclc: "nsclc",
  rcc: "renal-cell-carcinoma",
  lbcl: "large-b-cell-lymphoma",
  prostate: "prostate-cancer",
};

const AML = /^(aml|acute[- ]myeloid[- ]leuka?emia)$/i;

/**
 * Whether the pattern matches whole words of the name: the letter before a match and the letters after it may not
 * extend the word, except for the endings of a stem or a plural ("prostat" in prostate, prostatic; melanomas), so
 * that a misspelt "melanomaX" is an unknown cancer type, not melanoma.
 */
function wholeWordMatch(pattern: RegExp, written: string): boolean {
  for (const m of written.matchAll(pattern)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0 || /[a-z0-9]/i.test(written[start - 1] ?? "")) continue;
    const rest = /^[a-z0-9]*/i.exec(written.slice(end))?.[0] ?? "";
    if (rest === "" || /^(e|es|ic|s)$/i.test(rest)) return true;
  }
  return false;
}

/**
 * The trial cancer type a written name stands for: itself, its spelling with hyphens, a catalog tumor type with a
 * population (by id, name or the catalog's pattern), or acute myeloid leukemia; `{ type: null, tumor }` for a
 * catalog tumor type without a population; null when nothing matches.
 */
export function readCancerName(
  written: string,
): { type: string; tumor?: undefined } | { type: null; tumor: string } | null {
  const all = TRIAL_CANCER_TYPES as readonly string[];
  if (all.includes(written)) return { type: written };
  const key = written
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  if (all.includes(key)) return { type: key };
  if (AML.test(written.trim())) return { type: "acute-myeloid-leukemia" };
  const types = tumorTypes().types;
  const t =
    types.find((x) => x.id === key || x.name.toLowerCase() === written.trim().toLowerCase()) ??
    types.find((x) => wholeWordMatch(new RegExp(x.case, "gi"), written));
  if (!t) return null;
  const type = VPOP_OF_TUMOR_TYPE[t.id];
  return type ? { type } : { type: null, tumor: t.name };
}

/**
 * Rewrites `population.cancer` of the raw document to its trial cancer type (before the schema reads it); true when
 * it reported a tumor type without a population as an error.
 */
export function readCancerAlias(data: unknown, reader: Reader): boolean {
  const pop = (data as { population?: unknown } | null)?.population;
  if (pop === null || typeof pop !== "object") return false;
  const entry = pop as Record<string, unknown>;
  if (typeof entry.cancer !== "string") return false;
  const r = readCancerName(entry.cancer);
  if (!r || r.type === entry.cancer) return false;
  if (r.type === null) {
    reader.error(
      ["population", "cancer"],
      `'${entry.cancer}' is ${r.tumor}, a tumor type without a virtual population (cancer types: ${TRIAL_CANCER_TYPES.join(", ")})`,
    );
    return true;
  }
  reader.warn(["population", "cancer"], `'${entry.cancer}' is read as '${r.type}'`);
  entry.cancer = r.type;
  return false;
}

/** Removes the schema's "unknown cancer type" error once readCancerAlias has said what the name is. */
export function dropUnknownCancer(reader: Reader): void {
  const k = reader.issues.findIndex(
    (i) => i.path === "population.cancer" && i.message.startsWith("unknown cancer type"),
  );
  if (k >= 0) reader.issues.splice(k, 1);
}
