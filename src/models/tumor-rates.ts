/**
 * The shrinkage and growth rate constants (KS, KG) of one patient's sum-of-diameters series by the bi-exponential
 * tumour-dynamics model of Stein et al. (Clin Cancer Res 2008;14:1541), y(t) = y0·(e^(−KS·t) + e^(KG·t) − 1) — the
 * form in which Claret et al. (Clin Cancer Res 2018;24:3292) and Chan et al. (CPT:PSP 2021;10:1171) found KG the
 * strongest predictor of overall survival under atezolizumab (shared/research/clinical-model.md §8).
 *
 * Least squares on ln y (the usual log residual of tumour-size models), ln y0 in closed form for each (KS, KG):
 * a coarse logarithmic grid (with 0 for either rate), then three finer grids around the best point. No allocation per
 * grid point; deterministic; a series of two readings gives the one rate the pair determines (KS = 0 when the
 * second is larger, KG = 0 otherwise).
 */

export interface TumorRates {
  /** Shrinkage rate constant, 1/day. */
  readonly ks: number;
  /** Growth (regrowth) rate constant, 1/day. */
  readonly kg: number;
  /** Fitted size at time 0, same unit as y. */
  readonly y0: number;
  /** Residual sum of squares on ln y. */
  readonly sse: number;
}

/** Readings below this (mm) are read at it: a sum of 0 (every target lesion gone) has no logarithm. */
export const RATE_FLOOR_MM = 1;

const logspace = (lo: number, hi: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
const KS_GRID = [0, ...logspace(1e-4, 0.3, 36)];
const KG_GRID = [0, ...logspace(1e-5, 0.1, 41)];

function sseAt(t: Float64Array, ly: Float64Array, ks: number, kg: number): { sse: number; ly0: number } {
  const n = t.length;
  let mean = 0;
  for (let j = 0; j < n; j++) {
    const f = Math.log(Math.exp(-ks * t[j]) + Math.expm1(kg * t[j]));
    mean += ly[j] - f;
  }
  mean /= n;
  let sse = 0;
  for (let j = 0; j < n; j++) {
    const r = ly[j] - mean - Math.log(Math.exp(-ks * t[j]) + Math.expm1(kg * t[j]));
    sse += r * r;
  }
  return { sse, ly0: mean };
}

/**
 * KS and KG of a series (t in days from the baseline reading, ascending; y in mm). Returns null without two
 * readings at distinct times.
 */
export function tumorRates(t: ArrayLike<number>, y: ArrayLike<number>): TumorRates | null {
  const n = Math.min(t.length, y.length);
  if (n < 2) return null;
  const tt = new Float64Array(n);
  const ly = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    tt[j] = t[j] - t[0];
    ly[j] = Math.log(Math.max(y[j], RATE_FLOOR_MM));
  }
  if (!(tt[n - 1] > 0)) return null;
  if (n === 2) {
    const r = (ly[1] - ly[0]) / tt[1];
    return { ks: Math.max(0, -r), kg: Math.max(0, r), y0: Math.exp(ly[0]), sse: 0 };
  }
  let best = { sse: Infinity, ly0: 0, ks: 0, kg: 0, i: 0, k: 0 };
  for (let i = 0; i < KS_GRID.length; i++)
    for (let k = 0; k < KG_GRID.length; k++) {
      const s = sseAt(tt, ly, KS_GRID[i], KG_GRID[k]);
      if (s.sse < best.sse - 1e-12) best = { ...s, ks: KS_GRID[i], kg: KG_GRID[k], i, k };
    }
  // finer grids between the neighbours of the best point, three times (each a tenth of the last step)
  let ksStep: [number, number] = [
    KS_GRID[Math.max(0, best.i - 1)],
    KS_GRID[Math.min(KS_GRID.length - 1, best.i + 1)],
  ];
  let kgStep: [number, number] = [
    KG_GRID[Math.max(0, best.k - 1)],
    KG_GRID[Math.min(KG_GRID.length - 1, best.k + 1)],
  ];
  for (let pass = 0; pass < 3; pass++) {
    const dks = (ksStep[1] - ksStep[0]) / 10;
    const dkg = (kgStep[1] - kgStep[0]) / 10;
    for (let a = 0; a <= 10; a++)
      for (let b = 0; b <= 10; b++) {
        const ks = ksStep[0] + a * dks;
        const kg = kgStep[0] + b * dkg;
        const s = sseAt(tt, ly, ks, kg);
        if (s.sse < best.sse - 1e-12) best = { ...best, ...s, ks, kg };
      }
    ksStep = [Math.max(0, best.ks - dks), best.ks + dks];
    kgStep = [Math.max(0, best.kg - dkg), best.kg + dkg];
  }
  return { ks: best.ks, kg: best.kg, y0: Math.exp(best.ly0), sse: best.sse };
}
