import { describe, expect, it } from "vitest";
import { coxHazardRatio } from "./cox.js";
import { kaplanMeier, medianSurvival, survivalAt, survivalCurve } from "./kaplan-meier.js";

// R survival's `aml` data (Embury et al.): weeks to relapse, status, maintained chemotherapy or not
const maintained: [number, 0 | 1][] = [
  [9, 1],
  [13, 1],
  [13, 0],
  [18, 1],
  [23, 1],
  [28, 0],
  [31, 1],
  [34, 1],
  [45, 0],
  [48, 1],
  [161, 0],
];
const nonmaintained: [number, 0 | 1][] = [
  [5, 1],
  [5, 1],
  [8, 1],
  [8, 1],
  [12, 1],
  [16, 0],
  [23, 1],
  [27, 1],
  [30, 1],
  [33, 1],
  [43, 1],
  [45, 1],
];
const obs = (rows: [number, 0 | 1][]) => rows.map(([time, s]) => ({ time, event: s === 1 }));

describe("Kaplan–Meier against R survival 3.5.3 (survfit, conf.type = 'log-log')", () => {
  it("whole aml data: survival, Greenwood standard errors and log-log intervals at every event time", () => {
    const km = kaplanMeier(obs([...maintained, ...nonmaintained]));
    // time, S, se(S) (R's std.err), lower, upper
    const r = [
      [5, 0.91304348, 0.05875338, 0.694947538, 0.9775157],
      [12, 0.73913043, 0.09156054, 0.509209439, 0.8733758],
      [23, 0.54658385, 0.10725064, 0.319250414, 0.7264492],
      [34, 0.27605245, 0.10198338, 0.104441343, 0.4802847],
      [48, 0.08281573, 0.0726618, 0.006955967, 0.2867604],
    ];
    for (const [t, s, se, lo, hi] of r) {
      const step = km.steps.find((x) => x.time === t)!;
      expect(step.survival).toBeCloseTo(s, 7);
      expect(step.survival * Math.sqrt(step.greenwood)).toBeCloseTo(se, 7);
      expect(step.lower).toBeCloseTo(lo, 7);
      expect(step.upper).toBeCloseTo(hi, 6);
    }
    // median 27 (13–34)
    expect(medianSurvival(km)).toEqual({ value: 27, ci: [13, 34] });
  });

  it("maintained group: median 31 (13–not reached); landmarks at 12 and 30 weeks", () => {
    const km = kaplanMeier(obs(maintained));
    expect(medianSurvival(km)).toEqual({ value: 31, ci: [13, null] });
    const s12 = survivalAt(km, 12);
    expect(s12.value).toBeCloseTo(0.9090909, 7);
    expect(s12.ci[0]).toBeCloseTo(0.5080802, 7);
    expect(s12.ci[1]).toBeCloseTo(0.9866738, 7);
    const s30 = survivalAt(km, 30);
    expect(s30.value).toBeCloseTo(0.6136364, 7);
    expect(s30.ci[0]).toBeCloseTo(0.265752, 6);
    expect(s30.ci[1]).toBeCloseTo(0.8352992, 6);
    expect(survivalAt(km, 200).value).toBeNull();
    expect(survivalAt(km, 3)).toEqual({ value: 1, ci: [1, 1] });
  });

  it("a median where the curve sits exactly at 0.5 is the midpoint to the next event (R's convention)", () => {
    const km = kaplanMeier(
      obs([
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 1],
      ]),
    );
    expect(medianSurvival(km).value).toBe(2.5);
  });

  it("no events: median not reached, S = 1 throughout; the curve starts at (0, 1)", () => {
    const km = kaplanMeier(
      obs([
        [3, 0],
        [6, 0],
      ]),
    );
    expect(medianSurvival(km)).toEqual({ value: null, ci: [null, null] });
    expect(survivalCurve(km)[0]).toEqual({ time: 0, survival: 1, lower: 1, upper: 1, atRisk: 2 });
    expect(survivalAt(km, 6).value).toBe(1);
  });

  it("rejects negative or non-finite times", () => {
    expect(() => kaplanMeier([{ time: -1, event: true }])).toThrow(RangeError);
    expect(() => kaplanMeier([{ time: NaN, event: true }])).toThrow(RangeError);
  });
});

describe("Cox hazard ratio against R survival 3.5.3 (coxph)", () => {
  const data = [
    ...maintained.map(([time, s]) => ({ time, event: s === 1, x: 0 as const })),
    ...nonmaintained.map(([time, s]) => ({ time, event: s === 1, x: 1 as const })),
  ];
  it("Efron ties: HR 2.498105 (0.9159073–6.813496), β 0.9155326, se 0.5119343", () => {
    const hr = coxHazardRatio(data)!;
    expect(hr.beta).toBeCloseTo(0.9155326, 6);
    expect(hr.se).toBeCloseTo(0.5119343, 6);
    expect(hr.value).toBeCloseTo(2.498105, 5);
    expect(hr.ci[0]).toBeCloseTo(0.9159073, 5);
    expect(hr.ci[1]).toBeCloseTo(6.813496, 4);
  });
  it("Breslow ties: HR 2.470004 (0.9050476–6.740993)", () => {
    const hr = coxHazardRatio(data, { ties: "breslow" })!;
    expect(hr.value).toBeCloseTo(2.470004, 5);
    expect(hr.ci[0]).toBeCloseTo(0.9050476, 5);
    expect(hr.ci[1]).toBeCloseTo(6.740993, 4);
  });
  it("swapping the arms inverts the ratio; no events in an arm gives no estimate", () => {
    const swapped = data.map((d) => ({ ...d, x: (1 - d.x) as 0 | 1 }));
    expect(coxHazardRatio(swapped)!.value).toBeCloseTo(1 / 2.498105, 5);
    expect(coxHazardRatio(data.map((d) => ({ ...d, event: d.x === 1 ? d.event : false })))).toBeNull();
  });
});
