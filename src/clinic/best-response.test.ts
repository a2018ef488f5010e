import { describe, expect, it } from "vitest";
import {
  deriveBor,
  deriveConfirmedBor,
  type RecordedResponse,
  type ResponseRecord,
} from "./best-response.js";

/**
 * The reference cases of admiralonco (pharmaverse), tests/testthat/test-derive_param_bor.R and
 * test-derive_param_confirmed_bor.R: subjects 1–9 with their treatment start (TRTSDT) and overall responses, and the
 * BOR / confirmed BOR (AVALC and ADT) that admiralonco derives for them.
 */
const TRTSDT: Record<string, string> = {
  "1": "2020-01-01",
  "2": "2019-12-12",
  "3": "2019-11-11",
  "4": "2019-12-30",
  "5": "2020-01-01",
  "6": "2020-02-02",
  "7": "2020-02-02",
  "8": "2020-04-01",
  "9": "2020-02-01",
};
const OVR: [string, string, RecordedResponse][] = [
  ["1", "2020-01-01", "PR"],
  ["1", "2020-02-01", "CR"],
  ["1", "2020-02-16", "NE"],
  ["1", "2020-03-01", "CR"],
  ["1", "2020-04-01", "SD"],
  ["2", "2020-01-01", "SD"],
  ["2", "2020-02-01", "PR"],
  ["2", "2020-03-01", "SD"],
  ["2", "2020-03-13", "CR"],
  ["3", "2019-11-12", "CR"],
  ["3", "2019-12-02", "CR"],
  ["3", "2020-01-01", "SD"],
  ["4", "2020-01-01", "PR"],
  ["4", "2020-03-01", "SD"],
  ["4", "2020-04-01", "SD"],
  ["4", "2020-05-01", "PR"],
  ["4", "2020-05-15", "NON-CR/NON-PD"],
  ["5", "2020-01-01", "PR"],
  ["5", "2020-01-10", "SD"],
  ["5", "2020-01-20", "PR"],
  ["5", "2020-05-15", "NON-CR/NON-PD"],
  ["6", "2020-02-06", "PR"],
  ["6", "2020-02-16", "CR"],
  ["6", "2020-03-30", "PR"],
  ["7", "2020-02-06", "PR"],
  ["7", "2020-02-16", "CR"],
  ["7", "2020-04-01", "NE"],
  ["9", "2020-02-16", "PD"],
  ["9", "2020-03-06", "SD"],
];
const recordsOf = (rows: [string, string, RecordedResponse][], s: string): ResponseRecord[] =>
  rows.filter((r) => r[0] === s).map(([, date, response]) => ({ date, response }));
const result = (x: { response: string; date: string | null }) => `${x.response} ${x.date ?? "–"}`;

describe("best overall response as admiralonco derives it", () => {
  it("confirmed BOR, test 1 (SD window 28 days, confirmation 28 days, one NE accepted, no SD accepted)", () => {
    const expected: Record<string, string> = {
      "1": "CR 2020-02-01",
      "2": "SD 2020-02-01",
      "3": "SD 2020-01-01",
      "4": "SD 2020-03-01",
      "5": "NON-CR/NON-PD 2020-05-15",
      "6": "SD 2020-03-30",
      "7": "NE 2020-02-06",
      "8": "NE –", // admiralonco: MISSING (NE with missing_as_ne)
      "9": "PD 2020-02-16",
    };
    for (const s of Object.keys(TRTSDT))
      expect(
        result(
          deriveConfirmedBor(recordsOf(OVR, s), {
            referenceDate: TRTSDT[s],
            minSdDays: 28,
            confirmDays: 28,
          }),
        ),
        `subject ${s}`,
      ).toBe(expected[s]);
  });

  it("confirmed BOR, test 2 (confirmation 14 days, no NE accepted, one SD accepted, ND)", () => {
    const rows = OVR.filter((r) => r[0] !== "7").concat([["7", "2020-04-02", "ND"]]);
    const expected: Record<string, string> = {
      "1": "PR 2020-01-01",
      "2": "PR 2020-02-01",
      "3": "CR 2019-11-12",
      "4": "SD 2020-03-01",
      "5": "PR 2020-01-01",
      "6": "SD 2020-03-30",
      "7": "ND 2020-04-02",
      "8": "NE –",
      "9": "PD 2020-02-16",
    };
    for (const s of Object.keys(TRTSDT))
      expect(
        result(
          deriveConfirmedBor(recordsOf(rows, s), {
            referenceDate: TRTSDT[s],
            minSdDays: 28,
            confirmDays: 14,
            maxNe: 0,
            acceptSd: true,
          }),
        ),
        `subject ${s}`,
      ).toBe(expected[s]);
  });

  it("BOR without confirmation, tests 1 and 2 (SD window 28 days; with a first-PD date)", () => {
    const expected: Record<string, string> = {
      "1": "CR 2020-02-01",
      "2": "CR 2020-03-13",
      "3": "CR 2019-11-12",
      "4": "PR 2020-01-01",
      "5": "PR 2020-01-01",
      "6": "CR 2020-02-16",
      "7": "CR 2020-02-16",
      "8": "NE –",
    };
    for (const s of Object.keys(expected))
      expect(
        result(deriveBor(recordsOf(OVR, s), { referenceDate: TRTSDT[s], minSdDays: 28 })),
        `subject ${s}`,
      ).toBe(expected[s]);
    // a PD on 2020-03-01 leaves subject 2 with the PR before it; a PD before every assessment leaves nothing
    const o = (s: string, pdDate: string) => ({ referenceDate: TRTSDT[s], minSdDays: 28, pdDate });
    expect(result(deriveBor(recordsOf(OVR, "2"), o("2", "2020-03-01")))).toBe("PR 2020-02-01");
    expect(result(deriveBor(recordsOf(OVR, "6"), o("6", "2020-02-05")))).toBe("NE –");
    // subject 7 moved before its treatment start: CR and PR count as they are, SD there is NE
    const early: ResponseRecord[] = [
      { date: "2020-01-01", response: "PR" },
      { date: "2020-01-02", response: "CR" },
      { date: "2020-01-03", response: "NE" },
    ];
    expect(result(deriveBor(early, { referenceDate: TRTSDT["7"], minSdDays: 28 }))).toBe("CR 2020-01-02");
    const earlySd = early.map((r) => ({ ...r, response: "SD" as const }));
    expect(result(deriveBor(earlySd, { referenceDate: TRTSDT["7"], minSdDays: 28 }))).toBe("NE 2020-01-01");
  });

  it("the minimum duration for SD: early SD then PD is PD; a lone early SD or NON-CR/NON-PD is NE", () => {
    const o = { referenceDate: "2024-01-01", minSdDays: 42 };
    const sdThenPd: ResponseRecord[] = [
      { date: "2024-01-22", response: "SD" },
      { date: "2024-02-12", response: "PD" },
    ];
    expect(deriveBor(sdThenPd, o).response).toBe("PD");
    expect(deriveConfirmedBor(sdThenPd, o).response).toBe("PD");
    for (const r of ["SD", "NON-CR/NON-PD"] as const) {
      expect(deriveBor([{ date: "2024-01-22", response: r }], o).response).toBe("NE");
      expect(deriveBor([{ date: "2024-02-12", response: r }], o).response).toBe(r); // day 42: enough
    }
    // the setting: with a 3-week minimum the early SD counts
    expect(deriveBor(sdThenPd, { ...o, minSdDays: 21 }).response).toBe("SD");
  });

  it("a date that is not ISO is an error naming it", () => {
    expect(() =>
      deriveBor([{ date: "2024-13-45", response: "SD" }], { referenceDate: "2024-01-01" }),
    ).toThrow(/2024-13-45/);
  });
});
