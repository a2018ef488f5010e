/**
 * Management guidance for a recorded adverse event that follows the term and the agents the patient receives
 * (decision support; the treating clinician decides): the ASTCT CRS / ICANS guidance for those scales; for CTCAE
 * terms, the checkpoint-inhibitor irAE table only for immune-related terms in a patient on a checkpoint inhibitor,
 * and term-specific guidance (cytopenias, infusion reactions, fever) otherwise. Data: catalog/toxicity.yaml.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import { cellTherapyManagement, iraeManagement, toxicityData } from "./toxicity.js";

export interface AdverseEventInput {
  readonly term: string;
  readonly system: "CTCAE v5" | "ASTCT CRS" | "ASTCT ICANS" | string;
  readonly grade: number;
  /** The agents the patient receives or received (catalog ids or names); empty when unknown. */
  readonly agents?: readonly string[];
}

export interface AdverseEventGuidance {
  readonly text: string;
  readonly source: string;
  /** What the guidance was chosen by: the term's category and the agents' classes. */
  readonly basis: string;
}

type AgentGroup = "checkpoint" | "immune-effector" | "other";

/** The group of an agent by its catalog class (unknown agents: "other"). */
export function agentGroup(agent: string): AgentGroup {
  const cat = therapyCatalog().agents;
  const a = cat.get(agent) ?? [...cat.values()].find((x) => x.name.toLowerCase() === agent.toLowerCase());
  const cls = a?.class ?? "";
  if (/anti-(PD-1|PD-L1|CTLA-4|LAG-3)/i.test(cls)) return "checkpoint";
  if (/CAR-T|TCR-T|tumor-infiltrating|BiTE|T-cell engager/i.test(cls)) return "immune-effector";
  return "other";
}

/** The category of a CTCAE term: the catalog's clinical terms, then the guidance's own patterns. */
export function termCategory(term: string): string | undefined {
  const t = term.trim().toLowerCase();
  const data = toxicityData();
  const known = data.terms.find((x) => x.term.toLowerCase() === t);
  for (const c of data.ae_guidance.categories) if (new RegExp(c.match, "i").test(t)) return c.category;
  return known?.category;
}

export function adverseEventGuidance(ae: AdverseEventInput): AdverseEventGuidance | null {
  const agents = [...new Set(ae.agents ?? [])];
  const groups = new Set(agents.map(agentGroup));
  const agentText = agents.length
    ? `agents: ${agents.map((a) => `${a} (${agentGroup(a)})`).join(", ")}`
    : "agents: none recorded";
  if (ae.system === "ASTCT CRS" || ae.system === "ASTCT ICANS") {
    const text = cellTherapyManagement(ae.system === "ASTCT CRS" ? "crs" : "icans", ae.grade);
    return text
      ? {
          text,
          source: "ASTCT consensus (Lee 2019) and cell-therapy guidance in catalog/toxicity.yaml",
          basis: `${ae.system}; ${agentText}`,
        }
      : null;
  }
  const category = termCategory(ae.term);
  const g = toxicityData().ae_guidance;
  const specific = g.categories.find((c) => c.category === category);
  if (specific) {
    const parts = [specific.general];
    if (groups.has("immune-effector") && specific.immune_effector) parts.push(specific.immune_effector);
    if (groups.has("checkpoint") && specific.checkpoint) parts.push(specific.checkpoint);
    return {
      text: parts.join("; "),
      source: g.source,
      basis: `term '${ae.term}' (${category}); ${agentText}`,
    };
  }
  // an immune-related term: the checkpoint-inhibitor table applies when the patient is on one (or nothing is known)
  const irae = iraeManagement(ae.grade, category);
  if (!irae) return null;
  if (groups.has("checkpoint") || agents.length === 0) {
    const who = agents.length
      ? `checkpoint inhibitor (${agents.filter((a) => agentGroup(a) === "checkpoint").join(", ")})`
      : "if on a checkpoint inhibitor";
    return {
      text: `${who}: ${irae.checkpointInhibitor}; steroids: ${irae.steroids}`,
      source: irae.source,
      basis: `term '${ae.term}'${category ? ` (${category})` : ""}; ${agentText}`,
    };
  }
  return {
    text: `no checkpoint inhibitor among the agents: manage by the agents' labels for a CTCAE grade ${ae.grade} ${ae.term}; the irAE table (steroids: ${irae.steroids}) applies only if the event is immune-mediated`,
    source: irae.source,
    basis: `term '${ae.term}'${category ? ` (${category})` : ""}; ${agentText}`,
  };
}
