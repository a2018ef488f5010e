import { describe, expect, it } from "vitest";
import type { LesionMeasurement } from "../clinic/recist.js";
import { entryFraction, evaluateCourse, patientCutDay } from "./patient-outcome.js";
import type { SimulatedCourse } from "./types.js";

/** A responder: −40 % from week 12 on, scanned every 6 weeks to week 60, no progression. */
function responder(id: string): SimulatedCourse {
  const days = [0, 84, 126, 168, 210, 252, 294, 336, 378, 420];
  return {
    id,
    covariates: {},
    trueSumMm: days.map((d) => (d === 0 ? 50 : 30)),
    scans: days.map((day) => {
      const lesions: LesionMeasurement[] = [
        { lesionId: "T1", role: "target", nodal: false, diameterMm: day === 0 ? 30 : 18 },
        { lesionId: "T2", role: "target", nodal: false, diameterMm: day === 0 ? 20 : 12 },
      ];
      return { day, lesions };
    }),
  };
}

const settings = { criteria: "recist1.1" as const, confirm: true };

describe("staggered enrolment at a data cut (assessment.accrual_weeks)", () => {
  it("entry fractions are deterministic, in [0, 1) and spread evenly over 10,000 ids", () => {
    expect(entryFraction("p1-vp7")).toBe(entryFraction("p1-vp7"));
    const u = Array.from({ length: 10_000 }, (_, i) => entryFraction(`p${i + 1}-vp${(i * 7919) % 3000}`));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    // each tenth of [0, 1) holds 1,000 ± 4 binomial SDs (SD 30)
    const bins = new Array<number>(10).fill(0);
    for (const x of u) bins[Math.floor(x * 10)]++;
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(120);
    const mean = u.reduce((s, x) => s + x, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.012); // SE 0.0029
  });

  it("each patient is cut at the data cut ± half the accrual, the cut being the median follow-up", () => {
    const ids = Array.from({ length: 2001 }, (_, i) => `p${i + 1}-vp${i}`);
    const cuts = ids.map((id) => patientCutDay(id, { cutDay: 266, accrualDays: 217 })).sort((a, b) => a - b);
    expect(cuts[0]).toBeGreaterThanOrEqual(266 - 108.5);
    expect(cuts[cuts.length - 1]).toBeLessThanOrEqual(266 + 108.5);
    expect(Math.abs(cuts[1000] - 266)).toBeLessThan(10); // the median, within a few SEs (about 2.4 days)
    // without accrual, or without a cut, nothing changes
    expect(patientCutDay("p1", { cutDay: 266 })).toBe(266);
    expect(patientCutDay("p1", { accrualDays: 217 })).toBe(Infinity);
    // never before the baseline
    expect(patientCutDay("p1", { cutDay: 10, accrualDays: 1000 })).toBeGreaterThanOrEqual(0);
  });

  it("a patient entered late is read on fewer scans: its PFS is censored at its own cut", () => {
    const ids = Array.from({ length: 200 }, (_, i) => `id${i}`);
    const early = ids.find((id) => entryFraction(id) < 0.1)!;
    const late = ids.find((id) => entryFraction(id) > 0.85 && entryFraction(id) < 0.9)!;
    const at = { ...settings, cutDay: 266, accrualDays: 217 }; // week 38 ± 15.5 weeks
    const e = evaluateCourse(responder(early), at);
    const l = evaluateCourse(responder(late), at);
    expect(e.bor).toBe("PR");
    expect(l.bor).toBe("PR");
    // the early patient is followed to days 354–374 (last scan day 336), the late one to days 179–190 (day 168)
    expect(patientCutDay(early, at)).toBeGreaterThan(353);
    expect(patientCutDay(late, at)).toBeLessThan(190);
    expect(e.pfsDays).toBe(336);
    expect(l.pfsDays).toBe(168);
    // everyone at the same cut without accrual
    expect(evaluateCourse(responder(early), { ...settings, cutDay: 266 }).pfsDays).toBe(252);
    expect(evaluateCourse(responder(late), { ...settings, cutDay: 266 }).pfsDays).toBe(252);
  });
});
