/**
 * The VEGF pathway's dependence by cancer type (catalog/vpop-priors.yaml `targeted.vegf_dependence`): a factor on
 * each patient's VEGF-pathway sensitivity, taken without a draw of its own, so that a patient's other draws are
 * those of every cancer type with the same seed, and renal-cell carcinoma (the reference of the pathway's calibration)
 * is unchanged.
 */
import { describe, expect, it } from "vitest";
import { vegfDependence } from "./marker-prevalence.js";
import { targetedResponse } from "./virtual-patient.js";

describe("VEGF-pathway dependence by cancer type", () => {
  it("is 1 in renal-cell carcinoma and below 1 in NSCLC (set on Socinski 2008)", () => {
    expect(vegfDependence("renal-cell-carcinoma")).toBe(1);
    expect(vegfDependence("nsclc")).toBeGreaterThan(0);
    expect(vegfDependence("nsclc")).toBeLessThan(1);
  });

  it("scales the VEGF sensitivity only: every other draw of a seed is the same in NSCLC and renal-cell carcinoma", () => {
    const k = vegfDependence("nsclc");
    for (let seed = 1; seed <= 200; seed++) {
      const n = targetedResponse(seed, "nsclc");
      const r = targetedResponse(seed, "renal-cell-carcinoma");
      expect(n.vegfr).toBeCloseTo(r.vegfr * k, 12);
      expect(n.mtor).toBe(r.mtor);
      expect(n.adaptation).toBe(r.adaptation);
      expect(n.ifn).toBe(r.ifn);
    }
  });
});
