/** The catalog agents a case's treatment history names, and those the case progressed on. */
import type { Agent } from "../therapy/catalog-schema.js";
import { therapyCatalog } from "../therapy/catalog.js";
import type { CaseRecord } from "./case-schema.js";

export interface Progression {
  readonly treatment: string;
  readonly agent: Agent;
  readonly start?: string;
  readonly end?: string;
  /** Where the record says so (the treatment entry's source). */
  readonly source: string;
}

const wordRe = (s: string) => new RegExp(`\\b${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");

/** An agent id as a word, its hyphens written as hyphens or spaces in any mix ("interferon alfa-2b"). */
const idRe = (id: string) => new RegExp(`\\b${id.split("-").join("[-\\s]")}\\b`, "i");

/** The catalog agents a treatment entry names (by id or brand, in its name or code's display). */
export function treatmentAgents(t: CaseRecord["treatments"][number]): Agent[] {
  const text = `${t.name} ${t.code?.display ?? ""}`;
  return [...therapyCatalog().agents.values()].filter(
    (a) => idRe(a.id).test(text) || (a.brand !== undefined && wordRe(a.brand).test(text)),
  );
}

/** Agents of the catalog the case progressed on (treatment stopped for progression or best response PD). */
export function progressions(c: CaseRecord): Progression[] {
  const out: Progression[] = [];
  for (const t of c.treatments) {
    const progressed =
      /progress/i.test(t.reasonStopped ?? "") ||
      /^\s*(PD|progressive disease|progression)\s*$/i.test(t.bestResponse ?? "");
    if (!progressed) continue;
    for (const a of treatmentAgents(t)) {
      const src = t.source as { kind: string; ref?: string };
      out.push({
        treatment: t.name,
        agent: a,
        start: t.start,
        end: t.end,
        source: `treatment history: ${t.name}${t.start ? ` ${t.start}` : ""}${t.end ? `–${t.end}` : ""}, ${t.reasonStopped ? `stopped: ${t.reasonStopped}` : `best response ${t.bestResponse}`} (${src.kind}${src.ref ? ` ${src.ref}` : ""})`,
      });
    }
  }
  return out;
}
