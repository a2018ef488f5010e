/** Tumour-marker results as case records word them, read as the virtual patients' statuses. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  readAlkStatus,
  readBrafStatus,
  readBrcaStatus,
  readEgfrStatus,
  readKrasG12cStatus,
} from "./marker-readings.js";

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
    no: ["wild type", "negative", "not detected", "G12C not detected", "G12D", "p.G12V", "G13D", "Q61H"],
    unreadable: [undefined, "", "mutated", "pending", 3],
  },
  {
    name: "BRCA1/2",
    read: readBrcaStatus,
    yes: [
      "BRCA2 pathogenic variant",
      "likely pathogenic",
      "deleterious BRCA1 mutation",
      "c.5946delT",
      "positive",
    ],
    no: ["negative", "no pathogenic variant detected", "wild type", "not detected", "benign"],
    unreadable: [undefined, "", "variant of uncertain significance", "VUS", "pending", 3],
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

describe("tumour-marker readings on arbitrary text (fast-check)", () => {
  it("never throw and give true, false or null; a named G12C is G12C whatever surrounds it but a negation; a negation is read as negative", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), (v) => {
        for (const r of READERS) expect([true, false, null]).toContain(r.read(v));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const text = `${a} G12C ${b}`;
        const negated = /wild[\s-]?type|\bwt\b|negative|not\s+detected|no\s+mutation|absent/i.test(text);
        expect(readKrasG12cStatus(text)).toBe(!negated);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom("negative", "not detected", "wild type"), fc.string(), (neg, tail) => {
        // words that say "no" win over what follows, for every marker
        for (const r of READERS) expect(r.read(`${neg} ${tail}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
