/** Tumour-marker results as case records word them, read as the virtual patients' statuses. */
import { describe, expect, it } from "vitest";
import { readAlkStatus, readBrafStatus, readEgfrStatus, readKrasG12cStatus } from "./marker-readings.js";

const READERS = [
  {
    name: "BRAF V600",
    read: readBrafStatus,
    yes: ["V600E", "BRAF V600K mutation", "mutated", "positive", "detected"],
    no: ["wild type", "wild-type", "WT", "negative", "not detected", "no V600 mutation"],
    unreadable: [undefined, "", "pending", 3],
  },
  {
    name: "EGFR",
    read: readEgfrStatus,
    yes: ["exon 19 deletion", "L858R", "EGFR del19", "mutated", "positive", "detected"],
    no: ["wild type", "WT", "negative", "not detected", "no mutation"],
    unreadable: [undefined, "", "pending", 3],
  },
  {
    name: "ALK",
    read: readAlkStatus,
    yes: ["rearranged", "EML4-ALK fusion", "ALK rearrangement detected", "positive", "translocation"],
    no: ["negative", "not detected", "no rearrangement", "wild type", "no fusion"],
    unreadable: [undefined, "", "pending", 3],
  },
  {
    // a bare "mutated" does not say which variant
    name: "KRAS G12C",
    read: readKrasG12cStatus,
    yes: ["G12C", "KRAS p.G12C", "c.34G>T (p.Gly12Cys) G12C"],
    no: ["wild type", "negative", "not detected", "G12D", "p.G12V", "G13D", "Q61H"],
    unreadable: [undefined, "", "mutated", "pending", 3],
  },
] as const;

describe("tumour-marker readings", () => {
  for (const r of READERS)
    it(`${r.name}: reads the record's wording`, () => {
      for (const v of r.yes) expect(r.read(v), v).toBe(true);
      for (const v of r.no) expect(r.read(v), v).toBe(false);
      for (const v of r.unreadable) expect(r.read(v), String(v)).toBeNull();
    });
});
