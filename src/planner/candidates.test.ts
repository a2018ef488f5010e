import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCase, type Evaluation } from "../clinic/evaluate.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { stepDays } from "../therapy/protocol-schema.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import {
  adccAntibodies,
  checkpointAgent,
  enumerateDesigns,
  generateCandidates,
  largestLesionShare,
  virusAgent,
} from "./candidates.js";
import { casePatient, type ParameterSample } from "./personalize.js";

const c = melanomaCase();
const ev = evaluateCase(c, "2026-11-24");
const patient = casePatient(c);
// a representative sample: the case's burden, published immune state
const representative: ParameterSample = {
  set: { a: 0.008, b: 1e-12, lesions: 3, eta_v: 1e6 },
  initial: { T: 1.7e10, N: 1e5, L: 100, C: 6e10 },
};

/** The evaluation with some modalities turned "not-recommended". */
function without(modalities: readonly string[]): Evaluation {
  return {
    ...ev,
    eligibility: ev.eligibility.map((e) =>
      modalities.includes(e.modality)
        ? {
            ...e,
            verdict: "not-recommended",
            reasons: [{ rule: "test", verdict: "not-recommended", reason: "test", source: "test" }],
          }
        : e,
    ),
  };
}

describe("candidate designs", () => {
  it("enumerate the sequence's choices the evaluation allows", () => {
    const { designs, excluded } = enumerateDesigns(ev, c);
    expect(designs[0]).toMatchObject({
      debulking: "none",
      virus: false,
      activation: "none",
      killers: "none",
    });
    // no ADCC target on this melanoma: donor killer cells are left out, with the reason
    expect(designs.some((d) => d.killers === "donor-adcc")).toBe(false);
    expect(excluded.map((x) => x.modality)).toContain("donor-killer-cells");
    expect(new Set(designs.map((d) => JSON.stringify(d))).size).toBe(designs.length);
    // maintenance only continues a checkpoint inhibitor; the gap only exists between a virus and activation
    for (const d of designs) {
      if (d.maintenance) expect(d.activation.startsWith("checkpoint")).toBe(true);
      if (!(d.virus && d.activation !== "none")) expect(d.gapDays).toBe(0);
    }
  });

  it("leave out what the evaluation does not recommend, whatever the combination (property)", () => {
    const all = [
      "oncolytic-virus",
      "checkpoint-inhibitor",
      "cytokine",
      "nk-cell-therapy",
      "til",
      "chemotherapy",
      "radiotherapy",
    ];
    fc.assert(
      fc.property(fc.subarray(all), (off) => {
        const { designs, excluded } = enumerateDesigns(without(off), c);
        for (const m of off) expect(excluded.map((x) => x.modality)).toContain(m);
        for (const d of designs) {
          if (off.includes("oncolytic-virus")) expect(d.virus).toBe(false);
          if (off.includes("checkpoint-inhibitor")) expect(d.activation.includes("checkpoint")).toBe(false);
          if (off.includes("cytokine")) expect(d.activation.includes("il2")).toBe(false);
          if (off.includes("nk-cell-therapy")) expect(d.killers.startsWith("nk")).toBe(false);
          if (off.includes("til") || off.includes("chemotherapy")) expect(d.killers).not.toBe("til");
          if (off.includes("chemotherapy")) expect(d.debulking).not.toBe("chemotherapy");
        }
      }),
      { numRuns: 40 },
    );
  });

  it("generate protocols that pass the sequencing rules, at label doses, in the clinic's order", () => {
    const set = generateCandidates(ev, c, patient, { representative, maxCandidates: 1000 });
    expect(set.candidates.length).toBe(set.considered);
    expect(set.rejected).toEqual([]);
    const catalog = therapyCatalog();
    for (const cand of set.candidates) {
      expect(validateProtocol(cand.protocol).filter((p) => p.severity === "error")).toEqual([]);
      const days = (intent: RegExp) =>
        cand.protocol.phases.flatMap((ph) =>
          ph.steps.filter((s) => intent.test(s.intent ?? "")).flatMap((s) => stepDays(ph, s)),
        );
      const killers = days(/elimination of residual cells/);
      const activation = days(/immune activation/);
      const visibility = days(/tumor visibility/);
      if (killers.length && activation.length)
        expect(Math.min(...killers)).toBeGreaterThan(Math.max(...activation));
      // activation at least 3 days after the first virus injection (the T-VEC course continues every 2 weeks)
      if (visibility.length && activation.length)
        expect(Math.min(...activation)).toBeGreaterThanOrEqual(Math.min(...visibility) + 3);
      for (const ph of cand.protocol.phases)
        for (const s of ph.steps) {
          const form = catalog.agents.get(s.agent)!.doses.find((d) => d.unit === s.dose.unit)!;
          expect(s.dose.value).toBeLessThanOrEqual(form.max);
        }
    }
    const til = set.candidates.find((x) => x.design.killers === "til")!;
    expect(til.protocol.phases[0].steps.map((s) => s.agent)).toEqual(
      expect.arrayContaining(["cyclophosphamide", "fludarabine", "lifileucel", "aldesleukin"]),
    );
  });

  it("give T-VEC on its label schedule: 4e6 PFU, 4e8 PFU three weeks later, then every 2 weeks for 6 months", () => {
    const set = generateCandidates(ev, c, patient, { representative, maxCandidates: 1000 });
    const withVirus = set.candidates.filter((x) => x.design.virus);
    expect(withVirus.length).toBeGreaterThan(0);
    for (const cand of withVirus) {
      const doses = cand.protocol.phases
        .flatMap((ph) =>
          ph.steps
            .filter((s) => s.agent === "talimogene-laherparepvec")
            .flatMap((s) => stepDays(ph, s).map((day) => ({ day, pfu: s.dose.value }))),
        )
        .sort((a, b) => a.day - b.day);
      const first = doses[0].day;
      expect(doses[0].pfu).toBe(4e6);
      expect(doses[1]).toEqual({ day: first + 21, pfu: 4e8 });
      for (let i = 2; i < doses.length; i++)
        expect(doses[i]).toEqual({ day: doses[i - 1].day + 14, pfu: 4e8 });
      expect(doses.at(-1)!.day).toBeGreaterThanOrEqual(first + 168);
      // never daily, never twice on a day
      expect(
        validateProtocol(cand.protocol).filter(
          (p) => p.rule === "label-dosing-interval" || /duplicate/.test(p.message),
        ),
      ).toEqual([]);
    }
    // maintenance waits 3 weeks after the clinic's pembrolizumab dose
    for (const cand of set.candidates.filter((x) => x.design.maintenance)) {
      const pembro = cand.protocol.phases
        .flatMap((ph) => ph.steps.filter((s) => s.agent === "pembrolizumab").flatMap((s) => stepDays(ph, s)))
        .sort((a, b) => a - b);
      for (let i = 1; i < pembro.length; i++) expect(pembro[i] - pembro[i - 1]).toBeGreaterThanOrEqual(21);
    }
  });

  it("choose agents whose label fits the tumor type", async () => {
    const { loadCase } = await import("../clinic/case-file.js");
    const nsclc = loadCase(new URL("../../examples/cases/nsclc-synthetic.json", import.meta.url).pathname);
    expect(virusAgent(c)).toBe("talimogene-laherparepvec");
    expect(virusAgent(nsclc)).toBe("oncolytic-virus-investigational");
    expect(checkpointAgent(nsclc)).toBe("pembrolizumab");
    const lymphoma = melanomaCase((raw) => {
      const cancer = (raw.cancers as { code: { display: string }; histology?: unknown }[])[0];
      cancer.code.display = "Diffuse large B-cell lymphoma";
      delete cancer.histology;
    });
    expect(checkpointAgent(lymphoma)).toBeNull();
    const { designs, excluded } = enumerateDesigns(evaluateCase(lymphoma, "2026-11-24"), lymphoma);
    expect(designs.some((d) => d.activation.includes("checkpoint"))).toBe(false);
    expect(excluded.find((x) => x.modality === "checkpoint-inhibitor")?.reason).toMatch(
      /labelled for this tumor type/,
    );
    // the NSCLC example: no IL-2 and no TIL (their labels are melanoma and renal cell carcinoma)
    const n = enumerateDesigns(evaluateCase(nsclc, "2024-05-10"), nsclc);
    expect(n.designs.some((d) => d.activation.includes("il2") || d.killers === "til")).toBe(false);
  });

  it("sample a seeded subset when there are more designs than the limit, keeping no treatment", () => {
    const a = generateCandidates(ev, c, patient, { representative, maxCandidates: 25, seed: 3 });
    const b = generateCandidates(ev, c, patient, { representative, maxCandidates: 25, seed: 3 });
    expect(a.candidates).toHaveLength(25);
    expect(a.candidates[0].id).toBe("none");
    expect(a.candidates.map((x) => x.id)).toEqual(b.candidates.map((x) => x.id));
    expect(a.notes[0]).toMatch(/seeded sample of 25/);
  });

  it("aim SBRT at the largest lesion and pick ADCC antibodies by documented targets", () => {
    // 27, 21 and 17 mm lesions: 27³ / (27³ + 21³ + 17³)
    expect(largestLesionShare(c)).toBeCloseTo(19683 / (19683 + 9261 + 4913), 6);
    expect(adccAntibodies(c)).toEqual([]);
    const her2 = melanomaCase((raw) =>
      (raw.biomarkers as unknown[]).push({
        name: "HER2",
        code: { system: "http://loinc.org", code: "48676-1", display: "HER2 [Interpretation]" },
        value: "positive (IHC 3+)",
        source: { kind: "manual" },
      }),
    );
    expect(adccAntibodies(her2)).toEqual(["trastuzumab"]);
  });
});
