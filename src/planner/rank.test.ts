import { describe, expect, it } from "vitest";
import { mostellerBsa } from "../therapy/patient.js";
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

describe("toxicity and burden proxies", () => {
  it("count the risks of a TIL regimen", () => {
    const t = toxicityProxy(til, patient);
    const bsa = mostellerBsa(168, 64);
    expect(t.lymphodepletion).toBe(true);
    expect(t.highDoseIl2Doses).toBe(3);
    expect(t.crsAgents).toEqual([]);
    expect(t.chemoMgM2).toBeCloseTo((2 * 60 * 64) / bsa + 5 * 25, 6);
    // 1 (IL-2) + 1 (lymphodepletion) + chemo / 300
    expect(t.score).toBeCloseTo(2 + t.chemoMgM2 / 300, 9);
  });

  it("count CRS risk from the catalog and radiation dose", () => {
    const p: Protocol = {
      name: "x",
      phases: [
        {
          name: "a",
          start_day: 0,
          steps: [
            { agent: "donor-killer-cells", dose: { value: 1e9, unit: "cells/kg" }, route: "iv", days: [3] },
            {
              agent: "radiotherapy",
              dose: { value: 8, unit: "Gy" },
              route: "external-beam",
              days: [0, 1, 2],
            },
          ],
        },
      ],
    };
    const t = toxicityProxy(p, patient);
    expect(t.crsAgents).toEqual(["donor-killer-cells"]);
    expect(t.radiationGy).toBe(24);
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
    const tox = {
      crsAgents: [],
      highDoseIl2Doses: 0,
      lymphodepletion: false,
      chemoMgM2: 0,
      radiationGy: 0,
      score: 2,
    };
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
