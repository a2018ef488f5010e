import { describe, expect, it } from "vitest";
import { shippedVpopFile } from "../population/vpop-file.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { calibrationEvidenceFlag, candidateEvidence, ppcFlag, priorChangeReason } from "./plan-safeguards.js";

describe("priorChangeReason (the prior sensitivity line when the first choice changes)", () => {
  const tied = { value: 0.02, se: 0.03, tiedWithFirst: true };
  const apart = { value: -0.2, se: 0.04, tiedWithFirst: false };

  it("calls a change between candidates tied on both posteriors Monte Carlo noise, and says so", () => {
    const r = priorChangeReason("A", "B", tied, { value: -0.01, se: 0.02, tiedWithFirst: true });
    expect(r).toBe(
      ". B is tied with A within Monte Carlo error on both posteriors (score difference calibrated posterior 0.020 ± 0.059, widened posterior -0.010 ± 0.039): the change lies within the ranking's Monte Carlo error and does not by itself show that the ranking depends on the calibrated prior.",
    );
  });

  it("keeps the dependence on the prior when the widened posterior separates them", () => {
    const r = priorChangeReason("A", "B", tied, apart);
    expect(r).toMatch(/^: the ranking depends on the calibrated prior \(score difference of A over B/);
    expect(r).toContain("tied on the calibrated posterior, separated on the widened one");
  });

  it("keeps the dependence on the prior when the calibrated posterior separated them", () => {
    const r = priorChangeReason("A", "B", { value: 0.1, se: 0.01, tiedWithFirst: false }, tied);
    expect(r).toMatch(/^: the ranking depends on the calibrated prior \(/);
    expect(r).not.toContain("separated on the widened one");
    expect(priorChangeReason("A", "B", undefined, null)).toBe(
      ": the ranking depends on the calibrated prior.",
    );
  });
});

describe("ppcFlag (the patient's own scans the model does not reproduce)", () => {
  const scan = (date: string, observedSldMm: number, median: number, inside: boolean) => ({
    date,
    day: 0,
    observedSldMm,
    median,
    lower90: median * 0.9,
    upper90: median * 1.1,
    inside,
  });

  it("says nothing when every scan is inside its band, or when there is no check", () => {
    expect(ppcFlag({ ppc: { scans: [scan("2024-01-10", 68, 68, true)], coverage90: 1 } })).toEqual([]);
    expect(ppcFlag(undefined)).toEqual([]);
  });

  it("names every scan outside its band with the observed and predicted sums", () => {
    const [flag] = ppcFlag({
      ppc: {
        scans: [
          scan("2024-01-10", 68, 68, true),
          scan("2024-03-06", 39, 50, false),
          scan("2024-05-02", 8, 14.31, false),
        ],
        coverage90: 0,
      },
    });
    expect(flag).toBe(
      "The model does not reproduce 2 of the patient's scans (posterior predictive check: 2024-03-06: 39 mm observed, 50 mm predicted (90 %: 45 mm–55 mm); 2024-05-02: 8 mm observed, 14.3 mm predicted (90 %: 12.9 mm–15.7 mm)): the posterior's figures rest on a course the model does not explain.",
    );
  });
});

/** A protocol giving each agent 3 mg/kg IV once (only its agents matter to the evidence). */
const protocol = (...agents: string[]) =>
  ({
    name: agents.join(" + "),
    phases: [
      {
        name: "t",
        start_day: 0,
        steps: agents.map((agent) => ({ agent, dose: { value: 3, unit: "mg/kg" }, route: "iv", days: [0] })),
      },
    ],
  }) as unknown as Protocol;

describe("a first choice beyond the calibration", () => {
  const file = shippedVpopFile("melanoma");
  it("is flagged with its reasons; a calibrated monotherapy is not", () => {
    const nivo = { id: "nivo", name: "nivolumab", protocol: protocol("nivolumab") };
    const combo = { id: "combo", name: "nivo + ipi", protocol: protocol("nivolumab", "ipilimumab") };
    const flagOf = (ranked: (typeof nivo)[]) =>
      calibrationEvidenceFlag(ranked, candidateEvidence(file, ranked));
    expect(flagOf([nivo, combo])).toEqual([]);
    const [flag] = flagOf([combo, combo, nivo]);
    expect(flag).toMatch(
      /^The first choice \(nivo \+ ipi\) lies beyond the calibration: the combination anti-PD-1 \+ anti-CTLA-4 is in no calibration or label trial of melanoma/,
    );
    expect(flag).toMatch(/Within the calibration, the best-ranked candidate is #3: nivolumab\.$/);
    expect(flagOf([combo])[0]).toMatch(/No candidate lies within the calibration\.$/);
    expect(calibrationEvidenceFlag([nivo], candidateEvidence(undefined, [nivo]))).toEqual([]);
  });
});

describe("each candidate's evidence", () => {
  it("maps candidates with agents to within / beyond and leaves the untreated course out", () => {
    const m = candidateEvidence(shippedVpopFile("melanoma"), [
      { id: "nivo", name: "nivolumab", protocol: protocol("nivolumab") },
      { id: "combo", name: "nivo + ipi", protocol: protocol("nivolumab", "ipilimumab") },
      { id: "none", name: "no treatment", protocol: protocol() },
    ])!;
    expect(m.get("nivo")).toEqual({ extrapolated: false, reasons: [] });
    expect(m.get("combo")?.extrapolated).toBe(true);
    expect(m.has("none")).toBe(false);
    expect(candidateEvidence(undefined, [])).toBeNull();
  });
});
