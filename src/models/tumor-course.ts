import type { OdeSolution } from "../engine/index.js";

/** The course of one state over a solution's output times: start, end, nadir, peak. */
export interface Course {
  readonly initial: number;
  readonly final: number;
  readonly nadir: number;
  readonly nadirDay: number;
  /** Output index of the nadir. */
  readonly nadirIndex: number;
  readonly peak: number;
}

export function course(sol: OdeSolution, index: number): Course {
  const n = sol.dimension;
  let nadir = Infinity;
  let nadirDay = 0;
  let nadirIndex = 0;
  let peak = 0;
  for (let i = 0; i < sol.times.length; i++) {
    const v = sol.values[i * n + index];
    if (v > peak) peak = v;
    if (v < nadir) {
      nadir = v;
      nadirDay = sol.times[i];
      nadirIndex = i;
    }
  }
  return { initial: sol.values[index], final: sol.final[index], nadir, nadirDay, nadirIndex, peak };
}

/** First output time at which the state is below a threshold, or null. */
export function firstTimeBelow(sol: OdeSolution, index: number, threshold: number): number | null {
  const n = sol.dimension;
  for (let i = 0; i < sol.times.length; i++) if (sol.values[i * n + index] < threshold) return sol.times[i];
  return null;
}
