import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { irrcTimepoints } from "./irrc.js";
import { recistTimepoints, type Assessment, type LesionMeasurement } from "./recist.js";

const date = (w: number) => new Date(Date.UTC(2025, 0, 6) + w * 7 * 86_400_000).toISOString().slice(0, 10);
/** One target lesion of `sum` mm, one non-target, and the given new lesions, at week `week`. */
const at = (
  week: number,
  sum: number,
  extra: LesionMeasurement[] = [],
  nt: LesionMeasurement["state"] = "present",
): Assessment => ({
  date: date(week),
  lesions: [
    { lesionId: "T1", role: "target", nodal: false, diameterMm: sum },
    { lesionId: "N1", role: "non-target", nodal: false, state: nt },
    ...extra,
  ],
});
const newLesion = (id: string, mm?: number): LesionMeasurement => ({
  lesionId: id,
  role: "new",
  nodal: false,
  diameterMm: mm,
  state: "present",
});

describe("irRC, unidimensional (Wolchok 2009; Nishino 2013; irRECIST thresholds)", () => {
  it("adds a new measurable lesion to the burden instead of calling progression", () => {
    // RECIST 1.1: a new lesion is PD. irRC: 40 + 15 = 55 mm, +10 % on the nadir of 50 mm: irSD
    const a = [at(0, 50), at(8, 40, [newLesion("X1", 15)])];
    expect(recistTimepoints(a)[0].overall).toBe("PD");
    const [t] = irrcTimepoints(a);
    expect(t.burdenMm).toBe(55);
    expect(t.newMeasurableMm).toBe(15);
    expect(t.changeFromBaselinePct).toBe(10);
    expect(t.response).toBe("irSD");
  });

  it("does not count new lesions below 10 mm in the burden, and counts the five largest at most", () => {
    const small = irrcTimepoints([at(0, 50), at(8, 20, [newLesion("X1", 8)])]);
    expect(small[0].burdenMm).toBe(20);
    expect(small[0].response).toBe("irPR");
    const many = [10, 11, 12, 13, 14, 20].map((d, k) => newLesion(`X${k}`, d));
    const t = irrcTimepoints([at(0, 100), at(8, 30, many)])[0];
    expect(t.newMeasurableMm).toBe(20 + 14 + 13 + 12 + 11);
  });

  it("calls irPD at ≥ 20 % and ≥ 5 mm above the nadir, confirmed by a scan ≥ 4 weeks later", () => {
    // nadir 40 at week 8; 50 mm at week 16 is +25 %, +10 mm: irPD; 52 mm at week 24 confirms it
    const tp = irrcTimepoints([at(0, 50), at(8, 40), at(16, 50), at(24, 52)]);
    expect(tp.map((t) => t.response)).toEqual(["irSD", "irPD", "irPD"]);
    expect(tp[1].changeFromNadirPct).toBe(25);
    expect(tp[1].confirmed).toBe(true);
    expect(tp[2].confirmed).toBeNull(); // no later scan
    expect(tp[0].confirmed).toBeNull();
  });

  it("does not confirm an irPD that the next scan contradicts (pseudoprogression), and skips scans < 4 weeks", () => {
    const pseudo = irrcTimepoints([at(0, 50), at(8, 60), at(16, 45)]);
    expect(pseudo.map((t) => t.response)).toEqual(["irPD", "irSD"]);
    expect(pseudo[0].confirmed).toBe(false);
    // a scan 2 weeks after the irPD cannot confirm it: the one 6 weeks after does
    const early = irrcTimepoints([at(0, 50), at(8, 60), at(10, 45), at(14, 61)]);
    expect(early[0].confirmed).toBe(true);
  });

  it("needs the 5 mm minimum: +25 % on a 10 mm nadir is not progression", () => {
    expect(irrcTimepoints([at(0, 10), at(8, 12.5)])[0].response).toBe("irSD");
  });

  it("gives irCR only without any lesion left, new ones included", () => {
    const gone = irrcTimepoints([at(0, 50), at(8, 0, [], "absent")])[0];
    expect(gone.response).toBe("irCR");
    const withNew = irrcTimepoints([at(0, 50), at(8, 0, [newLesion("X1", 6)], "absent")])[0];
    expect(withNew.response).toBe("irPR");
    const nonTargetLeft = irrcTimepoints([at(0, 50), at(8, 0, [], "present")])[0];
    expect(nonTargetLeft.response).toBe("irPR");
  });

  it("ignores non-target progression and reads a missing target as NE", () => {
    expect(irrcTimepoints([at(0, 50), at(8, 45, [], "unequivocal-progression")])[0].response).toBe("irSD");
    const missing: Assessment = { date: date(8), lesions: [] };
    const [t] = irrcTimepoints([at(0, 50), missing]);
    expect(t.response).toBe("NE");
    expect(t.burdenMm).toBeNull();
  });

  it("agrees with RECIST 1.1's progression when there are no new lesions and no non-target change (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 5, max: 200, noNaN: true }), { minLength: 2, maxLength: 10 }),
        (sums) => {
          const a = sums.map((s, k) => at(k * 8, Math.round(s * 10) / 10));
          const recist = recistTimepoints(a);
          const irrc = irrcTimepoints(a);
          irrc.forEach((t, k) => {
            expect(t.response === "irPD").toBe(recist[k].target === "PD");
            if (t.response !== "irPD") expect(t.confirmed).toBeNull();
          });
        },
      ),
    );
  });

  it("never calls progression earlier than RECIST 1.1 (property: new lesions and target growth)", () => {
    const visit = fc.record({
      sum: fc.double({ min: 0, max: 200, noNaN: true }),
      news: fc.array(fc.double({ min: 2, max: 40, noNaN: true }), { maxLength: 7 }),
    });
    fc.assert(
      fc.property(
        fc.double({ min: 5, max: 200, noNaN: true }),
        fc.array(visit, { minLength: 1, maxLength: 10 }),
        (b, vs) => {
          const a = [
            at(0, Math.round(b * 10) / 10),
            ...vs.map((v, k) =>
              at(
                (k + 1) * 6,
                Math.round(v.sum * 10) / 10,
                v.news.map((d, j) => newLesion(`X${j}`, Math.round(d * 10) / 10)),
              ),
            ),
          ];
          const firstRecist = recistTimepoints(a).findIndex((t) => t.overall === "PD");
          const firstIrrc = irrcTimepoints(a).findIndex(
            (t) => t.response === "irPD" && t.confirmed !== false,
          );
          if (firstIrrc >= 0) {
            expect(firstRecist).toBeGreaterThanOrEqual(0);
            expect(firstIrrc).toBeGreaterThanOrEqual(firstRecist);
          }
        },
      ),
    );
  });
});
