import { describe, expect, it } from "vitest";
import { solve } from "../engine/solve.js";
import { loadModelByName } from "../models/catalog.js";
import { melanomaCase, scans } from "../test-support/planning-case.js";
import { CORE_MODEL } from "../therapy/simulate-protocol.js";
import { PersonalizationError, personalizeCase, tumorSeries } from "./personalize.js";

/** Sums of diameters of the untreated core model (3 lesions) with known growth, capacity and first burden. */
function syntheticSld(a: number, K: number, T1: number, days: number[]): number[] {
  const { model } = loadModelByName(CORE_MODEL);
  const p = model.defaultParameters();
  p[model.parameterIndex("a")] = a;
  p[model.parameterIndex("b")] = 1 / K;
  p[model.parameterIndex("lesions")] = 3;
  const y0 = new Float64Array(model.dimension);
  y0[model.stateIndex("T")] = T1;
  y0[model.stateIndex("N")] = 1e5;
  y0[model.stateIndex("L")] = 1e2;
  y0[model.stateIndex("C")] = 6e10;
  const sol = solve(model.problem({ tEnd: days.at(-1)!, parameters: p, y0, events: false }), {
    times: days,
    rtol: 1e-10,
    atol: 1e-8,
  });
  return Array.from(model.observe(sol.times, sol.values, p)[model.observationNames.indexOf("sld")]);
}

describe("tumorSeries", () => {
  it("sums the target lesions of each scan, oldest first, in days from the start", () => {
    const c = melanomaCase();
    const s = tumorSeries(c, "2026-11-24");
    expect(s.map((o) => o.sldMm)).toEqual([48, 54, 61, 65]);
    expect(s.map((o) => o.day)).toEqual([-133, -84, -35, -11]);
    expect(s.every((o) => o.targets === 3)).toBe(true);
  });
});

describe("personalizeCase", () => {
  it("recovers the growth rate and the burden of a synthetic patient within the posterior interval", () => {
    const truth = { a: 0.012, K: 1e12, T1: 5e9 };
    const dates = ["2026-07-14", "2026-09-01", "2026-10-20", "2026-11-13"];
    const sld = syntheticSld(truth.a, truth.K, truth.T1, [0, 49, 98, 122]);
    const c = melanomaCase((raw) => (raw.imaging = scans(dates, sld)));
    const p = personalizeCase(c, { startDate: "2026-11-24", warmup: 600, draws: 600, samples: 50 });
    const a = p.posterior.find((x) => x.name === "a")!;
    // noise-free data, measurement sd 10 %: the posterior median is within 15 % and covers the truth
    expect(Math.abs(a.median / truth.a - 1)).toBeLessThan(0.15);
    expect(a.lower95).toBeLessThan(truth.a);
    expect(a.upper95).toBeGreaterThan(truth.a);
    const t1 = p.posterior.find((x) => x.name.startsWith("T at"))!;
    expect(Math.abs(t1.median / truth.T1 - 1)).toBeLessThan(0.15);
    // the burden on the start day (11 days after the last scan) agrees with the true model's
    const [, atStart] = syntheticSld(truth.a, truth.K, truth.T1, [0, 133]);
    const cells = 3 * 1e6 * (Math.PI / 6) * (atStart / 3) ** 3;
    expect(Math.abs(p.burdenAtStart.median / cells - 1)).toBeLessThan(0.15);
    expect(p.samples).toHaveLength(50);
    // the prior-only parameters keep their priors' ranges; eta_v comes from the module priors
    for (const s of p.samples) {
      expect(s.set.suppression).toBeGreaterThanOrEqual(0);
      expect(s.set.suppression).toBeLessThanOrEqual(0.5);
      expect(s.set.eta_v).toBeGreaterThanOrEqual(0.5);
      expect(s.initial.T).toBeGreaterThan(0);
    }
    expect(p.posterior.filter((x) => x.informedByData).every((x) => x.rhat < 1.2)).toBe(true);
  });

  it("is reproducible with the same seed", () => {
    const c = melanomaCase();
    const o = { startDate: "2026-11-24", warmup: 100, draws: 100, samples: 5, seed: 7 };
    expect(personalizeCase(c, o).samples).toEqual(personalizeCase(c, o).samples);
  });

  it("uses only the scans after the last treatment", () => {
    const c = melanomaCase((raw) => {
      (raw.treatments as { end: string }[])[0].end = "2026-09-15";
    });
    const p = personalizeCase(c, { startDate: "2026-11-24", warmup: 100, draws: 100, samples: 5 });
    expect(p.observations.map((o) => o.date)).toEqual(["2026-10-20", "2026-11-13"]);
    expect(p.excluded.map((x) => x.date)).toEqual(["2026-07-14", "2026-09-01"]);
  });

  it("names the missing record when the case cannot be personalized", () => {
    expect(() =>
      personalizeCase(
        melanomaCase((raw) => (raw.imaging = [])),
        { startDate: "2026-11-24" },
      ),
    ).toThrow(PersonalizationError);
    expect(() =>
      personalizeCase(
        melanomaCase((raw) => (raw.imaging = [])),
        { startDate: "2026-11-24" },
      ),
    ).toThrow(/^imaging: no scan with measured target lesions/);
    expect(() =>
      personalizeCase(
        melanomaCase((raw) => (raw.weights = [])),
        { startDate: "2026-11-24" },
      ),
    ).toThrow(/^weights: no body weight/);
  });
});
