/**
 * `population.stage` checked against the stages the cancer type's virtual patients carry (catalog/vpop-priors.yaml):
 * a label that covers none of them is a warning, a field whose labels cover none of them is an error (the arms
 * would enrol nobody), and labels finer than the population's staging are read as the stage that holds them
 * (stage-labels.ts), which a warning says.
 */
import type { Reader } from "../engine/language/yaml-reader.js";
import { vpopPriors, type CancerPriors } from "./priors.js";
import { stageFinerThan, stageMatches } from "./stage-labels.js";
import type { TrialDocument } from "./trial-schema.js";

/** The stages a cancer type's virtual patients carry (the categories of its stage prior), or null when unknown. */
export function populationStages(cancer: string): readonly string[] | null {
  const priors = (vpopPriors().cancers as Readonly<Record<string, CancerPriors | undefined>>)[cancer];
  const dist = priors?.stage.dist;
  return dist && "categorical" in dist ? Object.keys(dist.categorical) : null;
}

export function checkStageLabels(pop: TrialDocument["population"], reader: Reader): void {
  if (!pop.stage) return;
  const stages = populationStages(pop.cancer);
  if (!stages) return;
  const list = Array.isArray(pop.stage);
  const labels: readonly string[] = list ? (pop.stage as string[]) : Object.keys(pop.stage);
  const fraction = (l: string) => (list ? 1 : (pop.stage as Record<string, number>)[l]);
  const covers = (l: string) => stages.some((s) => stageMatches(l, s, pop.cancer));
  const their = `the ${pop.cancer} population's stages: ${stages.join(", ")}`;
  const useful = labels.filter((l) => fraction(l) > 0 && covers(l));
  if (labels.length > 0 && useful.length === 0) {
    reader.error(
      ["population", "stage"],
      `${labels.join(", ")}: no virtual patient has ${labels.length > 1 ? "any of these stages" : "that stage"} (${their}); the arms would enrol nobody`,
    );
    return;
  }
  labels.forEach((l, i) => {
    if (fraction(l) > 0 && !covers(l))
      reader.warn(
        ["population", "stage", list ? i : l],
        `'${l}': no virtual patient has that stage (${their}); ${list ? "it enrols nobody" : "its fraction is left out and the others scaled up"}`,
      );
  });
  const finer = labels.filter((l) => stages.some((s) => stageFinerThan(l, s, pop.cancer)));
  if (finer.length)
    reader.warn(
      ["population", "stage"],
      `${finer.join(", ")}: finer than the ${pop.cancer} population's staging (${stages.join(", ")}); read as the stage that holds ${finer.length > 1 ? "them" : "it"}`,
    );
}
