import { describe, expect, it } from "vitest";
import { therapyCatalog } from "../therapy/catalog.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import {
  REFERENCE_REGIMENS,
  isRefractory,
  referenceRegimen,
  refractoryRule,
  refractoryScanDays,
} from "./reference-regimens.js";
import { CANCER_TYPES } from "./types.js";

const agents = (cls: string, cancer: (typeof CANCER_TYPES)[number]) =>
  [...new Set(referenceRegimen(cls, cancer).phases.flatMap((p) => p.steps.map((s) => s.agent)))].sort();

describe("reference regimens of 'refractory_to'", () => {
  it("chemotherapy is the cancer type's usual first-line regimen, dacarbazine where the model has none", () => {
    expect(agents("chemotherapy", "nsclc")).toEqual(["carboplatin", "pemetrexed"]);
    expect(agents("chemotherapy", "prostate-cancer")).toEqual(["docetaxel"]);
    expect(agents("chemotherapy", "melanoma")).toEqual(["dacarbazine"]);
    expect(agents("chemotherapy", "renal-cell-carcinoma")).toEqual(["dacarbazine"]);
  });

  it("the checkpoint classes use one regimen for every cancer type", () => {
    for (const c of CANCER_TYPES) {
      expect(agents("anti-PD-1", c)).toEqual(["nivolumab"]);
      expect(agents("anti-CTLA-4", c)).toEqual(["ipilimumab"]);
    }
    expect(() => referenceRegimen("anti-LAG-3", "melanoma")).toThrow(/no reference regimen/);
  });

  it("every reference regimen passes the catalog's checks (no errors)", () => {
    const catalog = therapyCatalog();
    for (const c of CANCER_TYPES)
      for (const cls of Object.keys(REFERENCE_REGIMENS)) {
        const errors = validateProtocol(referenceRegimen(cls, c), catalog).filter(
          (p) => p.severity === "error",
        );
        expect(errors, `${cls} in ${c}: ${errors.map((e) => e.message).join("; ")}`).toEqual([]);
      }
  });
});

describe("refractoriness rules", () => {
  it("checkpoint inhibitors: primary resistance within 24 weeks; chemotherapy: progression within 48 weeks", () => {
    const pd1 = refractoryRule("anti-PD-1");
    const chemo = refractoryRule("chemotherapy");
    expect(refractoryScanDays(pd1)).toEqual([0, 56, 112, 168]);
    expect(refractoryScanDays(chemo).at(-1)).toBe(336);
    // a response before the progression: acquired resistance counts for chemotherapy only
    expect(isRefractory({ progressed: true, bor: "PR" }, pd1)).toBe(false);
    expect(isRefractory({ progressed: true, bor: "PR" }, chemo)).toBe(true);
    expect(isRefractory({ progressed: true, bor: "SD" }, pd1)).toBe(true);
    expect(isRefractory({ progressed: false, bor: "SD" }, chemo)).toBe(false);
  });
});
