import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeStage, stageFinerThan, stageGroups, stageMatches } from "./stage-labels.js";

describe("stage labels", () => {
  it("reads spellings people write as one label", () => {
    expect(normalizeStage("stage iv")).toBe("IV");
    expect(normalizeStage("Stage IIIc")).toBe("IIIC");
    expect(normalizeStage("m1C")).toBe("M1c");
    expect(normalizeStage("III – IV")).toBe("III-IV");
  });

  it("covers finer stages with coarser labels, as before (IV ⊃ M1b, M0 ⊃ IIIC, III ⊃ III-IV's patients)", () => {
    expect(stageMatches("M1c", "M1c")).toBe(true);
    expect(stageMatches("M0", "IIIC")).toBe(true);
    expect(stageMatches("IV", "M1b")).toBe(true);
    expect(stageMatches("M1", "M1b")).toBe(true);
    expect(stageMatches("III-IV", "IIIB")).toBe(true);
    expect(stageMatches("IIIB-IIIC", "IIIC")).toBe(true);
    expect(stageMatches("M1c", "M1b")).toBe(false);
    expect(stageMatches("M0", "M1a")).toBe(false);
    expect(stageMatches("IV", "IIIC")).toBe(false);
    expect(stageMatches("I", "III-IV")).toBe(false);
  });

  it("covers a coarsely staged population with a finer label (M1 ≡ IV; M1b of prostate cancer's M1)", () => {
    expect(stageMatches("M1", "IV")).toBe(true);
    expect(stageMatches("M1b", "M1", "prostate-cancer")).toBe(true);
    expect(stageMatches("IIIC", "III-IV")).toBe(true);
    expect(stageFinerThan("M1b", "M1")).toBe(true);
    expect(stageFinerThan("IV", "M1b")).toBe(false);
    expect(stageFinerThan("M1c", "M1c")).toBe(false);
  });

  it("reads IVA and IVB per cancer type (AJCC 8th edition)", () => {
    expect(stageGroups("IVA", "nsclc")).toEqual(["M1a", "M1b"]);
    expect(stageGroups("IVB", "nsclc")).toEqual(["M1c"]);
    expect(stageMatches("IVA", "M1", "prostate-cancer")).toBe(false); // N1 M0
    expect(stageMatches("IVB", "M1", "prostate-cancer")).toBe(true);
    expect(stageMatches("IVB", "IV", "renal-cell-carcinoma")).toBe(true);
  });

  it("an unknown label matches itself only; matching is symmetric in the groups and never throws", () => {
    expect(stageGroups("limited")).toBeNull();
    expect(stageMatches("limited", "limited")).toBe(true);
    expect(stageMatches("limited", "IV")).toBe(false);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ab = stageMatches(a, b);
        expect(typeof ab).toBe("boolean");
        if (stageGroups(a) && stageGroups(b)) expect(stageMatches(b, a)).toBe(ab);
      }),
    );
  });
});
