/**
 * Turns a protocol into inputs of the clinical model (models/immunoplan-clinical.yaml) for one patient: every
 * administration becomes a dose in the model's units through the agent's `clinical` binding in
 * catalog/agents.yaml (antibodies in mg into the central compartment with the agent's label population PK scaled
 * to the patient's weight; IL-2 as a plasma concentration; chemotherapy, lymphodepletion, GM-CSF and vaccines in
 * exposure equivalents of their reference dose; cells and PFU as counts; radiotherapy and surgery as jumps of the
 * locally treated lesion group).
 */
import type { DoseSpec } from "../engine/language/index.js";
import { survivingFraction } from "../models/radiotherapy.js";
import type { Agent, ClinicalInput, SensitivityPathway, TargetedPathway } from "./catalog-schema.js";
import { therapyCatalog, type TherapyCatalog } from "./catalog.js";
import { absoluteAmount } from "./dose-amount.js";
import { mostellerBsa, type Patient } from "./patient.js";
import type { Protocol } from "./protocol-schema.js";
import { administrations } from "./validate-protocol.js";

export const CLINICAL_MODEL = "immunoplan-clinical";

/**
 * Each targeted pathway in the clinical model (models/immunoplan-clinical.yaml): the module it needs, the exposure
 * state its doses go to, its potency and adaptation parameters (scaled per patient by the sensitivity and the
 * adaptation factor, src/population/simulate-patient.ts), and the patient's sensitivity draw it uses (its own, but
 * the anti-VEGF antibody uses the VEGFR one: the same dependence of the tumour on VEGF; osimertinib the EGFR one; the
 * next-generation ALK inhibitors the ALK one).
 * BRAF and MEK inhibitors share one adaptation (module mapk); the EGFR inhibitors share a potency and an adaptation
 * rate (module egfr, which splits the adaptation by resistance route), and so do the ALK inhibitors (module alk). Every pathway but the VEGFR/mTOR pair has a module of its own, so an arm
 * without it compiles unchanged.
 */
export const TARGETED_BINDING: Readonly<
  Record<
    TargetedPathway,
    {
      readonly module: string;
      readonly state: string;
      readonly potency: string;
      readonly adaptation: string;
      readonly sensitivity: SensitivityPathway;
    }
  >
> = {
  vegfr: { module: "targeted", state: "Xvegf", potency: "kv", adaptation: "lam_v", sensitivity: "vegfr" },
  mtor: { module: "targeted", state: "Xmtor", potency: "km", adaptation: "lam_m", sensitivity: "mtor" },
  braf: { module: "mapk", state: "Xbraf", potency: "kb", adaptation: "lam_b", sensitivity: "braf" },
  mek: { module: "mapk", state: "Xmek", potency: "kk", adaptation: "lam_b", sensitivity: "mek" },
  ifn: { module: "interferon", state: "Xifn", potency: "ki", adaptation: "lam_i", sensitivity: "ifn" },
  ar: { module: "ar", state: "Xar", potency: "ka", adaptation: "lam_a", sensitivity: "ar" },
  vegf: { module: "antivegf", state: "Xbev", potency: "kbev", adaptation: "lam_bev", sensitivity: "vegfr" },
  cd3: { module: "bispecific", state: "Xcd3", potency: "kcd3", adaptation: "lam_cd3", sensitivity: "cd3" },
  egfr: { module: "egfr", state: "Xegfr", potency: "ke", adaptation: "lam_e", sensitivity: "egfr" },
  egfr3: { module: "egfr", state: "Xosi", potency: "ke", adaptation: "lam_e", sensitivity: "egfr" },
  alk: { module: "alk", state: "Xalk", potency: "kalk", adaptation: "lam_alk", sensitivity: "alk" },
  alk2: { module: "alk", state: "Xalk2", potency: "kalk", adaptation: "lam_alk", sensitivity: "alk" },
  kras: { module: "kras", state: "Xkras", potency: "kkr", adaptation: "lam_kr", sensitivity: "kras" },
  parp: { module: "parp", state: "Xparp", potency: "kparp", adaptation: "lam_parp", sensitivity: "parp" },
  psma: { module: "radioligand", state: "Xlu", potency: "klu", adaptation: "lam_lu", sensitivity: "psma" },
  met: { module: "driver_tki", state: "Xmet", potency: "kmet", adaptation: "lam_met", sensitivity: "met" },
  ret: { module: "driver_tki", state: "Xret", potency: "kret", adaptation: "lam_ret", sensitivity: "ret" },
};

/** Modules of the clinical model each input needs (a targeted input: its pathway's, TARGETED_BINDING). */
const MODULES: Record<ClinicalInput, readonly string[]> = {
  pd1: ["pd1"],
  ctla4: ["ctla4"],
  il2: ["il2"],
  chemo: ["chemo"],
  lymphodepletion: ["lymphodepletion"],
  virus: ["virus"],
  gmcsf: ["gmcsf"],
  vaccine: ["vaccine"],
  til: ["til"],
  car_t: ["car_t"],
  nk: ["nk"],
  adcc_mab: ["nk", "adcc"],
  radiation: [],
  surgery: [],
  targeted: ["targeted"],
  none: [],
};

const LOCAL_GROUP = ["Sl", "Rl", "Ql"] as const;

/** Share of a subcutaneous IL-2 dose that reaches blood [C: Konrad 1990, ~30 % of an IM dose; clinical-model.md §2.3]. */
export const SC_IL2_BIOAVAILABILITY = 0.3;

/** What a patient's lesions receive locally: injections (oncolytic virus), a radiation field, or resection. */
export type LocalTreatment = "injection" | "radiation" | "surgery";

export interface ClinicalInputs {
  readonly modules: readonly string[];
  readonly doses: readonly DoseSpec[];
  /** Parameter values the agents set (PK of the antibodies at this weight, rejection of donor cells, ...). */
  readonly set: Readonly<Record<string, number>>;
  /** Local treatments in the protocol (they decide which lesions form the locally treated group). */
  readonly local: readonly LocalTreatment[];
  /** Radiotherapy steps' field fraction (the share of the burden to put in the field), if given. */
  readonly fieldFraction?: number;
  readonly notes: readonly string[];
  readonly lastDoseDay: number;
}

/**
 * The agents of a protocol the clinical model gives no effect (input `none`, e.g. prednisone, or no clinical binding):
 * each agent once, with the phase and step where it first appears. Such steps are skipped by compileClinical.
 */
export function agentsWithoutEffect(
  protocol: Protocol,
  catalog: TherapyCatalog = therapyCatalog(),
): { readonly agent: Agent; readonly phase: number; readonly step: number }[] {
  const out: { agent: Agent; phase: number; step: number }[] = [];
  protocol.phases.forEach((ph, phase) =>
    ph.steps.forEach((st, step) => {
      const agent = catalog.agents.get(st.agent);
      if (!agent || out.some((o) => o.agent.id === agent.id)) return;
      if (!agent.clinical || agent.clinical.input === "none") out.push({ agent, phase, step });
    }),
  );
  return out;
}

/** Exposure equivalents of a dose: its absolute amount over the absolute amount of the reference dose. */
function equivalents(agent: Agent, value: number, unit: string, p: Patient, bsa: number): number {
  const ref = agent.clinical?.reference_dose;
  if (!ref) return 1;
  const dose = absoluteAmount(value, unit, p, bsa);
  const reference = absoluteAmount(ref.value, ref.unit, p, bsa);
  if (dose.unit !== reference.unit) {
    throw new RangeError(
      `${agent.id}: a dose in ${unit} cannot be compared with the reference dose in ${ref.unit}`,
    );
  }
  return dose.amount / reference.amount;
}

export function compileClinical(
  protocol: Protocol,
  patient: Patient,
  catalog: TherapyCatalog = therapyCatalog(),
): ClinicalInputs {
  const bsa = mostellerBsa(patient.height_cm, patient.weight_kg);
  const modules = new Set<string>();
  const doses: DoseSpec[] = [];
  const set: Record<string, number> = {};
  const local = new Set<LocalTreatment>();
  const notes = new Set<string>();
  const pkAgents: Partial<Record<"pd1" | "ctla4", string>> = {};
  let fieldFraction: number | undefined;
  let lastDoseDay = 0;
  for (const a of administrations(protocol, catalog)) {
    const binding = a.agent.clinical;
    const { value, unit } = a.spec.dose;
    const label = a.agent.id;
    const at = a.day;
    if (!binding || binding.input === "none") {
      notes.add(`${a.agent.name} is not represented in the clinical model`);
      continue;
    }
    lastDoseDay = Math.max(lastDoseDay, at);
    for (const m of binding.pathway ? [TARGETED_BINDING[binding.pathway].module] : MODULES[binding.input])
      modules.add(m);
    for (const [k, v] of Object.entries(binding.set ?? {})) set[k] = v;
    const abs = absoluteAmount(value, unit, patient, bsa);
    switch (binding.input) {
      case "pd1":
      case "ctla4": {
        const suffix = binding.input === "pd1" ? "p" : "c";
        const pk = binding.pk;
        if (pk) {
          const w = patient.weight_kg / pk.ref_weight_kg;
          set[`CL_${suffix}`] = pk.CL_L_day * w ** pk.weight_exponent_CL;
          set[`Q_${suffix}`] = pk.Q_L_day * w ** pk.weight_exponent_CL;
          set[`V1_${suffix}`] = pk.V1_L * w ** pk.weight_exponent_V;
          set[`V2_${suffix}`] = pk.V2_L * w ** pk.weight_exponent_V;
          const previous = pkAgents[binding.input];
          if (previous && previous !== a.agent.id) {
            notes.add(
              `${previous} and ${a.agent.id} share one ${binding.input === "pd1" ? "PD-1 axis" : "CTLA-4"} antibody compartment; the PK of ${a.agent.id} is used`,
            );
          }
          pkAgents[binding.input] = a.agent.id;
        }
        doses.push({
          kind: "bolus",
          state: binding.input === "pd1" ? "P1" : "C1",
          amount: abs.amount,
          at,
          label,
        });
        break;
      }
      case "il2": {
        // SC (or IM) doses: about 30 % reaches blood (Konrad 1990 [C]); the slower absorption is not modelled
        const bioavailable = a.spec.route === "iv" ? 1 : SC_IL2_BIOAVAILABILITY;
        doses.push({
          kind: "bolus",
          state: "IL2",
          amount: (bioavailable * abs.amount) / (binding.volume_L ?? 3),
          at,
          label,
        });
        break;
      }
      case "chemo":
        doses.push({
          kind: "bolus",
          state: "M",
          amount: equivalents(a.agent, value, unit, patient, bsa),
          at,
          label,
        });
        break;
      case "targeted":
        // a daily label dose adds one equivalent to its pathway's exposure (the patient's sensitivity acts on the
        // kill rate, src/population/simulate-patient.ts)
        doses.push({
          kind: "bolus",
          state: TARGETED_BINDING[binding.pathway ?? "vegfr"].state,
          amount: equivalents(a.agent, value, unit, patient, bsa),
          at,
          label,
        });
        break;
      case "lymphodepletion":
        doses.push({
          kind: "bolus",
          state: "LD",
          amount: equivalents(a.agent, value, unit, patient, bsa),
          at,
          label,
        });
        break;
      case "gmcsf":
        doses.push({
          kind: "bolus",
          state: "G",
          amount: equivalents(a.agent, value, unit, patient, bsa),
          at,
          label,
        });
        break;
      case "vaccine":
        doses.push({
          kind: "bolus",
          state: "Vac",
          amount: equivalents(a.agent, value, unit, patient, bsa),
          at,
          label,
        });
        break;
      case "virus":
        local.add("injection");
        doses.push({ kind: "bolus", state: "V", amount: abs.amount, at, label });
        break;
      case "til":
        doses.push({ kind: "bolus", state: "Tt", amount: abs.amount, at, label });
        break;
      case "car_t":
        doses.push({ kind: "bolus", state: "CARe", amount: abs.amount, at, label });
        break;
      case "nk":
        doses.push({ kind: "bolus", state: "Nd", amount: abs.amount, at, label });
        break;
      case "adcc_mab":
        doses.push({ kind: "bolus", state: "Ab", amount: abs.amount, at, label });
        break;
      case "radiation": {
        local.add("radiation");
        if (a.spec.field_fraction !== undefined) fieldFraction = a.spec.field_fraction;
        const sf = survivingFraction(a.agent.model.alpha ?? 0.3, a.agent.model.beta ?? 0.03, abs.amount);
        for (const s of LOCAL_GROUP) doses.push({ kind: "scale", state: s, factor: sf, at, label });
        notes.add(
          `radiotherapy: surviving fraction ${sf.toPrecision(3)} per ${abs.amount} Gy fraction on the lesions in the field (linear-quadratic, α = ${a.agent.model.alpha}/Gy, β = ${a.agent.model.beta}/Gy² [K])`,
        );
        break;
      }
      case "surgery":
        local.add("surgery");
        for (const s of [...LOCAL_GROUP, "Dl"])
          doses.push({ kind: "scale", state: s, factor: Math.max(0, 1 - abs.amount), at, label });
        break;
    }
  }
  return {
    modules: [...modules].sort(),
    doses,
    set,
    local: [...local],
    fieldFraction,
    notes: [...notes],
    lastDoseDay,
  };
}
