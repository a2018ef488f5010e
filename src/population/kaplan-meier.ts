/**
 * Kaplan–Meier estimation for trial end points: the survival curve with Greenwood variances, pointwise
 * confidence intervals on the complementary log-log scale (S^exp(±z·se), se = √Greenwood / |ln S|: SAS PROC
 * LIFETEST's default and R survfit's conf.type = "log-log"), landmark estimates, and the median with the
 * Brookmeyer–Crowley interval (the times whose pointwise interval contains 0.5, on the same scale).
 * Checked against R survival 3.5.3 (kaplan-meier.test.ts).
 */
import { normalQuantile, type Interval } from "./statistics.js";

export interface Observation {
  /** Event or censoring time (any unit; the caller's). */
  readonly time: number;
  /** True for an event (progression), false for censoring. */
  readonly event: boolean;
}

export interface KmStep {
  readonly time: number;
  readonly atRisk: number;
  readonly events: number;
  readonly censored: number;
  /** S just after `time`. */
  readonly survival: number;
  /** Greenwood's Σ d / (n (n − d)) up to `time` (the variance of ln S). */
  readonly greenwood: number;
  readonly lower: number;
  readonly upper: number;
}

export interface KaplanMeier {
  readonly n: number;
  readonly events: number;
  readonly level: number;
  /** One step per distinct time with an event or a censoring, in time order. */
  readonly steps: readonly KmStep[];
}

/** The log-log pointwise interval of S with Greenwood variance `gw`. */
function logLogInterval(s: number, gw: number, z: number): Interval {
  if (s <= 0) return [0, 0];
  if (s >= 1 || gw <= 0) return [s, s];
  const se = Math.sqrt(gw) / Math.abs(Math.log(s));
  return [s ** Math.exp(z * se), s ** Math.exp(-z * se)];
}

export function kaplanMeier(data: readonly Observation[], level = 0.95): KaplanMeier {
  for (const d of data)
    if (!Number.isFinite(d.time) || d.time < 0) throw new RangeError(`time ${d.time} is not a time ≥ 0`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const sorted = [...data].sort((a, b) => a.time - b.time);
  const steps: KmStep[] = [];
  let atRisk = sorted.length;
  let s = 1;
  let gw = 0;
  for (let i = 0; i < sorted.length;) {
    const t = sorted[i].time;
    let events = 0;
    let censored = 0;
    while (i < sorted.length && sorted[i].time === t) {
      if (sorted[i].event) events++;
      else censored++;
      i++;
    }
    if (events > 0) {
      s *= 1 - events / atRisk;
      gw += atRisk > events ? events / (atRisk * (atRisk - events)) : Infinity;
    }
    const [lower, upper] = logLogInterval(s, gw, z);
    steps.push({ time: t, atRisk, events, censored, survival: s, greenwood: gw, lower, upper });
    atRisk -= events + censored;
  }
  return { n: data.length, events: data.filter((d) => d.event).length, level, steps };
}

export interface Estimate {
  readonly value: number | null;
  readonly ci: [number | null, number | null];
}

/** S(t) with its pointwise interval; null when t is beyond the last observation (not estimable). */
export function survivalAt(km: KaplanMeier, t: number): Estimate {
  const last = km.steps[km.steps.length - 1];
  if (!last || t > last.time) {
    // estimable only if the curve has already reached 0
    if (last && last.survival === 0) return { value: 0, ci: [0, 0] };
    return { value: null, ci: [null, null] };
  }
  let step: KmStep | undefined;
  for (const s of km.steps) {
    if (s.time > t) break;
    step = s;
  }
  if (!step) return { value: 1, ci: [1, 1] };
  return { value: step.survival, ci: [step.lower, step.upper] };
}

/**
 * The first time at which `curve(step)` ≤ 0.5, with R's convention when the curve sits exactly at 0.5 over an
 * interval (the midpoint of that interval and the next event time).
 */
function crossing(steps: readonly KmStep[], curve: (s: KmStep) => number): number | null {
  const eps = 1e-12;
  const withEvents = steps.filter((s) => s.events > 0);
  for (let i = 0; i < withEvents.length; i++) {
    const v = curve(withEvents[i]);
    if (v < 0.5 - eps) return withEvents[i].time;
    if (Math.abs(v - 0.5) <= eps) {
      const next = withEvents[i + 1];
      return next ? (withEvents[i].time + next.time) / 2 : withEvents[i].time;
    }
  }
  return null;
}

/**
 * Median survival time and its Brookmeyer–Crowley interval (log-log scale); null where not reached / not
 * estimable.
 */
export function medianSurvival(km: KaplanMeier): Estimate {
  return {
    value: crossing(km.steps, (s) => s.survival),
    ci: [crossing(km.steps, (s) => s.lower), crossing(km.steps, (s) => s.upper)],
  };
}

/** The step function for plots: (time, S, lower, upper, at risk) starting at (0, 1). */
export function survivalCurve(
  km: KaplanMeier,
): { time: number; survival: number; lower: number; upper: number; atRisk: number }[] {
  const out = [{ time: 0, survival: 1, lower: 1, upper: 1, atRisk: km.n }];
  for (const s of km.steps)
    if (s.events > 0 || s === km.steps[km.steps.length - 1])
      out.push({ time: s.time, survival: s.survival, lower: s.lower, upper: s.upper, atRisk: s.atRisk });
  return out;
}
