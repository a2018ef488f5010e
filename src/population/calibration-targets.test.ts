import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { seededRandom } from "../engine/statistics.js";
import {
  dorFeature,
  dorObserved,
  dorSigma,
  feature,
  pfsBeyond,
  respondingBeyond,
  type ScanGrid,
} from "./calibration-targets.js";
import type { PatientOutcome } from "./patient-outcome.js";
import { scanDays } from "./scan-schedule.js";
import { patientScanDays, SCAN_WINDOW_DAYS } from "./simulate-batch.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";

const outcome = (pfsDays: number, progressed: boolean): PatientOutcome => ({
  id: "p",
  bor: progressed ? "PD" : "SD",
  pfsDays,
  progressed,
  bestChangePct: 0,
  durable: false,
});

// KEYNOTE-006's schedule: week 12, every 6 weeks to week 48, then every 12
const days = [
  0,
  ...scanDays({
    first_week: 12,
    every_weeks: 6,
    until_week: 48,
    every_weeks_after: 12,
    follow_up_weeks: 104,
  }),
];
const grid: ScanGrid = { days, windowDays: SCAN_WINDOW_DAYS };

describe("PFS read over the visit window (Rao–Blackwell)", () => {
  it("equals the mean of the bare indicator over the simulator's own scan-day draws", () => {
    const rand = seededRandom(11);
    for (const k of [1, 2, 3, 8]) {
      for (const t of [days[k] - 10, days[k] - 3, days[k], days[k] + 2.5, days[k] + 8]) {
        let hits = 0;
        const n = 20_000;
        for (let r = 0; r < n; r++) if (patientScanDays(days, SCAN_WINDOW_DAYS, rand)[k] > t) hits++;
        const drawn = patientScanDays(days, SCAN_WINDOW_DAYS, rand)[k];
        // binomial SE at n = 20,000 is at most 0.0035
        expect(Math.abs(pfsBeyond(outcome(drawn, true), t, grid) - hits / n)).toBeLessThan(0.015);
      }
    }
  });

  it("is the bare indicator without a grid, for a censored patient, and for a day off the grid", () => {
    expect(pfsBeyond(outcome(85, true), 85.2)).toBe(0);
    expect(pfsBeyond(outcome(85, false), 85.2, grid)).toBe(0);
    expect(pfsBeyond(outcome(100, true), 85.2, grid)).toBe(1); // day 100 lies in no window of this grid
  });

  it("reads KEYNOTE-006's ipilimumab median (2.8 months, inside week 12's window) as a share of the window", () => {
    const f = feature("median_PFS_months", 2.8, grid)!;
    const t = 2.8 * DAYS_PER_MONTH;
    expect(f(outcome(80, true))).toBeCloseTo((84 + 7 - t) / 14, 10);
    expect(f(outcome(80, true))).toBe(f(outcome(90, true))); // the drawn day no longer matters
    expect(f(outcome(126, true))).toBe(1); // progression at week 18
  });

  it("stays a probability and never increases with t", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: days.length - 1 }),
        fc.double({ min: -7, max: 7, noNaN: true }),
        fc.double({ min: 0, max: 800, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (k, jitter, t, dt) => {
          const o = outcome(days[k] + jitter, true);
          const a = pfsBeyond(o, t, grid);
          const b = pfsBeyond(o, t + dt, grid);
          return a >= 0 && a <= 1 && b <= a + 1e-12;
        },
      ),
    );
  });
});

describe("a median duration of response as a linear constraint", () => {
  const responder = (responseDays: number, pfsDays: number, progressed: boolean): PatientOutcome => ({
    ...outcome(pfsDays, progressed),
    bor: "PR",
    responseDays,
  });
  it("reads each responder as still responding, ended, or unknown (censored before the median)", () => {
    const t = 100;
    expect(respondingBeyond(responder(56, 200, true), t)).toBe(1); // 144 days
    expect(respondingBeyond(responder(56, 120, true), t)).toBe(0); // ended after 64 days
    expect(respondingBeyond(responder(56, 120, false), t)).toBeNull(); // censored at 64 days
    expect(respondingBeyond(responder(56, 300, false), t)).toBe(1); // censored after the median
    expect(respondingBeyond(outcome(120, true), t)).toBeNull(); // not a responder
  });
  it("has mean 0 exactly when half the observed responders respond past the median", () => {
    const m = 3;
    const t = m * DAYS_PER_MONTH;
    const f = dorFeature(m);
    const obs = dorObserved(m);
    const group = [
      responder(56, 56 + t + 30, true),
      responder(56, 56 + t - 30, true),
      responder(56, 56 + t - 40, false), // unknown: no weight
      outcome(80, true),
    ];
    expect(group.reduce((s, o) => s + f(o), 0)).toBe(0);
    expect(group.reduce((s, o) => s + obs(o), 0)).toBe(2);
  });
  it("scales its tolerance by the ORR: the binomial SE of a half among the responders, with the floor", () => {
    const p = { arm: "a", endpoint: "median_DOR_months", value: 6 };
    // 100 patients, ORR 25 %: 25 responders, SE 0.1; floor 0.03
    expect(dorSigma(p, 0.25, 100)).toBeCloseTo(0.25 * Math.hypot(0.1, 0.03), 12);
    expect(dorSigma({ ...p, certainty: "H" }, 0.25, 100)).toBeCloseTo(0.25 * Math.hypot(0.15, 0.03), 12);
  });
});
