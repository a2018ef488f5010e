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

/**
 * Dense-output coefficients D_r = Σ_j H[r][j]·k_j (row-major r × i into `dense`, H row-major nDense × s, stages the
 * rows of K), each component summed from 0 in the order of j, as the plain triple loop does (bit-identical); the
 * eight stages of Rodas5P unrolled with the coefficients in registers.
 */
export function denseCoefficients(
  dense: Float64Array,
  H: Float64Array,
  K: Float64Array,
  nDense: number,
  s: number,
  n: number,
): void {
  for (let r = 0; r < nDense; r++) {
    const ro = r * n;
    const ho = r * s;
    if (s === 8) {
      const h0 = H[ho];
      const h1 = H[ho + 1];
      const h2 = H[ho + 2];
      const h3 = H[ho + 3];
      const h4 = H[ho + 4];
      const h5 = H[ho + 5];
      const h6 = H[ho + 6];
      const h7 = H[ho + 7];
      for (let i = 0; i < n; i++)
        dense[ro + i] =
          0 +
          h0 * K[i] +
          h1 * K[n + i] +
          h2 * K[2 * n + i] +
          h3 * K[3 * n + i] +
          h4 * K[4 * n + i] +
          h5 * K[5 * n + i] +
          h6 * K[6 * n + i] +
          h7 * K[7 * n + i];
      continue;
    }
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < s; j++) v += H[ho + j] * K[j * n + i];
      dense[ro + i] = v;
    }
  }
}
