/**
 * Analog (nearest-neighbour) forecasts of a patient's later tumor sizes from the courses of other patients: the
 * "method of analogues" of forecasting (Lorenz, J Atmos Sci 1969;26:636), here empirical-population forecasting.
 * No curve is assumed: each reference patient's course, on the log scale and moved up or down to the patient's
 * first K readings (the least-squares shift), is a candidate future; the patients whose moved course passes
 * closest to those K readings are the analogs, and the forecast at a time is the median of the analogs' moved
 * courses there. A reference patient counts at a time only if they were still followed then (a reading at or
 * after it): the forecast of a reading is conditioned, as the reading itself is, on the patient being scanned.
 */
import type { Series } from "./growth-fit.js";

export interface AnalogOptions {
  /** Analogs used at each time (the nearest that were followed until then). */
  readonly k: number;
  /** Or a fraction of the reference patients followed past the K readings (k then the fewest). */
  readonly fraction?: number;
  /**
   * How the course is put on the patient: "shift" — moved by the mean log-difference over the K readings (the
   * least-squares shift); "last" — through the last of the K readings.
   */
  readonly anchor: "shift" | "last";
  /** Fewest analogs followed until a time for a forecast there (NaN otherwise). */
  readonly minAnalogs?: number;
  /** Readings at or below it are taken at it on the log scale (mm; a lesion that disappeared). */
  readonly floor: number;
}

/** A reference course: times ascending (clipped at 0: readings before treatment are at its start) and ln size. */
export interface AnalogCourse {
  readonly t: Float64Array;
  readonly ln: Float64Array;
}

/** The reference courses of `series` (at least two readings), on the log scale with `floor`. */
export function analogCourses(series: readonly Series[], floor: number): AnalogCourse[] {
  return series
    .filter((s) => s.t.length >= 2)
    .map((s) => {
      const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
      return {
        t: Float64Array.from(order, (i) => Math.max(s.t[i], 0)),
        ln: Float64Array.from(order, (i) => Math.log(Math.max(s.y[i], floor))),
      };
    });
}

/** ln size of a course at time t: linear between readings, the first reading before it; NaN after the last. */
export function courseAt(c: AnalogCourse, t: number): number {
  const n = c.t.length;
  if (t > c.t[n - 1]) return NaN;
  if (t <= c.t[0]) return c.ln[0];
  let i = 1;
  while (c.t[i] < t) i++;
  const t0 = c.t[i - 1];
  const t1 = c.t[i];
  if (t1 === t0) return c.ln[i];
  return c.ln[i - 1] + ((c.ln[i] - c.ln[i - 1]) * (t - t0)) / (t1 - t0);
}

/** The median of values (NaN for none). */
function median(v: number[]): number {
  if (!v.length) return NaN;
  v.sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * The analog forecast (mm) at each of `times` of the patient whose first readings are `train`, from the
 * reference `courses` (other patients; never the patient's own later readings).
 */
export function analogForecast(
  courses: readonly AnalogCourse[],
  train: Series,
  times: readonly number[],
  opts: AnalogOptions,
): number[] {
  const K = train.t.length;
  const order = train.t.map((_, i) => i).sort((a, b) => train.t[a] - train.t[b]);
  const tt = order.map((i) => Math.max(train.t[i], 0));
  const ly = order.map((i) => Math.log(Math.max(train.y[i], opts.floor)));
  const tLast = tt[K - 1];
  // every reference course followed past the patient's last training reading: its shift and distance
  const refs: { c: AnalogCourse; shift: number; d: number }[] = [];
  for (const c of courses) {
    if (c.t[c.t.length - 1] < tLast) continue;
    const at = tt.map((t) => courseAt(c, t));
    let shift: number;
    if (opts.anchor === "last") shift = ly[K - 1] - at[K - 1];
    else {
      shift = 0;
      for (let i = 0; i < K; i++) shift += ly[i] - at[i];
      shift /= K;
    }
    let d = 0;
    for (let i = 0; i < K; i++) d += (ly[i] - at[i] - shift) ** 2;
    refs.push({ c, shift, d });
  }
  refs.sort((a, b) => a.d - b.d);
  const k = Math.max(opts.k, Math.round((opts.fraction ?? 0) * refs.length));
  const need = opts.minAnalogs ?? Math.min(k, 5);
  return times.map((t) => {
    const values: number[] = [];
    for (const r of refs) {
      const v = courseAt(r.c, Math.max(t, 0));
      if (Number.isNaN(v)) continue;
      values.push(v + r.shift);
      if (values.length === k) break;
    }
    return values.length < need ? NaN : Math.exp(median(values));
  });
}
