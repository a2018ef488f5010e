/**
 * A scalar autonomous ODE y' = f(y) integrated to a list of ascending output times by the Dormand–Prince 5(4)
 * pair (Hairer, Nørsett & Wanner, Solving ODEs I, §II.5) with its standard step-size controller. A few hundred
 * bytes of state and no allocation per step: for models evaluated millions of times inside fits.
 */

const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const B1 = 35 / 384;
const B3 = 500 / 1113;
const B4 = 125 / 192;
const B5 = -2187 / 6784;
const B6 = 11 / 84;
// error coefficients: b − b̂
const E1 = 71 / 57600;
const E3 = -71 / 16695;
const E4 = 71 / 1920;
const E5 = -17253 / 339200;
const E6 = 22 / 525;
const E7 = -1 / 40;

export interface ScalarOdeOptions {
  readonly rtol?: number;
  readonly atol?: number;
  readonly maxSteps?: number;
}

/**
 * Writes y(t_j) into out for ascending t_j ≥ t0 (y(t0) = y0). Returns false when the step count is exhausted or
 * the solution stops being finite (out then holds NaN from that point).
 */
export function integrateScalar(
  f: (y: number) => number,
  y0: number,
  t0: number,
  times: ArrayLike<number>,
  out: Float64Array,
  opts: ScalarOdeOptions = {},
): boolean {
  const rtol = opts.rtol ?? 1e-8;
  const atol = opts.atol ?? 1e-12;
  const maxSteps = opts.maxSteps ?? 100_000;
  let t = t0;
  let y = y0;
  let k1 = f(y);
  let h = 0;
  let steps = 0;
  for (let j = 0; j < times.length; j++) {
    const target = times[j];
    if (target <= t) {
      out[j] = y;
      continue;
    }
    if (h === 0) {
      // initial step: a small fraction of the scale of y over its rate
      const sc = atol + rtol * Math.abs(y);
      h = Math.min(target - t, 0.01 * Math.max(sc / Math.max(Math.abs(k1), 1e-300), 1e-6 * (target - t0)));
      if (!(h > 0)) h = 1e-6 * (target - t0);
    }
    while (t < target) {
      if (++steps > maxSteps || !Number.isFinite(y)) {
        for (let i = j; i < times.length; i++) out[i] = NaN;
        return false;
      }
      let last = false;
      let hFree = h;
      if (t + h >= target) {
        hFree = h;
        h = target - t;
        last = true;
      }
      const k2 = f(y + h * A21 * k1);
      const k3 = f(y + h * (A31 * k1 + A32 * k2));
      const k4 = f(y + h * (A41 * k1 + A42 * k2 + A43 * k3));
      const k5 = f(y + h * (A51 * k1 + A52 * k2 + A53 * k3 + A54 * k4));
      const k6 = f(y + h * (A61 * k1 + A62 * k2 + A63 * k3 + A64 * k4 + A65 * k5));
      const yNew = y + h * (B1 * k1 + B3 * k3 + B4 * k4 + B5 * k5 + B6 * k6);
      const k7 = f(yNew);
      const err = h * (E1 * k1 + E3 * k3 + E4 * k4 + E5 * k5 + E6 * k6 + E7 * k7);
      const sc = atol + rtol * Math.max(Math.abs(y), Math.abs(yNew));
      const e = Math.abs(err) / sc;
      if (e <= 1 && Number.isFinite(yNew)) {
        t = last ? target : t + h;
        y = yNew;
        k1 = k7;
        h *= Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(e, 1e-10), -0.2)));
        if (last && hFree > h) h = hFree; // a step shortened to land on an output time does not shrink the next
      } else {
        h *= Number.isFinite(e) ? Math.max(0.2, 0.9 * Math.pow(e, -0.2)) : 0.1;
      }
    }
    out[j] = y;
  }
  return true;
}
