/**
 * What a new user tripped over on the command line (issue 15 §4): negative option values, negative initial
 * values, impossible dates, a case record as --patient, columns that line up, fits at their bounds, and the
 * recist command's line baseline and settings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atBound } from "./fit-command.js";
import { dateOption, formatTable, negativeOptionValues, type CliIO } from "./io.js";
import { runCli } from "./main.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
function run(args: string[]) {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), interactive: false, cwd: ROOT };
  const code = runCli(args, io);
  return { code, out, err };
}
const MELANOMA = "examples/cases/melanoma-progressing-synthetic.json";
const NSCLC = "examples/cases/nsclc-synthetic.json";

describe("command-line fixes", () => {
  it("a negative value after an option is that option's value, and the option says whether it may be negative", () => {
    expect(negativeOptionValues(["simulate", "m", "--t-end", "-10", "--json"])).toEqual([
      "simulate",
      "m",
      "--t-end=-10",
      "--json",
    ]);
    expect(negativeOptionValues(["--set", "a=-1", "-h"])).toEqual(["--set", "a=-1", "-h"]);
    expect(negativeOptionValues(["--x", "-.5"])).toEqual(["--x=-.5"]);
    const r = run(["simulate", "depillis2006", "--t-end", "-10"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--t-end must be a positive number, not '-10'/);
    expect(r.err).not.toMatch(/ambiguous/);
  });

  it("--init of a nonnegative state below zero is refused, not clamped to 0", () => {
    const r = run(["simulate", "depillis2006", "--init", "T=-5", "--t-end", "5"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--init: T cannot be negative \(-5\)/);
    expect(run(["simulate", "depillis2006", "--init", "T=5", "--t-end", "1", "--n-out", "3"]).code).toBe(0);
  });

  it("dates must exist: month 13 and 29 February 2023 are refused, 29 February 2024 is fine", () => {
    const r = run(["evaluate", NSCLC, "--date", "2024-13-45"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--date: '2024-13-45' is not a calendar date/);
    expect(r.out).not.toMatch(/NaN/);
    expect(() => dateOption("2023-02-29", "date")).toThrow(/not a calendar date/);
    expect(dateOption("2024-02-29", "date")).toBe("2024-02-29");
    expect(run(["evaluate", NSCLC, "--date", "2024-06-01"]).out).toMatch(/\(\d+ days old\)/);
  });

  it("run and compare take the shipped case records as --patient (body size and tumor cells from the case)", () => {
    const r = run([
      "run",
      "examples/protocols/pembrolizumab-q3w.yaml",
      "--patient",
      MELANOMA,
      "--days",
      "30",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/patient melanoma-progressing-synthetic \(64 kg, 168 cm, BSA 1\.73 m²\)/);
    expect(r.out).toMatch(
      /patient from case melanoma-progressing-synthetic: latest weight and height; tumor cells on day 0 from the scan of 2026-11-13 \(65 mm/,
    );
    const c = run([
      "compare",
      "examples/protocols/pembrolizumab-q3w.yaml",
      "examples/protocols/high-dose-il2.yaml",
      "--patient",
      NSCLC,
      "--days",
      "30",
    ]);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^patient nsclc-synthetic; 30 days/m);
    // a case without weight says what is missing, in one line
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-case-"));
    const record = JSON.parse(readFileSync(path.join(ROOT, NSCLC), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(dir, "c.json"), JSON.stringify({ ...record, weights: [] }));
    const bad = run([
      "run",
      "examples/protocols/pembrolizumab-q3w.yaml",
      "--patient",
      path.join(dir, "c.json"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no body weight in the case/);
    expect(bad.err.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("table columns line up whatever the cells hold", () => {
    const lines = formatTable(
      [
        ["#", "control", "median TTP", "candidate"],
        ["1", "12 % / 4 %", "not reached by day 365", "pembrolizumab"],
        ["10", "–", "41 d", "IL-2"],
      ],
      [true, true, false, false],
    );
    // every column starts at the same character in every line
    const starts = (l: string) => [0, l.indexOf("  ", 2) + 2];
    expect(new Set(lines.map((l) => [...l].length >= starts(l)[1]))).toEqual(new Set([true]));
    expect(lines[1].indexOf("not reached")).toBe(lines[2].indexOf("41 d"));
    expect(lines[1].indexOf("pembrolizumab")).toBe(lines[2].indexOf("IL-2"));
    expect(lines[0].indexOf("candidate")).toBe(lines[1].indexOf("pembrolizumab"));
    // right-aligned numbers end together
    expect(lines[1].indexOf("1") + 1).toBe(lines[2].indexOf("10") + 2);
  });

  it("a fit whose estimate sits at a bound says so", () => {
    expect(atBound(50, 0, 50)).toBe("at its upper bound 50");
    expect(atBound(0, 0, 50)).toBe("at its lower bound 0");
    expect(atBound(49.9, 0, 50)).toBeNull();
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-fit-"));
    writeFileSync(
      path.join(dir, "sld.csv"),
      "patient,day,sld\nP1,0,4.57\nP1,14,12.30\nP1,28,12.33\nP1,42,12.33\n",
    );
    const r = run([
      "fit",
      "--model",
      "immunoplan-core",
      "--free",
      "init.T=1e3..1e4",
      "--observe",
      "sld",
      "--data",
      path.join(dir, "sld.csv"),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/init\.T = 10000 ± [\d.e+]+ \(published 1000000; at its upper bound 10000\)/);
  }, 60_000);

  it("recist: the baseline of the line, the SD window and confirmation as settings, the nadir of every row", () => {
    const r = run(["recist", MELANOMA, "--line-start", "2026-10-01"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^Baseline 2026-09-01 \(54 mm\): the last scan on or before the line's start on 2026-10-01/,
    );
    expect(r.out).toMatch(/2026-11-13 +65\.0 +54\.0 +20\.4 +20\.4 +11\.0 +PD/);
    // from that baseline: 61 mm at day 49 is SD (+13 %), 65 mm is PD against the nadir of 54 mm
    expect(r.out).toMatch(/2026-10-20 +61\.0 +54\.0 +13\.0 +13\.0 +7\.0 +SD/);
    expect(r.out).toMatch(/best overall response: SD; confirmed: SD \(SD counts from day 42/);
    // with a 2-month minimum for SD the day-49 SD does not count: the PD is the best response
    expect(run(["recist", MELANOMA, "--line-start", "2026-10-01", "--min-sd-days", "60"]).out).toMatch(
      /best overall response: PD; confirmed: PD/,
    );
    const nsclc = run(["recist", NSCLC, "--min-sd-days", "56", "--confirm-days", "28"]);
    expect(nsclc.out).toMatch(/best overall response: CR; confirmed: PR \(SD counts from day 56/);
    expect(run(["recist", NSCLC, "--min-sd-days", "-1"]).err).toMatch(
      /--min-sd-days: '-1' is not a number in 0–3650/,
    );
    expect(run(["recist", NSCLC, "--line-start", "2024-02-30"]).code).toBe(2);
  });
});
