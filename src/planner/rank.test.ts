import { describe, expect, it } from "vitest";
import type { Protocol } from "../therapy/protocol-schema.js";
import { parseWeights } from "./planning-data.js";
import { probabilityBest, toxicityProxy, treatmentBurden } from "./rank.js";
import { candidateScore } from "./score.js";
import type { CandidateOutcome } from "./simulate-candidate.js";

const patient = { id: "p", weight_kg: 64, height_cm: 168 };
const til: Protocol = {
  name: "TIL",
  phases: [
    {
      name: "clinic stay",
      kind: "clinic",
      start_day: 0,
      duration_days: 14,
      steps: [
        { agent: "cyclophosphamide", dose: { value: 60, unit: "mg/kg" }, route: "iv", days: [0, 1] },
        { agent: "fludarabine", dose: { value: 25, unit: "mg/m2" }, route: "iv", days: [2, 3, 4, 5, 6] },
        { agent: "lifileucel", dose: { value: 3e10, unit: "cells" }, route: "iv", days: [7] },
        {
          agent: "aldesleukin",
          dose: { value: 600000, unit: "IU/kg" },
          route: "iv",
          days: [7.5, 7.83, 8.17],
        },
      ],
    },
    {
      name: "maintenance",
      kind: "maintenance",
      start_day: 28,
      steps: [
        {
          agent: "pembrolizumab",
          dose: { value: 400, unit: "mg" },
          route: "iv",
          days: { every: 42, count: 3 },
        },
      ],
    },
  ],
};

describe("toxicity probabilities and the burden proxy", () => {
  it("give the probability of grade ≥ 3 adverse events of a TIL regimen from its agents' sourced rates", () => {
    const t = toxicityProxy(til, patient, ["melanoma"]);
    // lymphodepletion (cytopenias 0.9, counted once for cyclophosphamide and fludarabine), lifileucel (deaths 7.5 %,
    // a floor), IL-2 in melanoma (deaths 2 %, a floor) and pembrolizumab (0.17, KEYNOTE-006) combined as
    // independent events; the floors make the figure a lower bound
    expect(t.byCategory.cytopenia).toBeCloseTo(0.9, 12);
    expect(t.byCategory["immune-related"]).toBeCloseTo(0.17, 12);
    expect(t.byCategory.other).toBeCloseTo(1 - (1 - 0.075) * (1 - 0.02), 12);
    expect(t.pAny).toBeCloseTo(1 - (1 - 0.9) * (1 - 0.075) * (1 - 0.02) * (1 - 0.17), 12);
    expect(t.score).toBe(t.pAny);
    expect(t.lowerBound).toBe(true);
    expect(t.unknownAgents).toEqual(["lifileucel", "aldesleukin"]);
    expect(t.contributions.map((c) => c.entry)).toEqual([
      "lymphodepletion",
      "lifileucel",
      "aldesleukin",
      "pembrolizumab",
    ]);
    // renal cell carcinoma: IL-2's floor is Fyfe 1995's 4 %
    expect(toxicityProxy(til, patient, ["rcc"]).byCategory.other).toBeCloseTo(
      1 - (1 - 0.075) * (1 - 0.04),
      12,
    );
    for (const c of t.contributions) expect(c.source.length).toBeGreaterThan(10);
  });

  it("use the tumor type's trial rate, combine agents as 1 − Π(1 − p), and spread a chemotherapy course over its doses", () => {
    const step = (agent: string, value: number, unit: string, days: number[]) => ({
      agent,
      dose: { value, unit } as Protocol["phases"][number]["steps"][number]["dose"],
      route: "iv",
      days,
    });
    const protocol = (...steps: Protocol["phases"][number]["steps"]): Protocol => ({
      name: "x",
      phases: [{ name: "a", start_day: 0, steps }],
    });
    const pembro = protocol(step("pembrolizumab", 200, "mg", [0, 21]));
    expect(toxicityProxy(pembro, patient, ["nsclc"]).pAny).toBeCloseTo(0.266, 12); // KEYNOTE-024
    expect(toxicityProxy(pembro, patient, ["melanoma"]).pAny).toBeCloseTo(0.17, 12); // KEYNOTE-006
    const ipiNivo = protocol(step("nivolumab", 1, "mg/kg", [0]), step("ipilimumab", 3, "mg/kg", [0]));
    expect(toxicityProxy(ipiNivo, patient).pAny).toBeCloseTo(1 - (1 - 0.163) * (1 - 0.273), 12);
    // one debulking dose of a 5-cycle course whose grade 3–5 rate is 53.3 %
    const one = toxicityProxy(protocol(step("chemotherapy-debulking", 60, "mg/m2", [0])), patient);
    expect(one.byCategory.cytopenia).toBeCloseTo(1 - (1 - 0.533) ** (1 / 5), 12);
    const five = protocol(step("chemotherapy-debulking", 60, "mg/m2", [0, 21, 42, 63, 84, 105]));
    expect(toxicityProxy(five, patient).pAny).toBeCloseTo(0.533, 12); // capped at the course
    expect(toxicityProxy(protocol(), patient)).toMatchObject({ pAny: 0, lowerBound: false });
  });

  it("weigh the probabilities, not a count of risks: a lower-toxicity candidate wins when efficacy ties", () => {
    const outcome = {
      samples: 10,
      failures: [],
      pControl: [0.6, 0.6],
      pElimination: [0.1, 0.1],
      medianTtp: null,
      days: [0],
      bands: [],
      finalLog10: [],
    };
    const burden = { clinicDays: 14, outpatientVisits: 0, score: 1 };
    const w = { control: 1, elimination: 1, toxicity: 0.5, burden: 0 };
    const chemo = toxicityProxy(
      {
        name: "c",
        phases: [
          {
            name: "a",
            start_day: 0,
            steps: [
              { agent: "chemotherapy-debulking", dose: { value: 60, unit: "mg/m2" }, route: "iv", days: [0] },
            ],
          },
        ],
      },
      patient,
    );
    const ld = toxicityProxy(til, patient, ["melanoma"]);
    expect(candidateScore(outcome, chemo, burden, w) - candidateScore(outcome, ld, burden, w)).toBeCloseTo(
      0.5 * (ld.pAny - chemo.pAny),
      12,
    );
  });

  it("count clinic days and the distinct outpatient days", () => {
    const b = treatmentBurden(til);
    expect(b.clinicDays).toBe(14);
    expect(b.outpatientVisits).toBe(3);
    expect(b.score).toBeCloseTo(14 / 14 + 3 / 10, 12);
  });
});

describe("ranking", () => {
  const outcome = (pc: number, pe: number): CandidateOutcome => ({
    samples: 10,
    failures: [],
    pControl: [pc, pc],
    pElimination: [pe, pe],
    medianTtp: null,
    days: [0],
    bands: [],
    finalLog10: [],
  });
  it("scores by the clinician's weights", () => {
    const tox = { score: 2 };
    const burden = { clinicDays: 14, outpatientVisits: 0, score: 1 };
    const w = { control: 1, elimination: 0.5, toxicity: 0.1, burden: 0.05 };
    expect(candidateScore(outcome(0.8, 0.4), tox, burden, w)).toBeCloseTo(0.8 + 0.2 - 0.2 - 0.05, 12);
  });

  it("shares P(best) among ties and skips failed samples", () => {
    const p = probabilityBest([
      [0, 5, NaN, 3],
      [0, 6, NaN, 2],
      [1, 4, NaN, 2],
    ]);
    // sample 0: tie of the first two; 1: third; 2: failed everywhere; 3: tie of the last two
    expect(p[0]).toBeCloseTo(0.5 / 4, 12);
    expect(p[1]).toBeCloseTo((0.5 + 0.5) / 4, 12);
    expect(p[2]).toBeCloseTo((1 + 0.5) / 4, 12);
  });

  it("parses weights and names a bad one", () => {
    const d = { control: 1, elimination: 1, toxicity: 0.1, burden: 0.05 };
    expect(parseWeights("toxicity=0.5, burden=0", d)).toEqual({ ...d, toxicity: 0.5, burden: 0 });
    expect(() => parseWeights("speed=1", d)).toThrow(/unknown weight 'speed'/);
    expect(() => parseWeights("control=-1", d)).toThrow(/control must be a number ≥ 0/);
    expect(() => parseWeights("control", d)).toThrow(/'control' is not NAME=VALUE/);
  });
});
