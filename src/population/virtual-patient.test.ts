import { describe, expect, it } from "vitest";
import { simulatePatient } from "./simulate-patient.js";
import { sampleVirtualPatient, steadyEffectors, MAX_IMMUNOGENICITY } from "./virtual-patient.js";

const untreated = { name: "untreated", phases: [{ name: "none", start_day: 0, steps: [] }] };

describe("virtual patients", () => {
  it("are reproducible from their seed", () => {
    expect(sampleVirtualPatient("melanoma", 42)).toEqual(sampleVirtualPatient("melanoma", 42));
    expect(sampleVirtualPatient("melanoma", 42)).not.toEqual(sampleVirtualPatient("melanoma", 43));
  });

  it("have measurable target lesions (≥ 10 mm, nodes ≥ 15 mm) and at most 5 of them", () => {
    for (let s = 1; s <= 200; s++) {
      const vp = sampleVirtualPatient("nsclc", s);
      const targets = vp.lesions.filter((l) => l.role === "target");
      expect(targets.length).toBeGreaterThanOrEqual(1);
      expect(targets.length).toBeLessThanOrEqual(5);
      for (const l of targets) expect(l.diameterMm).toBeGreaterThanOrEqual(l.nodal ? 15 : 10);
    }
  });

  it("start untreated with the net growth of their volume doubling time (immune killing at steady state)", () => {
    // the lesion volume (viable + dead cells) over the first 2 days grows at ln 2 / VDT within 5 % (later, the
    // Gompertz law slows it)
    for (const seed of [3, 7, 11, 19]) {
      const vp = sampleVirtualPatient("melanoma", seed);
      const c = simulatePatient(vp, untreated, [0, 2]);
      const rate = Math.log(c.volumeS[1] / c.volumeS[0]) / 2;
      expect(rate / (Math.LN2 / vp.covariates.vdt_days)).toBeGreaterThan(0.95);
      expect(rate / (Math.LN2 / vp.covariates.vdt_days)).toBeLessThan(1.05);
    }
  });

  it("have effectors at their quasi-steady state and immunogenicity within its bound", () => {
    for (let s = 1; s <= 50; s++) {
      const vp = sampleVirtualPatient("melanoma", s);
      expect(vp.parameters.imm).toBeLessThanOrEqual(MAX_IMMUNOGENICITY * 1.0001);
      expect(vp.fImm).toBeGreaterThanOrEqual(0);
      expect(vp.fImm).toBeLessThanOrEqual(0.8);
      const cells = vp.lesions.reduce((a, l) => a + vp.parameters.rho * (Math.PI / 6) * l.diameterMm ** 3, 0);
      const e = steadyEffectors(cells * (1 - vp.deadFraction), vp.parameters);
      expect(vp.e0 / e).toBeCloseTo(1, 6);
    }
  });
});
