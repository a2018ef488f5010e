/**
 * One virtual patient under one protocol on the clinical model: the lesions are split into the locally treated
 * group (injected lesions, the lesion in a radiation field, the resected lesion) and the group reached only
 * systemically; the model is solved and the volumes of both groups are returned at the requested days.
 */
import { solve } from "../engine/index.js";
import type { CompiledModel } from "../engine/language/compile.js";
import { loadModelByName } from "../models/catalog.js";
import { CLINICAL_MODEL, compileClinical, type ClinicalInputs } from "../therapy/compile-clinical.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { occultCells } from "./observe.js";
import { lesionCells, type Lesion, type VirtualPatient } from "./virtual-patient.js";

const models = new Map<string, CompiledModel>();

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
  /** Viable cells of the systemic group (occult metastases follow its per-cell course). */
  readonly viableS: Float64Array;
  /** Lesion ids in the locally treated group. */
  readonly local: ReadonlySet<string>;
  readonly inputs: ClinicalInputs;
}

/** The protocol-compilation view of a virtual patient (body size for dosing). */
export function dosingPatient(vp: VirtualPatient): Patient {
  return {
    id: vp.id,
    weight_kg: vp.covariates.weight_kg,
    height_cm: vp.covariates.height_cm,
    gfr_ml_min: vp.covariates.gfr_ml_min,
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
    let inField = 0;
    for (const l of sorted) {
      if (out.has(l.id)) continue;
      out.add(l.id);
      inField += l.diameterMm ** 3;
      if (inField >= (inputs.fieldFraction ?? 0) * total) break;
    }
  }
  return out;
}

/** Simulates the patient under the protocol and returns both groups' volumes at `days` (ascending, from 0). */
export function simulatePatient(
  vp: VirtualPatient,
  protocol: Protocol,
  days: ArrayLike<number>,
  precomputed?: ClinicalInputs,
): GroupCourse {
  const inputs = precomputed ?? compileClinical(protocol, dosingPatient(vp));
  const model = clinicalModel(inputs.modules);
  const p = model.defaultParameters();
  const setParam = (k: string, v: number) => {
    const i = model.parameterIndex(k);
    if (i >= 0) p[i] = v;
  };
  for (const [k, v] of Object.entries(vp.parameters)) setParam(k, v);
  for (const [k, v] of Object.entries(inputs.set)) setParam(k, v);

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
  const sens = 1 - vp.r0 - vp.q0;
  const live = 1 - vp.deadFraction;
  const occult = occultCells(vp);
  const vs = ns * live + occult;
  const vl = nl * live;
  put("Ss", vs * sens);
  put("Rs", vs * vp.r0);
  put("Qs", vs * vp.q0);
  put("Ds", ns * vp.deadFraction);
  put("Sl", vl * sens);
  put("Rl", vl * vp.r0);
  put("Ql", vl * vp.q0);
  put("Dl", nl * vp.deadFraction);
  put("E", vp.e0);

  const tEnd = days[days.length - 1];
  const atol = Float64Array.from(model.spec.states, (s) => (s.unit === "cell" ? 1 : 1e-8));
  const sol = solve(model.problem({ tEnd, parameters: p, y0, doses: inputs.doses }), {
    times: Array.from(days),
    rtol: 1e-4,
    atol,
    maxSteps: 200_000,
    dense: false,
  });
  const idx = (k: string) => model.stateIndex(k);
  const [iSs, iRs, iQs, iDs, iSl, iRl, iQl, iDl] = ["Ss", "Rs", "Qs", "Ds", "Sl", "Rl", "Ql", "Dl"].map(idx);
  const m = sol.times.length;
  const volumeS = new Float64Array(m);
  const volumeL = new Float64Array(m);
  const viableS = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const y = (k: number) => sol.values[i * model.dimension + k];
    viableS[i] = y(iSs) + y(iRs) + y(iQs);
    volumeS[i] = (viableS[i] + y(iDs)) / rho;
    volumeL[i] = (y(iSl) + y(iRl) + y(iQl) + y(iDl)) / rho;
  }
  return { days: sol.times, volumeS, volumeL, viableS, local, inputs };
}
