/**
 * Agent names as people write them: the catalog id (`pembrolizumab`), the generic name in any case or spacing
 * (`Nab paclitaxel`), a brand (`Keytruda`, `Treanda`) or a common abbreviation the catalog lists as an alias
 * (`T-VEC`, `axi-cel`, `HD IL-2`, `DTIC`). Names are compared on their letters and digits only, lower-cased, so
 * `Axi-Cel`, `axicel` and `axi cel` are one name. A name two agents share resolves to neither (the reader lists
 * both). Trial files are read leniently (a published arm is written by whoever transcribes it) and resolve such
 * names with a warning; protocols of the clinic are strict and only suggest the id.
 */
import type { Agent } from "./catalog-schema.js";
import type { TherapyCatalog } from "./catalog.js";
import type { Protocol } from "./protocol-schema.js";

/** A name's key: NFKD letters and digits, lower-cased (`Axi-Cel®` → `axicel`). */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** The names an agent answers to: id, name, each brand (`Treanda, Bendeka`), each alias. */
export function agentNames(agent: Agent): string[] {
  return [agent.id, agent.name, ...(agent.brand ? agent.brand.split(/[,/]/) : []), ...(agent.aliases ?? [])]
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const indexes = new WeakMap<TherapyCatalog, Map<string, string[]>>();

function index(catalog: TherapyCatalog): Map<string, string[]> {
  let ix = indexes.get(catalog);
  if (ix) return ix;
  ix = new Map();
  for (const agent of catalog.agents.values())
    for (const n of agentNames(agent)) {
      const k = nameKey(n);
      if (!k) continue;
      const ids = ix.get(k) ?? [];
      if (!ids.includes(agent.id)) ids.push(agent.id);
      ix.set(k, ids);
    }
  indexes.set(catalog, ix);
  return ix;
}

export type AgentNameMatch =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "name"; readonly id: string }
  | { readonly kind: "ambiguous"; readonly ids: readonly string[] }
  | { readonly kind: "unknown" };

/** What a written agent name stands for in the catalog. */
export function resolveAgentName(name: string, catalog: TherapyCatalog): AgentNameMatch {
  if (catalog.agents.has(name)) return { kind: "id", id: name };
  const ids = index(catalog).get(nameKey(name));
  if (!ids || ids.length === 0) return { kind: "unknown" };
  return ids.length === 1 ? { kind: "name", id: ids[0] } : { kind: "ambiguous", ids };
}

/** Catalog ids close to an unknown name (a shared stem), for "did you mean" hints. */
export function nearAgentIds(name: string, catalog: TherapyCatalog, limit = 3): string[] {
  const k = nameKey(name);
  if (k.length < 3) return [];
  const out: string[] = [];
  for (const agent of catalog.agents.values()) {
    if (out.length >= limit) break;
    if (agentNames(agent).some((n) => nameKey(n).includes(k) || k.includes(nameKey(n)))) out.push(agent.id);
  }
  return out;
}

export interface AgentRename {
  /** `phases[0].steps[1].agent` */
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The protocol with every step's agent written as its catalog id where the name resolves to one agent; the
 * renames made. Unknown and ambiguous names are left as written (validation reports them).
 */
export function canonicalAgentNames(
  protocol: Protocol,
  catalog: TherapyCatalog,
): { protocol: Protocol; renamed: AgentRename[] } {
  const renamed: AgentRename[] = [];
  const phases = protocol.phases.map((phase, pi) => {
    let changed = false;
    const steps = phase.steps.map((step, si) => {
      const m = resolveAgentName(step.agent, catalog);
      if (m.kind !== "name") return step;
      renamed.push({ path: `phases[${pi}].steps[${si}].agent`, from: step.agent, to: m.id });
      changed = true;
      return { ...step, agent: m.id };
    });
    return changed ? { ...phase, steps } : phase;
  });
  return { protocol: renamed.length ? { ...protocol, phases } : protocol, renamed };
}
