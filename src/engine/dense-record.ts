/**
 * Growable store of per-step interpolation data, so that a solution can be evaluated at any time
 * (`solution.at(t)`). Each record: [tOld, t, kind, nTerms, data...]. Grows by doubling (amortized, no
 * allocation in most steps).
 */
export const DENSE_DOPRI5 = 0;
export const DENSE_ROSENBROCK = 1;

export class DenseRecord {
  buf: Float64Array;
  used = 0;
  offsets: Int32Array;
  count = 0;

  constructor(readonly n: number) {
    this.buf = new Float64Array(1024);
    this.offsets = new Int32Array(64);
  }

  /** Reserves a record of `size` data values and returns the offset of its data. */
  reserve(tOld: number, t: number, kind: number, nTerms: number, size: number): number {
    const need = this.used + 4 + size;
    if (need > this.buf.length) {
      const nb = new Float64Array(Math.max(need, this.buf.length * 2));
      nb.set(this.buf.subarray(0, this.used));
      this.buf = nb;
    }
    if (this.count === this.offsets.length) {
      const no = new Int32Array(this.offsets.length * 2);
      no.set(this.offsets);
      this.offsets = no;
    }
    const o = this.used;
    this.offsets[this.count++] = o;
    const b = this.buf;
    b[o] = tOld;
    b[o + 1] = t;
    b[o + 2] = kind;
    b[o + 3] = nTerms;
    this.used = need;
    return o + 4;
  }

  /** Index of the record that covers t: the last one with tOld ≤ t (right-continuous at jumps). */
  find(t: number): number {
    const b = this.buf;
    const off = this.offsets;
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[off[mid]] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  evaluate(index: number, t: number, out: Float64Array): void {
    const n = this.n;
    const b = this.buf;
    const o = this.offsets[index];
    const tOld = b[o];
    const h = b[o + 1] - tOld;
    const kind = b[o + 2];
    const r = b[o + 3];
    const d = o + 4;
    const th = h === 0 ? 1 : (t - tOld) / h;
    const th1 = 1 - th;
    if (kind === DENSE_DOPRI5) {
      for (let i = 0; i < n; i++) {
        out[i] =
          b[d + i] +
          th * (b[d + n + i] + th1 * (b[d + 2 * n + i] + th * (b[d + 3 * n + i] + th1 * b[d + 4 * n + i])));
      }
    } else {
      // [y0, y1, D_0..D_{r-1}]
      rosenbrockDense(th, b, d, b, d + n, b, d + 2 * n, r, n, out);
    }
  }
}

/**
 * Rosenbrock dense output at θ = (t − t_old)/h: (1 − θ)·y0 + θ·(y1 + (1 − θ)·Σ_q θ^q·D_q), the arrays read from
 * their offsets (y0 at o0, y1 at o1, D_0 … D_{r−1} at oD, each n long) — the stepper's and the record's.
 */
export function rosenbrockDense(
  th: number,
  y0: Float64Array,
  o0: number,
  y1: Float64Array,
  o1: number,
  D: Float64Array,
  oD: number,
  r: number,
  n: number,
  out: Float64Array,
): void {
  const th1 = 1 - th;
  for (let i = 0; i < n; i++) {
    let inner = D[oD + (r - 1) * n + i];
    for (let q = r - 2; q >= 0; q--) inner = D[oD + q * n + i] + th * inner;
    out[i] = th1 * y0[o0 + i] + th * (y1[o1 + i] + th1 * inner);
  }
}
