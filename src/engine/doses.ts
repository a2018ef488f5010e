import { SolverError } from "./errors.js";
import type { Bolus, Dose, Infusion, ScaleDose } from "./problem.js";

/** Doses prepared for a solve: sorted boluses, infusions and the breakpoints where integration restarts. */
export interface DoseSchedule {
  /** Jumps applied at their time, in the order given (additions and multiplications). */
  readonly boluses: readonly (Bolus | ScaleDose)[];
  readonly infusions: readonly Infusion[];
  /** Sorted unique times in [t0, tEnd], always including t0 and tEnd. */
  readonly breakpoints: Float64Array;
}

export function prepareDoses(doses: readonly Dose[], n: number, t0: number, tEnd: number): DoseSchedule {
  const boluses: (Bolus | ScaleDose)[] = [];
  const infusions: Infusion[] = [];
  const times = [t0, tEnd];
  doses.forEach((d, k) => {
    const bad = (why: string): never => {
      throw new SolverError("invalid-problem", t0, [], `dose ${k}: ${why}`);
    };
    if (!Number.isInteger(d.index) || d.index < 0 || d.index >= n) bad(`state index ${d.index} out of range`);
    if (d.kind === "bolus") {
      if (!Number.isFinite(d.at) || !Number.isFinite(d.amount)) bad("time and amount must be finite");
      boluses.push(d);
      times.push(d.at);
    } else if (d.kind === "scale") {
      if (!Number.isFinite(d.at) || !(d.factor >= 0) || !Number.isFinite(d.factor)) {
        bad("time must be finite and factor a finite number ≥ 0");
      }
      boluses.push(d);
      times.push(d.at);
    } else {
      if (![d.from, d.to, d.rate].every(Number.isFinite)) bad("start, end and rate must be finite");
      if (d.to < d.from) bad(`infusion ends (${d.to}) before it starts (${d.from})`);
      infusions.push(d);
      times.push(d.from, d.to);
    }
  });
  // stable sort: jumps at the same time apply in the order given
  boluses.sort((a, b) => a.at - b.at);
  const inRange = times.filter((t) => t >= t0 && t <= tEnd).sort((a, b) => a - b);
  const unique: number[] = [];
  for (const t of inRange) if (unique.length === 0 || unique[unique.length - 1] !== t) unique.push(t);
  return { boluses, infusions, breakpoints: Float64Array.from(unique) };
}

/** Applies every jump scheduled exactly at `t` to `y` (in order); returns whether any was applied. */
export function applyBoluses(schedule: DoseSchedule, t: number, y: Float64Array): boolean {
  let applied = false;
  for (const b of schedule.boluses) {
    if (b.at === t) {
      if (b.kind === "bolus") y[b.index] += b.amount;
      else y[b.index] *= b.factor;
      applied = true;
    } else if (b.at > t) break;
  }
  return applied;
}

/** Writes the total infusion rate active on [t, next breakpoint) into `rates`; returns whether any is non-zero. */
export function activeRates(schedule: DoseSchedule, t: number, rates: Float64Array): boolean {
  rates.fill(0);
  let any = false;
  for (const inf of schedule.infusions) {
    if (inf.from <= t && t < inf.to) {
      rates[inf.index] += inf.rate;
      any = true;
    }
  }
  return any;
}
