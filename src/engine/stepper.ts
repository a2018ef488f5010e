import { SolverError } from "./errors.js";
import type { DenseRecord } from "./dense-record.js";
import type { OdeSystem, SolverStats } from "./problem.js";

const EPS = 2.220446049250313e-16;

/**
 * Zero-filled work arrays, Float64Arrays of the lengths `f64` then Int32Arrays of the lengths `i32`, as views of one
 * ArrayBuffer: one allocation per stepper instead of one per array (each array outside the heap costs an allocation
 * and a sweep; a planning run constructs two steppers per simulation).
 */
export function workArrays(
  f64: readonly number[],
  i32: readonly number[] = [],
): { readonly f: Float64Array[]; readonly i: Int32Array[] } {
  let bytes = 0;
  for (const l of f64) bytes += 8 * l;
  for (const l of i32) bytes += 4 * l;
  const buffer = new ArrayBuffer(bytes);
  let o = 0;
  const f = f64.map((l) => {
    const a = new Float64Array(buffer, o, l);
    o += 8 * l;
    return a;
  });
  const i = i32.map((l) => {
    const a = new Int32Array(buffer, o, l);
    o += 4 * l;
    return a;
  });
  return { f, i };
}

/**
 * What every one-step method shares: the system with its piecewise-constant input rates, tolerances,
 * the current and previous accepted states, statistics and the weighted RMS error norm.
 * A stepper integrates one segment at a time: `start` at a breakpoint, then `step` until `t === tBound`.
 * All work arrays are allocated once, in the constructor.
 */
export abstract class Stepper {
  readonly n: number;
  t = 0;
  tOld = 0;
  /** Step size proposed for the next step. */
  h = 0;
  /** Last accepted step size. */
  hLast = 0;
  tBound = 0;
  hMax = Infinity;
  y: Float64Array;
  yOld: Float64Array;
  /** Input rates added to f (infusions), constant over a segment. */
  readonly rates: Float64Array;
  hasRates = false;
  readonly rtol: Float64Array;
  readonly atol: Float64Array;
  /** Scratch array for error checks. */
  protected readonly scale: Float64Array;

  constructor(
    readonly system: OdeSystem,
    rtol: Float64Array,
    atol: Float64Array,
    readonly stats: SolverStats,
  ) {
    const n = system.dimension;
    this.n = n;
    const [y, yOld, rates, scale] = workArrays([n, n, n, n]).f;
    this.y = y;
    this.yOld = yOld;
    this.rates = rates;
    this.rtol = rtol;
    this.atol = atol;
    this.scale = scale;
  }

  /** The order used in step-size control (exponent 1/order). */
  abstract readonly order: number;

  /** Begins a segment at `t0` with the state already in `this.y`; `h0 = 0` chooses the first step. */
  abstract start(t0: number, tBound: number, h0: number): void;

  /** Takes one accepted step (retrying rejected ones), never past `tBound`. */
  abstract step(): void;

  /** Dense output inside the last accepted step [tOld, t]. */
  abstract interpolate(t: number, out: Float64Array): void;

  /** Copies the last step's interpolation data into a dense record (for `solution.at`). */
  abstract recordDense(record: DenseRecord): void;

  /** Must be called after the caller changed `y` between steps (projection, event assignment). */
  abstract stateChanged(): void;

  /** Evaluates f plus the current input rates. */
  protected f(t: number, y: Float64Array, dy: Float64Array): void {
    this.system.rhs(t, y, dy);
    this.stats.rhsEvaluations++;
    if (this.hasRates) {
      const r = this.rates;
      for (let i = 0; i < this.n; i++) dy[i] += r[i];
    }
  }

  /** Weighted RMS norm of `err` with scale atol + rtol·max(|y0|, |y1|). */
  protected errorNorm(err: Float64Array, y0: Float64Array, y1: Float64Array): number {
    const n = this.n;
    const rtol = this.rtol;
    const atol = this.atol;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(y0[i]);
      const b = Math.abs(y1[i]);
      const sk = atol[i] + rtol[i] * (a > b ? a : b);
      const e = err[i] / sk;
      sum += e * e;
    }
    return Math.sqrt(sum / n);
  }

  /** Throws a typed error when f is not finite at (t, y). */
  protected checkFinite(t: number, y: Float64Array, dy: Float64Array): void {
    for (let i = 0; i < this.n; i++) {
      if (!Number.isFinite(dy[i])) {
        const name = this.system.stateNames?.[i] ?? `y[${i}]`;
        throw new SolverError(
          "non-finite-derivative",
          t,
          Array.from(y),
          `d${name}/dt = ${dy[i]}`,
          this.system.stateNames,
        );
      }
    }
  }

  protected underflow(h: number): never {
    throw new SolverError(
      "step-size-underflow",
      this.t,
      Array.from(this.y),
      `step size ${h.toExponential(3)} is below the resolution of t`,
      this.system.stateNames,
    );
  }

  /** Smallest step that still changes t. */
  protected minStep(): number {
    return 16 * EPS * Math.max(Math.abs(this.t), Math.abs(this.tBound), 1e-300);
  }

  /** Set by `clampStep`: whether the clamped step ends exactly at tBound. */
  protected lastInSegment = false;

  /**
   * Clamps a proposed step so the segment ends exactly at tBound (stretching a step by up to 1 %
   * rather than leaving a sliver) and never exceeds hMax. Sets `lastInSegment`.
   */
  protected clampStep(h: number): number {
    const hh = h > this.hMax ? this.hMax : h;
    const rest = this.tBound - this.t;
    if (hh >= rest * 0.99 || hh < 0) {
      this.lastInSegment = true;
      return rest;
    }
    this.lastInSegment = false;
    return hh;
  }

  /**
   * Initial step size (Hairer, Nørsett & Wanner, Solving ODE I, II.4) from f0 = f(t0, y0),
   * using `ytmp` and `f1` as scratch.
   */
  protected initialStep(f0: Float64Array, ytmp: Float64Array, f1: Float64Array): number {
    const n = this.n;
    const y = this.y;
    let d0 = 0;
    let d1 = 0;
    for (let i = 0; i < n; i++) {
      const sk = this.atol[i] + this.rtol[i] * Math.abs(y[i]);
      d0 += (y[i] / sk) ** 2;
      d1 += (f0[i] / sk) ** 2;
    }
    d0 = Math.sqrt(d0 / n);
    d1 = Math.sqrt(d1 / n);
    const span = this.tBound - this.t;
    let h0 = d0 < 1e-10 || d1 < 1e-10 ? 1e-6 : 0.01 * (d0 / d1);
    h0 = Math.min(h0, span, this.hMax);
    for (let i = 0; i < n; i++) ytmp[i] = y[i] + h0 * f0[i];
    this.f(this.t + h0, ytmp, f1);
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const sk = this.atol[i] + this.rtol[i] * Math.abs(y[i]);
      d2 += ((f1[i] - f0[i]) / sk) ** 2;
    }
    d2 = Math.sqrt(d2 / n) / h0;
    const dm = Math.max(d1, d2);
    const h1 = !Number.isFinite(dm)
      ? h0 * 1e-3
      : dm <= 1e-15
        ? Math.max(1e-6, h0 * 1e-3)
        : Math.pow(0.01 / dm, 1 / (this.order + 1));
    return Math.min(100 * h0, h1, span, this.hMax);
  }
}
