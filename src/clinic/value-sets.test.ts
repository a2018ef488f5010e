import { describe, expect, it } from "vitest";
import { ICD10CM, ICDO3, searchValueSet, valueSets } from "./value-sets.js";

describe("value sets of the record editor", () => {
  it("finds lung cancer by words and by code, with SNOMED CT and ICD-10-CM codes", () => {
    const nsclc = searchValueSet("diagnoses", "non-small lung")[0];
    expect(nsclc.codings.map((c) => c.code)).toEqual(["254637007", "C34.90"]);
    expect(searchValueSet("diagnoses", "c34.90").map((o) => o.text)).toContain("Non-small cell lung cancer");
    expect(nsclc.verify).toBe(false);
  });

  it("histology carries ICD-O-3 morphology codes; every diagnosis has an ICD-10-CM code", () => {
    const adeno = searchValueSet("histology", "adenocarcinoma")[0];
    expect(adeno.codings.find((c) => c.system === ICDO3)?.code).toBe("8140/3");
    for (const d of valueSets().diagnoses)
      expect(
        d.codings.some((c) => c.system === ICD10CM),
        d.text,
      ).toBe(true);
  });

  it("a code marked as found in the reference data has the same display there (spot checks)", () => {
    // shared/research/data: mCODE STU4 examples (Condition-primary-cancer-condition-*, Observation-*)
    expect(searchValueSet("diagnoses", "254637007")[0].text).toBe("Non-small cell lung cancer");
    expect(searchValueSet("staging_systems", "AJCC")[0].codings[0].code).toBe("897275008");
    expect(searchValueSet("labs", "hemoglobin")[0].codings[0].code).toBe("718-7");
  });
});
