import { describe, expect, it } from "vitest";
import { independentAction } from "./independent-action.js";
import type { PatientOutcome } from "./patient-outcome.js";

const o = (id: string, bor: PatientOutcome["bor"]): PatientOutcome => ({
  id,
  bor,
  pfsDays: 100,
  progressed: bor === "PD",
  bestChangePct: null,
  durable: false,
});

describe("independent drug action on paired patients", () => {
  it("counts responders to either monotherapy, synergy and antagonism", () => {
    // p1 responds to A only, p2 to B only, p3 to neither (combination responds: synergy), p4 to neither
    const a = [o("p1", "PR"), o("p2", "SD"), o("p3", "PD"), o("p4", "SD")];
    const b = [o("p1", "SD"), o("p2", "CR"), o("p3", "SD"), o("p4", "PD")];
    const c = [o("p1", "PR"), o("p2", "SD"), o("p3", "PR"), o("p4", "PD")];
    const r = independentAction(a, b, c);
    expect(r.orrA).toBe(0.25);
    expect(r.orrB).toBe(0.25);
    expect(r.orrCombination).toBe(0.5);
    expect(r.orrIda).toBe(0.5);
    expect(r.orrIdaUncorrelated).toBeCloseTo(1 - 0.75 * 0.75, 12);
    expect(r.synergyShare).toBe(0.5); // p3 of p3, p4
    expect(r.antagonismShare).toBe(0.5); // p2 lost of p1, p2
  });

  it("refuses arms that are not the same patients", () => {
    expect(() => independentAction([o("p1", "PR")], [o("p2", "PR")], [o("p1", "PR")])).toThrow(/not paired/);
    expect(() => independentAction([o("p1", "PR")], [], [])).toThrow(/paired, equal sizes/);
  });
});
