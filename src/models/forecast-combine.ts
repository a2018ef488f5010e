/**
 * The stacked forecast of one patient from several candidates' forecasts (forecast-stacking.ts): the weighted
 * geometric mean of the point forecasts, the intervals' quantiles averaged on the log scale.
 */
import type { ForecastReading } from "./forecast.js";

export const SMALL = 1e-3; // mm: the log of a forecast of 0 mm (a disappeared lesion), for averaging only

/** Weighted geometric mean (weights sum to 1) of positive numbers; values ≤ 0 count as SMALL. */
export function geometric(values: readonly number[], w: readonly number[]): number {
  const one = w.indexOf(1);
  if (one >= 0) return values[one]; // a single candidate: its forecast as it is
  let s = 0;
  for (let k = 0; k < values.length; k++) if (w[k] > 0) s += w[k] * Math.log(Math.max(values[k], SMALL));
  return Math.exp(s);
}

/** The stacked forecast of one patient from the candidates' forecasts of the same readings. */
export function combineForecasts(
  forecasts: readonly (readonly ForecastReading[])[],
  weights: readonly number[],
): ForecastReading[] {
  const positive = weights.flatMap((w, c) => (w > 0 ? [c] : []));
  const first = forecasts[positive[0]];
  return first.map((r, j) => {
    // a candidate without a finite forecast at this reading (a classical curve that blows up) is left out, the
    // others' weights renormalized
    const used = positive.filter((c) => Number.isFinite(forecasts[c][j].predicted));
    const total = used.reduce((a, c) => a + weights[c], 0);
    const w = weights.map((x, c) => (used.includes(c) ? x / total : 0));
    const pick = (key: keyof ForecastReading) => forecasts.map((f) => (f.length ? f[j][key] : NaN));
    const predicted = used.length ? geometric(pick("predicted"), w) : NaN;
    // the quantiles: of the candidates with intervals (a classical model with as many parameters as readings has
    // none), each as a ratio to its own point forecast, averaged on the log scale and put on the stacked forecast
    // (when no weighted candidate has intervals, those of the unweighted candidates that have some, equally)
    const hasInterval = (c: number) =>
      forecasts[c].length > 0 &&
      Number.isFinite(forecasts[c][j].lo80) &&
      Number.isFinite(forecasts[c][j].predicted);
    let withIntervals = used.filter(hasInterval);
    let wI = w;
    if (!withIntervals.length) {
      withIntervals = forecasts.flatMap((_, c) => (hasInterval(c) ? [c] : []));
      wI = forecasts.map(() => 1);
    }
    const totalI = withIntervals.reduce((a, c) => a + wI[c], 0);
    const q = (key: "lo80" | "hi80" | "lo95" | "hi95") => {
      if (!withIntervals.length) return NaN;
      if (withIntervals.length === used.length && wI === w) return geometric(pick(key), w);
      let s = 0;
      for (const c of withIntervals) {
        const f = forecasts[c][j];
        s += (wI[c] / totalI) * (Math.log(Math.max(f[key], SMALL)) - Math.log(Math.max(f.predicted, SMALL)));
      }
      return Math.max(predicted, SMALL) * Math.exp(s);
    };
    // SMALL stands for 0 mm on the log scale: a stacked quantile there is the censored end, a reading of 0 mm
    const mm = (v: number) => (v <= SMALL ? 0 : v);
    return {
      t: r.t,
      observed: r.observed,
      predicted,
      lo80: mm(q("lo80")),
      hi80: mm(q("hi80")),
      lo95: mm(q("lo95")),
      hi95: mm(q("hi95")),
    };
  });
}
