import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DOSE_UNITS } from "./catalog-schema.js";
import {
  DaysSchema,
  DoseSchema,
  normalizeDoseUnit,
  normalizePhaseKind,
  PHASE_KINDS,
  PhaseSchema,
  readDoseText,
} from "./protocol-schema.js";

describe("dose units as written", () => {
  it("reads the usual spellings as the catalog's unit", () => {
    const cases: [string, string][] = [
      ["mg/m²", "mg/m2"],
      ["mg/m^2", "mg/m2"],
      ["MG/M2", "mg/m2"],
      ["mg per kg", "mg/kg"],
      ["mg / kg", "mg/kg"],
      ["mcg", "ug"],
      ["µg/m²", "ug/m2"],
      ["auc", "AUC"],
      ["pfu", "PFU"],
      ["gray", "Gy"],
      ["IU/kg", "IU/kg"],
      ["cells/kg", "cells/kg"],
    ];
    for (const [written, unit] of cases) expect(normalizeDoseUnit(written), written).toBe(unit);
  });

  it("keeps an unknown unit as written, so that the schema names it", () => {
    expect(normalizeDoseUnit("furlongs")).toBe("furlongs");
    expect(DoseSchema.safeParse({ value: 1, unit: "furlongs" }).success).toBe(false);
    expect(DoseSchema.parse({ value: 75, unit: "mg/m²" })).toEqual({ value: 75, unit: "mg/m2" });
  });

  it("every unit reads as itself in any case (property); arbitrary text never throws", () => {
    fc.assert(
      fc.property(fc.constantFrom(...DOSE_UNITS), fc.boolean(), (u, upper) => {
        return normalizeDoseUnit(upper ? u.toUpperCase() : u.toLowerCase()) === u;
      }),
    );
    fc.assert(fc.property(fc.anything(), (x) => (normalizeDoseUnit(x), true)));
  });
});

describe("doses written as text", () => {
  it("reads value and unit", () => {
    const cases: [string, { value: number; unit: string }][] = [
      ["240 mg", { value: 240, unit: "mg" }],
      ["10 mg/kg", { value: 10, unit: "mg/kg" }],
      ["75 mg/m²", { value: 75, unit: "mg/m2" }],
      ["4e8 PFU", { value: 4e8, unit: "PFU" }],
      ["4 x 10^8 PFU", { value: 4e8, unit: "PFU" }],
      ["2 × 10^6 cells/kg", { value: 2e6, unit: "cells/kg" }],
      ["720000 IU/kg", { value: 720000, unit: "IU/kg" }],
      ["AUC 5", { value: 5, unit: "AUC" }],
      ["7.4 GBq", { value: 7.4, unit: "GBq" }],
    ];
    for (const [written, dose] of cases) expect(DoseSchema.parse(written), written).toEqual(dose);
  });

  it("leaves anything else to the schema's messages; arbitrary input never throws", () => {
    expect(readDoseText("a lot")).toBe("a lot");
    expect(readDoseText("10 furlongs")).toBe("10 furlongs");
    expect(DoseSchema.safeParse("10 furlongs").success).toBe(false);
    expect(DoseSchema.safeParse("0 mg").success).toBe(false);
    fc.assert(fc.property(fc.anything(), (x) => (readDoseText(x), true)));
    fc.assert(fc.property(fc.string(), (x) => (readDoseText(x), true)));
  });
});

describe("phase kinds as written", () => {
  const phase = (kind: unknown) => ({ name: "p", kind, start_day: 0, steps: [] });
  it("reads inpatient, hospital, ambulatory and work-up as the kind they name", () => {
    const cases: [string, string][] = [
      ["inpatient", "clinic"],
      ["In-patient", "clinic"],
      ["hospital", "clinic"],
      ["Clinic", "clinic"],
      ["ambulatory", "outpatient"],
      ["out-patient", "outpatient"],
      ["work-up", "evaluation"],
      ["Maintenance therapy", "maintenance"],
    ];
    for (const [written, kind] of cases) expect(PhaseSchema.parse(phase(written)).kind, written).toBe(kind);
    expect(PhaseSchema.parse({ name: "p", start_day: 0, steps: [] }).kind).toBeUndefined();
  });

  it("keeps an unknown kind as written, so that the schema names it; arbitrary input never throws", () => {
    expect(normalizePhaseKind("palliative")).toBe("palliative");
    expect(PhaseSchema.safeParse(phase("palliative")).success).toBe(false);
    fc.assert(fc.property(fc.anything(), (x) => (normalizePhaseKind(x), true)));
    fc.assert(fc.property(fc.constantFrom(...PHASE_KINDS), (k) => normalizePhaseKind(k.toUpperCase()) === k));
  });
});

describe("days of a step", () => {
  it("reads the three forms", () => {
    expect(DaysSchema.parse([0, 7, 14])).toEqual([0, 7, 14]);
    expect(DaysSchema.parse({ every: 21, count: 6 })).toEqual({ every: 21, count: 6 });
    expect(DaysSchema.parse({ every: 7, until: 84, from: 7 })).toEqual({ every: 7, until: 84, from: 7 });
  });

  it("a wrong form is an error that says which forms are accepted, not zod's 'Invalid input'", () => {
    for (const bad of [{ list: [1, 2] }, "daily", { every: 7 }, 14]) {
      const r = DaysSchema.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      const msg = r.error?.issues[0].message ?? "";
      expect(msg, JSON.stringify(bad)).toMatch(
        /a list of days .* \{ every: N, count: K \} or \{ every: N, until: D \}/,
      );
    }
    expect(DaysSchema.safeParse(undefined).error?.issues[0].message).toMatch(/^is required: /);
    // a list that is a list but wrong keeps the list's own message
    expect(DaysSchema.safeParse([]).success).toBe(false);
    expect(DaysSchema.safeParse([-1]).success).toBe(false);
  });
});
