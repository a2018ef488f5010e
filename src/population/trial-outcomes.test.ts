import { describe, expect, it } from "vitest";
import type { LesionMeasurement } from "../clinic/recist.js";
import { luganoTimepoints } from "./lugano.js";
import { dayToDate, evaluateCourse, type PatientOutcome } from "./patient-outcome.js";
import { clopperPearson } from "./statistics.js";
import {
  compareArms,
  DAYS_PER_MONTH,
  dorKaplanMeier,
  newcombeDifference,
  summarizeArm,
} from "./trial-outcomes.js";
import type { SimulatedCourse } from "./types.js";

const DAYS = [0, 84, 126, 168, 210]; // baseline, weeks 12, 18, 24, 30

/**
 * A patient with two target lesions (sizes per scan), an optional non-target and new lesions appearing at given
 * scans (index into DAYS).
 */
function course(
  id: string,
  a: number[],
  b: number[],
  opts: {
    newAt?: number[];
    newGoneAt?: number;
    newSize?: number[];
    nodal?: boolean;
    nonTarget?: LesionMeasurement["state"][];
  } = {},
): SimulatedCourse {
  return {
    id,
    covariates: {},
    trueSumMm: a.map((x, i) => x + b[i]),
    scans: a.map((x, i) => {
      const lesions: LesionMeasurement[] = [
        { lesionId: "T1", role: "target", nodal: opts.nodal ?? false, diameterMm: x },
        { lesionId: "T2", role: "target", nodal: false, diameterMm: b[i] },
      ];
      if (opts.nonTarget)
        lesions.push({ lesionId: "N1", role: "non-target", nodal: false, state: opts.nonTarget[i] });
      (opts.newAt ?? []).forEach((k, j) => {
        if (i >= k)
          lesions.push({
            lesionId: `new${j}`,
            role: "new",
            nodal: false,
            diameterMm: opts.newSize?.[i] ?? 12,
            state: i >= (opts.newGoneAt ?? Infinity) ? "absent" : "present",
          });
      });
      return { day: DAYS[i], lesions };
    }),
  };
}

const recist = { criteria: "recist1.1" as const, confirm: true };

describe("one patient's outcome (RECIST 1.1)", () => {
  it("a confirmed PR: −40 % at week 12 and week 18; progression at week 30 (+20 % and +5 mm over the nadir)", () => {
    const o = evaluateCourse(course("p", [30, 18, 18, 18, 22], [20, 12, 12, 12, 14]), recist);
    expect(o.bor).toBe("PR");
    expect(o.progressed).toBe(true);
    expect(o.pfsDays).toBe(210);
    expect(o.bestChangePct).toBeCloseTo(-40, 10);
    // the response is first met at week 12 (day 84): duration of response 210 − 84 days
    expect(o.responseDays).toBe(84);
  });

  it("an unconfirmed PR (PR at week 12, PD at week 18) is SD when confirmation is required, PR when not", () => {
    const c = course("p", [30, 18, 30, 30, 30], [20, 12, 20, 20, 20]);
    expect(evaluateCourse(c, recist).bor).toBe("SD");
    expect(evaluateCourse(c, { ...recist, confirm: false }).bor).toBe("PR");
    expect(evaluateCourse(c, recist).pfsDays).toBe(126);
    // no response when confirmation is required, so no duration of response
    expect(evaluateCourse(c, recist).responseDays).toBeNull();
    expect(evaluateCourse(c, { ...recist, confirm: false }).responseDays).toBe(84);
  });

  it("a confirmed CR: every target gone at two scans 6 weeks apart; censored at the last scan", () => {
    const o = evaluateCourse(course("p", [30, 0, 0, 0, 0], [20, 0, 0, 0, 0]), recist);
    expect(o).toMatchObject({
      bor: "CR",
      progressed: false,
      pfsDays: 210,
      bestChangePct: -100,
      durable: false,
    });
  });

  it("a new lesion is PD at the first scan whatever the targets do", () => {
    const o = evaluateCourse(course("p", [30, 20, 20, 20, 20], [20, 10, 10, 10, 10], { newAt: [1] }), recist);
    expect(o).toMatchObject({ bor: "PD", progressed: true, pfsDays: 84 });
  });

  it("SD needs the minimum duration: with min SD 16 weeks a stable patient progressing at week 18 is PD", () => {
    const c = course("p", [30, 30, 40, 40, 40], [20, 20, 25, 25, 25]);
    expect(evaluateCourse(c, recist).bor).toBe("SD");
    expect(evaluateCourse(c, { ...recist, minSdDays: 112 }).bor).toBe("PD");
  });

  it("the best change stops at progression", () => {
    const o = evaluateCourse(course("p", [30, 40, 10, 10, 10], [20, 25, 5, 5, 5]), recist);
    expect(o.pfsDays).toBe(84);
    expect(o.bestChangePct).toBeCloseTo(30, 10);
  });
});

describe("iRECIST and Lugano 2014", () => {
  it("iRECIST: a new lesion at week 12 that is gone at week 18, with shrinking targets, resets the bar", () => {
    const c = course("p", [30, 20, 15, 15, 15], [20, 12, 8, 8, 8], { newAt: [1], newGoneAt: 2 });
    expect(evaluateCourse(c, recist)).toMatchObject({ bor: "PD", progressed: true, pfsDays: 84 });
    const i = evaluateCourse(c, { criteria: "irecist", confirm: true });
    expect(i.progressed).toBe(false);
    expect(i.bor).toBe("PR");
  });

  it("iRECIST: growth confirmed 6 weeks after iUPD puts progression at the iUPD scan", () => {
    const c = course("p", [30, 40, 50, 50, 50], [20, 25, 30, 30, 30]);
    expect(evaluateCourse(c, { criteria: "irecist", confirm: true })).toMatchObject({
      progressed: true,
      pfsDays: 84,
      bor: "PD",
    });
  });

  it("Lugano: SPD −50 % is PR (diameters −30 % are not); a node growing 10 → 25 mm is PD", () => {
    // diameters × 0.7 → products × 0.49: SPD −51 %
    const tps = luganoTimepoints(
      course("p", [30, 21], [20, 14]).scans.map((s) => ({ date: dayToDate(s.day), lesions: s.lesions })),
    );
    expect(tps[0].overall).toBe("PR");
    expect(tps[0].changeFromBaselinePct).toBeCloseTo(-51, 6);
    const rec = evaluateCourse(course("p", [30, 21, 21, 21, 21], [20, 14, 14, 14, 14]), recist);
    expect(rec.bor).toBe("PR"); // RECIST: −30 % exactly
    const pd = evaluateCourse(course("p", [10, 25, 25, 25, 25], [40, 30, 30, 30, 30], { nodal: true }), {
      criteria: "lugano2014",
      confirm: false,
    });
    expect(pd).toMatchObject({ progressed: true, pfsDays: 84, bor: "PD" });
  });

  it("Lugano CR: nodes back to ≤ 15 mm and extranodal targets gone", () => {
    const o = evaluateCourse(course("p", [30, 14, 12, 12, 12], [20, 0, 0, 0, 0], { nodal: true }), {
      criteria: "lugano2014",
      confirm: true,
    });
    expect(o.bor).toBe("CR");
  });
});

describe("arm outcomes", () => {
  const out = (
    bor: PatientOutcome["bor"],
    months: number,
    progressed: boolean,
    best: number | null,
    durable = false,
  ): PatientOutcome => ({
    id: `${bor}${months}`,
    bor,
    pfsDays: months * DAYS_PER_MONTH,
    progressed,
    bestChangePct: best,
    durable,
  });
  const arm = [
    out("CR", 12, false, -100, true),
    out("PR", 9, true, -55, true),
    out("PR", 6, true, -40),
    out("PR", 12, false, -35, true),
    out("SD", 3, true, -10),
    out("SD", 4.5, true, 5),
    out("SD", 6, true, 12),
    out("SD", 12, false, -20),
    out("PD", 3, true, 25),
    out("PD", 3, true, null),
  ];

  it("counts, rates with exact intervals, the waterfall", () => {
    const s = summarizeArm("A", arm);
    expect(s.patients).toBe(10);
    expect(s.bor).toEqual({ CR: 1, PR: 3, SD: 4, "NON-CR/NON-PD": 0, PD: 2, NE: 0 });
    expect(s.ORR.value).toBe(0.4);
    const [lo, hi] = clopperPearson(4, 10);
    expect(s.ORR.ci[0]).toBeCloseTo(lo, 4);
    expect(s.ORR.ci[1]).toBeCloseTo(hi, 4);
    expect(s.CR.value).toBe(0.1);
    expect(s.DCR.value).toBe(0.8);
    expect(s.DRR.value).toBe(0.3);
    expect(s.waterfall).toEqual([25, 12, 5, -10, -20, -35, -40, -55, -100]);
  });

  it("PFS: Kaplan–Meier median and landmarks in months", () => {
    const s = summarizeArm("A", arm);
    // S(3) = 7/10; S(4.5) = 0.7 · 6/7 = 0.6; S(6) = 0.6 · 4/6 = 0.4 (two events of six at risk); median 6
    expect(s.PFS_6mo.value).toBeCloseTo(0.4, 4);
    expect(s.median_PFS_months.value).toBeCloseTo(6, 4);
    // S(9) = 0.4 · 3/4 = 0.3; S(12) = 0.3 (three censored at 12)
    expect(s.PFS_12mo.value).toBeCloseTo(0.3, 4);
    expect(s.pfs_curve[0]).toEqual({ months: 0, pfs: 1, lower: 1, upper: 1, at_risk: 10 });
    expect(s.progression_events).toBe(7);
  });

  it("duration of response: Kaplan–Meier over the responders from their first response", () => {
    const r = (months: number, from: number, progressed: boolean): PatientOutcome => ({
      ...out("PR", months, progressed, -50),
      responseDays: from * DAYS_PER_MONTH,
    });
    // durations 2, 4, 6 (censored), 8, 10 months; the SD patient does not count
    const dor = [r(4, 2, true), r(6, 2, true), r(8, 2, false), r(11, 3, true), r(12, 2, true)];
    const s = summarizeArm("A", [...dor, out("SD", 3, true, 5)]);
    // S(2) = 4/5, S(4) = 3/5, 6 censored, S(8) = 3/5 · 1/2 = 0.3: the median is 8 months
    expect(s.median_DOR_months.value).toBeCloseTo(8, 4);
    expect(dorKaplanMeier([...dor, out("SD", 3, true, 5)]).n).toBe(5);
    // without responders there is no duration
    expect(summarizeArm("B", [out("SD", 3, true, 5)]).median_DOR_months).toEqual({
      value: null,
      ci: [null, null],
    });
  });

  it("two arms: Newcombe differences (Newcombe 1998 example: 56/70 − 48/80 = 0.2, 0.0524 to 0.3339) and a hazard ratio", () => {
    expect(newcombeDifference(56, 70, 48, 80)).toEqual({ value: 0.2, ci: [0.0524, 0.3339] });
    expect(newcombeDifference(9, 10, 3, 10)).toEqual({ value: 0.6, ci: [0.1705, 0.809] });
    const worse = arm.map((o) => ({ ...o, bor: "PD" as const, pfsDays: o.pfsDays / 2, progressed: true }));
    const d = compareArms(summarizeArm("A", arm), arm, summarizeArm("B", worse), worse);
    expect(d.ORR.value).toBe(0.4);
    expect(d.PFS_HR.value!).toBeLessThan(1);
    expect(d.PFS_HR.ci[0]!).toBeLessThan(d.PFS_HR.value!);
    expect(d.median_PFS_months).toBeCloseTo(6 - 3, 4); // the halved arm: median 3
  });
});
