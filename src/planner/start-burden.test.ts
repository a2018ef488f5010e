import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCase } from "../clinic/case-file.js";
import { evaluateCase } from "../clinic/evaluate.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { planCase, startBurden } from "./plan.js";
import { toxicityProxy } from "./rank.js";

const nsclc = loadCase(path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json"));
const DATE = "2024-05-10";

describe("one burden estimate for evaluate and plan (issue 14 §3)", () => {
  it("compares the model's start with the scans' reading", () => {
    const scan = evaluateCase(nsclc, DATE).burden; // below detection, at most 1e8 cells
    const model = (median: number) => ({ median, lower95: median / 3, upper95: median * 3 });
    expect(startBurden(scan, model(1.06e9))).toMatchObject({ consistent: false });
    expect(startBurden(scan, model(1.06e9)).message).toMatch(
      /disagrees: the scans say below imaging detection \(at most ~1\.00e\+8 cells\) on 2024-05-02, the personalized model starts at 1\.06e\+9 cells/,
    );
    expect(startBurden(scan, model(5e7)).consistent).toBe(true);
    const march = evaluateCase(nsclc, "2024-03-10").burden; // ~2.8e9 cells
    expect(startBurden(march, model(march.cells! * 9)).consistent).toBe(true);
    expect(startBurden(march, model(march.cells! * 11)).consistent).toBe(false);
    expect(startBurden(march, model(march.cells! / 11)).consistent).toBe(false);
  });

  it("the plan carries the evaluation's estimate and says whether its model agrees", async () => {
    const plan = await planCase(nsclc, {
      date: DATE,
      samples: 8,
      maxCandidates: 3,
      threads: 1,
      explain: 1,
      mcmc: { warmup: 200, draws: 200 },
    });
    expect(plan.startBurden.scan).toEqual(evaluateCase(nsclc, DATE).burden);
    expect(plan.evaluation.burden).toEqual(plan.startBurden.scan);
    expect(plan.startBurden.model).toEqual(plan.personalization.burdenAtStart);
    expect(plan.startBurden.consistent).toBe(plan.startBurden.model.median <= 1e8);
    // the plan's warnings (flags) come first, then the burden estimate
    expect(plan.notes.slice(0, (plan.flags ?? []).length + 2)).toContain(plan.startBurden.message);
    // the toxicity estimate uses the NSCLC trial's rate for pembrolizumab (KEYNOTE-024), kept for edited protocols
    expect(plan.tumorTypes).toEqual(["nsclc"]);
    const pembro: Protocol = {
      name: "p",
      phases: [
        {
          name: "a",
          start_day: 0,
          steps: [{ agent: "pembrolizumab", dose: { value: 200, unit: "mg" }, route: "iv", days: [0] }],
        },
      ],
    };
    expect(toxicityProxy(pembro, undefined, plan.tumorTypes).pAny).toBeCloseTo(0.266, 12);
  }, 300_000);
});
