import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaseSchema, type CaseRecord } from "./case-schema.js";
import { recordFindings, TREATMENT_REACH_DAYS } from "./record-consistency.js";

const read = (f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/cases/${f}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
const nsclc = (edit: (raw: Record<string, unknown>) => void = () => {}): CaseRecord => {
  const raw = read("nsclc-synthetic.json");
  edit(raw);
  return CaseSchema.parse(raw);
};
const treatments = (raw: Record<string, unknown>) => raw.treatments as Record<string, unknown>[];

describe("recordFindings: shrinkage without a recorded treatment", () => {
  it("flags the NSCLC example (68 → 39 → 8 mm, chemotherapy ended three months before) and asks for the window's treatments", () => {
    const f = recordFindings(nsclc());
    expect(f).toHaveLength(1);
    expect(f[0].id).toBe("untreated-shrinkage");
    expect(f[0].detail).toContain("68 → 39 mm (2024-01-10 → 2024-03-06)");
    expect(f[0].detail).toContain("39 → 8 mm (2024-03-06 → 2024-05-02)");
    expect(f[0].detail).toContain("carboplatin + pemetrexed, ended on 2023-10-01");
    expect(f[0].request).toContain("between 2024-01-10 and 2024-05-02");
  });

  it("says nothing when a treatment covers the window, ended shortly before it, is ongoing or undated", () => {
    const edits: ((t: Record<string, unknown>) => void)[] = [
      (t) => (t.end = "2024-04-01"), // given during both intervals
      (t) => (t.end = "2023-12-01"), // ended 40 days before the first scan of the window
      (t) => delete t.end, // ongoing
      (t) => {
        delete t.start;
        delete t.end;
      },
    ];
    const results = edits.map((e) => recordFindings(nsclc((raw) => e(treatments(raw)[0]))));
    expect(results[0]).toEqual([]);
    expect(results[1]).toHaveLength(1); // 2023-12-01 covers only the first interval (40 < 56 days before 2024-01-10)
    expect(results[1][0].detail).not.toContain("68 → 39");
    expect(results[2]).toEqual([]);
    expect(results[3]).toEqual([]);
    // exactly at the reach: a treatment ending TREATMENT_REACH_DAYS before the interval still counts
    const edge = new Date(Date.parse("2024-01-10") - TREATMENT_REACH_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const atEdge = recordFindings(nsclc((raw) => (treatments(raw)[0].end = edge)));
    expect(atEdge[0].detail).not.toContain("68 → 39");
  });

  it("says nothing of growth, of small changes, or of the example cases scanned on treatment", () => {
    expect(
      recordFindings(
        nsclc((raw) => {
          for (const s of raw.imaging as { lesions: { diameterMm?: number }[] }[])
            for (const l of s.lesions) if (l.diameterMm !== undefined) l.diameterMm = 30;
        }),
      ),
    ).toEqual([]);
    for (const f of ["melanoma-progressing-synthetic.json", "melanoma-pd1-refractory-synthetic.json"])
      expect(recordFindings(CaseSchema.parse(read(f)))).toEqual([]);
  });

  it("never throws, whatever the scans and treatment dates", () => {
    const date = fc
      .integer({ min: Date.parse("2000-01-01"), max: Date.parse("2030-12-31") })
      .map((t) => new Date(t).toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ date, d: fc.option(fc.double({ min: 0, max: 300, noNaN: true }), { nil: undefined }) }),
          {
            maxLength: 8,
          },
        ),
        fc.array(
          fc.record({ start: fc.option(date, { nil: undefined }), end: fc.option(date, { nil: undefined }) }),
          {
            maxLength: 3,
          },
        ),
        (scans, ts) => {
          const c = nsclc((raw) => {
            raw.imaging = scans.map((s, i) => ({
              date: s.date,
              modality: "CT",
              lesions: [{ id: `l${i}`, role: "target", nodal: false, diameterMm: s.d }],
              source: { kind: "manual" },
            }));
            raw.treatments = ts.map((t) => ({
              kind: "medication",
              name: "x",
              ...(t.start ? { start: t.start } : {}),
              ...(t.end ? { end: t.end } : {}),
              source: { kind: "manual" },
            }));
          });
          const f = recordFindings(c);
          expect(f.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
