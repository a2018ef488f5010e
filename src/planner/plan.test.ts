import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import { coreModelFlag, planCase, PLAN_DISCLAIMER } from "./plan.js";
import { simulateAll } from "./pool.js";
import { renderPlanHtml, toxicityPct } from "./report-html.js";
import { renderPlanPdf } from "./report-pdf.js";

const c = melanomaCase();
// the de Pillis-based core model (kept for cancer types without a calibrated population); the clinical model's
// planner is tested in plan-clinical.test.ts
const options = {
  date: "2026-11-24",
  samples: 12,
  maxCandidates: 16,
  threads: 1,
  mcmc: { warmup: 300, draws: 300 },
  coreModel: true,
};
const planned = planCase(c, options);

/** The text of an uncompressed PDFKit document: its hex-encoded TJ strings, decoded (WinAnsi ≈ Latin-1). */
function pdfTextOf(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  return [...raw.matchAll(/<([0-9a-f]+)>/gi)]
    .map((m) => Buffer.from(m[1], "hex").toString("latin1"))
    .join("");
}

describe("planCase on the core model", () => {
  it("ranks the candidates by score and explains the best three", async () => {
    const plan = await planned;
    expect(plan.disclaimer).toBe(PLAN_DISCLAIMER);
    expect(plan.candidates).toHaveLength(16);
    for (let i = 1; i < plan.candidates.length; i++)
      expect(plan.candidates[i - 1].score).toBeGreaterThanOrEqual(plan.candidates[i].score);
    expect(plan.candidates.map((x) => x.rank)).toEqual(plan.candidates.map((_, i) => i + 1));
    expect(plan.recommended).toBe(plan.candidates.find((x) => x.id !== "none")!.id);
    expect(plan.explanations).toHaveLength(3);
    for (const x of plan.explanations) {
      const cand = plan.candidates.find((k) => k.id === x.id)!;
      expect(cand.bands?.quantiles).toHaveLength(5);
      // one explanation per step of the design, each with its purpose, source and evaluation
      expect(x.steps.length).toBeGreaterThan(0);
      for (const s of x.steps) {
        expect(s.targets.length).toBeGreaterThan(10);
        expect(s.source.length).toBeGreaterThan(5);
        expect(s.agents.length).toBeGreaterThan(0);
        expect(s.eligibility.reasons.length).toBeGreaterThan(0);
        expect(s.without).not.toBeNull();
        expect(s.without!.samples).toBe(12);
      }
      expect(x.cannotKnow.join(" ")).toMatch(/cannot identify them/);
    }
    // the untreated reference is simulated and kept with its band
    const none = plan.candidates.find((x) => x.id === "none")!;
    expect(none.bands).toBeDefined();
    expect(plan.notes.join(" ")).toMatch(/Without treatment the model predicts/);
    // the core model says so first, on every page that repeats the flags
    expect(plan.flags?.[0]).toMatch(
      /^These figures come from the core model, as asked: .* calibrated on no trial/,
    );
    expect(plan.notes[0]).toBe(plan.flags?.[0]);
    expect(plan.personalization.samples).toBe(12);
    expect(plan.simulations).toBeGreaterThanOrEqual(16 * 12);
  });

  it("is reproducible", async () => {
    const again = await planCase(c, options);
    expect(JSON.stringify(again)).toBe(JSON.stringify(await planned));
  });

  it("gives the same outcomes on worker threads as in this thread", async () => {
    const plan = await planned;
    const inputs = plan.candidates.slice(0, 4).map((x) => ({
      protocol: x.protocol,
      patient: { id: c.id, weight_kg: 64, height_cm: 168 },
      samples: [
        { set: { a: 0.01, b: 1e-12, lesions: 3, eta_v: 1e5 }, initial: { T: 1e10, N: 1e5, L: 100, C: 6e10 } },
      ],
      horizon: 120,
    }));
    let progress = 0;
    const pooled = await simulateAll(inputs, { threads: 2, onProgress: (d) => (progress = d) });
    const local = await simulateAll(inputs, { threads: 1 });
    expect(progress).toBe(4);
    expect(pooled).toEqual(local);
  }, 60_000);
});

describe("plan reports", () => {
  it("HTML: disclaimer, figures, ranking, explanations and the patient's model", async () => {
    const plan = await planned;
    const html = renderPlanHtml(plan);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("Decision support from research models");
    expect(html.match(/<svg /g)!.length).toBe(1 + plan.explanations.length); // burden + one timeline each
    expect(html).toContain("What the model cannot know");
    expect(html).toContain("Why each step is there");
    for (const x of plan.explanations) expect(html).toContain(x.id);
    expect(html).toContain("2026-07-14");
    expect(html).not.toMatch(/undefined|NaN/);
  });

  it("shows each candidate's probability of grade ≥ 3 adverse events beside its efficacy, and ranks by it", async () => {
    const plan = await planned;
    const html = renderPlanHtml(plan);
    expect(html).toContain("<th>P(grade ≥ 3 AE)</th>");
    expect(plan.scoreFormula).toMatch(/w_toxicity·P\(grade ≥ 3 adverse event\)/);
    const w = plan.weights;
    for (const k of plan.candidates) {
      expect(k.toxicity.pAny).toBeGreaterThanOrEqual(0);
      expect(k.toxicity.pAny).toBeLessThanOrEqual(1);
      // the score subtracts the weighted probability, not a count of risks
      expect(k.score).toBeCloseTo(
        w.control * k.outcome.pControl[1] +
          w.elimination * k.outcome.pElimination[1] -
          w.toxicity * k.toxicity.pAny -
          w.burden * k.burden.score,
        12,
      );
      if (k.rank <= 25) expect(html).toContain(`<td>${toxicityPct(k)}</td>`);
      expect(toxicityPct(k)).toMatch(k.toxicity.lowerBound ? /^≥ / : /^\d|^</);
    }
    expect(plan.candidates.find((k) => k.id === "none")!.toxicity.pAny).toBe(0);
    expect(plan.explanations[0].cannotKnow.join(" ")).toMatch(/assumed independent/);
  });

  it("HTML escapes text from the case", async () => {
    const plan = await planned;
    const html = renderPlanHtml({ ...plan, caseId: "<script>alert(1)</script>" });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;");
  });

  it("PDF without a browser: pages for the summary, each explained candidate and the model", async () => {
    const plan = await planned;
    const pdf = await renderPlanPdf(plan, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = pdf.toString("latin1").match(/\/Type \/Page\b/g)!.length;
    expect(pages).toBeGreaterThanOrEqual(2 + plan.explanations.length);
    const text = pdfTextOf(pdf);
    expect(text).toContain("Decision support from research models");
    expect(text).toContain("What the model cannot know");
    expect(text).toContain(plan.candidates.find((x) => x.id === plan.recommended)!.name.replace(/→/g, "->"));
  });
});

describe("the core model's flag", () => {
  it("names the tumor types without a calibrated population, and is absent on the calibrated model", () => {
    expect(coreModelFlag(true, false, ["melanoma"])).toEqual([]);
    expect(coreModelFlag(false, false, ["uveal-melanoma"])[0]).toMatch(
      /^No calibrated virtual population exists for uveal melanoma: these figures come from the core model/,
    );
    expect(coreModelFlag(false, false, [])[0]).toMatch(/this case's cancer type \(not recognised/);
  });
});
