import { describe, expect, it } from "vitest";
import { analogCourses, analogForecast, courseAt } from "./forecast-analog.js";

describe("analog (nearest-course) forecasts", () => {
  it("interpolates a course linearly in time on ln size, flat before its first reading, NaN after its last", () => {
    const [c] = analogCourses([{ id: "a", t: [100, -7, 50], y: [10, 40, 0] }], 2);
    expect(Array.from(c.t)).toEqual([0, 50, 100]); // sorted, pre-treatment reading at 0
    expect(c.ln[1]).toBeCloseTo(Math.log(2), 14); // 0 mm at the floor
    expect(courseAt(c, 25)).toBeCloseTo((Math.log(40) + Math.log(2)) / 2, 14);
    expect(courseAt(c, -3)).toBe(Math.log(40));
    expect(courseAt(c, 100)).toBe(Math.log(10));
    expect(courseAt(c, 101)).toBeNaN();
  });

  it("forecasts from the references whose course matches, moved through the last reading", () => {
    // shrinking references (the patient's shape) and growing ones, at several levels
    const t = [0, 40, 80, 120, 160, 200];
    const refs = [
      ...[20, 30, 40, 50, 60].map((y0, i) => ({
        id: `s${i}`,
        t,
        y: t.map((x) => y0 * Math.exp(-0.004 * x)),
      })),
      ...[20, 30, 40, 50, 60].map((y0, i) => ({ id: `g${i}`, t, y: t.map((x) => y0 * Math.exp(0.004 * x)) })),
    ];
    const courses = analogCourses(refs, 1);
    const train = { id: "p", t: [0, 40, 80], y: [70, 70 * Math.exp(-0.16), 70 * Math.exp(-0.32)] };
    const f = analogForecast(courses, train, [120, 200], { k: 5, anchor: "last", floor: 1 });
    expect(f[0]).toBeCloseTo(70 * Math.exp(-0.48), 10);
    expect(f[1]).toBeCloseTo(70 * Math.exp(-0.8), 10);
    // with the growing references only, the forecast grows from the last reading
    const g = analogForecast(courses.slice(5), train, [120], { k: 5, anchor: "last", floor: 1 });
    expect(g[0]).toBeCloseTo(70 * Math.exp(-0.32 + 0.16), 10);
  });

  it("uses only references still followed at the forecast time; too few of them: no forecast", () => {
    const long = { id: "l", t: [0, 40, 80, 300], y: [30, 30, 30, 60] };
    const short = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i}`,
      t: [0, 40, 80, 120],
      y: [30, 30, 30, 10],
    }));
    const courses = analogCourses([long, ...short], 1);
    const train = { id: "p", t: [0, 40, 80], y: [20, 20, 20] };
    const [at120, at300] = analogForecast(courses, train, [120, 300], {
      k: 7,
      anchor: "last",
      floor: 1,
      minAnalogs: 1,
    });
    expect(at120).toBeCloseTo(20 / 3, 10); // the median of seven: the six short references, at 10/30 of the level
    expect(at300).toBeCloseTo(40, 10); // only the long reference is followed at 300 days
    expect(analogForecast(courses, train, [300], { k: 7, anchor: "last", floor: 1 })[0]).toBeNaN();
  });

  it("k as a fraction of the references followed past the training readings", () => {
    const t = [0, 40, 80, 120];
    const refs = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, t, y: [30, 30, 30, 10 + i] }));
    const courses = analogCourses(refs, 1);
    const train = { id: "p", t: [0, 40, 80], y: [30, 30, 30] };
    // every reference is as near; the median of all 50 (fraction 1) is (34 + 35)/2 on ln scale
    const all = analogForecast(courses, train, [120], { k: 1, fraction: 1, anchor: "last", floor: 1 })[0];
    expect(all).toBeCloseTo(Math.sqrt(34 * 35), 10);
  });
});
