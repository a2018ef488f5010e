import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../clinic/case-schema.js";
import { lesionsAt, withLesions, type MeasuredLesion } from "../population/personal-patient.js";
import { simulatePatient } from "../population/simulate-patient.js";
import { sampleVirtualPatient } from "../population/virtual-patient.js";
import { compileClinical } from "../therapy/compile-clinical.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { fitLeadIn, leadInStart, MAX_LEAD_IN_DAYS } from "./lead-in.js";

const treated = (start: string, end?: string): CaseRecord =>
  ({
    treatments: [
      { kind: "medication", name: "nivolumab", start, ...(end ? { end } : {}), source: { kind: "manual" } },
    ],
  }) as unknown as CaseRecord;

describe("lead-in: a treatment before the first scan used", () => {
  it("starts at a treatment that ended within six months before the scan, or goes on; not at one long over", () => {
    expect(leadInStart(treated("2025-09-01", "2026-06-30"), "2026-07-14")).toBe("2025-09-01");
    expect(leadInStart(treated("2026-05-01"), "2026-07-14")).toBe("2026-05-01"); // ongoing
    expect(leadInStart(treated("2025-01-01", "2025-06-01"), "2026-07-14")).toBeNull(); // ended 408 days before
    expect(leadInStart(treated("2026-07-14"), "2026-07-14")).toBeNull(); // starts at the scan: simulated anyway
    // at most a year of lead-in
    expect(leadInStart(treated("2023-01-01"), "2026-07-14")).toBe("2025-07-14");
    expect(MAX_LEAD_IN_DAYS).toBe(365);
  });

  const measured: MeasuredLesion[] = [
    { id: "a", role: "target", diameterMm: 30, site: "liver", nodal: false },
    { id: "b", role: "target", diameterMm: 20, site: "lung", nodal: false },
  ];
  const patient = { id: "lead-in", weight_kg: 75, height_cm: 175, gfr_ml_min: 90 };
  const sumAt = (fit: { vp: ReturnType<typeof withLesions> }, protocol: Protocol, days: number) => {
    const course = simulatePatient(
      fit.vp,
      protocol,
      [0, days],
      compileClinical(protocol, patient),
      undefined,
      1e-3,
    );
    return lesionsAt(fit.vp, course, 1).reduce((a, b) => a + b, 0);
  };

  it("scales the lesions so that the simulated sum on the scan's day is the measured one (untreated and treated)", () => {
    const none: Protocol = { name: "none", phases: [] };
    const chemo: Protocol = {
      name: "chemo",
      phases: [
        {
          name: "history",
          start_day: 0,
          steps: [
            { agent: "carboplatin", dose: { value: 5, unit: "AUC" }, route: "iv", days: [0, 21, 42, 63] },
            { agent: "pemetrexed", dose: { value: 500, unit: "mg/m2" }, route: "iv", days: [0, 21, 42, 63] },
          ],
        },
      ],
    };
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const vp = sampleVirtualPatient("nsclc", seed);
      for (const protocol of [none, chemo]) {
        const fit = fitLeadIn(vp, measured, protocol, compileClinical(protocol, patient), 120);
        if (!fit.matched) continue;
        checked++;
        // an independent re-simulation of the returned patient lands on 50 mm within the 1 % tolerance
        expect(Math.abs(sumAt(fit, protocol, 120) / 50 - 1)).toBeLessThan(0.0101);
        // untreated disease grows: it was smaller 120 days before
        if (protocol === none) expect(fit.k).toBeLessThan(1);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
