import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MELANOMA_CASE } from "../test-support/planning-case.js";
import type { Plan } from "../planner/plan.js";
import { planTies } from "../planner/plan-ties.js";
import { renderPlanHtml } from "../planner/report-html.js";
import type { CliIO } from "./io.js";
import { runCliAsync } from "./main.js";
import { planSummary } from "./plan-command.js";

async function run(args: string[], cwd = mkdtempSync(path.join(tmpdir(), "immunoplan-plan-"))) {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, cwd };
  const code = await runCliAsync(args, io);
  return { code, out, err, cwd };
}

/** A small plan of the progressing melanoma example (8 samples, 8 candidates, one thread). */
const SMALL_PLAN = [
  "plan",
  MELANOMA_CASE,
  "--date",
  "2026-11-24",
  "--samples",
  "8",
  "--max-candidates",
  "8",
  "--threads",
  "1",
];

describe("immunoplan plan", () => {
  it("writes the plan, the HTML report and the PDF, and prints the ranking with the reasons", async () => {
    const r = await run([
      ...SMALL_PLAN,
      "--weights",
      "toxicity=0.2",
      "--out",
      "plan.json",
      "--report",
      "plan.html",
      "--pdf",
      "plan.pdf",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^Plan for case melanoma-progressing-synthetic \(day 0 = 2026-11-24\) — Decision support/,
    );
    expect(r.out).toContain("control 6/12 mo");
    expect(r.out).toContain("What the model cannot know:");
    const plan = JSON.parse(readFileSync(path.join(r.cwd, "plan.json"), "utf8"));
    expect(plan.kind).toBe("immunoplan-plan");
    expect(plan.weights.toxicity).toBe(0.2);
    expect(plan.candidates).toHaveLength(8);
    expect(readFileSync(path.join(r.cwd, "plan.html"), "utf8")).toContain("<svg");
    expect(readFileSync(path.join(r.cwd, "plan.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  }, 60_000);

  it("shows the candidates tied with the first choice within Monte Carlo error (JSON, text, HTML)", async () => {
    const r = await run([...SMALL_PLAN, "--out", "plan.json"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(r.cwd, "plan.json"), "utf8")) as Plan;
    const first = plan.candidates.find((c) => c.id === plan.recommended)!;
    expect(plan.ties!.firstChoice).toBe(first.id);
    expect(first.sampleOutcomes).toMatch(/^[0-3x]{8}$/);
    expect(first.scoreDifference).toBeUndefined();
    for (const c of plan.candidates.filter((k) => k !== first)) {
      const d = c.scoreDifference!;
      expect(d.value).toBeCloseTo(first.score - c.score, 12);
      expect(d.tiedWithFirst).toBe(d.value === 0 || Math.abs(d.value) <= 1.96 * d.se);
    }
    expect(plan.ties!.tiedWithFirst).toEqual(
      plan.candidates.filter((c) => c.scoreDifference?.tiedWithFirst).map((c) => c.id),
    );
    expect(r.out).toContain("vs first (± 1.96 SE)");
    expect(r.out).toContain(plan.ties!.message);
    // a second candidate with the first choice's predictions on every sample is tied with it, in every output
    const copy = { ...first, id: "copy", name: "a copy of the first choice" };
    const listed = [first, copy, ...plan.candidates.filter((c) => c !== first)].map((c, i) => ({
      ...c,
      rank: i + 1,
    }));
    const { differences, ties } = planTies(listed, first.id, plan.weights, plan.ties!.ess);
    const tiedPlan: Plan = {
      ...plan,
      candidates: listed.map((c) => ({ ...c, scoreDifference: differences.get(c.id) })),
      ties: ties!,
    };
    // the same outcome on every sample: the efficacy difference is bounded by the rule of three (src/planner/ties.ts)
    const copyDiff = differences.get("copy")!;
    expect(copyDiff.value).toBe(0);
    expect(copyDiff.tiedWithFirst).toBe(true);
    const pm = (1.96 * copyDiff.se).toFixed(3);
    const text = planSummary(tiedPlan);
    expect(text).toMatch(
      /The first choice is not distinguishable from \d+ other candidates? at this posterior size/,
    );
    expect(text).toContain(
      `#2 a copy of the first choice — tied with the first choice within Monte Carlo error (score difference 0.000 ± ${pm})`,
    );
    expect(text).toContain(`tied: 0.000 ± ${pm}  a copy of the first choice`);
    const html = renderPlanHtml(tiedPlan);
    expect(html).toContain(
      "#2 a copy of the first choice — tied with the first choice within Monte Carlo error",
    );
    expect(html).toContain(`<td>tied: 0.000 ± ${pm}</td>`);
  }, 60_000);

  it("rejects bad input with a one-line reason and exit code 2", async () => {
    const bad = await run(["plan", MELANOMA_CASE, "--weights", "speed=2"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      "immunoplan: --weights: unknown weight 'speed' (control, elimination, toxicity, burden)\n",
    );
    expect((await run(["plan"])).err).toBe("immunoplan: missing CASE\n");
    expect((await run(["plan", MELANOMA_CASE, "--date", "24.11.2026"])).err).toMatch(
      /--date: '24.11.2026' is not YYYY-MM-DD/,
    );
    expect((await run(["plan", MELANOMA_CASE, "--samples", "many"])).err).toMatch(
      /--samples: 'many' is not a number/,
    );
    // a case without measured scans cannot be personalized: the message names the record
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-plan-"));
    const raw = JSON.parse(readFileSync(MELANOMA_CASE, "utf8"));
    raw.imaging = [];
    writeFileSync(path.join(dir, "case.json"), JSON.stringify(raw));
    const noScan = await run(["plan", "case.json", "--date", "2026-11-24", "--out", "plan.json"], dir);
    expect(noScan.code).toBe(2);
    expect(noScan.err).toMatch(
      /^immunoplan: imaging: no scan with measured target lesions on or before 2026-11-24/,
    );
    expect(existsSync(path.join(dir, "plan.json"))).toBe(false);
  });
});
