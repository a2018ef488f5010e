/**
 * An arm that treats the population again with what it progressed on, where the model cannot select that
 * progression: `refractory_to` names an agent whose class has no reference regimen (a VEGFR, EGFR or ALK tyrosine
 * kinase inhibitor, …), so the virtual patients are not chosen among those who progressed on it, and a trial starts
 * from the untreated baseline, with no memory of an earlier course. Such an arm is simulated as a first course of the
 * agent's pathway: its figures are too favourable (axitinib after sunitinib responds in the model as sunitinib does
 * first-line). The androgen-receptor pathway inhibitors have had a reference regimen and a carried adaptation since
 * 2026-12-04 (reference-regimens.ts), so enzalutamide after abiraterone is no longer such a case. The reader says so, naming the arm, the agent and the entry.
 */
import type { Path, Reader } from "../engine/language/yaml-reader.js";
import type { TherapyCatalog } from "../therapy/catalog.js";
import { refractoryClass } from "./eligibility.js";
import type { TrialDocument } from "./trial-schema.js";
import type { TrialArm } from "./trial-file.js";

/** What makes two agents "the same" for a re-treatment: the targeted pathway they act through, else their class. */
function actsThrough(id: string, catalog: TherapyCatalog): string | null {
  const a = catalog.agents.get(id);
  if (!a?.clinical || a.clinical.input === "none") return null;
  return a.clinical.input === "targeted" && a.clinical.pathway
    ? `pathway ${a.clinical.pathway}`
    : `class ${a.class}`;
}

export function warnRetreatment(
  doc: TrialDocument,
  arms: readonly TrialArm[],
  catalog: TherapyCatalog,
  reader: Reader,
): void {
  const untested = (doc.population.refractory_to ?? []).filter(
    (r) => catalog.agents.has(r) && refractoryClass(r, catalog) === null,
  );
  for (const r of untested) {
    const through = actsThrough(r, catalog);
    if (!through) continue;
    arms.forEach((arm, i) => {
      const hit = arm.protocol.phases
        .flatMap((p) => p.steps)
        .find((s) => actsThrough(s.agent, catalog) === through);
      if (!hit) return;
      const at: Path = ["arms", i, "protocol"];
      reader.warn(
        at,
        `arm '${arm.name}' gives ${hit.agent}, which acts through the same ${through} as '${r}' the population progressed on: that progression is not selectable in a virtual population, so the arm is simulated as a first course of it and its figures are too favourable`,
      );
    });
  }
}
