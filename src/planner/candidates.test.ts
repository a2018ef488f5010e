import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCase, type Evaluation } from "../clinic/evaluate.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { stepDays } from "../therapy/protocol-schema.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import { adccAntibodies, enumerateDesigns, generateCandidates, largestLesionShare } from "./candidates.js";
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
      if (visibility.length && activation.length)
        expect(Math.min(...activation)).toBeGreaterThanOrEqual(Math.max(...visibility) + 3);
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
