import { describe, expect, it } from "vitest";
import {
  EXPLORER_DRAWS,
  ExplorerInputError,
  exploreClinicalPatient,
  explorerArms,
  explorerPopulation,
  explorerSamples,
} from "./explore-clinical.js";

// prostate cancer: the smallest shipped population (1,000 virtual patients)
const cancer = "prostate-cancer" as const;

describe("the model explorer on the calibrated clinical model", () => {
  it("offers no treatment and every arm of the cancer type's trial files, with their published figures", () => {
    const arms = explorerArms(cancer);
    expect(arms[0].id).toBe("untreated");
    const sip = arms.find((a) => a.id === "impact-sipuleucel-t/sipuleucel-T");
    expect(sip?.trial).toMatch(/IMPACT/);
    expect(sip?.published.length).toBeGreaterThan(0);
    expect(arms.every((a) => !/melanoma|KEYNOTE|OPTiM/i.test(a.label))).toBe(true);
    const pop = explorerPopulation(cancer);
    expect(pop.patients).toBe(1000);
    expect(pop.draws).toBe(EXPLORER_DRAWS);
    expect(pop.trials.length).toBeGreaterThan(0);
  }, 60_000);

  it("grows an untreated virtual patient at its own volume doubling time (within 10 % over the first week)", () => {
    for (const draw of [0, 7, 42]) {
      const r = exploreClinicalPatient({ cancer, arm: "untreated", draw, overrides: {}, horizonDays: 28 });
      const viable = (i: number) =>
        r.states.filter((s) => /^[SRQ][sl]$/.test(s.name)).reduce((sum, s) => sum + s.values[i], 0);
      const rate = Math.log(viable(7) / viable(0)) / 7;
      expect(rate).toBeGreaterThan(0);
      // the baseline sets the net growth from the doubling time (virtual-patient.ts); Gompertz slows it a little
      expect(rate / (Math.LN2 / r.patient.covariates.vdt_days)).toBeGreaterThan(0.9);
      expect(rate / (Math.LN2 / r.patient.covariates.vdt_days)).toBeLessThan(1.1);
      // the sum of diameters is the target lesions' sum, and it grows too
      const targets = r.patient.lesions.map((l, k) => (l.role === "target" ? k : -1)).filter((k) => k >= 0);
      expect(r.sldMm[0]).toBeCloseTo(
        targets.reduce((s, k) => s + r.lesionMm[k][0], 0),
        9,
      );
      expect(r.sldMm[0]).toBeCloseTo(r.patient.covariates.sld_mm, 6);
      expect(r.sldMm[28]).toBeGreaterThan(r.sldMm[0]);
    }
  }, 60_000);

  it("a parameter changed acts in the direction of its meaning: a faster-growing tumour is larger", () => {
    const own = exploreClinicalPatient({ cancer, arm: "untreated", draw: 3, overrides: {}, horizonDays: 90 });
    const kg = own.parameters.find((p) => p.name === "kg")!;
    expect(kg.perPatient).toBe(true);
    expect(kg.population!.p5).toBeLessThan(kg.population!.p95);
    const faster = exploreClinicalPatient({
      cancer,
      arm: "untreated",
      draw: 3,
      overrides: { kg: Math.min(kg.value * 2, kg.range![1]) },
      horizonDays: 90,
    });
    expect(faster.parameters.find((p) => p.name === "kg")!.changed).toBe(true);
    expect(faster.sldMm[90]).toBeGreaterThan(own.sldMm[90]);
    expect(faster.notes.join(" ")).toMatch(/act from day 0/);
  }, 60_000);

  it("names the field of a bad request", () => {
    const base = { cancer, arm: "untreated", draw: 0, overrides: {}, horizonDays: 30 };
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ExplorerInputError);
        return (e as ExplorerInputError).field;
      }
      return null;
    };
    expect(field(() => exploreClinicalPatient({ ...base, arm: "no-such-trial/arm" }))).toBe("arm");
    expect(field(() => exploreClinicalPatient({ ...base, draw: EXPLORER_DRAWS }))).toBe("draw");
    expect(field(() => exploreClinicalPatient({ ...base, draw: 1.5 }))).toBe("draw");
    expect(field(() => exploreClinicalPatient({ ...base, horizonDays: 10_000 }))).toBe("horizonDays");
    expect(field(() => exploreClinicalPatient({ ...base, overrides: { nope: 1 } }))).toBe("overrides.nope");
    expect(field(() => exploreClinicalPatient({ ...base, overrides: { kg: Number.NaN } }))).toBe(
      "overrides.kg",
    );
    expect(field(() => exploreClinicalPatient({ ...base, overrides: { kg: 1e9 } }))).toBe("overrides.kg");
    expect(field(() => exploreClinicalPatient({ ...base, cancer: "glioma" as never }))).toBe("cancer");
  }, 60_000);

  it("draws the same virtual patients on every call (seeded), at their baselines", () => {
    const a = explorerSamples(cancer);
    const b = explorerSamples(cancer);
    expect(a.map((s) => s.vp.id)).toEqual(b.map((s) => s.vp.id));
    expect(a).toHaveLength(EXPLORER_DRAWS);
    for (const s of a.slice(0, 10)) {
      expect(s.start.r).toBe(s.vp.r0);
      expect(s.start.others.E).toBe(s.vp.e0);
    }
  }, 60_000);
});
