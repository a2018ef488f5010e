/**
 * The conditioned prior as a smoothed distribution rather than a few hundred discrete virtual patients: each draw
 * is a member of the calibrated population (drawn in proportion to its conditioned weight) moved by a small kernel,
 * the shrinkage kernel of Liu & West (2001, "Combined parameter and state estimation in simulation-based
 * filtering", in Doucet et al., Sequential Monte Carlo Methods in Practice, pp. 197–223):
 *
 *   x' = a·x_i + (1 − a)·x̄ + h·s·z,   a = √(1 − h²),   z ~ N(0, 1)
 *
 * per parameter on its natural scale (log for positive values, logit for shares in (0, 1)), with x̄ and s² the
 * weighted mean and variance of the conditioned prior: the smoothed prior keeps the population's means and
 * variances (the shrinkage undoes the kernel's added spread) while every draw is a distinct patient. Without it the
 * posterior of a record whose scans favour a rare kind of patient rested on the few members of that kind, each
 * drawn many times (the PD-1-refractory melanoma example: 25 effective distinct patients of 10,000 draws).
 *
 * Smoothed: the patient-level parameters of the clinical model, the doubling time, the immune pressure, the
 * resistant and antigen-loss shares, the occult-metastasis rate and the chemotherapy class sensitivities.
 * Parameters with the same value in every member (model constants) are left as they are. The covariates that
 * select patients (stage, LDH, PD-L1, ECOG, refractoriness) are the member's: the kernel is small [assumption:
 * h = 0.1, Liu & West's δ = 0.99] and does not move a patient across them.
 */
import { standardNormal } from "../engine/statistics.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

/** Kernel width as a share of each parameter's prior SD [Liu & West 2001, δ = 0.99: h² = 1 − ((3δ − 1)/(2δ))²]. */
export const SMOOTHING_H = 0.1;

type Scale = "log" | "logit" | "linear";

interface Axis {
  readonly scale: Scale;
  readonly mean: number;
  readonly sd: number;
}

const forward = (x: number, s: Scale) =>
  s === "log" ? Math.log(x) : s === "logit" ? Math.log(x / (1 - x)) : x;
const backward = (y: number, s: Scale) =>
  s === "log" ? Math.exp(y) : s === "logit" ? 1 / (1 + Math.exp(-y)) : y;

/** The quantities the kernel moves, read from a patient. */
function quantities(vp: VirtualPatient): Map<string, number> {
  const q = new Map<string, number>();
  for (const [k, v] of Object.entries(vp.parameters)) q.set(`p:${k}`, v);
  q.set("vdt_days", vp.covariates.vdt_days);
  q.set("fImm", vp.fImm);
  q.set("r0", vp.r0);
  q.set("q0", vp.q0);
  q.set("occult", vp.occult);
  for (const [k, v] of Object.entries(vp.chemoSensitivity ?? {})) q.set(`c:${k}`, v);
  return q;
}

export interface SmoothedPrior {
  /** A distinct patient near member `vp` (its own kernel draw from `rand`). */
  readonly jitter: (vp: VirtualPatient, rand: () => number) => VirtualPatient;
  /** How many quantities the kernel moves (those that vary between members). */
  readonly smoothed: number;
  /**
   * The kernel as a density on the transformed scale, for samplers that move a patient within its member's kernel
   * (clinical-smc.ts): the quantities' names in order, the kernel's SD of each (0: never moved), the member's centre
   * (NaN where its value is left as it is), a draw, the patient a point stands for, and the log density up to a
   * constant.
   */
  readonly keys: readonly string[];
  readonly scale: Float64Array;
  readonly center: (member: VirtualPatient) => Float64Array;
  readonly draw: (member: VirtualPatient, rand: () => number) => Float64Array;
  readonly decode: (member: VirtualPatient, y: ArrayLike<number>) => VirtualPatient;
  readonly logKernel: (center: Float64Array, y: ArrayLike<number>) => number;
}

export function smoothedPrior(
  patients: readonly VirtualPatient[],
  weights: ArrayLike<number>,
  h = SMOOTHING_H,
): SmoothedPrior {
  const a = Math.sqrt(1 - h * h);
  const values = new Map<string, { w: number; x: number }[]>();
  patients.forEach((vp, i) => {
    const w = weights[i];
    if (!(w > 0)) return;
    for (const [k, x] of quantities(vp)) {
      let list = values.get(k);
      if (!list) values.set(k, (list = []));
      list.push({ w, x });
    }
  });
  const axes = new Map<string, Axis>();
  for (const [k, list] of values) {
    if (!list.every((v) => Number.isFinite(v.x))) continue;
    const scale: Scale = list.every((v) => v.x > 0 && v.x < 1)
      ? "logit"
      : list.every((v) => v.x > 0)
        ? "log"
        : "linear";
    let sw = 0;
    let m = 0;
    for (const v of list) {
      sw += v.w;
      m += v.w * forward(v.x, scale);
    }
    m /= sw;
    let s2 = 0;
    for (const v of list) s2 += v.w * (forward(v.x, scale) - m) ** 2;
    const sd = Math.sqrt(s2 / sw);
    if (!(sd > 1e-12)) continue; // a constant of the model
    axes.set(k, { scale, mean: m, sd });
  }
  // the member's quantities in a fixed order (the order the kernel's normal draws follow)
  const slots = (vp: VirtualPatient): [string, number][] => [
    ...Object.entries(vp.parameters).map(([k, v]) => [`p:${k}`, v] as [string, number]),
    ["r0", vp.r0],
    ["q0", vp.q0],
    ...Object.entries(vp.chemoSensitivity ?? {}).map(([k, v]) => [`c:${k}`, v] as [string, number]),
    ["vdt_days", vp.covariates.vdt_days],
    ["fImm", vp.fImm],
    ["occult", vp.occult],
  ];
  const movable = (k: string, x: number): Axis | undefined => {
    const ax = axes.get(k);
    if (!ax || !Number.isFinite(x)) return undefined;
    if ((ax.scale === "log" && !(x > 0)) || (ax.scale === "logit" && !(x > 0 && x < 1))) return undefined;
    return ax;
  };
  /** The kernel's centre for the member on the transformed scale; NaN where the kernel leaves the value as it is. */
  const center = (vp: VirtualPatient): Float64Array =>
    Float64Array.from(slots(vp), ([k, x]) => {
      const ax = movable(k, x);
      return ax ? a * forward(x, ax.scale) + (1 - a) * ax.mean : NaN;
    });
  const keys = slots(patients[0]).map(([k]) => k);
  const scale = Float64Array.from(keys, (k) => (axes.has(k) ? h * axes.get(k)!.sd : 0));
  const decode = (vp: VirtualPatient, y: ArrayLike<number>): VirtualPatient => {
    const s = slots(vp);
    const value = (j: number) => {
      const ax = movable(s[j][0], s[j][1]);
      return ax ? backward(y[j], ax.scale) : s[j][1];
    };
    const parameters: Record<string, number> = {};
    let j = 0;
    for (const k of Object.keys(vp.parameters)) parameters[k] = value(j++);
    let r0 = value(j++);
    let q0 = value(j++);
    if (r0 + q0 >= 1) {
      const f = 0.99 / (r0 + q0);
      r0 *= f;
      q0 *= f;
    }
    const chemo = vp.chemoSensitivity
      ? (Object.fromEntries(
          Object.keys(vp.chemoSensitivity).map((k) => [k, value(j++)]),
        ) as unknown as NonNullable<VirtualPatient["chemoSensitivity"]>)
      : undefined;
    const vdt = value(j++);
    const fImm = value(j++);
    const occult = value(j++);
    return {
      ...vp,
      parameters,
      covariates: { ...vp.covariates, vdt_days: vdt },
      fImm,
      r0,
      q0,
      occult,
      ...(chemo ? { chemoSensitivity: chemo } : {}),
    };
  };
  /** A kernel draw around the member, on the transformed scale (NaN where the kernel does not move). */
  const draw = (vp: VirtualPatient, rand: () => number): Float64Array => {
    const c = center(vp);
    const s = slots(vp);
    for (let j = 0; j < c.length; j++)
      if (!Number.isNaN(c[j])) c[j] = c[j] + h * axes.get(s[j][0])!.sd * standardNormal(rand);
    return c;
  };
  const logKernel = (c: Float64Array, y: ArrayLike<number>): number => {
    let lp = 0;
    for (let j = 0; j < c.length; j++) {
      if (Number.isNaN(c[j]) || !(scale[j] > 0)) continue;
      const z = (y[j] - c[j]) / scale[j];
      lp -= 0.5 * z * z;
    }
    return lp;
  };
  const jitter = (vp: VirtualPatient, rand: () => number): VirtualPatient => decode(vp, draw(vp, rand));
  return { jitter, smoothed: axes.size, keys, scale, center, draw, decode, logKernel };
}
