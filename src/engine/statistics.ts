/** Small statistics the fitting and sampling code shares: a seeded generator, normal draws, moments, quantiles. */

/** A small seeded generator (mulberry32) for reproducible multi-starts and chains; uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string (32-bit, unsigned): a seed derived from a name, the same on every run and machine. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A standard normal draw (Box–Muller) from a uniform generator. */
export function standardNormal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Sample variance (n − 1 in the denominator). */
export function sampleVariance(v: readonly number[]): number {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
}

/** Linear-interpolation quantile (type 7) of values sorted ascending. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (xs: readonly number[]): number =>
  quantileSorted(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** The componentwise mean of rows of d-vectors. */
export function columnMeans(rows: readonly (readonly number[])[]): number[] {
  const n = rows.length;
  const m = new Array<number>(rows[0]?.length ?? 0).fill(0);
  for (const r of rows) for (let j = 0; j < m.length; j++) m[j] += r[j] / n;
  return m;
}

/** Sample covariance matrix (n − 1 in the denominator) of rows of d-vectors. */
export function sampleCovariance(rows: readonly (readonly number[])[]): number[][] {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const m = columnMeans(rows);
  const c = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of rows)
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) c[i][j] += ((r[i] - m[i]) * (r[j] - m[j])) / (n - 1);
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) c[i][j] = c[j][i];
  return c;
}

/** Kish effective sample size of importance weights: (Σ w)² / Σ w² (0 when every weight is 0). */
export function kishEss(w: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i];
    s2 += w[i] * w[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

/**
 * Quantile q of values with non-negative weights (the weighted empirical distribution, linear between the
 * midpoints of the weights' cumulative mass). NaN when the weights sum to 0.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  const idx = Array.from({ length: values.length }, (_, i) => i)
    .filter((i) => weights[i] > 0 && Number.isFinite(values[i]))
    .sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (const i of idx) total += weights[i];
  if (!(total > 0)) return NaN;
  const target = q * total;
  let cum = 0;
  let prevMid = -Infinity;
  let prevVal = NaN;
  for (const i of idx) {
    const mid = cum + weights[i] / 2;
    if (target <= mid) {
      if (!Number.isFinite(prevMid)) return values[i];
      return prevVal + ((values[i] - prevVal) * (target - prevMid)) / (mid - prevMid);
    }
    cum += weights[i];
    prevMid = mid;
    prevVal = values[i];
  }
  return prevVal;
}

/**
 * Indices drawn by systematic resampling (Kitagawa 1996): positions (j + u)/n, u ∈ [0, 1) one uniform, on the
 * normalized cumulative weights; empty when the weights sum to 0.
 */
export function systematicResample(w: ArrayLike<number>, n: number, u: number): number[] {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i];
  const out: number[] = [];
  if (!(total > 0)) return out;
  let i = 0;
  let cum = w[0] / total;
  for (let j = 0; j < n; j++) {
    const pos = (j + u) / n;
    while (pos > cum && i < w.length - 1) cum += w[++i] / total;
    out.push(i);
  }
  return out;
}
