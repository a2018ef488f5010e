import { describe, expect, it } from "vitest";
import { formatFileSize, formatQuantity, formatUnit } from "./display.js";

describe("units and sizes for people", () => {
  it("pretty-prints UCUM codes", () => {
    expect(formatUnit("10*9/L")).toBe("×10⁹/L");
    expect(formatUnit("10^9/L")).toBe("×10⁹/L");
    expect(formatUnit("10*3/uL")).toBe("×10³/µL");
    expect(formatUnit("umol/L")).toBe("µmol/L");
    expect(formatUnit("ug/mL")).toBe("µg/mL");
    expect(formatUnit("U/L")).toBe("U/L");
    expect(formatUnit("mm[Hg]")).toBe("mmHg");
    expect(formatUnit("[iU]/L")).toBe("IU/L");
    expect(formatUnit("Cel")).toBe("°C");
    expect(formatUnit("kg/m2")).toBe("kg/m²");
    expect(formatUnit("mm3")).toBe("mm³");
    expect(formatUnit("mL/min/{1.73_m2}")).toBe("mL/min/1.73 m²");
    expect(formatUnit("{cells}/uL")).toBe("cells/µL");
    expect(formatUnit("mg/dL")).toBe("mg/dL");
    expect(formatUnit("1/d")).toBe("1/d");
    expect(formatUnit("mm")).toBe("mm");
    expect(formatUnit("%")).toBe("%");
  });

  it("the dimensionless unit 1 is not printed after a number", () => {
    expect(formatUnit("1")).toBe("");
    expect(formatUnit(undefined)).toBe("");
    expect(formatQuantity(0.663, "1")).toBe("0.663");
    expect(formatQuantity(5.2, "10*9/L")).toBe("5.2 ×10⁹/L");
    expect(formatQuantity(60, "%")).toBe("60 %");
  });

  it("file sizes in B, kB and MB", () => {
    expect(formatFileSize(70)).toBe("70 B");
    expect(formatFileSize(999)).toBe("999 B");
    expect(formatFileSize(1000)).toBe("1 kB");
    expect(formatFileSize(68_400)).toBe("68.4 kB");
    expect(formatFileSize(1_234_567)).toBe("1.23 MB");
    expect(formatFileSize(250_000_000)).toBe("250 MB");
    expect(formatFileSize(-1)).toBe("–");
  });
});
