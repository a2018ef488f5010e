import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { irecistBest, irecistTimepoints, type IrecistResponse } from "./irecist.js";
import type { Assessment, LesionMeasurement } from "./recist.js";

/** Baseline SoD 100 mm in two target lesions, one non-target; follow-ups every `weeks`. */
function timeline(
  visits: { week: number; sum: number; nt?: LesionMeasurement["state"]; newLesions?: LesionMeasurement[] }[],
): Assessment[] {
  const date = (w: number) => new Date(Date.UTC(2025, 0, 6) + w * 7 * 86_400_000).toISOString().slice(0, 10);
  const at = (
    week: number,
    sum: number,
    nt: LesionMeasurement["state"],
    extra: LesionMeasurement[] = [],
  ) => ({
    date: date(week),
    label: `wk ${week}`,
    lesions: [
      { lesionId: "T1", role: "target" as const, nodal: false, diameterMm: sum * 0.6 },
      { lesionId: "T2", role: "target" as const, nodal: false, diameterMm: sum * 0.4 },
      { lesionId: "N1", role: "non-target" as const, nodal: false, state: nt },
      ...extra,
    ],
  });
  return [at(0, 100, "present"), ...visits.map((v) => at(v.week, v.sum, v.nt ?? "present", v.newLesions))];
}
const responses = (a: Assessment[]) => irecistTimepoints(a).map((t) => t.response);
const newLesion = (
  id: string,
  mm?: number,
  state: LesionMeasurement["state"] = "present",
): LesionMeasurement => ({
  lesionId: id,
  role: "new",
  nodal: false,
  diameterMm: mm,
  state,
});

describe("iRECIST (Seymour 2017, Table 2; worked examples of shared/research/clinical.md §2.2)", () => {
  it("example 1: iUPD, not confirmed (+3 mm), then confirmed by the cumulative +6 mm", () => {
    const a = timeline([
      { week: 8, sum: 125 },
      { week: 13, sum: 128 },
      { week: 18, sum: 131 },
    ]);
    expect(responses(a)).toEqual(["iUPD", "iUPD", "iCPD"]);
    const best = irecistBest(irecistTimepoints(a));
    expect(best.response).toBe("iUPD");
    expect(best.progressionDate).toBe(a[1].date); // iPFS counts from the first iUPD that was confirmed
  });

  it("example 2: a shrinking tumour after iUPD resets the bar; later progression needs fresh confirmation", () => {
    const a = timeline([
      { week: 8, sum: 125 },
      { week: 14, sum: 90 },
      { week: 20, sum: 110 },
    ]);
    const tps = irecistTimepoints(a);
    expect(tps.map((t) => t.response)).toEqual(["iUPD", "iSD", "iUPD"]);
    expect(tps[1].reasons.join()).toMatch(/reset/);
    expect(tps[2].recist.nadirMm).toBe(90);
    expect(irecistBest(tps)).toMatchObject({ response: "iSD", progressionDate: null });
  });

  it("example 3: a new measurable lesion gives iUPD, its growth by ≥ 5 mm confirms", () => {
    const a = timeline([
      { week: 8, sum: 95, newLesions: [newLesion("L1", 12)] },
      { week: 14, sum: 95, newLesions: [newLesion("L1", 18)] },
    ]);
    const tps = irecistTimepoints(a);
    expect(tps.map((t) => t.response)).toEqual(["iUPD", "iCPD"]);
    expect(tps[0].recist.overall).toBe("PD"); // RECIST 1.1 would have stopped here
    expect(tps[1].newLesionTargetSumMm).toBe(18);
  });

  it("Table 2: unchanged new lesions keep iUPD even when the targets respond; their disappearance resets", () => {
    const a = timeline([
      { week: 8, sum: 95, newLesions: [newLesion("L1", 12)] },
      { week: 14, sum: 60, newLesions: [newLesion("L1", 12)] },
      { week: 20, sum: 55, newLesions: [newLesion("L1", 0, "absent")] },
    ]);
    expect(responses(a)).toEqual(["iUPD", "iUPD", "iPR"]);
  });

  it("another new lesion confirms, even from a scan earlier than 4 weeks", () => {
    const a = timeline([
      { week: 8, sum: 95, newLesions: [newLesion("L1", 12)] },
      { week: 10, sum: 95, newLesions: [newLesion("L1", 12), newLesion("L2")] },
    ]);
    expect(responses(a)).toEqual(["iUPD", "iCPD"]);
  });

  it("confirmation window: 27 days after iUPD cannot confirm, 28 days can; > 56 days is flagged", () => {
    const make = (d: number) => {
      const a = timeline([{ week: 8, sum: 125 }]);
      const iupd = Date.parse(a[1].date);
      const later = new Date(iupd + d * 86_400_000).toISOString().slice(0, 10);
      return [...a, { ...a[1], date: later, lesions: timeline([{ week: 0, sum: 140 }])[1].lesions }];
    };
    expect(responses(make(27))).toEqual(["iUPD", "iUPD"]);
    expect(responses(make(28))).toEqual(["iUPD", "iCPD"]);
    const late = irecistTimepoints(make(57));
    expect(late[1].response).toBe("iCPD");
    expect(late[1].reasons.join()).toMatch(/window is 4–8 weeks/);
  });

  it("non-target iUPD is confirmed by any further increase, not by unchanged unequivocal progression", () => {
    const a = timeline([
      { week: 8, sum: 90, nt: "unequivocal-progression" },
      { week: 14, sum: 90, nt: "unequivocal-progression" },
      { week: 20, sum: 90, nt: "further-increase" },
    ]);
    expect(responses(a)).toEqual(["iUPD", "iUPD", "iCPD"]);
  });

  it("a lesion reappearing after a confirmed CR is progression (iUPD), not NE", () => {
    const a = timeline([
      { week: 8, sum: 0, nt: "absent" },
      { week: 14, sum: 0, nt: "absent" },
      { week: 20, sum: 4, nt: "absent" },
    ]);
    expect(responses(a)).toEqual(["iCR", "iCR", "iUPD"]);
  });

  it("after iCPD every later time point stays iCPD and the best response is truncated there", () => {
    const a = timeline([
      { week: 8, sum: 125 },
      { week: 14, sum: 131 },
      { week: 20, sum: 50 },
    ]);
    const tps = irecistTimepoints(a);
    expect(tps.map((t) => t.response)).toEqual(["iUPD", "iCPD", "iCPD"]);
    expect(irecistBest(tps).response).toBe("iUPD");
  });

  it("without progression iRECIST mirrors RECIST 1.1 (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 70, max: 118 }), { minLength: 1, maxLength: 8 }), (sums) => {
        const a = timeline(sums.map((s, i) => ({ week: 6 * (i + 1), sum: s })));
        const tps = irecistTimepoints(a);
        const map: Record<string, IrecistResponse> = { PR: "iPR", SD: "iSD", CR: "iCR", PD: "iUPD" };
        for (const t of tps) {
          if (t.recist.overall === "PD") return; // progression paths are covered by the examples
          expect(t.response).toBe(map[t.recist.overall]);
        }
      }),
    );
  });

  it("any timeline gives a category and never throws (property)", () => {
    const lesion = fc.record({
      mm: fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: undefined }),
      state: fc.constantFrom("present", "absent", "unequivocal-progression", "further-increase", undefined),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sum: fc.double({ min: 0, max: 300, noNaN: true }),
            nl: fc.array(lesion, { maxLength: 3 }),
          }),
          {
            maxLength: 8,
          },
        ),
        (visits) => {
          const a = timeline(
            visits.map((v, i) => ({
              week: 4 * (i + 1),
              sum: v.sum,
              newLesions: v.nl.map((l, j) => newLesion(`L${j}`, l.mm, l.state as LesionMeasurement["state"])),
            })),
          );
          const tps = irecistTimepoints(a);
          expect(tps).toHaveLength(visits.length);
          const firstCpd = tps.findIndex((t) => t.response === "iCPD");
          if (firstCpd >= 0) expect(tps.slice(firstCpd).every((t) => t.response === "iCPD")).toBe(true);
        },
      ),
    );
  });
});
