/**
 * Who of a virtual population a trial arm enrols: hard criteria (allowed stages, PD-L1, BRAF, ECOG, injectable lesions,
 * refractory to agents or classes) remove patients; distributions (stage fractions, share with
 * raised LDH) reweight those left so that the arm's baseline matches the trial's (post-stratification on the
 * population's own weights).
 */
import { therapyCatalog, type TherapyCatalog } from "../therapy/catalog.js";
import { CHEMO_MECHANISMS } from "../therapy/catalog-schema.js";
import type { Covariates } from "./virtual-patient.js";
import { stageMatches } from "./stage-labels.js";
import { ARPI_CLASS, pdl1Admits, REFRACTORY_CLASSES, type TrialPopulation } from "./types.js";

export interface PoolMember {
  readonly covariates: Covariates;
  /** Classes the patient is refractory to (its simulated reference regimen failed). */
  readonly refractory: readonly string[];
  /** Per refractory class, the model states the patient keeps from its progression (reference-regimens.ts). */
  readonly carry?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * The model states a patient enrolled in a trial population starts from: those it carries from its progression on
 * each class the population is refractory to (null: none). A patient of a population that never received the
 * class starts with its default states.
 */
export function carriedStates(
  member: Pick<PoolMember, "carry">,
  population: TrialPopulation,
  catalog: TherapyCatalog = therapyCatalog(),
): Record<string, number> | null {
  if (!member.carry) return null;
  let out: Record<string, number> | null = null;
  for (const entry of population.refractory_to ?? []) {
    const cls = refractoryClass(entry, catalog);
    const states = cls ? member.carry[cls] : undefined;
    if (states) out = { ...(out ?? {}), ...states };
  }
  return out;
}

export { stageMatches } from "./stage-labels.js";

/**
 * The class a refractory_to entry names: a class itself, a catalog agent's class, or chemotherapy for a class
 * of it; null when the model cannot test it (an unknown name, or an agent of another class: sunitinib,
 * aldesleukin, …).
 */
export function refractoryClass(entry: string, catalog: TherapyCatalog = therapyCatalog()): string | null {
  if ((REFRACTORY_CLASSES as readonly string[]).includes(entry)) return entry;
  // a class of chemotherapy (platinum, taxane, …): the model tests refractoriness to the first-line regimen
  if ((CHEMO_MECHANISMS as readonly string[]).includes(entry)) return "chemotherapy";
  const agent = catalog.agents.get(entry);
  if (!agent) return null;
  if ((REFRACTORY_CLASSES as readonly string[]).includes(agent.class)) return agent.class;
  // enzalutamide, apalutamide, darolutamide (androgen-receptor inhibitors) and abiraterone (a CYP17 inhibitor)
  if (agent.clinical?.input === "targeted" && agent.clinical.pathway === "ar") return ARPI_CLASS;
  if (agent.modality === "chemotherapy") return "chemotherapy";
  return null;
}

export interface Enrolment {
  /** Enrolment weight of each pool member (0: not eligible); multiply by the population weight. */
  readonly factor: Float64Array;
  /** 1 when the member meets the hard criteria (before post-stratification). */
  readonly eligible: Uint8Array;
  /**
   * The strata of a stage distribution (a trial's labels, those covering the same patients joined: lymphoma's
   * III and IV are both the virtual patients' "III-IV"), their target fractions, and each member's stratum index
   * (-1: none).
   */
  readonly stageLabels: readonly string[];
  readonly stageTargets: readonly number[];
  readonly stageOf: Int32Array;
  /** Criteria that could not be applied (unknown stage labels, refractory entries without a class). */
  readonly notes: string[];
  /**
   * The population fields that on their own admit no member of the pool ("stage", "pdl1", "braf", "ecog",
   * "injectable", "refractory_to: <entry>"): why an arm enrols nobody.
   */
  readonly excludedBy: readonly string[];
}

/** The trial-file fields of tumour markers and the virtual patient's covariate each one selects on. */
const MARKER_COVARIATES = [
  ["braf", "braf_v600"],
  ["egfr", "egfr_mutant"],
  ["alk", "alk_rearranged"],
  ["kras", "kras_g12c"],
  ["brca", "brca_mutant"],
  ["met", "met_ex14"],
  ["ret", "ret_fusion"],
] as const satisfies readonly (readonly [keyof TrialPopulation, keyof Covariates])[];
const MARKER_FIELD = Object.fromEntries(MARKER_COVARIATES.map(([field, covariate]) => [covariate, field]));

/** Enrolment factors of every pool member for a trial population, given the population's weights. */
export function enrol(
  pool: readonly PoolMember[],
  population: TrialPopulation,
  weights: ArrayLike<number>,
): Enrolment {
  const n = pool.length;
  const factor = new Float64Array(n).fill(1);
  const notes: string[] = [];
  const refractory = (population.refractory_to ?? []).map((e) => ({ e, c: refractoryClass(e) }));
  for (const r of refractory) if (!r.c) notes.push(`refractory_to '${r.e}': not a class the model can test`);
  // the model has no biology of earlier lines besides refractoriness and the driver pathways' line shift
  // (line-of-therapy.ts): prior_lines does not select patients (else patients enrolled by no other trial would keep
  // their prior weights and bias the trials that admit them)
  if (population.prior_lines && population.prior_lines.some((l) => l > 0))
    notes.push(
      "prior_lines: earlier lines are represented through refractory_to and a lower sensitivity to driver kinase inhibitors set on first-line trials; not used to select patients",
    );
  const allowedStages = Array.isArray(population.stage) ? (population.stage as readonly string[]) : null;
  // each tumour marker the trial states (mutant or wildtype) and the covariate that must match it
  const markers = MARKER_COVARIATES.flatMap(([field, covariate]) =>
    population[field] === "mutant" || population[field] === "wildtype"
      ? [[covariate, population[field] === "mutant"] as const]
      : [],
  );
  // how many members each criterion admits on its own (to name the one that admits nobody)
  const admitted = new Map<string, number>();
  const admit = (field: string, pass: boolean) => {
    admitted.set(field, (admitted.get(field) ?? 0) + (pass ? 1 : 0));
    return pass;
  };
  for (let i = 0; i < n; i++) {
    const c = pool[i].covariates;
    let ok = true;
    if (
      allowedStages &&
      !admit(
        "stage",
        allowedStages.some((s) => stageMatches(s, c.stage, population.cancer)),
      )
    )
      ok = false;
    if (population.pdl1 && !admit("pdl1", pdl1Admits(population.pdl1, c.pdl1_tps))) ok = false;
    for (const [covariate, want] of markers)
      if (!admit(MARKER_FIELD[covariate], c[covariate] === want)) ok = false;
    if (population.ecog && !admit("ecog", population.ecog.includes(c.ecog))) ok = false;
    if (population.injectable && !admit("injectable", c.injectable)) ok = false;
    for (const r of refractory)
      if (r.c && !admit(`refractory_to: ${r.e}`, pool[i].refractory.includes(r.c))) ok = false;
    if (!ok) factor[i] = 0;
  }
  const excludedBy = n > 0 ? [...admitted].filter(([, k]) => k === 0).map(([f]) => f) : [];
  const eligible = Uint8Array.from(factor, (f) => (f > 0 ? 1 : 0));
  const stageOf = new Int32Array(n).fill(-1);
  let stageLabels: string[] = [];
  let stageTargets: number[] = [];
  // stage distribution: post-stratify the eligible patients' weights to the trial's fractions
  if (population.stage && !Array.isArray(population.stage)) {
    const target = population.stage as Readonly<Record<string, number>>;
    const strata = stageStrata(
      Object.keys(target),
      target,
      pool.filter((_, i) => factor[i] > 0).map((m) => m.covariates.stage),
      population.cancer,
    );
    stageLabels = strata.map((st) => st.name);
    stageTargets = strata.map((st) => st.target);
    const mass = new Float64Array(strata.length);
    for (let i = 0; i < n; i++) {
      if (factor[i] === 0) continue;
      const k = strata.findIndex((st) =>
        st.labels.some((s) => stageMatches(s, pool[i].covariates.stage, population.cancer)),
      );
      stageOf[i] = k;
      if (k >= 0) mass[k] += weights[i];
      else factor[i] = 0;
    }
    const missing = strata.filter((st, k) => st.target > 0 && !(mass[k] > 0)).map((st) => st.name);
    if (missing.length) notes.push(`stage ${missing.join(", ")}: no virtual patient of that stage`);
    const covered = strata.reduce((s, st, k) => s + (mass[k] > 0 ? st.target : 0), 0);
    for (let i = 0; i < n; i++) {
      const k = stageOf[i];
      if (k >= 0 && factor[i] > 0) factor[i] *= stageTargets[k] / covered / mass[k];
    }
  }
  // share with raised LDH
  if (population.ldh_elevated !== undefined) {
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < n; i++) {
      const m = factor[i] * weights[i];
      if (pool[i].covariates.ldh_elevated) hi += m;
      else lo += m;
    }
    const f = population.ldh_elevated;
    if (hi > 0 && lo > 0) {
      for (let i = 0; i < n; i++) factor[i] *= pool[i].covariates.ldh_elevated ? f / hi : (1 - f) / lo;
    } else notes.push("ldh_elevated: the eligible patients all have the same LDH status");
  }
  return { factor, notes, eligible, stageLabels, stageTargets, stageOf, excludedBy };
}

/**
 * A trial's stage labels as strata: labels that cover exactly the same virtual patients' stages are one stratum
 * (named "III + IV", its target the sum), so that a finer staging than the population's is not lost to the first
 * label that matches; otherwise one stratum a label, in the trial's order.
 */
export function stageStrata(
  labels: readonly string[],
  target: Readonly<Record<string, number>>,
  stages: readonly string[],
  cancer?: string,
): { name: string; labels: string[]; target: number }[] {
  const present = [...new Set(stages)];
  const cover = (l: string) =>
    present
      .filter((s) => stageMatches(l, s, cancer))
      .sort()
      .join("|");
  const out: { name: string; labels: string[]; target: number; key: string }[] = [];
  for (const l of labels) {
    const key = cover(l);
    const same = key ? out.find((st) => st.key === key) : undefined;
    if (same) {
      same.labels.push(l);
      same.name = `${same.name} + ${l}`;
      same.target += target[l];
    } else out.push({ name: l, labels: [l], target: target[l], key });
  }
  return out.map(({ name, labels: ls, target: t }) => ({ name, labels: ls, target: t }));
}
