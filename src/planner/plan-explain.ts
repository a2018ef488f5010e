/**
 * The steps of a candidate that a plan explains: which components a design has, the design without one of
 * them (the ablation the plan simulates), the modality each belongs to and the agents that give it.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { stepDays } from "../therapy/protocol-schema.js";
import type { CandidateDesign } from "./candidates.js";
import type { StepExplanation } from "./plan-types.js";

export const COMPONENTS: readonly StepExplanation["component"][] = [
  "debulking",
  "virus",
  "checkpoint",
  "il2",
  "killers",
  "maintenance",
];

export function present(d: CandidateDesign, c: StepExplanation["component"]): boolean {
  switch (c) {
    case "debulking":
      return d.debulking !== "none";
    case "virus":
      return d.virus;
    case "checkpoint":
      return d.activation === "checkpoint" || d.activation === "checkpoint+il2";
    case "il2":
      return d.activation === "il2" || d.activation === "checkpoint+il2";
    case "killers":
      return d.killers !== "none";
    case "maintenance":
      return d.maintenance;
  }
}

/** The design without one component (maintenance goes with the checkpoint inhibitor). */
export function without(d: CandidateDesign, c: StepExplanation["component"]): CandidateDesign {
  switch (c) {
    case "debulking":
      return { ...d, debulking: "none" };
    case "virus":
      return { ...d, virus: false, gapDays: 0 };
    case "checkpoint":
      return {
        ...d,
        activation: d.activation === "checkpoint+il2" ? "il2" : "none",
        maintenance: false,
        gapDays: d.activation === "checkpoint+il2" ? d.gapDays : 0,
      };
    case "il2":
      return {
        ...d,
        activation: d.activation === "checkpoint+il2" ? "checkpoint" : "none",
        gapDays: d.activation === "checkpoint+il2" ? d.gapDays : 0,
      };
    case "killers":
      return { ...d, killers: "none", killerTiming: "nadir" };
    case "maintenance":
      return { ...d, maintenance: false };
  }
}

export const MODALITY_OF: Record<
  Exclude<StepExplanation["component"], "killers">,
  (d: CandidateDesign) => string
> = {
  debulking: (d) => d.debulking,
  virus: () => "oncolytic-virus",
  checkpoint: () => "checkpoint-inhibitor",
  il2: () => "cytokine",
  maintenance: () => "checkpoint-inhibitor",
};

export function stepAgents(protocol: Protocol, c: StepExplanation["component"]): StepExplanation["agents"] {
  const catalog = therapyCatalog();
  const modalities: Record<StepExplanation["component"], (id: string, intent?: string) => boolean> = {
    debulking: (_id, intent) => intent?.startsWith("debulking") ?? false,
    virus: (id) => catalog.agents.get(id)?.modality === "oncolytic-virus",
    checkpoint: (id, intent) => id === "pembrolizumab" && intent === "immune activation",
    il2: (id, intent) => id === "aldesleukin" && intent === "immune activation",
    killers: (_id, intent) =>
      intent === "elimination of residual cells" || intent === "ADCC" || (intent?.includes("TIL") ?? false),
    maintenance: (_id, intent) => intent?.startsWith("maintenance") ?? false,
  };
  return protocol.phases.flatMap((ph) =>
    ph.steps
      .filter((s) => modalities[c](s.agent, s.intent))
      .map((s) => ({
        id: s.agent,
        name: catalog.agents.get(s.agent)?.name ?? s.agent,
        dose: `${s.dose.value} ${s.dose.unit}`,
        route: s.route,
        days: stepDays(ph, s),
      })),
  );
}
