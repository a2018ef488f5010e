import { DenseRecord } from "./dense-record.js";
import { Dopri5Stepper } from "./dopri5.js";
import { activeRates, applyBoluses, prepareDoses } from "./doses.js";
import { SolverError } from "./errors.js";
import type { EventRecord, OdeProblem, SolveOptions, SolverStats, StateEvent } from "./problem.js";
import { emptyStats } from "./problem.js";
import { RosenbrockStepper } from "./rosenbrock.js";
import { RODAS4, RODAS5P } from "./rosenbrock-tableaus.js";
import { OdeSolution, type SolveStatus } from "./solution.js";
import type { Stepper } from "./stepper.js";

/**
 * Method switching for "auto" (in the spirit of LSODA): the explicit Dormand–Prince method runs while
 * h·‖J‖∞ stays inside its stability region (|hλ| ≲ 3.3 on the negative real axis); the Rodas method takes over
 * when h·‖J‖∞ reaches STIFF_BOUND (checked every JAC_CHECK_EVERY explicit steps), and hands back when its own
 * steps satisfy h·‖J‖∞ < NONSTIFF_BOUND for NONSTIFF_STEPS steps in a row (hysteresis avoids ping-pong).
 */
const STIFF_BOUND = 3.0;
const JAC_CHECK_EVERY = 10;
const NONSTIFF_BOUND = 1.5;
const NONSTIFF_STEPS = 10;

function toleranceArray(tol: number | ArrayLike<number> | undefined, n: number, name: string): Float64Array {
  const out = new Float64Array(n);
  if (tol === undefined) out.fill(1e-6);
  else if (typeof tol === "number") out.fill(tol);
  else {
    if (tol.length !== n)
      throw new SolverError("invalid-problem", 0, [], `${name} has ${tol.length} entries, expected ${n}`);
    for (let i = 0; i < n; i++) out[i] = tol[i];
  }
  for (let i = 0; i < n; i++) {
    if (!(out[i] >= 0) || !Number.isFinite(out[i])) {
      throw new SolverError(
        "invalid-problem",
        0,
        [],
        `${name}[${i}] = ${out[i]} must be a finite number ≥ 0`,
      );
    }
  }
  return out;
}

function outputTimes(problem: OdeProblem, options: SolveOptions): Float64Array {
  const { t0, tEnd } = problem;
  if (options.times) {
    const times = Float64Array.from(options.times);
    for (let i = 0; i < times.length; i++) {
      if (!(times[i] >= t0 && times[i] <= tEnd)) {
        throw new SolverError(
          "invalid-problem",
          t0,
          [],
          `output time ${times[i]} is outside [${t0}, ${tEnd}]`,
        );
      }
      if (i > 0 && times[i] < times[i - 1]) {
        throw new SolverError(
          "invalid-problem",
          t0,
          [],
          `output times must be ascending (${times[i - 1]} > ${times[i]})`,
        );
      }
    }
    return times;
  }
  const nOut = options.nOut ?? 101;
  if (!Number.isInteger(nOut) || nOut < 2) {
    throw new SolverError("invalid-problem", t0, [], `nOut = ${nOut} must be an integer ≥ 2`);
  }
  const times = new Float64Array(nOut);
  const span = tEnd - t0;
  for (let i = 0; i < nOut; i++) times[i] = t0 + (i * span) / (nOut - 1);
  times[nOut - 1] = tEnd;
  return times;
}

/** Finds the earliest zero of an event condition in (tA, tB] on the dense output (Illinois method). */
function locateRoot(
  ev: StateEvent,
  stepper: Stepper,
  tA: number,
  gA: number,
  tB: number,
  gB: number,
  tmp: Float64Array,
): number {
  let a = tA;
  let fa = gA;
  let b = tB;
  let fb = gB;
  let side = 0;
  const tol = 1e-12 * Math.max(Math.abs(tB), Math.abs(tB - tA), 1e-300) + 4 * 2.2e-16 * Math.abs(tB);
  for (let it = 0; it < 200 && b - a > tol; it++) {
    let c = (a * fb - b * fa) / (fb - fa);
    if (!(c > a && c < b)) c = 0.5 * (a + b);
    stepper.interpolate(c, tmp);
    const fc = ev.condition(c, tmp);
    if ((fc > 0 && fa > 0) || (fc < 0 && fa < 0) || (fc === 0 && fa === 0)) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return b;
}

function crossed(direction: -1 | 0 | 1, gOld: number, gNew: number): boolean {
  if (direction <= 0 && gOld > 0 && gNew <= 0) return true;
  if (direction >= 0 && gOld < 0 && gNew >= 0) return true;
  return false;
}

/**
 * Solves an initial-value problem with scheduled doses and state events.
 *
 * Conventions: integration restarts exactly at every dose breakpoint; a bolus at t is added before the
 * output at t (outputs are right-continuous); an infusion adds its rate on [from, to); states declared
 * non-negative are projected onto ≥ 0 after every step and in every output.
 */
export function solve(problem: OdeProblem, options: SolveOptions = {}): OdeSolution {
  const system = problem.system;
  const n = system.dimension;
  const { t0, tEnd } = problem;
  if (!(Number.isFinite(t0) && Number.isFinite(tEnd) && tEnd > t0)) {
    throw new SolverError(
      "invalid-problem",
      t0,
      [],
      `the time span [${t0}, ${tEnd}] must be finite and increasing`,
    );
  }
  if (problem.y0.length !== n) {
    throw new SolverError("invalid-problem", t0, [], `y0 has ${problem.y0.length} entries, expected ${n}`);
  }
  const rtol = toleranceArray(options.rtol, n, "rtol");
  const atol = toleranceArray(options.atol, n, "atol");
  const times = outputTimes(problem, options);
  const nOut = times.length;
  const values = new Float64Array(nOut * n);
  const schedule = prepareDoses(problem.doses ?? [], n, t0, tEnd);
  const nonneg = new Uint8Array(n);
  if (problem.nonnegative) for (let k = 0; k < n; k++) nonneg[k] = problem.nonnegative[k] ? 1 : 0;
  const events = problem.events ?? [];
  const maxSteps = options.maxSteps ?? 100_000;
  const method = options.method ?? "auto";
  const stats: SolverStats = emptyStats();
  const dense = options.dense === false ? null : new DenseRecord(n);

  const stiff = new RosenbrockStepper(system, rtol, atol, stats, method === "rodas4" ? RODAS4 : RODAS5P);
  const explicit =
    method === "auto" || method === "dopri5" ? new Dopri5Stepper(system, rtol, atol, stats) : null;
  let stepper: Stepper = explicit ?? stiff;
  if (options.hMax !== undefined) {
    stiff.hMax = options.hMax;
    if (explicit) explicit.hMax = options.hMax;
  }
  let nonStiffRun = 0;
  let explicitSteps = 0;

  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    y[k] = problem.y0[k];
    if (!Number.isFinite(y[k])) {
      throw new SolverError(
        "invalid-problem",
        t0,
        Array.from(problem.y0),
        `initial value of ${system.stateNames?.[k] ?? `y[${k}]`} is not finite`,
      );
    }
  }
  const tmp = new Float64Array(n);
  const gOld = new Float64Array(events.length);
  const gNew = new Float64Array(events.length);
  const eventActive = new Uint8Array(events.length).fill(1);
  const fired: EventRecord[] = [];
  let outIdx = 0;
  let status: SolveStatus = "completed";
  let tReached = tEnd;
  const progressEvery = options.progressEvery ?? 1000;
  let nextProgress = progressEvery;

  const project = (state: Float64Array): boolean => {
    let changed = false;
    for (let k = 0; k < n; k++) {
      if (nonneg[k] && state[k] < 0) {
        state[k] = 0;
        changed = true;
      }
    }
    return changed;
  };
  const writeOutput = (i: number, state: Float64Array): void => {
    const o = i * n;
    for (let k = 0; k < n; k++) {
      const v = state[k];
      values[o + k] = nonneg[k] && v < 0 ? 0 : v;
    }
  };
  const evaluateEvents = (t: number, state: Float64Array, into: Float64Array): void => {
    for (let e = 0; e < events.length; e++) into[e] = events[e].condition(t, state);
  };
  /** Records an event; applies its assignments to `state`; returns whether it stops the solve. */
  const fire = (e: number, t: number, state: Float64Array): boolean => {
    const ev = events[e];
    if (ev.once) eventActive[e] = 0;
    if (ev.assign) for (const a of ev.assign) state[a.index] = a.value;
    fired.push({ name: ev.name, t, state: Array.from(state), terminal: ev.terminal === true });
    return ev.terminal === true;
  };

  // walk the segments between breakpoints
  const bps = schedule.breakpoints;
  let hNext = options.h0 ?? 0;
  segments: for (let s = 0; s < bps.length; s++) {
    const t = bps[s];
    // boluses at this breakpoint act before the output at this time
    if (events.length) evaluateEvents(t, y, gOld);
    if (applyBoluses(schedule, t, y) && events.length) {
      evaluateEvents(t, y, gNew);
      for (let e = 0; e < events.length; e++) {
        if (eventActive[e] && crossed(events[e].direction, gOld[e], gNew[e]) && fire(e, t, y)) {
          status = "terminated";
          tReached = t;
          while (outIdx < nOut && times[outIdx] <= t) writeOutput(outIdx++, y);
          break segments;
        }
      }
    }
    project(y);
    while (outIdx < nOut && times[outIdx] <= t) writeOutput(outIdx++, y);
    if (s === bps.length - 1) break;
    const segEnd = bps[s + 1];
    if (events.length) evaluateEvents(t, y, gOld);
    const hasRates = activeRates(schedule, t, stepper.rates);
    const start = (st: Stepper, from: number): void => {
      st.y.set(y);
      st.hasRates = hasRates;
      if (st !== stepper) st.rates.set(stepper.rates);
      st.start(from, segEnd, hNext);
    };
    start(stepper, t);

    while (stepper.t < segEnd) {
      if (stats.steps + stats.rejectedSteps >= maxSteps) {
        throw new SolverError(
          "too-many-steps",
          stepper.t,
          Array.from(stepper.y),
          `more than ${maxSteps} steps (raise maxSteps, or loosen the tolerances)`,
          system.stateNames,
        );
      }
      stepper.step();
      if (dense) stepper.recordDense(dense);
      // state events inside (tOld, t]: record-only events are noted where they occur; the earliest event
      // that changes the state or stops the solve truncates the step there
      let eventIdx = -1;
      let tB = stepper.t;
      if (events.length) {
        evaluateEvents(stepper.t, stepper.y, gNew);
        let notes: { e: number; t: number }[] | null = null;
        for (let e = 0; e < events.length; e++) {
          if (!eventActive[e] || !crossed(events[e].direction, gOld[e], gNew[e])) continue;
          const tr = locateRoot(events[e], stepper, stepper.tOld, gOld[e], stepper.t, gNew[e], tmp);
          const ev = events[e];
          if (ev.terminal || (ev.assign?.length ?? 0) > 0) {
            if (eventIdx < 0 || tr < tB) {
              eventIdx = e;
              tB = tr;
            }
          } else (notes ??= []).push({ e, t: tr });
        }
        if (notes) {
          notes.sort((p, q) => p.t - q.t);
          for (const note of notes) {
            if (eventIdx >= 0 && note.t > tB) continue;
            stepper.interpolate(note.t, tmp);
            project(tmp);
            fire(note.e, note.t, tmp);
          }
        }
      }
      const atSegEnd = tB === segEnd;
      // outputs inside the step; an output exactly at the segment end waits for the boluses there
      while (outIdx < nOut && (times[outIdx] < tB || (times[outIdx] === tB && !atSegEnd && eventIdx < 0))) {
        const to = times[outIdx];
        if (to === stepper.t) writeOutput(outIdx++, stepper.y);
        else {
          stepper.interpolate(to, tmp);
          writeOutput(outIdx++, tmp);
        }
      }
      if (eventIdx >= 0) {
        if (tB === stepper.t) y.set(stepper.y);
        else stepper.interpolate(tB, y);
        project(y);
        if (fire(eventIdx, tB, y)) {
          status = "terminated";
          tReached = tB;
          while (outIdx < nOut && times[outIdx] <= tB) writeOutput(outIdx++, y);
          break segments;
        }
        // restart exactly at the event with the new state (outputs at tB show the new state)
        evaluateEvents(tB, y, gOld);
        hNext = stepper.hLast;
        if (tB < segEnd) {
          while (outIdx < nOut && times[outIdx] === tB) writeOutput(outIdx++, y);
          start(stepper, tB);
        } else {
          stepper.y.set(y);
        }
        continue;
      } else if (events.length) {
        gOld.set(gNew);
      }
      // projection onto the non-negative states happens after the step's outputs were interpolated
      if (project(stepper.y) && stepper.t < segEnd) stepper.stateChanged();
      if (options.onProgress && stats.steps >= nextProgress) {
        nextProgress += progressEvery;
        options.onProgress(stepper.t, t0, tEnd);
      }
      // "auto": switch between the explicit and the stiff method
      if (explicit && method === "auto" && stepper.t < segEnd) {
        let toStiff = false;
        if (stepper === explicit) {
          if (++explicitSteps % JAC_CHECK_EVERY === 1 || explicit.stiff) {
            toStiff =
              explicit.stiff || explicit.hLast * stiff.jacobianNormAt(explicit.t, explicit.y) >= STIFF_BOUND;
          }
        }
        if (toStiff) {
          stats.methodSwitches++;
          hNext = explicit.hLast;
          y.set(explicit.y);
          stiff.rates.set(explicit.rates); // the infusions active in this segment carry over
          stepper = stiff;
          nonStiffRun = 0;
          start(stepper, explicit.t);
        } else if (stepper === stiff) {
          nonStiffRun = stiff.stiffnessRatio < NONSTIFF_BOUND ? nonStiffRun + 1 : 0;
          if (nonStiffRun >= NONSTIFF_STEPS) {
            stats.methodSwitches++;
            hNext = stiff.hLast;
            y.set(stiff.y);
            explicit.rates.set(stiff.rates);
            stepper = explicit;
            explicitSteps = 0;
            start(stepper, stiff.t);
          }
        }
      }
    }
    y.set(stepper.y);
    hNext = stepper.hLast;
  }
  const nReached = outIdx;
  return new OdeSolution(
    n,
    nReached === nOut ? times : times.slice(0, nReached),
    nReached === nOut ? values : values.slice(0, nReached * n),
    stats,
    fired,
    status,
    tReached,
    y.slice(),
    dense,
    nonneg,
    t0,
  );
}
