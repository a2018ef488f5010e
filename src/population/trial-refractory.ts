/**
 * `population.refractory_to` as people write it: agent names, brands and class words are read as the catalog id or
 * the refractory class (with a warning), androgen deprivation — the starting point of every castration-resistant
 * prostate-cancer patient — is read as no selection at all, and each entry is checked (an unknown name is an error,
 * one the model cannot select on a warning).
 */
import type { Reader } from "../engine/language/yaml-reader.js";
import { nameKey, resolveAgentName } from "../therapy/agent-names.js";
import type { TherapyCatalog } from "../therapy/catalog.js";
import { CHEMO_MECHANISMS } from "../therapy/catalog-schema.js";
import { refractoryClass } from "./eligibility.js";
import { classAppliesTo } from "./reference-regimens.js";
import type { TrialDocument } from "./trial-schema.js";
import { ARPI_CLASS, CANCER_TYPES, REFRACTORY_CLASSES } from "./types.js";

/**
 * A catalog agent in refractory_to whose progression the model cannot test (a targeted, hormonal or
 * interferon agent without modelled effect; an agent of a class without a reference regimen): enrolment does
 * not use it, which the trial's warnings say.
 */
function warnUntestedRefractory(id: string, catalog: TherapyCatalog, reader: Reader, i: number): void {
  const agent = catalog.agents.get(id)!;
  const why =
    !agent.clinical || agent.clinical.input === "none"
      ? "has no modelled effect"
      : `(${agent.class}) is not a class whose refractoriness the model tests (${REFRACTORY_CLASSES.join(", ")})`;
  reader.warn(
    ["population", "refractory_to", i],
    `'${id}' ${why}: progression on it is not used to select patients`,
  );
}

/** A class as written without `anti`, `inhibitor(s)`, `antibody`, `blockade`, `therapy`: `PD-1 inhibitor` → `pd1`. */
const classKey = (s: string) =>
  nameKey(s)
    .replace(/^anti/, "")
    .replace(/(inhibitors?|antibody|antibodies|blockade|therapy|blocker)$/, "");

/**
 * Androgen deprivation as written in a refractory_to list (ADT, castration, a GnRH agonist or antagonist class): every
 * virtual prostate-cancer patient is castration-resistant — its untreated growth is the growth on androgen
 * deprivation — so the entry selects no one and is dropped, with a warning saying so.
 */
const ADT_WORDS = new Set(
  [
    "ADT",
    "androgen deprivation",
    "androgen deprivation therapy",
    "androgen-deprivation therapy",
    "androgen ablation",
    "castration",
    "surgical castration",
    "medical castration",
    "orchiectomy",
    "LHRH agonist",
    "LHRH analogue",
    "GnRH agonist",
    "GnRH antagonist",
    "GnRH analogue",
    "hormone therapy",
    "hormonal therapy",
  ].map((w) => classKey(w)),
);

/** Whether an entry (a word or a catalog agent) is androgen deprivation. */
function isAndrogenDeprivation(entry: string, catalog: TherapyCatalog): boolean {
  if (ADT_WORDS.has(classKey(entry))) return true;
  return catalog.agents.get(entry)?.targets?.includes("GnRH receptor") ?? false;
}

/**
 * Other names of the refractory classes (by classKey): the androgen-receptor pathway inhibitors go by many
 * (ARPI, ARSI, novel hormonal agent, androgen-receptor inhibitor — the catalog's class of enzalutamide —, …).
 */
const CLASS_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "ARPI",
    "ARPIs",
    "ARSI",
    "ARSIs",
    "ARTA",
    "AR-targeted agent",
    "androgen-receptor inhibitor",
    "androgen receptor signaling inhibitor",
    "androgen receptor signalling inhibitor",
    "androgen receptor-targeted agent",
    "AR pathway inhibitor",
    "novel hormonal agent",
    "novel hormonal therapy",
    "NHA",
    "NHT",
    "next-generation antiandrogen",
    "second-generation antiandrogen",
  ].map((a) => [classKey(a), ARPI_CLASS]),
);

/**
 * A class of chemotherapy written as a phrase: `platinum-based chemotherapy`, `platinum doublet`, `taxanes`,
 * `anthracycline-containing regimen`, `alkylating agents`, `vinca alkaloids`, `topoisomerase inhibitors` — the class
 * word (singular) followed by what the class is part of. Null for anything else (`chemotherapy` alone is a class of
 * its own).
 */
export function chemoClassOf(entry: string): string | null {
  let key = classKey(entry);
  for (let last = ""; last !== key;) {
    last = key;
    key = key.replace(
      /(chemo(therapy)?|doublets?|triplets?|regimens?|agents?|drugs?|alkaloids?|salts?|combinations?|based|containing)$/,
      "",
    );
  }
  if (key.length === 0) return null;
  return (
    CHEMO_MECHANISMS.find((c) => {
      const k = classKey(c);
      return key === k || key === `${k}s`;
    }) ?? null
  );
}

/**
 * refractory_to entries written by agent name, brand or alias (`Yervoy`) or as a class in other words (`PD-1
 * inhibitor`, `anti-PD1`, `chemo`) are read as the catalog id or class, with a warning.
 */
export function canonicalRefractory(
  doc: TrialDocument,
  reader: Reader,
  catalog: TherapyCatalog,
): TrialDocument {
  const list = doc.population.refractory_to;
  if (!list?.length) return doc;
  const classes = [...REFRACTORY_CLASSES, ...CHEMO_MECHANISMS] as string[];
  let changed = false;
  const out = list.flatMap((r, i) => {
    const named = resolveAgentName(r, catalog);
    const agent = catalog.agents.has(r) ? r : named.kind === "name" ? named.id : r;
    if (doc.population.cancer === "prostate-cancer" && isAndrogenDeprivation(agent, catalog)) {
      reader.warn(
        ["population", "refractory_to", i],
        `'${r}': every virtual prostate-cancer patient is castration-resistant (its untreated growth is the growth on androgen deprivation), so progression on androgen deprivation selects no one; the entry is dropped`,
      );
      changed = true;
      return [];
    }
    if (catalog.agents.has(r) || classes.includes(r)) return [r];
    const cls =
      classes.find((c) => classKey(c) === classKey(r) && classKey(r).length > 0) ??
      CLASS_ALIASES[classKey(r)] ??
      chemoClassOf(r);
    const to = cls ?? (named.kind === "name" ? named.id : undefined);
    if (to === undefined) return [r];
    reader.warn(["population", "refractory_to", i], `'${r}' is read as '${to}'`);
    changed = true;
    return [to];
  });
  return changed ? { ...doc, population: { ...doc.population, refractory_to: out } } : doc;
}

/** Each entry of the (canonical) refractory_to list: known, and selectable in the trial's cancer type. */
export function checkRefractory(
  pop: TrialDocument["population"],
  reader: Reader,
  catalog: TherapyCatalog,
): void {
  (pop.refractory_to ?? []).forEach((r, i) => {
    if ((CHEMO_MECHANISMS as readonly string[]).includes(r))
      reader.warn(
        ["population", "refractory_to", i],
        `'${r}' (a class of chemotherapy) is read as chemotherapy: progression on the cancer type's first-line chemotherapy`,
      );
    else if (!catalog.agents.has(r) && !(REFRACTORY_CLASSES as readonly string[]).includes(r))
      reader.error(
        ["population", "refractory_to", i],
        `unknown agent or class '${r}' (a catalog agent id, one of ${REFRACTORY_CLASSES.join(", ")}, or a class of chemotherapy: ${CHEMO_MECHANISMS.join(", ")})`,
      );
    else if (refractoryClass(r, catalog) === null) warnUntestedRefractory(r, catalog, reader, i);
    else if (!classAppliesTo(refractoryClass(r, catalog)!, pop.cancer))
      reader.warn(
        ["population", "refractory_to", i],
        `progression on '${r}' (${refractoryClass(r, catalog)}) is tested only in ${CANCER_TYPES.filter((c) => classAppliesTo(refractoryClass(r, catalog)!, c)).join(", ")}: no virtual patient of ${pop.cancer} will be enrolled`,
      );
  });
}
