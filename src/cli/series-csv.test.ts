import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "./io.js";
import { parseSeriesCsv, sizeScaleOf, timeUnitOf } from "./series-csv.js";

describe("series CSV columns", () => {
  it("finds the S6 file's columns by their names (PatientID within StudyArm, TreatmentDay, the diameter)", () => {
    const text =
      "PatientID,StudyArm,TreatmentDay,TargetLesionLongDiam_mm\r\n1,A,0,30\r\n1,A,42,28\r\n1,B,0,50\r\n";
    const d = parseSeriesCsv("s6.csv", text);
    expect(d.columns).toEqual({
      id: ["PatientID", "StudyArm"],
      time: "TreatmentDay",
      value: "TargetLesionLongDiam_mm",
      timeUnit: "days",
      valueToMm: 1,
    });
    expect(d.series.map((s) => s.id)).toEqual(["1/A", "1/B"]);
  });

  it("finds columns other tools name differently, and converts a time in weeks and a size in cm", () => {
    const cases: [string, string, string, string, number, number][] = [
      // header, id, time, value, day of the 2nd reading, its size in mm
      ["Patient_ID,Time_days,SLD_mm", "Patient_ID", "Time_days", "SLD_mm", 6, 7],
      ["Subject ID,Week,Sum of diameters (mm)", "Subject ID", "Week", "Sum of diameters (mm)", 42, 7],
      ["USUBJID,ADY,AVAL", "USUBJID", "ADY", "AVAL", 6, 7], // ADaM (pharmaverse)
      ["pt,time_months,ld_cm", "pt", "time_months", "ld_cm", 6 * 30.4375, 70],
    ];
    for (const [header, id, time, value, t2, y2] of cases) {
      const text = `${header}\na,0,5\na,6,7\n`;
      const d = parseSeriesCsv("x.csv", text);
      expect(d.columns.id, header).toEqual([id]);
      expect(d.columns.time, header).toBe(time);
      expect(d.columns.value, header).toBe(value);
      expect(d.series[0].t[1], header).toBeCloseTo(t2, 9);
      expect(d.series[0].y[1], header).toBeCloseTo(y2, 9);
    }
    // named explicitly, with the unit given
    const d = parseSeriesCsv("x.csv", "USUBJID,ADY,AVAL\na,0,5\na,6,7\n", {
      time: "ady",
      value: "aval",
      timeUnit: "weeks",
    });
    expect(d.series[0].t).toEqual([0, 42]);
  });

  it("reads the unit a time column's name states", () => {
    expect(timeUnitOf("TreatmentDay").unit).toBe("days");
    expect(timeUnitOf("T_days").unit).toBe("days");
    expect(timeUnitOf("time").unit).toBe("days");
    expect(timeUnitOf("Time (weeks)").unit).toBe("weeks");
    expect(timeUnitOf("wk").unit).toBe("weeks");
    expect(timeUnitOf("Months").unit).toBe("months");
    expect(timeUnitOf("time_h").unit).toBe("hours");
    expect(sizeScaleOf("SLD (cm)")).toBe(10);
    expect(sizeScaleOf("SLD_mm")).toBe(1);
  });

  it("never throws anything but a UsageError on arbitrary headers and cells (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z_ ()]{1,12}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 5 }), { maxLength: 5 }),
        (header, rows) => {
          const text = [
            header.join(","),
            ...rows.map((r) => r.map((c) => c.replace(/[,"\n\r]/g, "")).join(",")),
          ].join("\n");
          try {
            parseSeriesCsv("p.csv", text);
          } catch (e) {
            if (!(e instanceof UsageError)) throw e;
          }
          return true;
        },
      ),
    );
  });
});
