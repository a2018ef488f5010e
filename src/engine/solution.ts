import type { DenseRecord } from "./dense-record.js";
import type { EventRecord, SolverStats } from "./problem.js";

export type SolveStatus = "completed" | "terminated";

/**
 * The result of a solve: values at the requested output times (row-major, one row per time),
 * dense output over the integrated interval, statistics and the state events that fired.
 */
export class OdeSolution {
  constructor(
    readonly dimension: number,
    /** Output times actually reached (a terminal event truncates them). */
    readonly times: Float64Array,
    /** values[i * dimension + k] = state k at times[i]. */
    readonly values: Float64Array,
    readonly stats: SolverStats,
    readonly events: readonly EventRecord[],
    readonly status: SolveStatus,
    /** Time the integration reached (tEnd, or the time of a terminal event). */
    readonly tFinal: number,
    private readonly finalState: Float64Array,
    private readonly dense: DenseRecord | null,
    private readonly nonnegative: Uint8Array,
    readonly t0: number,
  ) {}

  /** The trajectory of one state over the output times. */
  column(k: number): Float64Array {
    const n = this.dimension;
    const out = new Float64Array(this.times.length);
    for (let i = 0; i < out.length; i++) out[i] = this.values[i * n + k];
    return out;
  }

  /** The state at output index i. */
  row(i: number): Float64Array {
    return this.values.slice(i * this.dimension, (i + 1) * this.dimension);
  }

  /** The final state (after boluses scheduled at the end time). */
  get final(): Float64Array {
    return this.finalState.slice();
  }

  /**
   * Dense output: the state at any t in [t0, tFinal] (right-continuous at doses and events).
   * Throws a RangeError outside the interval, or when the solve kept no dense output.
   */
  at(t: number, out: Float64Array = new Float64Array(this.dimension)): Float64Array {
    if (!(t >= this.t0 && t <= this.tFinal)) {
      throw new RangeError(`t = ${t} is outside the solved interval [${this.t0}, ${this.tFinal}]`);
    }
    if (t === this.tFinal) {
      out.set(this.finalState);
      return out;
    }
    if (!this.dense) throw new RangeError("this solution has no dense output (solve with dense: true)");
    const idx = this.dense.find(t);
    this.dense.evaluate(idx, t, out);
    for (let k = 0; k < this.dimension; k++) if (this.nonnegative[k] && out[k] < 0) out[k] = 0;
    return out;
  }
}
