import { describe, expect, it } from "vitest";
import { scanDays } from "./scan-schedule.js";

describe("scan schedule", () => {
  it("KEYNOTE-006: week 12, every 6 weeks to week 48, then every 12 weeks to week 104", () => {
    const days = scanDays({
      first_week: 12,
      every_weeks: 6,
      until_week: 48,
      every_weeks_after: 12,
      follow_up_weeks: 104,
    });
    expect(days.map((d) => d / 7)).toEqual([12, 18, 24, 30, 36, 42, 48, 60, 72, 84, 96]);
  });

  it("CheckMate 067: every 6 weeks to week 49 (the last q6w scan is week 48), then every 12 weeks", () => {
    const days = scanDays({
      first_week: 12,
      every_weeks: 6,
      until_week: 49,
      every_weeks_after: 12,
      follow_up_weeks: 84,
    });
    expect(days.map((d) => d / 7)).toEqual([12, 18, 24, 30, 36, 42, 48, 60, 72, 84]);
  });

  it("one interval without until_week; days are weeks × 7", () => {
    expect(scanDays({ first_week: 9, every_weeks: 9, follow_up_weeks: 36 })).toEqual([63, 126, 189, 252]);
  });

  it("a first scan after until_week starts the second interval", () => {
    const days = scanDays({
      first_week: 20,
      every_weeks: 6,
      until_week: 12,
      every_weeks_after: 12,
      follow_up_weeks: 44,
    });
    expect(days.map((d) => d / 7)).toEqual([20, 32, 44]);
  });

  it("a follow-up shorter than the first scan gives no scans; bad numbers are refused", () => {
    expect(scanDays({ first_week: 12, every_weeks: 6, follow_up_weeks: 8 })).toEqual([]);
    expect(() => scanDays({ first_week: 12, every_weeks: 0, follow_up_weeks: 8 })).toThrow(RangeError);
    expect(() => scanDays({ first_week: NaN, every_weeks: 6, follow_up_weeks: 8 })).toThrow(RangeError);
  });

  it("fractional weeks (ZUMA-1: week 4, then every 13 weeks ≈ 3 months)", () => {
    expect(
      scanDays({
        first_week: 4,
        every_weeks: 8.7,
        until_week: 13,
        every_weeks_after: 13,
        follow_up_weeks: 40,
      }),
    ).toEqual([28, 88.9, 179.9, 270.9]);
  });
});
