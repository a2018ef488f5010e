/**
 * The catalog agents a treatment history names: targeted, hormonal and interferon agents are recognised (by id,
 * with hyphens or spaces, or brand), and progression on them leaves the case's eligibility as it was (their
 * modalities are not treatment options of the evaluation; no rule selects on their classes).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCase } from "./case-file.js";
import type { CaseRecord } from "./case-schema.js";
import { evaluateCase } from "./evaluate.js";
import { progressions, treatmentAgents } from "./progressions.js";

const CASE = path.resolve(import.meta.dirname, "../../examples/cases/melanoma-pd1-refractory-synthetic.json");

const entry = (name: string, reasonStopped = "progression"): CaseRecord["treatments"][number] => ({
  kind: "medication",
  name,
  start: "2025-03-01",
  end: "2025-10-20",
  bestResponse: "PR",
  reasonStopped,
  source: { kind: "manual" },
});

const ids = (name: string) => treatmentAgents(entry(name)).map((a) => a.id);

describe("treatment histories naming targeted, hormonal and interferon agents", () => {
  it("recognises them by id, with hyphens or spaces in any mix, or by brand", () => {
    expect(ids("dabrafenib + trametinib")).toEqual(["dabrafenib", "trametinib"]);
    expect(ids("interferon alfa-2b (high dose, adjuvant)")).toEqual(["interferon-alfa-2b"]);
    expect(ids("interferon alfa 2b")).toEqual(["interferon-alfa-2b"]);
    expect(ids("Intron A")).toEqual(["interferon-alfa-2b"]);
    expect(ids("Sutent 50 mg 4/2")).toEqual(["sunitinib"]);
    expect(ids("abiraterone acetate + prednisone")).toEqual(["prednisone", "abiraterone"]);
    // the catalog's older ids as before
    // (paclitaxel too: it is a word of "nab-paclitaxel", as before ids could be written with spaces)
    expect(ids("nab-paclitaxel + gemcitabine")).toEqual(["paclitaxel", "gemcitabine", "nab-paclitaxel"]);
    expect(ids("talimogene laherparepvec")).toEqual(["talimogene-laherparepvec"]);
    // a word inside another word is not a match
    expect(ids("pre-sunitinibx")).toEqual([]);
  });

  it("progression on them is recorded but changes no eligibility verdict", () => {
    const c = loadCase(CASE);
    const before = evaluateCase(c, "2026-11-30");
    const withTargeted: CaseRecord = {
      ...c,
      treatments: [
        entry("dabrafenib + trametinib"),
        entry("interferon alfa-2b"),
        entry("enzalutamide"),
        entry("bevacizumab"),
        ...c.treatments,
      ],
    };
    const p = progressions(withTargeted).map((x) => x.agent.id);
    expect(p).toEqual(
      expect.arrayContaining(["dabrafenib", "trametinib", "interferon-alfa-2b", "enzalutamide"]),
    );
    expect(p).toContain("bevacizumab");
    const after = evaluateCase(withTargeted, "2026-11-30");
    expect(after.eligibility).toEqual(before.eligibility);
    expect(after.eligibility.map((e) => e.modality)).not.toContain("targeted-therapy");
    expect(after.eligibility.map((e) => e.modality)).not.toContain("interferon");
  });
});
