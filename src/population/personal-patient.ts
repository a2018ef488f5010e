/**
 * A virtual patient made personal. Its parameters are kept; its lesions are replaced by a real patient's measured
 * lesions, and the baseline is re-derived for that burden (immunogenicity for its immune pressure, effectors at
 * their quasi-steady state, dead cells at their steady share, the Gompertz constant for its doubling time), as
 * virtual-patient.ts derives it for a sampled burden. A patient is carried forward from one day to a later one
 * through a simulated course (the treatments a record says were given), so that a plan starts from the state
 * the patient's own scans and history imply.
 */
import { lesionDiameter, occultLesions, residualMass } from "./observe.js";
import { isTumourState, type GroupCourse, type StartState } from "./simulate-patient.js";
import {
  immuneBaseline,
  lesionCells,
  MODEL_DEFAULTS,
  type Lesion,
  type LesionSite,
  type VirtualPatient,
} from "./virtual-patient.js";

export interface MeasuredLesion {
  readonly id: string;
  readonly role: "target" | "non-target";
  readonly diameterMm: number;
  readonly site: LesionSite;
  readonly nodal: boolean;
}

const SITE_WORDS: readonly [RegExp, LesionSite][] = [
  [/\b(skin|cutaneous|dermal|scalp)\b/i, "skin"],
  [/subcutan|soft tissue|in[- ]transit/i, "subcutaneous"],
  [/node|nodal|lymph|axill|inguin|cervical|mediastin|hilar|subcarinal/i, "node"],
  [/lung|pulmon|lobe|pleura/i, "lung"],
  [/liver|hepat/i, "liver"],
  [/bone|osse|vertebr|rib\b|femur|pelvi/i, "bone"],
];

/** The site of a lesion from the record's free-text location (nodal lesions are nodes) [Immunoplan reading]. */
export function siteOf(location: string | undefined, nodal: boolean): LesionSite {
  if (nodal) return "node";
  for (const [re, site] of SITE_WORDS) if (location && re.test(location)) return site;
  return "visceral";
}

/** Whether a lesion at this site can be injected (cutaneous, subcutaneous, and nodal in melanoma). */
export function injectableSite(site: LesionSite, cancer: string): boolean {
  return site === "skin" || site === "subcutaneous" || (site === "node" && cancer === "melanoma");
}

/**
 * The virtual patient with the measured lesions instead of its own (lesion-level sensitivity and residual mass
 * are taken from its own lesions in turn), its baseline re-derived for the new burden.
 */
export function withLesions(vp: VirtualPatient, measured: readonly MeasuredLesion[]): VirtualPatient {
  if (measured.length === 0) throw new RangeError("withLesions: no measured lesion");
  const cancer = vp.covariates.cancer;
  const lesions: Lesion[] = measured.map((m, i) => {
    const own = vp.lesions[i % vp.lesions.length];
    return {
      id: m.id,
      role: m.role,
      site: m.site,
      nodal: m.nodal,
      injectable: injectableSite(m.site, cancer),
      visceral: m.site === "lung" || m.site === "liver" || m.site === "visceral",
      diameterMm: m.diameterMm,
      w: own.w,
      scar: own.scar,
      ...(own.scarHalfLife !== undefined ? { scarHalfLife: own.scarHalfLife } : {}),
    };
  });
  const rho = vp.parameters.rho;
  const cells0 = lesions.reduce((s, l) => s + lesionCells(l.diameterMm, rho), 0);
  const gNet = Math.LN2 / vp.covariates.vdt_days;
  const base = immuneBaseline(cells0, gNet, vp.fImm, vp.parameters);
  const Kmax = Math.max(rho * MODEL_DEFAULTS.maxVolumeMm3, 3 * cells0);
  const parameters = {
    ...vp.parameters,
    imm: base.imm,
    Kmax,
    kg: base.growth / Math.log(Kmax / Math.max(base.viable, MODEL_DEFAULTS.gompertzFloor)),
  };
  return {
    ...vp,
    lesions,
    parameters,
    e0: base.effectors,
    deadFraction: base.deadFraction,
    fImm: base.fImm,
    covariates: {
      ...vp.covariates,
      injectable: lesions.some((l) => l.injectable),
      sld_mm: lesions.filter((l) => l.role === "target").reduce((s, l) => s + l.diameterMm, 0),
    },
  };
}

/** The lesions' diameters at output `i` of a course (no reader noise). */
export function lesionsAt(
  vp: VirtualPatient,
  course: GroupCourse,
  i: number,
  out: number[] = new Array<number>(vp.lesions.length),
): number[] {
  const vs0 = course.volumeS[0];
  const vl0 = course.volumeL[0];
  for (let k = 0; k < vp.lesions.length; k++) {
    const l = vp.lesions[k];
    const local = course.local.has(l.id);
    const v0 = local ? vl0 : vs0;
    const v = local ? course.volumeL[i] : course.volumeS[i];
    out[k] = lesionDiameter(l, v0 > 0 ? v / v0 : 0, course.days[i]);
  }
  return out;
}

/** Whether an occult metastasis has reached `cells` at output `i` of a course (occultAt's rule, without copies). */
export function occultReached(
  occult: StartState["occult"],
  course: GroupCourse,
  i: number,
  cells: number,
): boolean {
  const v0 = course.viableS[0];
  const factor = v0 > 0 ? Math.max(0, course.viableS[i] / v0) : 0;
  for (const o of occult) if (o.cells * factor ** o.w >= cells) return true;
  return false;
}

/** Occult metastases of a patient at output `i` of a course (they follow the systemic group's viable cells). */
export function occultAt(
  occult: StartState["occult"],
  course: GroupCourse,
  i: number,
): { cells: number; w: number }[] {
  const v0 = course.viableS[0];
  const factor = v0 > 0 ? Math.max(0, course.viableS[i] / v0) : 0;
  return occult.map((o) => ({ cells: o.cells * factor ** o.w, w: o.w }));
}

/**
 * The patient at the last output of `course` (which started from `vp`, or from `start` when given): its lesions at
 * their modelled diameters (the residual mass rescaled to the new size), and the state the next simulation starts
 * from. `set` holds parameter values the course's agents set (antibody PK at this weight, …): they stay with the
 * patient, so that a drug given before goes on decaying as it did.
 */
export function carryForward(
  vp: VirtualPatient,
  course: GroupCourse,
  start?: StartState,
): { vp: VirtualPatient; start: StartState } {
  const i = course.days.length - 1;
  const d = lesionsAt(vp, course, i);
  const lesions = vp.lesions.map((l, k) => ({
    ...l,
    diameterMm: d[k],
    scar: d[k] > 0 ? Math.min(1, (residualMass(l, course.days[i]) * l.diameterMm ** 3) / d[k] ** 3) : 1,
  }));
  const f = course.final;
  const g = (k: string) => f[k] ?? 0;
  const viable = g("Ss") + g("Rs") + g("Qs") + g("Sl") + g("Rl") + g("Ql");
  const dead = g("Ds") + g("Dl");
  const r = viable > 0 ? (g("Rs") + g("Rl")) / viable : (start?.r ?? vp.r0);
  const q = viable > 0 ? (g("Qs") + g("Ql")) / viable : (start?.q ?? vp.q0);
  const others: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) if (!isTumourState(k)) others[k] = v;
  return {
    vp: {
      ...vp,
      lesions,
      parameters: { ...vp.parameters, ...course.inputs.set },
      covariates: {
        ...vp.covariates,
        sld_mm: lesions.filter((l) => l.role === "target").reduce((s, l) => s + l.diameterMm, 0),
      },
    },
    start: {
      sens: Math.max(0, 1 - r - q),
      r,
      q,
      deadFraction: viable + dead > 0 ? dead / (viable + dead) : vp.deadFraction,
      occult: occultAt(start?.occult ?? occultLesions(vp), course, i),
      others,
      modules: course.inputs.modules,
    },
  };
}
