/**
 * The shrinkage and growth rate constants (KS, KG) of one patient's sum-of-diameters series by the bi-exponential
 * tumour-dynamics model of Stein et al. (Clin Cancer Res 2008;14:1541), y(t) = y0·(e^(−KS·t) + e^(KG·t) − 1) — the
 * form in which Claret et al. (Clin Cancer Res 2018;24:3292) and Chan et al. (CPT:PSP 2021;10:1171) found KG the
 * strongest predictor of overall survival under atezolizumab (shared/research/clinical-model.md §8).
 *
 * Least squares on ln y (the usual log residual of tumour-size models), ln y0 in closed form for each (KS, KG):
 * a coarse logarithmic grid (with 0 for either rate; the exponentials computed once per rate and reading), then
 * Nelder–Mead from each of the three best points. No allocation per grid point; deterministic; a series of two readings gives the one rate the pair determines (KS = 0 when the
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
const KS_GRID = [0, ...logspace(1e-4, 0.3, 20)];
const KG_GRID = [0, ...logspace(1e-5, 0.1, 24)];
/** Nelder–Mead iterations from each start. */
const NM_ITERATIONS = 80;
/** Grid points refined (the best few: the least-squares surface may have more than one basin). */
const STARTS = 3;

/** Residual sum of squares on ln y with ln y0 profiled out: Σr² − (Σr)²/n, r = ln y − ln(e^(−KS·t) + e^(KG·t) − 1). */
function sseAt(t: Float64Array, ly: Float64Array, ks: number, kg: number): number {
  let s = 0;
  let s2 = 0;
  for (let j = 0; j < t.length; j++) {
    const r = ly[j] - Math.log(Math.exp(-ks * t[j]) + Math.expm1(kg * t[j]));
    s += r;
    s2 += r * r;
  }
  return s2 - (s * s) / t.length;
}

function logY0(t: Float64Array, ly: Float64Array, ks: number, kg: number): number {
  let s = 0;
  for (let j = 0; j < t.length; j++) s += ly[j] - Math.log(Math.exp(-ks * t[j]) + Math.expm1(kg * t[j]));
  return s / t.length;
}

/** Swaps simplex vertices v and v + 1. */
function swap(px: Float64Array, py: Float64Array, pf: Float64Array, v: number): void {
  let t = px[v];
  px[v] = px[v + 1];
  px[v + 1] = t;
  t = py[v];
  py[v] = py[v + 1];
  py[v + 1] = t;
  t = pf[v];
  pf[v] = pf[v + 1];
  pf[v + 1] = t;
}

/** Replaces the worst simplex vertex. */
function set(px: Float64Array, py: Float64Array, pf: Float64Array, x: number, y: number, fv: number): void {
  px[2] = x;
  py[2] = y;
  pf[2] = fv;
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
  // the coarse grid: the exponentials once per rate and reading, one logarithm per grid point and reading
  const nks = KS_GRID.length;
  const nkg = KG_GRID.length;
  const ea = new Float64Array(nks * n);
  const eb = new Float64Array(nkg * n);
  for (let i = 0; i < nks; i++) for (let j = 0; j < n; j++) ea[i * n + j] = Math.exp(-KS_GRID[i] * tt[j]);
  for (let k = 0; k < nkg; k++) for (let j = 0; j < n; j++) eb[k * n + j] = Math.expm1(KG_GRID[k] * tt[j]);
  // the STARTS best grid points (the surface may have more than one basin when growth dominates)
  const topSse = new Float64Array(STARTS).fill(Infinity);
  const topI = new Int32Array(STARTS);
  const topK = new Int32Array(STARTS);
  for (let i = 0; i < nks; i++)
    for (let k = 0; k < nkg; k++) {
      let s = 0;
      let s2 = 0;
      for (let j = 0; j < n; j++) {
        const r = ly[j] - Math.log(ea[i * n + j] + eb[k * n + j]);
        s += r;
        s2 += r * r;
      }
      const sse = s2 - (s * s) / n;
      if (!(sse < topSse[STARTS - 1] - 1e-12)) continue;
      let m = STARTS - 1;
      while (m > 0 && sse < topSse[m - 1] - 1e-12) {
        topSse[m] = topSse[m - 1];
        topI[m] = topI[m - 1];
        topK[m] = topK[m - 1];
        m--;
      }
      topSse[m] = sse;
      topI[m] = i;
      topK[m] = k;
    }
  // from each, Nelder–Mead on (KS, KG) (the least-squares valley runs along KS ≈ KG when growth dominates, where
  // axis-aligned grids converge slowly); rates below 0 are read at 0
  let bestSse = Infinity;
  let ks = 0;
  let kg = 0;
  const px = new Float64Array(3);
  const py = new Float64Array(3);
  const pf = new Float64Array(3);
  for (let start = 0; start < STARTS && Number.isFinite(topSse[start]); start++) {
    const x0 = KS_GRID[topI[start]];
    const g0 = KG_GRID[topK[start]];
    const sx = Math.max(x0 * 0.3, 1e-5);
    const sg = Math.max(g0 * 0.3, 1e-6);
    px[0] = x0;
    py[0] = g0;
    px[1] = x0 + sx;
    py[1] = g0;
    px[2] = x0;
    py[2] = g0 + sg;
    for (let v = 0; v < 3; v++) pf[v] = sseAt(tt, ly, Math.max(0, px[v]), Math.max(0, py[v]));
    for (let it = 0; it < NM_ITERATIONS; it++) {
      // order: best 0, worst 2
      for (let u = 0; u < 2; u++) for (let v = 0; v < 2 - u; v++) if (pf[v] > pf[v + 1]) swap(px, py, pf, v);
      const cx = (px[0] + px[1]) / 2;
      const cy = (py[0] + py[1]) / 2;
      const rx = cx + (cx - px[2]);
      const ry = cy + (cy - py[2]);
      const fr = sseAt(tt, ly, Math.max(0, rx), Math.max(0, ry));
      if (fr < pf[0]) {
        const ex = cx + 2 * (cx - px[2]);
        const ey = cy + 2 * (cy - py[2]);
        const fe = sseAt(tt, ly, Math.max(0, ex), Math.max(0, ey));
        if (fe < fr) set(px, py, pf, ex, ey, fe);
        else set(px, py, pf, rx, ry, fr);
      } else if (fr < pf[1]) set(px, py, pf, rx, ry, fr);
      else {
        const kx = cx + 0.5 * (px[2] - cx);
        const ky = cy + 0.5 * (py[2] - cy);
        const fk = sseAt(tt, ly, Math.max(0, kx), Math.max(0, ky));
        if (fk < pf[2]) set(px, py, pf, kx, ky, fk);
        else
          for (let v = 1; v < 3; v++) {
            px[v] = px[0] + 0.5 * (px[v] - px[0]);
            py[v] = py[0] + 0.5 * (py[v] - py[0]);
            pf[v] = sseAt(tt, ly, Math.max(0, px[v]), Math.max(0, py[v]));
          }
      }
    }
    for (let v = 0; v < 3; v++)
      if (pf[v] < bestSse - 1e-12) {
        bestSse = pf[v];
        ks = Math.max(0, px[v]);
        kg = Math.max(0, py[v]);
      }
  }
  return { ks, kg, y0: Math.exp(logY0(tt, ly, ks, kg)), sse: Math.max(0, bestSse) };
}
