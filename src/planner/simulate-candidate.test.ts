import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import { loadProtocol } from "../therapy/protocol-file.js";
import { personalizeCase } from "./personalize.js";
import { outputGrid, progressionDay, simulateCandidate } from "./simulate-candidate.js";

describe("progressionDay (RECIST 1.1 against the running nadir)", () => {
  const t = [0, 7, 14, 21, 28];
  it("needs both 20 % and 5 mm above the smallest sum so far", () => {
    expect(progressionDay([50, 40, 47, 48.1, 60], t)).toBe(21); // 48.1 ≥ 1.2·40 and +8.1 mm
    expect(progressionDay([20, 10, 14, 14.9, 15.1], t)).toBe(28); // 14 is +40 % but only +4 mm
    expect(progressionDay([50, 55, 59.9, 59, 58], t)).toBeNull(); // never 20 % above the baseline
    expect(progressionDay([50, 61, 40, 40, 40], t)).toBe(7); // baseline is the first nadir
  });
});

describe("outputGrid", () => {
  it("is weekly and ends at the horizon", () => {
    expect(Array.from(outputGrid(30))).toEqual([0, 7, 14, 21, 28, 30]);
    expect(Array.from(outputGrid(28))).toEqual([0, 7, 14, 21, 28]);
  });
});

describe("simulateCandidate", () => {
  const c = melanomaCase();
  const pers = personalizeCase(c, { startDate: "2026-11-24", warmup: 300, draws: 300, samples: 20 });
  const protocols = ["six-step-personalized", "chemo-then-til-il2", "pembrolizumab-q3w"].map((f) =>
    loadProtocol(new URL(`../../examples/protocols/${f}.yaml`, import.meta.url).pathname),
  );

  it("agrees with tight-tolerance simulations at the planning tolerance", () => {
    for (const protocol of protocols) {
      const input = { protocol, patient: pers.patient, samples: pers.samples, horizon: 365 };
      const fast = simulateCandidate(input);
      const tight = simulateCandidate({ ...input, rtol: 1e-8 });
      expect(fast.failures).toEqual([]);
      for (let i = 0; i < 2; i++) {
        // at most one sample of 20 on the other side of a threshold
        expect(Math.abs(fast.pControl[i] - tight.pControl[i])).toBeLessThanOrEqual(0.05 + 1e-12);
        expect(Math.abs(fast.pElimination[i] - tight.pElimination[i])).toBeLessThanOrEqual(0.05 + 1e-12);
      }
      const median = 2;
      fast.bands[median].forEach((v, i) => expect(Math.abs(v - tight.bands[median][i])).toBeLessThan(0.05));
    }
  });

  it("summarizes every sample: bands ordered by quantile, probabilities in [0, 1]", () => {
    const o = simulateCandidate({
      protocol: protocols[2],
      patient: pers.patient,
      samples: pers.samples,
      horizon: 200,
    });
    expect(o.samples).toBe(20);
    expect(o.days.at(-1)).toBe(200);
    expect(o.finalLog10).toHaveLength(20);
    // one character per sample whose bits give the score's control and elimination (ties.ts)
    expect(o.sampleOutcomes).toMatch(/^[0-3]{20}$/);
    const share = (bit: number) =>
      [...o.sampleOutcomes!].filter((ch) => (Number(ch) & bit) !== 0).length / 20;
    expect(share(1)).toBeCloseTo(o.pControl[1], 12);
    expect(share(2)).toBeCloseTo(o.pElimination[1], 12);
    for (let i = 0; i < o.days.length; i++)
      for (let q = 1; q < o.bands.length; q++)
        expect(o.bands[q][i]).toBeGreaterThanOrEqual(o.bands[q - 1][i]);
    // a growing 2e10-cell tumor under a checkpoint inhibitor alone: the model predicts progression
    expect(o.pControl[0]).toBeLessThan(0.5);
    expect(o.medianTtp).not.toBeNull();
    expect(o.bands[2][0]).toBeCloseTo(Math.log10(pers.burdenAtStart.median + 1), 1);
  });
});
