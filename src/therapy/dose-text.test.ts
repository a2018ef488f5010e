import { describe, expect, it } from "vitest";
import { doseText, plainDoseText } from "./dose-text.js";

describe("dose text", () => {
  it("for clinicians: compact, exponent from 1e5", () => {
    expect(doseText({ value: 4e7, unit: "PFU" })).toBe("4e7 PFU");
    expect(doseText({ value: 200, unit: "mg" })).toBe("200 mg");
  });
  it("for patients: numbers in words from a million, thousands separated, units spelled out", () => {
    expect(plainDoseText({ value: 4e7, unit: "PFU" })).toBe("40 million PFU (virus units)");
    expect(plainDoseText({ value: 3e10, unit: "cells" })).toBe("30 billion cells");
    expect(plainDoseText({ value: 600000, unit: "IU/kg" })).toBe("600,000 IU per kg of body weight");
    expect(plainDoseText({ value: 200, unit: "mg" })).toBe("200 mg");
    expect(plainDoseText({ value: 2.5, unit: "mg/m2" })).toBe("2.5 mg per m² of body surface");
    expect(plainDoseText({ value: 1.25e6, unit: "cells/kg" })).toBe(
      "1.25 million cells per kg of body weight",
    );
  });
});
