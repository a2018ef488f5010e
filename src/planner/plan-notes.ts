/** What a plan says it cannot know: the model's blind spots for this case, and unsourced toxicity rates. */
import type { Evaluation } from "../clinic/evaluate.js";
import { therapyCatalog } from "../therapy/catalog.js";
import type { Personalization } from "./personalize.js";
import type { ToxicityProxy } from "./rank.js";
import { INDEPENDENCE_ASSUMPTION } from "./toxicity-risk.js";

/** What the model cannot know, for this case and candidate. */
export function cannotKnow(p: Personalization, ev: Evaluation, notes: readonly string[]): string[] {
  const out = [
    "The immune parameters are the published de Pillis 2006 values (patient 9), not this patient's: tumor sizes cannot identify them.",
    `Antigenicity, suppression and tolerance are drawn from wide priors (${p.posterior
      .filter((x) => !x.informedByData)
      .map((x) => `${x.name} ${x.prior}`)
      .join("; ")}): the spread of the predictions reflects them.`,
    "The model has one tumor compartment: it cannot see new lesions, sites the drugs do not reach (e.g. the brain), resistance mutations or antigen loss.",
    "The tumor inactivates NK and CD8+ cells by mass action (de Pillis 2006, calibrated on tumors of 1e6–1e9 cells): at clinical burdens immune therapies alone do little until the burden falls — a property of the model that this patient's data cannot test.",
    `Toxicity is not simulated: the probability of grade ≥ 3 adverse events comes from the label and trial rates of the agents (in those trials' patients, not this patient's), ${INDEPENDENCE_ASSUMPTION}.`,
    `${p.observations.length} scan(s) of untreated growth were used; the growth-rate interval is ${p.posterior[0].lower95.toPrecision(2)}–${p.posterior[0].upper95.toPrecision(2)} per day.`,
  ];
  const missing = ev.checklist.filter((i) => i.status !== "present");
  if (missing.length)
    out.push(`Records missing or outdated: ${missing.map((i) => `${i.what} (${i.status})`).join("; ")}.`);
  for (const n of notes) if (/not represented|assumption/i.test(n)) out.push(`Model note: ${n}`);
  return out;
}

/** Agents of the candidates whose grade ≥ 3 rate is not in the catalog: their candidates' figures are lower bounds. */
export function unknownToxicityNote(tox: readonly ToxicityProxy[]): string[] {
  const ids = [...new Set(tox.flatMap((t) => t.unknownAgents ?? []))];
  if (!ids.length) return [];
  const names = ids.map((id) => therapyCatalog().agents.get(id)?.name ?? id);
  return [
    `No sourced grade ≥ 3 adverse-event rate, or only a floor (treatment-related deaths), for ${names.join(", ")} (catalog/adverse-events.yaml): the toxicity probability of a candidate that gives them is a lower bound ("≥").`,
  ];
}
