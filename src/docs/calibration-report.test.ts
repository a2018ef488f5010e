import { describe, expect, it } from "vitest";
import { scheduleConflict } from "./calibration-report.js";
import { SCAN_WINDOW_DAYS } from "../population/simulate-batch.js";
import { DAYS_PER_MONTH } from "../population/trial-outcomes.js";

describe("KEYNOTE-006's first-report medians (calibration report)", () => {
  it("rests on the ±1-month windows of 4.1 and 5.5 months sharing no scan window of weeks 18 and 24", () => {
    // the argument of the paragraph: the overlap 4.5–5.1 months lies after week 18's window and before week 24's
    const end18 = (18 * 7 + SCAN_WINDOW_DAYS) / DAYS_PER_MONTH;
    const start24 = (24 * 7 - SCAN_WINDOW_DAYS) / DAYS_PER_MONTH;
    expect(end18).toBeLessThan(5.5 - 1);
    expect(start24).toBeGreaterThan(4.1 + 1);
    const text = scheduleConflict().join(" ");
    expect(text).toContain(
      `week 18: ${((18 * 7 - SCAN_WINDOW_DAYS) / DAYS_PER_MONTH).toFixed(2)}–${end18.toFixed(2)}`,
    );
    expect(text).toContain(`±${SCAN_WINDOW_DAYS}-day`);
  });
});
