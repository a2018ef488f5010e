import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";
import { deriveBor, deriveConfirmedBor, type RecordedResponse } from "./best-response.js";
import { bestOverallResponse, recistTimepoints, type Assessment, type LesionMeasurement } from "./recist.js";

const DATA = path.resolve(import.meta.dirname, "../../../shared/research/data/pharmaverse-recist-sdtm");
const csv = (f: string) => parseCsv(readFileSync(path.join(DATA, f), "utf8"));

/** Assessments per subject and evaluator from the SDTM TU and TR domains. */
function sdtmAssessments(): Map<string, Assessment[]> {
  const tu = csv("tu_onco_recist.csv");
  const tr = csv("tr_onco_recist.csv");
  const evaluator = (r: Record<string, string>, p: "TU" | "TR") => `${r[`${p}EVAL`]}|${r[`${p}EVALID`]}`;
  const lesion = new Map(tu.map((r) => [`${r.USUBJID}|${evaluator(r, "TU")}|${r.TULNKID}`, r]));
  const byKey = new Map<string, Map<number, { date: string; lesions: LesionMeasurement[] }>>();
  for (const r of tr) {
    const key = `${r.USUBJID}|${evaluator(r, "TR")}`;
    const tuRow = lesion.get(`${key}|${r.TRLNKID}`);
    if (!tuRow) continue;
    const nodal = tuRow.TULOC === "LYMPH NODE";
    const visits = byKey.get(key) ?? new Map();
    byKey.set(key, visits);
    const v = visits.get(Number(r.VISITNUM)) ?? { date: r.TRDTC, lesions: [] };
    visits.set(Number(r.VISITNUM), v);
    if (r.TRGRPID === "TARGET") {
      if (r.TRTESTCD !== (nodal ? "LPERP" : "LDIAM")) continue;
      v.lesions.push({ lesionId: r.TRLNKID, role: "target", nodal, diameterMm: Number(r.TRSTRESN) });
    } else if (r.TRTESTCD === "TUMSTATE") {
      v.lesions.push({
        lesionId: r.TRLNKID,
        role: "non-target",
        nodal,
        state: r.TRSTRESC === "ABSENT" ? "absent" : "present",
      });
    }
  }
  const out = new Map<string, Assessment[]>();
  for (const [key, visits] of byKey) {
    out.set(
      key,
      [...visits.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([n, v]) => ({ date: v.date, label: String(n), lesions: v.lesions })),
    );
  }
  return out;
}

describe("RECIST 1.1", () => {
  it("recomputes every time-point response of pharmaverse rs_onco_recist for all three readers", () => {
    const rs = csv("rs_onco_recist.csv");
    const assessments = sdtmAssessments();
    let compared = 0;
    const mismatches: string[] = [];
    for (const r of rs) {
      const key = `${r.USUBJID}|${r.RSEVAL}|${r.RSEVALID}`;
      const tps = recistTimepoints(assessments.get(key) ?? []);
      const tp = tps.find((t) => t.label === r.VISITNUM);
      compared++;
      if (tp?.overall !== r.RSSTRESC)
        mismatches.push(
          `${key} visit ${r.VISITNUM}: ours ${tp?.overall} (sum ${tp?.sumMm}), rs ${r.RSSTRESC}`,
        );
    }
    expect(compared).toBe(66);
    expect(mismatches).toEqual([]);
  });

  it("best overall response on the pharmaverse data: the same from our time points as from rs_onco_recist (admiralonco's rules)", () => {
    const rs = csv("rs_onco_recist.csv");
    const assessments = sdtmAssessments();
    const fromRs = new Map<string, { date: string; response: RecordedResponse }[]>();
    for (const r of rs) {
      const key = `${r.USUBJID}|${r.RSEVAL}|${r.RSEVALID}`;
      fromRs.set(key, [
        ...(fromRs.get(key) ?? []),
        { date: r.RSDTC, response: r.RSSTRESC as RecordedResponse },
      ]);
    }
    const got: Record<string, string> = {};
    for (const [key, records] of fromRs) {
      const a = assessments.get(key)!;
      // the reference date is the screening scan; minimum duration for SD 6 weeks, confirmation 4 weeks
      const o = { referenceDate: a[0].date, minSdDays: 42, confirmDays: 28 };
      const ours = bestOverallResponse(a[0].date, recistTimepoints(a), { minSdDays: 42, confirmDays: 28 });
      const bor = deriveBor(records, o);
      const cbor = deriveConfirmedBor(records, o);
      expect([ours.response, ours.date, ours.confirmed, ours.confirmedDate], key).toEqual([
        bor.response,
        bor.date,
        cbor.response,
        cbor.date,
      ]);
      if (key.includes("INVESTIGATOR")) got[key.split("|")[0]] = `${bor.response}/${cbor.response}`;
    }
    expect(fromRs.size).toBe(24);
    // the investigator's BOR / confirmed BOR, checked by hand against admiralonco's documented rules:
    // 1015 SD d21 (early: NE), NE, CR d63 unconfirmed → SD; 1028 early SD then PD → PD; 1034 NON-CR/NON-PD at
    // d42 counts; 1097 a lone NON-CR/NON-PD at d21 → NE; 1115 PR d42 with CR only 21 days later → SD;
    // 1118 PR d42, NE, PR 42 days later (one NE accepted) → PR; 1130 SD d42 then PD → SD;
    // 1133 PR d21, CR d42, PD d63: nothing confirmed, CR at d42 → SD
    expect(got).toEqual({
      "01-701-1015": "CR/SD",
      "01-701-1028": "PD/PD",
      "01-701-1034": "NON-CR/NON-PD/NON-CR/NON-PD",
      "01-701-1097": "NE/NE",
      "01-701-1115": "CR/SD",
      "01-701-1118": "PR/PR",
      "01-701-1130": "SD/SD",
      "01-701-1133": "CR/SD",
    });
  });

  const lesions = (...d: number[]): LesionMeasurement[] =>
    d.map((x, i) => ({ lesionId: `T${i}`, role: "target", nodal: false, diameterMm: x }));
  const series = (...sums: number[]): Assessment[] =>
    sums.map((s, i) => ({ date: `2024-01-${String(1 + i).padStart(2, "0")}`, lesions: lesions(s) }));

  it("the worked examples of clinical.md §2.1", () => {
    // 1. liver 30 + lung 20 + node 18 → 68; 18 + 12 + 9 → PR; 0 + 0 + 8 → CR (node < 10 mm stays in the sum)
    const ex1: Assessment[] = [
      [30, 20, 18],
      [18, 12, 9],
      [0, 0, 8],
    ].map((d, k) => ({
      date: `2024-0${k + 1}-01`,
      lesions: d.map((x, i) => ({
        lesionId: `T${i}`,
        role: "target" as const,
        nodal: i === 2,
        diameterMm: x,
      })),
    }));
    const t1 = recistTimepoints(ex1);
    expect(t1.map((t) => t.target)).toEqual(["PR", "CR"]);
    expect(t1[1].sumMm).toBe(8);
    // 2. nadir 40 → 47 (+17.5 %) SD; 49 (+22.5 %, +9 mm) PD; nadir 10 → 13 (+30 % but +3 mm) not PD
    expect(recistTimepoints(series(40, 47, 49)).map((t) => t.target)).toEqual(["SD", "PD"]);
    expect(recistTimepoints(series(10, 13)).map((t) => t.target)).toEqual(["SD"]);
    // 3. baseline 100 → 71 (−29 %) SD; 70 (−30.0 %) PR
    expect(recistTimepoints(series(100, 71, 70)).map((t) => t.target)).toEqual(["SD", "PR"]);
    // 4. baseline 50 → 60 (+20 %, +10 mm vs nadir = baseline) PD at the first follow-up
    expect(recistTimepoints(series(50, 60)).map((t) => t.target)).toEqual(["PD"]);
  });

  it("boundaries are exact despite floating point: +20 %, +5 mm, −30 %", () => {
    // 25.5 → 30.6 is +20 % (in doubles 19.999…%) and +5.1 mm: PD
    expect(recistTimepoints(series(25.5, 30.6))[0].target).toBe("PD");
    // 3.2 → 8.2 is +5 mm (in doubles 4.999… mm) and +156 %: PD
    expect(recistTimepoints(series(3.2, 8.2))[0].target).toBe("PD");
    // exactly −30 %: PR; a hair less: SD
    expect(recistTimepoints(series(33.3, 23.31))[0].target).toBe("PR");
    expect(recistTimepoints(series(33.3, 23.32))[0].target).toBe("SD");
  });

  it("lymph nodes under 10 mm count as complete response; a new lesion is PD whatever the targets do", () => {
    const a: Assessment[] = [
      { date: "2024-01-01", lesions: [{ lesionId: "N1", role: "target", nodal: true, diameterMm: 22 }] },
      { date: "2024-03-01", lesions: [{ lesionId: "N1", role: "target", nodal: true, diameterMm: 9.9 }] },
      {
        date: "2024-05-01",
        lesions: [
          { lesionId: "N1", role: "target", nodal: true, diameterMm: 9.9 },
          { lesionId: "X", role: "new", nodal: false, state: "present" },
        ],
      },
    ];
    expect(recistTimepoints(a).map((t) => t.overall)).toEqual(["CR", "PD"]);
  });

  it("best overall response needs confirmation ≥ 4 weeks later", () => {
    const tps = recistTimepoints(series(50, 30, 31, 60));
    expect(tps.map((t) => t.overall)).toEqual(["PR", "PR", "PD"]);
    // the two PRs are 1 day apart here: not confirmed, SD too short, so the confirmed best response is the PD
    expect(bestOverallResponse("2024-01-01", tps)).toMatchObject({ response: "PR", confirmed: "PD" });
    const spaced: Assessment[] = [50, 30, 31].map((s, i) => ({
      date: ["2024-01-01", "2024-02-12", "2024-03-25"][i],
      lesions: lesions(s),
    }));
    expect(bestOverallResponse("2024-01-01", recistTimepoints(spaced))).toMatchObject({
      response: "PR",
      confirmed: "PR",
    });
  });

  it("an SD at day 21 followed by PD at day 42 is PD, not SD; a lone early SD is NE", () => {
    const a: Assessment[] = [
      { date: "2024-01-01", lesions: lesions(50) },
      { date: "2024-01-22", lesions: lesions(48) },
      { date: "2024-02-12", lesions: lesions(60) },
    ];
    const tps = recistTimepoints(a);
    expect(tps.map((t) => t.overall)).toEqual(["SD", "PD"]);
    expect(bestOverallResponse("2024-01-01", tps)).toMatchObject({ response: "PD", confirmed: "PD" });
    expect(bestOverallResponse("2024-01-01", tps.slice(0, 1))).toMatchObject({
      response: "NE",
      confirmed: "NE",
    });
    // the minimum duration is a setting: 3 weeks lets the SD at day 21 count
    expect(bestOverallResponse("2024-01-01", tps, { minSdDays: 21 })).toMatchObject({ response: "SD" });
  });

  it("any timeline of measurements gives a response category (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 5 }), {
          minLength: 2,
          maxLength: 8,
        }),
        (visits) => {
          const n = visits[0].length;
          const a: Assessment[] = visits.map((v, k) => ({
            date: `2024-01-${String(k + 1).padStart(2, "0")}`,
            lesions: lesions(...Array.from({ length: n }, (_, i) => v[i] ?? 0)),
          }));
          for (const t of recistTimepoints(a)) expect(["CR", "PR", "SD", "PD", "NE"]).toContain(t.overall);
        },
      ),
      { numRuns: 300 },
    );
  });
});
