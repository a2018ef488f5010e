/**
 * Linear combinations of Runge–Kutta / Rosenbrock stage vectors, out = base + Σ_q c_q·K[o_q …], in one pass over
 * the components with the coefficients in registers (unrolled for up to 7 terms, Rodas5P's most). Each component
 * adds the terms in the order of q, exactly as one axpy per term would: the results are the same to the last bit.
 */

/**
 * out[i] = base[i] + cf[0]·K[co[0] + i] + … + cf[m−1]·K[co[m−1] + i] for i < n, added left to right. `out` may be
 * `base` (in place); it must not overlap the stages read.
 */
export function combineStages(
  out: Float64Array,
  base: Float64Array,
  K: Float64Array,
  cf: Float64Array,
  co: Int32Array,
  m: number,
  n: number,
): void {
  switch (m) {
    case 0:
      if (out !== base) for (let i = 0; i < n; i++) out[i] = base[i];
      return;
    case 1: {
      const c0 = cf[0];
      const o0 = co[0];
      for (let i = 0; i < n; i++) out[i] = base[i] + c0 * K[o0 + i];
      return;
    }
    case 2: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      for (let i = 0; i < n; i++) out[i] = base[i] + c0 * K[o0 + i] + c1 * K[o1 + i];
      return;
    }
    case 3: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      const c2 = cf[2];
      const o2 = co[2];
      for (let i = 0; i < n; i++) out[i] = base[i] + c0 * K[o0 + i] + c1 * K[o1 + i] + c2 * K[o2 + i];
      return;
    }
    case 4: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      const c2 = cf[2];
      const o2 = co[2];
      const c3 = cf[3];
      const o3 = co[3];
      for (let i = 0; i < n; i++)
        out[i] = base[i] + c0 * K[o0 + i] + c1 * K[o1 + i] + c2 * K[o2 + i] + c3 * K[o3 + i];
      return;
    }
    case 5: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      const c2 = cf[2];
      const o2 = co[2];
      const c3 = cf[3];
      const o3 = co[3];
      const c4 = cf[4];
      const o4 = co[4];
      for (let i = 0; i < n; i++)
        out[i] = base[i] + c0 * K[o0 + i] + c1 * K[o1 + i] + c2 * K[o2 + i] + c3 * K[o3 + i] + c4 * K[o4 + i];
      return;
    }
    case 6: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      const c2 = cf[2];
      const o2 = co[2];
      const c3 = cf[3];
      const o3 = co[3];
      const c4 = cf[4];
      const o4 = co[4];
      const c5 = cf[5];
      const o5 = co[5];
      for (let i = 0; i < n; i++)
        out[i] =
          base[i] +
          c0 * K[o0 + i] +
          c1 * K[o1 + i] +
          c2 * K[o2 + i] +
          c3 * K[o3 + i] +
          c4 * K[o4 + i] +
          c5 * K[o5 + i];
      return;
    }
    case 7: {
      const c0 = cf[0];
      const o0 = co[0];
      const c1 = cf[1];
      const o1 = co[1];
      const c2 = cf[2];
      const o2 = co[2];
      const c3 = cf[3];
      const o3 = co[3];
      const c4 = cf[4];
      const o4 = co[4];
      const c5 = cf[5];
      const o5 = co[5];
      const c6 = cf[6];
      const o6 = co[6];
      for (let i = 0; i < n; i++)
        out[i] =
          base[i] +
          c0 * K[o0 + i] +
          c1 * K[o1 + i] +
          c2 * K[o2 + i] +
          c3 * K[o3 + i] +
          c4 * K[o4 + i] +
          c5 * K[o5 + i] +
          c6 * K[o6 + i];
      return;
    }
  }
  for (let i = 0; i < n; i++) {
    let v = base[i];
    for (let q = 0; q < m; q++) v += cf[q] * K[co[q] + i];
    out[i] = v;
  }
}
