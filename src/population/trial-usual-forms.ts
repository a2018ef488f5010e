/**
 * Trial files as people write them: the usual forms of a value are read as the schema's, each with a warning that
 * names the field and says what was read, before the schema sees the document. A single stage or number where a
 * list is expected (`stage: IV`, `ecog: 1`), ranges as text (`ecog: 0-1`, `prior_lines: "≥1"`), percentages as text
 * (`ldh_elevated: 38%`, `value: 33.7%`), yes/no for a boolean, the criteria by their published names (`RECIST 1.1`,
 * `Lugano 2014`), PD-L1 by its score (`TPS ≥ 50%`) and the end points by their usual names (`median PFS`,
 * `objective response rate`, `12-month OS`). Anything else is left to the schema's own messages.
 */
import type { Path, Reader } from "../engine/language/yaml-reader.js";
import { isProportion, knownEndpoint } from "./trial-schema.js";
import { PDL1_LEVELS, type Pdl1Level } from "./types.js";

type Entry = Record<string, unknown>;

const isEntry = (v: unknown): v is Entry => v !== null && typeof v === "object" && !Array.isArray(v);

/** A number written as text: `5.5`, `33.7%` (a percentage, as a fraction when `percent`). */
function readNumber(v: unknown, percent: boolean): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*$/.exec(v);
  if (!m) return undefined;
  if (m[2] === "%") return percent ? Number((Number(m[1]) / 100).toPrecision(12)) : undefined;
  return Number(m[1]);
}

/**
 * Whole numbers allowed, written as one number or as text: `1`, `0-1`, `0–2`, `0 to 2`, `0, 1`, `≥1`, `>=1`, `1+`
 * (up to `max`). Undefined when the text is none of these.
 */
export function readWholeNumbers(v: unknown, max: number): number[] | undefined {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max) return [v];
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  const span = (a: number, b: number) =>
    a <= b && b <= max ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : undefined;
  let m = /^(\d+)\s*(?:-|–|—|to)\s*(\d+)$/.exec(s);
  if (m) return span(Number(m[1]), Number(m[2]));
  m = /^(?:≥|>=)\s*(\d+)$|^(\d+)\s*\+$|^(\d+)\s*or more$/.exec(s);
  if (m) return span(Number(m[1] ?? m[2] ?? m[3]), max);
  if (/^\d+(\s*,\s*\d+)*$/.test(s)) {
    const list = s.split(",").map((x) => Number(x.trim()));
    return list.every((x) => x <= max) ? list : undefined;
  }
  return undefined;
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  yes: true,
  no: false,
  true: true,
  false: false,
  y: true,
  n: false,
};

/** Response criteria by their published names, keyed without case, spaces, dots or a version's `v`. */
const CRITERIA_NAMES: Readonly<Record<string, string>> = {
  recist: "recist1.1",
  recist11: "recist1.1",
  irecist: "irecist",
  irrc: "irrc",
  immunerelatedresponsecriteria: "irrc",
  lugano: "lugano2014",
  lugano2014: "lugano2014",
  luganoclassification: "lugano2014",
  lugano2014classification: "lugano2014",
};
const criteriaKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s._-]+/g, "")
    .replace(/v(?=\d)/, "");

/**
 * PD-L1 selection by its tumour proportion score: `TPS ≥ 50%`, `≥1%`, `<1%`, `1-49%`, `PD-L1 positive`, `all` as the
 * levels; other cut-offs (`<5%`, `≥5%`, `5-49%`) as a range of the score. Undefined when none of these.
 */
export function readPdl1(v: string): Pdl1Level | undefined {
  const s = v
    .toLowerCase()
    .replace(/pd-?l1|tps|tumou?r proportion score|expression|[\s:]/g, "")
    .replace(/>=/g, "≥");
  const words: Record<string, Pdl1Level> = {
    all: "any",
    allcomers: "any",
    "all-comers": "any",
    unselected: "any",
    "+": "positive",
    strong: "high",
    "-": "negative",
    weak: "low",
  };
  if (words[s]) return words[s];
  if ((PDL1_LEVELS as readonly string[]).includes(s)) return s as Pdl1Level;
  const num = "(\\d+(?:\\.\\d+)?)%?";
  let m = new RegExp(`^<${num}$`).exec(s);
  if (m) return Number(m[1]) === 1 ? "negative" : { max_tps: Number(m[1]) };
  m = new RegExp(`^≥${num}$`).exec(s);
  if (m) return Number(m[1]) === 1 ? "positive" : Number(m[1]) === 50 ? "high" : { min_tps: Number(m[1]) };
  m = new RegExp(`^${num}[-–]${num}$`).exec(s);
  if (m) {
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    if (lo === 1 && hi === 49) return "low";
    // scores are read in whole per cent: 5–49 % is 5 ≤ TPS < 50
    return lo < hi ? { min_tps: lo, max_tps: Number.isInteger(hi) ? hi + 1 : hi } : undefined;
  }
  return undefined;
}

/** End points by their usual names, keyed without case or punctuation. */
const ENDPOINT_NAMES: Readonly<Record<string, string>> = {
  orr: "ORR",
  objectiveresponserate: "ORR",
  objectiveresponse: "ORR",
  overallresponserate: "ORR",
  responserate: "ORR",
  cr: "CR",
  crrate: "CR",
  completeresponse: "CR",
  completeresponserate: "CR",
  pr: "PR",
  partialresponse: "PR",
  sd: "SD",
  stabledisease: "SD",
  pd: "PD",
  progressivedisease: "PD",
  dcr: "DCR",
  diseasecontrolrate: "DCR",
  diseasecontrol: "DCR",
  drr: "DRR",
  durableresponserate: "DRR",
  medianpfs: "median_PFS_months",
  mpfs: "median_PFS_months",
  pfsmedian: "median_PFS_months",
  medianprogressionfreesurvival: "median_PFS_months",
  medianos: "median_OS_months",
  mos: "median_OS_months",
  osmedian: "median_OS_months",
  medianoverallsurvival: "median_OS_months",
  mediandor: "median_DOR_months",
  mdor: "median_DOR_months",
  dormedian: "median_DOR_months",
  mediandurationofresponse: "median_DOR_months",
  medianresponseduration: "median_DOR_months",
  pfshr: "PFS_HR",
  hrpfs: "PFS_HR",
  pfshazardratio: "PFS_HR",
  hazardratiopfs: "PFS_HR",
  hazardratioforpfs: "PFS_HR",
  oshr: "OS_HR",
  hros: "OS_HR",
  oshazardratio: "OS_HR",
  hazardratioos: "OS_HR",
  hazardratioforos: "OS_HR",
};

const SURVIVAL_WORDS: Readonly<Record<string, string>> = {
  pfs: "PFS",
  progressionfreesurvival: "PFS",
  os: "OS",
  overallsurvival: "OS",
  survival: "OS",
  dor: "DOR",
  durationofresponse: "DOR",
};

/**
 * An end point as people name it, as the schema's name: `median PFS` → median_PFS_months, `objective response rate`
 * → ORR, `PFS at 6 months`, `6-month PFS`, `PFS_6m`, `12-mo OS rate` → PFS_6mo, OS_12mo. Undefined when unknown.
 */
export function readEndpointName(name: string): string | undefined {
  const key = name.toLowerCase().replace(/[^a-z0-9]+/g, "");
  const median = key.replace(/months$/, "");
  if (ENDPOINT_NAMES[median]) return ENDPOINT_NAMES[median];
  const words = name
    .toLowerCase()
    .replace(/\brate\b/g, "")
    .trim();
  const landmark =
    /^([a-z -]+?)[\s_-]*(?:at\s*)?(\d+(?:\.\d+)?)[\s-]*(?:mo|m|months?)$/.exec(words) ??
    /^(\d+(?:\.\d+)?)[\s-]*(?:mo|m|months?)[\s-]+([a-z -]+?)$/.exec(words);
  if (!landmark) return undefined;
  const [what, n] = /^\d/.test(landmark[1]) ? [landmark[2], landmark[1]] : [landmark[1], landmark[2]];
  const kind = SURVIVAL_WORDS[what.replace(/[^a-z]+/g, "")];
  return kind ? `${kind}_${Number(n)}mo` : undefined;
}

/** Rewrites the usual forms of the raw document in place, with a warning each. */
export function readUsualForms(data: unknown, reader: Reader): void {
  if (!isEntry(data)) return;
  const said = (at: Path, written: unknown, read: unknown) =>
    reader.warn(at, `${JSON.stringify(written)} is read as ${JSON.stringify(read)}`);
  const set = (entry: Entry, key: string, at: Path, read: unknown) => {
    if (read === undefined) return;
    said([...at, key], entry[key], read);
    entry[key] = read;
  };
  const pop = data.population;
  if (isEntry(pop)) {
    const at: Path = ["population"];
    if (typeof pop.stage === "string") set(pop, "stage", at, [pop.stage]);
    if (!Array.isArray(pop.prior_lines)) set(pop, "prior_lines", at, readWholeNumbers(pop.prior_lines, 10));
    if (!Array.isArray(pop.ecog)) set(pop, "ecog", at, readWholeNumbers(pop.ecog, 4));
    set(pop, "ldh_elevated", at, readNumber(pop.ldh_elevated, true));
    if (typeof pop.injectable === "string")
      set(pop, "injectable", at, BOOLEAN_WORDS[pop.injectable.toLowerCase()]);
    if (typeof pop.pdl1 === "string" && readPdl1(pop.pdl1) !== pop.pdl1)
      set(pop, "pdl1", at, readPdl1(pop.pdl1));
  }
  const a = data.assessment;
  if (isEntry(a)) {
    const at: Path = ["assessment"];
    if (typeof a.criteria === "string") {
      const c = CRITERIA_NAMES[criteriaKey(a.criteria)];
      if (c !== a.criteria) set(a, "criteria", at, c);
    }
    if (typeof a.confirm === "string") set(a, "confirm", at, BOOLEAN_WORDS[a.confirm.toLowerCase()]);
    for (const k of ["first_week", "every_weeks", "until_week", "every_weeks_after", "follow_up_weeks"])
      set(a, k, at, readNumber(a[k], false));
  }
  if (!Array.isArray(data.published)) return;
  data.published.forEach((p, i) => {
    if (!isEntry(p)) return;
    const at: Path = ["published", i];
    if (typeof p.endpoint === "string" && !knownEndpoint(p.endpoint))
      set(p, "endpoint", at, readEndpointName(p.endpoint));
    const proportion = typeof p.endpoint === "string" && isProportion(p.endpoint);
    set(p, "value", at, readNumber(p.value, proportion));
    if (Array.isArray(p.ci) && p.ci.length === 2) {
      const lims = p.ci.map((x) => readNumber(x, proportion));
      if (lims.some((x) => x !== undefined)) set(p, "ci", at, [lims[0] ?? p.ci[0], lims[1] ?? p.ci[1]]);
    }
  });
}
