import { describe, expect, it } from "vitest";
import type { Assessment } from "./recist.js";
import { assessmentsForLine, lineResponse } from "./response.js";

const scan = (date: string, ...mm: number[]): Assessment => ({
  date,
  lesions: mm.map((d, i) => ({ lesionId: `T${i}`, role: "target", nodal: false, diameterMm: d })),
});

describe("the baseline of a line of treatment", () => {
  // first line from 2024-01-10: 48 mm before it; the tumor grew to 65 mm; the new plan starts 2024-06-01
  const scans = [scan("2024-01-05", 30, 18), scan("2024-04-01", 40, 25), scan("2024-08-01", 28, 17)];

  it("is the last scan on or before the plan's start: 45 mm against 65 mm is PR −31 %, not SD −6 %", () => {
    const r = lineResponse(scans, { lineStarts: ["2024-01-10", "2024-06-01"] })!;
    expect(r.lineStart).toBe("2024-06-01");
    expect(r.baseline).toMatchObject({ date: "2024-04-01", sumMm: 65 });
    expect(r.recist.timepoints).toHaveLength(1);
    expect(r.recist.timepoints[0]).toMatchObject({ sumMm: 45, overall: "PR" });
    expect(r.recist.timepoints[0].changeFromBaselinePct).toBeCloseTo(-30.77, 2);
    expect(r.irecist.timepoints[0].response).toBe("iPR");
    // without the new line's start, the old baseline (48 mm) is used: −6 %, SD
    const old = lineResponse(scans, { lineStarts: ["2024-01-10"] })!;
    expect(old.baseline.sumMm).toBe(48);
    expect(old.recist.timepoints.at(-1)).toMatchObject({ sumMm: 45, overall: "SD" });
    expect(old.recist.timepoints.at(-1)!.changeFromBaselinePct).toBeCloseTo(-6.25, 2);
  });

  it("a scan on the start day is the baseline; a line started after the last scan has no follow-up yet", () => {
    expect(assessmentsForLine(scans, ["2024-04-01"]).assessments.map((a) => a.date)).toEqual([
      "2024-04-01",
      "2024-08-01",
    ]);
    const later = assessmentsForLine(scans, ["2024-01-10", "2024-09-01"]);
    expect(later.lineStart).toBe("2024-01-10");
    expect(later.assessments).toHaveLength(3);
    // no scan before the line: the first scan, and the reason says so
    const none = assessmentsForLine(scans, ["2023-12-01"]);
    expect(none.assessments).toHaveLength(3);
    expect(none.reason).toMatch(/no scan on or before/);
    // a datetime start counts by its day
    expect(assessmentsForLine(scans, ["2024-06-01T09:30:00Z"]).lineStart).toBe("2024-06-01");
  });

  it("PD rows carry the nadir they were measured against", () => {
    const r = lineResponse([scan("2024-01-01", 50), scan("2024-03-01", 30), scan("2024-05-01", 40)])!;
    expect(r.recist.timepoints[1]).toMatchObject({ overall: "PD", nadirMm: 30, changeFromNadirMm: 10 });
    expect(r.recist.timepoints[1].changeFromNadirPct).toBeCloseTo(33.333, 3);
  });

  it("fewer than two scans in the line: no response", () => {
    expect(lineResponse([scan("2024-01-01", 50)])).toBeNull();
    // a line whose only scan is its baseline has no follow-up yet: the response shown is the previous line's
    expect(lineResponse(scans, { lineStarts: ["2024-01-10", "2024-08-01"] })!.lineStart).toBe("2024-01-10");
  });
});
