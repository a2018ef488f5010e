/**
 * The tumour markers a trial's population has when its file does not say (population.braf, egfr, alk, kras, brca, met, ret): what
 * its arms imply. A targeted agent's arm enrols the marker's patients; a first-line checkpoint-inhibitor trial in
 * NSCLC enrols tumours without a sensitizing EGFR mutation or an ALK rearrangement. Each inference is a warning.
 */
import type { Reader } from "../engine/language/yaml-reader.js";
import type { TherapyCatalog } from "../therapy/catalog.js";
import {
  ALK_REARRANGED_PATHWAYS,
  BRAF_V600_PATHWAYS,
  EGFR_MUTANT_PATHWAYS,
  KRAS_G12C_PATHWAYS,
  BRCA_PATHWAYS,
  MET_EX14_PATHWAYS,
  RET_FUSION_PATHWAYS,
  type Agent,
  type TargetedPathway,
} from "../therapy/catalog-schema.js";
import { cancerPriors } from "./priors.js";
import type { TrialArm } from "./trial-file.js";
import { MARKER_STATUS_ALIASES, type TrialDocument } from "./trial-schema.js";
import type { CancerType } from "./types.js";
import {
  alkRearrangedShare,
  brafV600Share,
  brcaMutantShare,
  egfrMutantShare,
  krasG12cShare,
  metEx14Share,
  retFusionShare,
} from "./marker-prevalence.js";

/** The tumour markers a targeted agent's label requires, with the population field that states them. */
const MARKERS = [
  {
    field: "braf",
    pathways: BRAF_V600_PATHWAYS,
    what: "BRAF V600-mutant",
    label: (p: string) => `a ${p.toUpperCase()} inhibitor`,
    share: brafV600Share,
  },
  {
    field: "egfr",
    pathways: EGFR_MUTANT_PATHWAYS,
    what: "EGFR-mutant",
    label: () => "an EGFR tyrosine kinase inhibitor",
    share: egfrMutantShare,
  },
  {
    field: "alk",
    pathways: ALK_REARRANGED_PATHWAYS,
    what: "ALK-rearranged",
    label: () => "an ALK tyrosine kinase inhibitor",
    share: alkRearrangedShare,
  },
  {
    field: "kras",
    pathways: KRAS_G12C_PATHWAYS,
    what: "KRAS G12C-mutant",
    label: () => "a KRAS G12C inhibitor",
    share: krasG12cShare,
  },
  {
    field: "brca",
    pathways: BRCA_PATHWAYS,
    what: "BRCA1/2-altered",
    label: () => "a PARP inhibitor",
    share: brcaMutantShare,
  },
  {
    field: "met",
    pathways: MET_EX14_PATHWAYS,
    what: "MET exon 14-altered",
    label: () => "a MET inhibitor",
    share: metEx14Share,
  },
  {
    field: "ret",
    pathways: RET_FUSION_PATHWAYS,
    what: "RET fusion-positive",
    label: () => "a RET inhibitor",
    share: retFusionShare,
  },
] as const;

/**
 * A trial whose arms give a BRAF or MEK inhibitor (an EGFR or ALK tyrosine kinase inhibitor, a KRAS G12C inhibitor)
 * and whose file does not say the tumours' BRAF (EGFR, ALK, KRAS) status enrols mutant (ALK-rearranged) patients only: these agents are indicated, and were trialled, in
 * mutant tumours (their labels' indications, catalog/agents.yaml), and the model gives them no effect in wild-type
 * ones, so an unselected population would dilute the arm with patients no such trial enrols. A warning says so;
 * `braf: any` (`egfr: any`, `alk: any`, `kras: any`) keeps everyone.
 */
export function inferMarkerStatus(
  doc: TrialDocument,
  arms: readonly TrialArm[],
  catalog: TherapyCatalog,
  reader: Reader,
): TrialDocument["population"] {
  let population = doc.population;
  for (const m of MARKERS) {
    const given = population[m.field];
    if (given !== undefined && given in MARKER_STATUS_ALIASES) {
      population = {
        ...population,
        [m.field]: MARKER_STATUS_ALIASES[given as keyof typeof MARKER_STATUS_ALIASES],
      };
      continue;
    }
    if (given !== undefined) continue;
    const found = firstAgentOf(arms, catalog, m.pathways);
    if (!found) continue;
    if (m.share(population.cancer as CancerType) === 0) {
      reader.warn(
        ["population", m.field],
        `not given: arm '${found.arm}' gives ${found.agent.name}, ${m.label(found.pathway)} that acts only in ${m.what} tumours, and the model's ${population.cancer} patients have none: it is simulated as if it were not given`,
      );
      continue;
    }
    reader.warn(
      ["population", m.field],
      `not given: arm '${found.arm}' gives ${found.agent.name}, ${m.label(found.pathway)} indicated in ${m.what} tumours, so ${m.what} patients only are enrolled (write ${m.field}: any to enrol every patient)`,
    );
    population = { ...population, [m.field]: "mutant" };
  }
  return inferDriverExclusion(population, arms, catalog, reader);
}

/** Agent classes of checkpoint inhibitors (catalog/agents.yaml `class`). */
const CHECKPOINT_CLASSES = /^anti-(PD-1|PD-L1|CTLA-4)\b/;

/**
 * A first-line trial (prior_lines [0]) of a checkpoint inhibitor in a cancer whose driver-positive tumours are
 * immunologically colder (f_imm_driver_factor: NSCLC) whose file says neither population.egfr nor population.alk
 * enrols tumours with neither: such tumours are treated first with their tyrosine kinase inhibitor, and the
 * first-line checkpoint-inhibitor trials of NSCLC excluded them (KEYNOTE-024 among the calibration trials; the
 * later trials in second line did not). A warning says so; `egfr: any` keeps everyone.
 */
function inferDriverExclusion(
  population: TrialDocument["population"],
  arms: readonly TrialArm[],
  catalog: TherapyCatalog,
  reader: Reader,
): TrialDocument["population"] {
  if (population.egfr !== undefined || population.alk !== undefined) return population;
  const cancer = population.cancer as CancerType;
  if (cancerPriors(cancer)?.f_imm_driver_factor === undefined) return population;
  const lines = population.prior_lines;
  if (!Array.isArray(lines) || lines.length === 0 || lines.some((l) => l !== 0)) return population;
  const found = arms.find((arm) =>
    arm.protocol.phases.some((ph) =>
      ph.steps.some((st) => CHECKPOINT_CLASSES.test(catalog.agents.get(st.agent)?.class ?? "")),
    ),
  );
  if (!found) return population;
  reader.warn(
    ["population", "egfr"],
    `not given: arm '${found.name}' gives a checkpoint inhibitor in first line, and first-line checkpoint-inhibitor trials in ${cancer} enrolled tumours with neither a sensitizing EGFR mutation nor an ALK rearrangement (their first treatment is the tyrosine kinase inhibitor), so EGFR wild-type, ALK-negative patients only are enrolled (write egfr: any and alk: any to enrol every patient)`,
  );
  return { ...population, egfr: "wildtype", alk: "wildtype" };
}

/** The first agent of the arms (in order) whose targeted pathway is one of these. */
function firstAgentOf(
  arms: readonly TrialArm[],
  catalog: TherapyCatalog,
  pathways: readonly TargetedPathway[],
): { arm: string; agent: Agent; pathway: TargetedPathway } | undefined {
  for (const arm of arms)
    for (const phase of arm.protocol.phases)
      for (const step of phase.steps) {
        const agent = catalog.agents.get(step.agent);
        const pathway = agent?.clinical?.pathway;
        if (agent && pathway && pathways.includes(pathway)) return { arm: arm.name, agent, pathway };
      }
  return undefined;
}
