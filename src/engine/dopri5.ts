import { DENSE_DOPRI5, type DenseRecord } from "./dense-record.js";
import type { OdeSystem, SolverStats } from "./problem.js";
import { Stepper, workArrays } from "./stepper.js";

// Dormand & Prince (1980) 5(4) coefficients, with Shampine's (1986) order-4 dense output,
// as tabulated in Hairer, Nørsett & Wanner, Solving ODE I, Table II.5.2 and DOPRI5.
const C2 = 1 / 5,
  C3 = 3 / 10,
  C4 = 4 / 5,
  C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40,
  A32 = 9 / 40;
const A41 = 44 / 45,
  A42 = -56 / 15,
  A43 = 32 / 9;
const A51 = 19372 / 6561,
  A52 = -25360 / 2187,
  A53 = 64448 / 6561,
  A54 = -212 / 729;
const A61 = 9017 / 3168,
  A62 = -355 / 33,
  A63 = 46732 / 5247,
  A64 = 49 / 176,
  A65 = -5103 / 18656;
const A71 = 35 / 384,
  A73 = 500 / 1113,
  A74 = 125 / 192,
  A75 = -2187 / 6784,
  A76 = 11 / 84;
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40;
const D1 = -12715105075 / 11282082432,
  D3 = 87487479700 / 32700410799,
  D4 = -10690763975 / 1880347072,
  D5 = 701980252875 / 199316789632,
  D6 = -1453857185 / 822651844,
  D7 = 69997945 / 29380423;

const SAFE = 0.9;
const FAC_MIN = 0.2; // hnew/h ≥ 0.2
const FAC_MAX = 10; // hnew/h ≤ 10
const BETA = 0.04; // PI (Gustafsson/Lund) stabilization, DOPRI5's default
const EXPO1 = 0.2 - BETA * 0.75;

/** Explicit Dormand–Prince 5(4) with PI step control, FSAL, dense output and stiffness detection. */
export class Dopri5Stepper extends Stepper {
  readonly order = 5;
  private k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private k7: Float64Array;
  private readonly ytmp: Float64Array;
  private readonly ysti: Float64Array;
  private readonly err: Float64Array;
  private readonly cont: Float64Array;
  private facOld = 1e-4;
  private rejectedLast = false;
  private stiffCount = 0;
  private nonStiffCount = 0;
  /** Set when Hairer's test (h·|λ| > 3.25 on 15 recent steps) says the problem has become stiff. */
  stiff = false;

  constructor(system: OdeSystem, rtol: Float64Array, atol: Float64Array, stats: SolverStats) {
    super(system, rtol, atol, stats);
    const n = this.n;
    const [k1, k2, k3, k4, k5, k6, k7, ytmp, ysti, err, cont] = workArrays([
      n,
      n,
      n,
      n,
      n,
      n,
      n,
      n,
      n,
      n,
      5 * n,
    ]).f;
    this.k1 = k1;
    this.k2 = k2;
    this.k3 = k3;
    this.k4 = k4;
    this.k5 = k5;
    this.k6 = k6;
    this.k7 = k7;
    this.ytmp = ytmp;
    this.ysti = ysti;
    this.err = err;
    this.cont = cont;
  }

  start(t0: number, tBound: number, h0: number): void {
    this.t = t0;
    this.tOld = t0;
    this.tBound = tBound;
    this.f(t0, this.y, this.k1);
    this.checkFinite(t0, this.y, this.k1);
    this.h = h0 > 0 ? Math.min(h0, tBound - t0) : this.initialStep(this.k1, this.ytmp, this.k2);
    this.facOld = 1e-4;
    this.rejectedLast = false;
    this.stiffCount = 0;
    this.nonStiffCount = 0;
    this.stiff = false;
  }

  step(): void {
    const n = this.n;
    const y = this.y;
    const { k1, k2, k3, k4, k5, k6, ytmp, ysti, err } = this;
    const k7 = this.k7;
    const stats = this.stats;
    for (;;) {
      const hmin = this.minStep();
      const h = this.clampStep(this.h);
      const last = this.lastInSegment;
      if (h < hmin) this.underflow(h);
      const t = this.t;
      for (let i = 0; i < n; i++) ytmp[i] = y[i] + h * A21 * k1[i];
      this.f(t + C2 * h, ytmp, k2);
      for (let i = 0; i < n; i++) ytmp[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
      this.f(t + C3 * h, ytmp, k3);
      for (let i = 0; i < n; i++) ytmp[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
      this.f(t + C4 * h, ytmp, k4);
      for (let i = 0; i < n; i++)
        ytmp[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
      this.f(t + C5 * h, ytmp, k5);
      for (let i = 0; i < n; i++)
        ysti[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
      const tNew = last ? this.tBound : t + h;
      this.f(tNew, ysti, k6);
      for (let i = 0; i < n; i++)
        ytmp[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
      this.f(tNew, ytmp, k7);
      for (let i = 0; i < n; i++)
        err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const e = this.errorNorm(err, y, ytmp);
      if (!(e <= 1)) {
        // rejected (also when the error is NaN or infinite: retry with a much smaller step)
        stats.rejectedSteps++;
        const fac11 = Number.isFinite(e) ? Math.pow(e, EXPO1) : 1 / FAC_MIN;
        this.h = h / Math.min(1 / FAC_MIN, fac11 / SAFE);
        this.rejectedLast = true;
        continue;
      }
      stats.steps++;
      // stiffness detection (Hairer's DOPRI5): h·|λ| estimated from the last two stages
      let stnum = 0;
      let stden = 0;
      for (let i = 0; i < n; i++) {
        const a = k7[i] - k6[i];
        const b = ytmp[i] - ysti[i];
        stnum += a * a;
        stden += b * b;
      }
      if (stden > 0) {
        const hlamb = h * Math.sqrt(stnum / stden);
        if (hlamb > 3.25) {
          this.nonStiffCount = 0;
          if (++this.stiffCount >= 15) this.stiff = true;
        } else if (++this.nonStiffCount >= 6) {
          this.stiffCount = 0;
        }
      }
      // dense output coefficients
      const cont = this.cont;
      for (let i = 0; i < n; i++) {
        const ydiff = ytmp[i] - y[i];
        const bspl = h * k1[i] - ydiff;
        cont[i] = y[i];
        cont[n + i] = ydiff;
        cont[2 * n + i] = bspl;
        cont[3 * n + i] = ydiff - h * k7[i] - bspl;
        cont[4 * n + i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
      // accept: swap y/yOld and k1/k7 (FSAL)
      const fac11 = Math.pow(e, EXPO1);
      let fac = fac11 / Math.pow(this.facOld, BETA);
      fac = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, fac / SAFE));
      let hNew = h / fac;
      this.facOld = Math.max(e, 1e-4);
      if (this.rejectedLast) hNew = Math.min(hNew, h);
      this.rejectedLast = false;
      this.yOld.set(y);
      y.set(ytmp);
      this.k7 = k1;
      this.k1 = k7;
      this.tOld = t;
      this.t = tNew;
      this.hLast = h;
      this.h = hNew;
      return;
    }
  }

  interpolate(t: number, out: Float64Array): void {
    const n = this.n;
    const h = this.t - this.tOld;
    const s = h === 0 ? 1 : (t - this.tOld) / h;
    const s1 = 1 - s;
    const c = this.cont;
    for (let i = 0; i < n; i++) {
      out[i] = c[i] + s * (c[n + i] + s1 * (c[2 * n + i] + s * (c[3 * n + i] + s1 * c[4 * n + i])));
    }
  }

  recordDense(record: DenseRecord): void {
    const o = record.reserve(this.tOld, this.t, DENSE_DOPRI5, 5, 5 * this.n);
    record.buf.set(this.cont, o);
  }

  stateChanged(): void {
    this.f(this.t, this.y, this.k1);
    this.checkFinite(this.t, this.y, this.k1);
  }

  /** f at the current state (valid after a step: first-same-as-last). */
  get derivative(): Float64Array {
    return this.k1;
  }
}
