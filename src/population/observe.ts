/**
 * The observation layer: what the trial's radiologists report at each scan of a simulated patient.
 *
 * - Lesion j of group g (systemic or locally treated) has the diameter d_j(t) = d_j(0)·max((V_g(t)/V_g(0))^w_j,
 *   s_j)^(1/3): its volume follows its group's volume (viable and dead cells) to a lesion-level power w_j (log-normal
 *   heterogeneity between lesions [assumption]) and, unless it resolves completely (65 % of lesions, from OPTiM's
 *   lesion-level complete resolutions), keeps a residual mass s_j of 1–10 % of its baseline volume (scar) that
 *   resolves with the patient's half-life T (s_j·2^(−t/T), T log-uniform 180–3,650 days [assumption]): late
 *   complete responses, as CR rates rise between a trial's first report and its long follow-up.
 * - Reader noise: each reading is multiplied by exp(σ·ε), σ = 8.6 % (+3 % for lesions < 10 mm and nodes) — the
 *   between-reader limits of agreement of Yoon 2016 (clinical-model.md §5.3). A non-nodal lesion below 3 mm has
 *   disappeared (0 mm); 3–5 mm is "too small to measure" and recorded as 5 mm (RECIST default). A node keeps a
 *   normal short axis of 5 mm when its tumour is gone.
 * - Non-target lesions: absent below 3 mm; unequivocal progression at ≥ 1.5× their smallest diameter and above
 *   baseline [assumption].
 * - Lesions resected by the protocol (surgery) are not measured: the baseline is the lesions that remain.
 * - New lesions: occult metastases present at baseline (Poisson count, sizes log-uniform between 1e4 cells and a
 *   10 mm lesion) follow the per-cell course of the systemic group's viable cells (to a power w_k) and are reported
 *   at the first scan at which they reach 10 mm (clinical-model.md §5.5).
 */
import type { LesionMeasurement } from "../clinic/recist.js";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import { vpopPriors, sampleNumber } from "./priors.js";
import type { GroupCourse } from "./simulate-patient.js";
import type { SimulatedCourse, SimulatedScan } from "./types.js";
import { lesionCells, type VirtualPatient } from "./virtual-patient.js";

/** Diameter of a detectable new lesion, mm [assumption: RECIST needs an unequivocal new lesion]. */
export const NEW_LESION_MM = 10;
const OCCULT_MIN_CELLS = 1e4;

function poisson(mean: number, rand: () => number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(rand)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > l) {
    k++;
    p *= rand();
  }
  return k;
}

export interface OccultLesion {
  readonly cells: number;
  readonly w: number;
}

/** The occult metastases of a patient (drawn from its own seed, so that every protocol sees the same ones). */
export function occultLesions(vp: VirtualPatient): OccultLesion[] {
  const rand = seededRandom(vp.noiseSeed ^ 0x5bd1e995);
  const rho = vp.parameters.rho;
  const visible = vp.lesions.reduce((s, l) => s + lesionCells(l.diameterMm, rho), 0);
  const detect = lesionCells(NEW_LESION_MM, rho);
  const n = poisson(vp.occult * Math.sqrt(visible / 1e10), rand);
  const het = sampleNumber(vpopPriors().shared.lesion_heterogeneity.dist, rand);
  const out: OccultLesion[] = [];
  for (let k = 0; k < n; k++) {
    const cells = OCCULT_MIN_CELLS * Math.exp(Math.log(detect / OCCULT_MIN_CELLS) * rand());
    out.push({ cells, w: Math.exp(het * standardNormal(rand)) });
  }
  return out;
}

/** The diameter of a lesion when its group's volume is `ratio` times its baseline volume (the rule above). */
export function lesionDiameter(
  l: { diameterMm: number; w: number; scar: number; scarHalfLife?: number },
  ratio: number,
  day = 0,
): number {
  return l.diameterMm * Math.max(Math.max(0, ratio) ** l.w, residualMass(l, day)) ** (1 / 3);
}

/** The residual mass of a lesion on `day` of its course, as a share of its baseline volume. */
export function residualMass(l: { scar: number; scarHalfLife?: number }, day: number): number {
  return l.scar > 0 && l.scarHalfLife !== undefined && day > 0
    ? l.scar * 2 ** (-day / l.scarHalfLife)
    : l.scar;
}

/**
 * The scans of one patient: `course` holds the group volumes at day 0 and at every scan day (same order as
 * `scanDays`, which starts with the baseline 0). `noiseSeed` draws the reader noise of this trial's readings.
 */
export function observeCourse(
  vp: VirtualPatient,
  course: GroupCourse,
  noiseSeed: number,
  id = vp.id,
): SimulatedCourse {
  const rand = seededRandom(noiseSeed);
  const newRand = seededRandom(noiseSeed ^ 0x6a09e667);
  const shared = vpopPriors().shared;
  const sd = sampleNumber(shared.reader_sd.dist, rand);
  const sdSmall = sampleNumber(shared.reader_sd_small.dist, rand);
  const vs0 = course.volumeS[0];
  const vl0 = course.volumeL[0];
  const occult = occultLesions(vp);
  const detect = lesionCells(NEW_LESION_MM, vp.parameters.rho);
  const viable0 = course.viableS[0];
  const detected = new Set<number>();
  const resection = course.inputs.local.includes("surgery");
  const minNonTarget = new Map<string, number>();
  const scans: SimulatedScan[] = [];
  const trueSum: number[] = [];
  for (let i = 0; i < course.days.length; i++) {
    const lesions: LesionMeasurement[] = [];
    let sum = 0;
    for (const l of vp.lesions) {
      const local = course.local.has(l.id);
      // resected lesions are gone: the trial's baseline is the lesions that remain
      if (local && resection) continue;
      const v0 = local ? vl0 : vs0;
      const v = local ? course.volumeL[i] : course.volumeS[i];
      // a lesion that does not resolve keeps a residual mass (scar) when its cancer cells are gone
      const d = lesionDiameter(l, v0 > 0 ? v / v0 : 0, course.days[i]);
      if (l.role === "target") {
        sum += d;
        const sigma = sd + (d < 10 || l.nodal ? sdSmall : 0);
        let read = d * Math.exp(sigma * standardNormal(rand));
        if (l.nodal) read = Math.max(read, 5 * Math.exp(sdSmall * standardNormal(rand)));
        else if (d < 3) read = 0;
        else if (read < 5) read = 5;
        lesions.push({
          lesionId: l.id,
          role: "target",
          nodal: l.nodal,
          diameterMm: Math.round(read * 10) / 10,
        });
      } else {
        const min = Math.min(minNonTarget.get(l.id) ?? Infinity, d);
        minNonTarget.set(l.id, min);
        const state =
          d < 3 && !l.nodal
            ? "absent"
            : d >= 1.5 * min && d > l.diameterMm
              ? "unequivocal-progression"
              : "present";
        lesions.push({ lesionId: l.id, role: "non-target", nodal: l.nodal, state });
      }
    }
    if (i > 0 && viable0 > 0) {
      const factor = Math.max(0, course.viableS[i] / viable0);
      occult.forEach((o, k) => {
        if (!detected.has(k) && o.cells * factor ** o.w >= detect) detected.add(k);
      });
      for (const k of [...detected].sort((a, b) => a - b)) {
        // its longest diameter as a reader measures it (criteria that add new lesions to the burden read it: irRC,
        // iRECIST's new-lesion targets); a sphere of the metastasis's cells, reader noise from a stream of its own
        // so that the other readings stay as they were
        const o = occult[k];
        const d = NEW_LESION_MM * Math.cbrt(Math.max(o.cells * factor ** o.w, 0) / detect);
        const read = d * Math.exp((sd + (d < 10 ? sdSmall : 0)) * standardNormal(newRand));
        lesions.push({
          lesionId: `N${k + 1}`,
          role: "new",
          nodal: false,
          state: "present",
          diameterMm: Math.round(read * 10) / 10,
        });
      }
    }
    scans.push({ day: course.days[i], lesions });
    trueSum.push(sum);
  }
  const local = resection
    ? []
    : vp.lesions.filter((l) => l.role === "target" && course.local.has(l.id)).map((l) => l.id);
  return {
    id,
    covariates: covariateRecord(vp),
    scans,
    trueSumMm: trueSum,
    ...(local.length ? { local } : {}),
  };
}

export function covariateRecord(vp: VirtualPatient): Record<string, string | number | boolean> {
  const c = vp.covariates;
  return {
    cancer: c.cancer,
    stage: c.stage,
    ldh_elevated: c.ldh_elevated,
    pdl1_tps: Math.round(c.pdl1_tps * 10) / 10,
    ecog: c.ecog,
    prior_lines: c.prior_lines,
    injectable: c.injectable,
    sld_mm: Math.round(c.sld_mm),
    vdt_days: Math.round(c.vdt_days),
  };
}
