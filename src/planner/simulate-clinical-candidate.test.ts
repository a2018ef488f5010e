/**
 * A candidate on the clinical model's posterior samples: samples with the same contents (systematic resampling
 * repeats a virtual patient of high weight) are simulated once, with exactly the figures each copy would give.
 */
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import * as simulation from "../population/simulate-patient.js";
import { loadProtocol } from "../therapy/protocol-file.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { personalizeClinical, type ClinicalSample } from "./clinical-personalize.js";
import { regrewPastStart, sampleKey, simulateClinicalCandidate } from "./simulate-clinical-candidate.js";

vi.mock("../population/simulate-patient.js", async (original) => {
  const m = await original<typeof import("../population/simulate-patient.js")>();
  return { ...m, simulatePatient: vi.fn(m.simulatePatient) };
});

const protocol = loadProtocol(
  path.resolve(import.meta.dirname, "../../examples/protocols/tvec-intralesional.yaml"),
);

describe("simulateClinicalCandidate", () => {
  it("simulates each distinct sample once; every copy gets that sample's figures", async () => {
    const p = (await personalizeClinical(melanomaCase(), {
      startDate: "2026-11-30",
      samples: 10,
      draws: 150,
    }))!;
    const a = p.samples[0];
    const b = p.samples.find((s) => sampleKey(s) !== sampleKey(a))!;
    const run = (clinical: readonly ClinicalSample[]) =>
      simulateClinicalCandidate({ protocol, patient: p.patient, clinical, horizon: 120 });
    const alone = [run([a]), run([b])];
    const calls = vi.mocked(simulation.simulatePatient);
    calls.mockClear();
    const mixed = run([a, structuredClone(a), b, a]);
    expect(calls).toHaveBeenCalledTimes(2);
    const [fa, fb] = alone.map((o) => o.finalLog10[0]);
    expect(mixed.finalLog10).toEqual([fa, fa, fb, fa]);
    expect(mixed.samples).toBe(4);
    // the same figures as the four samples simulated one by one: a three times, b once
    const rA = alone[0].pResponse!;
    const rB = alone[1].pResponse!;
    expect(mixed.pResponse).toBeCloseTo((3 * rA + rB) / 4, 12);
    expect(mixed.sldBands![2]).toEqual(alone[0].sldBands![2]); // the median of a, a, b, a is a's
    // the per-sample outcomes (paired comparisons, ties.ts) follow the samples' order
    const [ca, cb] = alone.map((o) => o.sampleOutcomes!);
    expect(mixed.sampleOutcomes).toBe(ca + ca + cb + ca);
    const share = (bit: number) =>
      [...mixed.sampleOutcomes!].filter((ch) => (Number(ch) & bit) !== 0).length / 4;
    expect(share(1)).toBeCloseTo(mixed.pControl[1], 12);
    expect(share(2)).toBeCloseTo(mixed.pElimination[1], 12);
  }, 120_000);

  it("tells samples apart by every value, including the numbers JSON writes alike", async () => {
    const p = (await personalizeClinical(melanomaCase(), {
      startDate: "2026-11-30",
      samples: 4,
      draws: 150,
    }))!;
    const a = p.samples[0];
    expect(sampleKey(structuredClone(a))).toBe(sampleKey(a));
    const rho = a.vp.parameters.rho;
    const nudged = { ...a, vp: { ...a.vp, parameters: { ...a.vp.parameters, rho: rho * (1 + 2 ** -52) } } };
    expect(nudged.vp.parameters.rho).not.toBe(rho);
    expect(sampleKey(nudged)).not.toBe(sampleKey(a));
    const withValue = (v: number) => ({
      ...a,
      start: { ...a.start, others: { ...a.start.others, X: v } },
    });
    const keys = [NaN, Infinity, -Infinity, null, 0, -0].map((v) => sampleKey(withValue(v as number)));
    expect(new Set(keys).size).toBe(keys.length);
  }, 120_000);
});

describe("regrewPastStart (an irradiated or resected lesion followed as non-target)", () => {
  const followed = [true, false];
  it("is progression when the followed lesion exceeds its day-0 size by 20 % and 5 mm", () => {
    expect(regrewPastStart([20, 30], [24, 30], followed)).toBe(false); // +20 % but +4 mm
    expect(regrewPastStart([20, 30], [25, 30], followed)).toBe(true); // +25 %, +5 mm
    expect(regrewPastStart([40, 30], [45, 30], followed)).toBe(false); // +5 mm but +12.5 %
    expect(regrewPastStart([40, 30], [48, 30], followed)).toBe(true);
  });
  it("ignores lesions that are not followed, and shrinkage", () => {
    expect(regrewPastStart([20, 30], [20, 60], followed)).toBe(false); // the other lesion is in the sum instead
    expect(regrewPastStart([20, 30], [0, 30], followed)).toBe(false);
    expect(regrewPastStart([0, 30], [4, 30], followed)).toBe(false); // a vanished lesion back at 4 mm: under 5 mm
    expect(regrewPastStart([0, 30], [6, 30], followed)).toBe(true);
  });
});
