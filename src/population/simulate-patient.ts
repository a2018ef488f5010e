/**
 * One virtual patient under one protocol on the clinical model: the lesions are split into the locally treated
 * group (injected lesions, the lesion in a radiation field, the resected lesion) and the group reached only
 * systemically; the model is solved and the volumes of both groups are returned at the requested days.
 */
import { solve } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { loadModelByName } from "../models/catalog.js";
import type { DoseSpec } from "../engine/language/model-spec.js";
import { therapyCatalog } from "../therapy/catalog.js";
import type { ChemoMechanism } from "../therapy/catalog-schema.js";
import {
  CLINICAL_MODEL,
  compileClinical,
  TARGETED_BINDING,
  type ClinicalInputs,
} from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { occultLesions } from "./observe.js";
import { lesionCells, type Lesion, type VirtualPatient } from "./virtual-patient.js";

/** The targeted pathways' potency parameters with the sensitivity draw that scales each, and their adaptation rates
 * (each once: BRAF and MEK share one adaptation, the EGFR generations a potency and an adaptation), from
 * TARGETED_BINDING. */
const TARGETED_POTENCY = [
  ...new Map(Object.values(TARGETED_BINDING).map((b) => [b.potency, b.sensitivity] as const)),
] as const;
const TARGETED_ADAPTATION = [...new Set(Object.values(TARGETED_BINDING).map((b) => b.adaptation))];

const models = new Map<string, CompiledModel>();

/** What every simulation of a model variant looks up the same way: parameter indices, tolerances, tumour states. */
interface ModelLookups {
  readonly parameterIndex: ReadonlyMap<string, number>;
  readonly atol: Float64Array;
  /** Indices of Ss, Rs, Qs, Ds, Sl, Rl, Ql, Dl. */
  readonly tumour: readonly number[];
}
const lookups = new WeakMap<CompiledModel, ModelLookups>();

function modelLookups(model: CompiledModel): ModelLookups {
  let l = lookups.get(model);
  if (!l) {
    const parameterIndex = new Map<string, number>();
    // the first of equal names, as parameterIndex (indexOf) finds it
    model.parameterNames.forEach((name, i) => parameterIndex.has(name) || parameterIndex.set(name, i));
    l = {
      parameterIndex,
      atol: Float64Array.from(model.spec.states, (s) => (s.unit === "cell" ? 1 : 1e-8)),
      tumour: ["Ss", "Rs", "Qs", "Ds", "Sl", "Rl", "Ql", "Dl"].map((k) => model.stateIndex(k)),
    };
    lookups.set(model, l);
  }
  return l;
}

/** The clinical model with these modules (compiled once per module set). */
export function clinicalModel(modules: readonly string[]): CompiledModel {
  const key = [...modules].sort().join(",");
  let m = models.get(key);
  if (!m) {
    m = loadModelByName(CLINICAL_MODEL, { modules: [...modules] }).model;
    models.set(key, m);
  }
  return m;
}

export interface GroupCourse {
  readonly days: Float64Array;
  /** Volume (mm³, viable and dead cells) of the systemic and the locally treated group at each day. */
  readonly volumeS: Float64Array;
  readonly volumeL: Float64Array;
  /** Viable cells of the systemic group (occult metastases follow its per-cell course) and of the local group. */
  readonly viableS: Float64Array;
  readonly viableL: Float64Array;
  /** Lesion ids in the locally treated group. */
  readonly local: ReadonlySet<string>;
  readonly inputs: ClinicalInputs;
  /** The model state at the last day, by state name (to carry a patient forward, personal-patient.ts). */
  readonly final: Readonly<Record<string, number>>;
  /** Every state of the model at every day (row-major: day × state), in the order of `names`. */
  readonly trajectory?: { readonly names: readonly string[]; readonly values: Float64Array };
}

/**
 * A patient's state on a day other than its baseline (personal-patient.ts): the composition of its viable cells,
 * the dead cells' share of its lesions, its occult metastases, every other state of the model (effectors, drugs)
 * and the modules those states belong to.
 */
export interface StartState {
  /** Shares of the viable tumour cells that are sensitive, resistant (R) and antigen-loss (Q); they sum to 1. */
  readonly sens: number;
  readonly r: number;
  readonly q: number;
  readonly deadFraction: number;
  readonly occult: readonly { readonly cells: number; readonly w: number }[];
  /** Values of the states other than the tumour's (E, Treg, H, drug and virus amounts, …). */
  readonly others: Readonly<Record<string, number>>;
  readonly modules: readonly string[];
}

const TUMOUR_STATES = new Set(["Ss", "Rs", "Qs", "Ds", "Sl", "Rl", "Ql", "Dl"]);
export const isTumourState = (name: string): boolean => TUMOUR_STATES.has(name);

/** The protocol-compilation view of a virtual patient (body size for dosing). */
export function dosingPatient(vp: VirtualPatient): Patient {
  return {
    id: vp.id,
    weight_kg: vp.covariates.weight_kg,
    height_cm: vp.covariates.height_cm,
    gfr_ml_min: vp.covariates.gfr_ml_min,
  };
}

/** A virtual patient's state at its own baseline, as a StartState (what simulatePatient starts from without one). */
export function baselineStart(vp: VirtualPatient): StartState {
  return {
    sens: Math.max(0, 1 - vp.r0 - vp.q0),
    r: vp.r0,
    q: vp.q0,
    deadFraction: vp.deadFraction,
    occult: occultLesions(vp),
    others: { E: vp.e0 },
    modules: [],
  };
}

/** Lesions that form the locally treated group for this protocol. */
export function localLesions(vp: VirtualPatient, inputs: ClinicalInputs): Set<string> {
  const out = new Set<string>();
  if (inputs.local.includes("injection")) for (const l of vp.lesions) if (l.injectable) out.add(l.id);
  if (inputs.local.includes("radiation") || inputs.local.includes("surgery")) {
    // the largest lesions until the field holds the requested share of the burden (default: the largest one)
    const sorted = [...vp.lesions].sort((a, b) => b.diameterMm - a.diameterMm);
    const total = sorted.reduce((s, l) => s + l.diameterMm ** 3, 0);
    // the group is treated as one: injected lesions already in it are irradiated too, and count towards the field
    let inField = sorted.reduce((s, l) => s + (out.has(l.id) ? l.diameterMm ** 3 : 0), 0);
    if (out.size > 0 && inField >= (inputs.fieldFraction ?? 0) * total) return out;
    for (const l of sorted) {
      if (out.has(l.id)) continue;
      out.add(l.id);
      inField += l.diameterMm ** 3;
      if (inField >= (inputs.fieldFraction ?? 0) * total) break;
    }
  }
  return out;
}

let mechanisms: Map<string, ChemoMechanism> | undefined;

/** The mechanism class of a chemotherapy agent of the catalog (undefined for every other agent). */
export function chemoMechanism(agentId: string | undefined): ChemoMechanism | undefined {
  if (agentId === undefined) return undefined;
  if (!mechanisms) {
    mechanisms = new Map();
    for (const [id, a] of therapyCatalog().agents)
      if (a.clinical?.mechanism) mechanisms.set(id, a.clinical.mechanism);
  }
  return mechanisms.get(agentId);
}

/**
 * The doses as this patient receives them: chemotherapy's exposure equivalents (state M, labelled with the agent)
 * multiplied by the patient's sensitivity to the drug's mechanism class. The same array when nothing changes.
 */
export function patientDoses(vp: VirtualPatient, doses: readonly DoseSpec[]): readonly DoseSpec[] {
  const s = vp.chemoSensitivity;
  if (!s || !doses.some((d) => d.state === "M" && d.kind === "bolus")) return doses;
  return doses.map((d) => {
    const m = d.kind === "bolus" && d.state === "M" ? chemoMechanism(d.label) : undefined;
    return m && d.kind === "bolus" ? { ...d, amount: d.amount * s[m] } : d;
  });
}

/**
 * Simulates the patient under the protocol and returns both groups' volumes at `days` (ascending, from 0). From its
 * baseline, or from `start` (a state carried forward: its lesions are then those of `vp` on that day).
 */
export function simulatePatient(
  vp: VirtualPatient,
  protocol: Protocol,
  days: ArrayLike<number>,
  precomputed?: ClinicalInputs,
  start?: StartState,
  rtol = 1e-4,
): GroupCourse {
  const compiled = precomputed ?? compileClinical(protocol, dosingPatient(vp));
  // the states carried forward keep their modules (a drug given before goes on acting and decaying)
  const inputs: ClinicalInputs = start
    ? { ...compiled, modules: [...new Set([...compiled.modules, ...start.modules])].sort() }
    : compiled;
  const model = clinicalModel(inputs.modules);
  const known = modelLookups(model);
  const p = model.defaultParameters();
  const setParam = (k: string, v: number) => {
    const i = known.parameterIndex.get(k);
    if (i !== undefined) p[i] = v;
  };
  for (const [k, v] of Object.entries(vp.parameters)) setParam(k, v);
  for (const [k, v] of Object.entries(inputs.set)) setParam(k, v);
  const tg = vp.targeted;
  if (tg) {
    // the patient's sensitivity and adaptation act on the model's potencies (models/immunoplan-clinical.yaml;
    // parameters of modules not in this model are absent from the index)
    const scale = (k: string, f: number) => {
      const i = known.parameterIndex.get(k);
      if (i !== undefined) p[i] *= f;
    };
    for (const [potency, sensitivity] of TARGETED_POTENCY) scale(potency, tg[sensitivity]);
    for (const adaptation of TARGETED_ADAPTATION) scale(adaptation, tg.adaptation);
  }

  const local = localLesions(vp, inputs);
  const rho = vp.parameters.rho;
  const cells = (ls: readonly Lesion[]) => ls.reduce((s, l) => s + lesionCells(l.diameterMm, rho), 0);
  const nl = cells(vp.lesions.filter((l) => local.has(l.id)));
  // occult metastases belong to the systemic group: they are reached only by systemic treatment
  const ns = cells(vp.lesions.filter((l) => !local.has(l.id)));
  const y0 = model.defaultInitialState();
  const put = (k: string, v: number) => {
    const i = model.stateIndex(k);
    if (i >= 0) y0[i] = v;
  };
  // lesions hold viable cells and dead cells at their steady share; occult metastases are viable
  const from = start ?? baselineStart(vp);
  for (const [k, v] of Object.entries(from.others)) put(k, v);
  const { r, q } = from;
  const sens = 1 - r - q;
  const dead = from.deadFraction;
  const live = 1 - dead;
  const occult = from.occult.reduce((s, o) => s + o.cells, 0);
  const vs = ns * live + occult;
  const vl = nl * live;
  put("Ss", vs * sens);
  put("Rs", vs * r);
  put("Qs", vs * q);
  put("Ds", ns * dead);
  put("Sl", vl * sens);
  put("Rl", vl * r);
  put("Ql", vl * q);
  put("Dl", nl * dead);
  // the cells VEGFR inhibition cannot reach: the patient's co-opted share of the viable burden at the start
  if (tg?.coopted) setParam("Nvc", tg.coopted * (vs + vl));

  const tEnd = days[days.length - 1];
  const doses = patientDoses(vp, inputs.doses);
  // solve copies the output times and the tolerances
  const sol = solve(model.problem({ tEnd, parameters: p, y0, doses }), {
    times: days,
    rtol,
    atol: known.atol,
    maxSteps: 200_000,
    dense: false,
  });
  const [iSs, iRs, iQs, iDs, iSl, iRl, iQl, iDl] = known.tumour;
  const m = sol.times.length;
  const volumeS = new Float64Array(m);
  const volumeL = new Float64Array(m);
  const viableS = new Float64Array(m);
  const viableL = new Float64Array(m);
  const values = sol.values;
  const dim = model.dimension;
  for (let i = 0; i < m; i++) {
    const o = i * dim;
    viableS[i] = values[o + iSs] + values[o + iRs] + values[o + iQs];
    volumeS[i] = (viableS[i] + values[o + iDs]) / rho;
    viableL[i] = values[o + iSl] + values[o + iRl] + values[o + iQl];
    volumeL[i] = (viableL[i] + values[o + iDl]) / rho;
  }
  const last = sol.final;
  const final = Object.fromEntries(model.spec.states.map((st, k) => [st.name, last[k]]));
  const trajectory = { names: model.stateNames, values: sol.values };
  return { days: sol.times, volumeS, volumeL, viableS, viableL, local, inputs, final, trajectory };
}
