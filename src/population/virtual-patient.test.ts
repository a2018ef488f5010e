import { describe, expect, it } from "vitest";
import { simulatePatient } from "./simulate-patient.js";
import {
  sampleVirtualPatient,
  steadyEffectors,
  MAX_IMMUNOGENICITY,
  MODEL_DEFAULTS,
} from "./virtual-patient.js";

const untreated = { name: "untreated", phases: [{ name: "none", start_day: 0, steps: [] }] };

describe("virtual patients", () => {
  it("are reproducible from their seed", () => {
    expect(sampleVirtualPatient("melanoma", 42)).toEqual(sampleVirtualPatient("melanoma", 42));
    expect(sampleVirtualPatient("melanoma", 42)).not.toEqual(sampleVirtualPatient("melanoma", 43));
  });

  it("have measurable target lesions (≥ 10 mm, nodes ≥ 15 mm) and at most 5 of them", () => {
    for (let s = 1; s <= 200; s++) {
      const vp = sampleVirtualPatient("nsclc", s);
      const targets = vp.lesions.filter((l) => l.role === "target");
      expect(targets.length).toBeGreaterThanOrEqual(1);
      expect(targets.length).toBeLessThanOrEqual(5);
      for (const l of targets) expect(l.diameterMm).toBeGreaterThanOrEqual(l.nodal ? 15 : 10);
    }
  });

  it("start untreated with the net growth of their volume doubling time (immune killing at steady state)", () => {
    // the lesion volume (viable + dead cells) over the first 2 days grows at ln 2 / VDT within 5 % (later, the
    // Gompertz law slows it)
    for (const seed of [3, 7, 11, 19]) {
      const vp = sampleVirtualPatient("melanoma", seed);
      const c = simulatePatient(vp, untreated, [0, 2]);
      const rate = Math.log(c.volumeS[1] / c.volumeS[0]) / 2;
      expect(rate / (Math.LN2 / vp.covariates.vdt_days)).toBeGreaterThan(0.95);
      expect(rate / (Math.LN2 / vp.covariates.vdt_days)).toBeLessThan(1.05);
    }
  });

  it("have effectors at their quasi-steady state and immunogenicity within its bound", () => {
    for (let s = 1; s <= 50; s++) {
      const vp = sampleVirtualPatient("melanoma", s);
      expect(vp.parameters.imm).toBeLessThanOrEqual(MAX_IMMUNOGENICITY * 1.0001);
      expect(vp.fImm).toBeGreaterThanOrEqual(0);
      expect(vp.fImm).toBeLessThanOrEqual(0.8);
      const cells = vp.lesions.reduce((a, l) => a + vp.parameters.rho * (Math.PI / 6) * l.diameterMm ** 3, 0);
      const e = steadyEffectors(cells * (1 - vp.deadFraction), vp.parameters);
      expect(vp.e0 / e).toBeCloseTo(1, 6);
      // the quasi-steady state as its definition states it: prime = (dE + exhaustion)·E
      const n = cells * (1 - vp.deadFraction);
      const p = vp.parameters;
      const prime = MODEL_DEFAULTS.prime0 * p.imm * (1 / (1 + p.supp)) * (n / (n + MODEL_DEFAULTS.K_ag));
      const loss = (MODEL_DEFAULTS.dE + (p.kex * p.beta_pd1 * n) / (n + e + 1)) * e;
      expect(loss / prime).toBeCloseTo(1, 12);
    }
  });
});

describe("chemotherapy sensitivity by mechanism class", () => {
  const course = (agent: string, value: number, unit: string) => ({
    name: agent,
    phases: [
      {
        name: "treatment",
        start_day: 0,
        steps: [{ agent, dose: { value, unit }, route: "iv", days: { every: 21, count: 4 } }],
      },
    ],
  });
  const burden = (vp: ReturnType<typeof sampleVirtualPatient>, p: ReturnType<typeof course>) => {
    const c = simulatePatient(vp, p as Parameters<typeof simulatePatient>[1], [0, 84]);
    return c.volumeS[1] + c.volumeL[1];
  };

  it("is log-normal around kc with mean 1 and the prior's SD, independent between classes", () => {
    const n = 2000;
    const logs: number[][] = [[], []];
    let mean = 0;
    for (let s = 1; s <= n; s++) {
      const f = sampleVirtualPatient("nsclc", s).chemoSensitivity!;
      logs[0].push(Math.log(f.platinum));
      logs[1].push(Math.log(f.taxane));
      mean += f.platinum / n;
    }
    const m = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const sd = (x: number[]) => Math.sqrt(m(x.map((v) => (v - m(x)) ** 2)));
    const corr =
      m(logs[0].map((v, i) => (v - m(logs[0])) * (logs[1][i] - m(logs[1])))) / sd(logs[0]) / sd(logs[1]);
    // SD 0.7 (catalog/vpop-priors.yaml): the sample SD of 2,000 draws within ±0.05, the mean within ±0.05
    expect(sd(logs[0])).toBeGreaterThan(0.65);
    expect(sd(logs[0])).toBeLessThan(0.75);
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(corr)).toBeLessThan(0.06);
  });

  it("acts through the drug's class: carboplatin and cisplatin share it, docetaxel has its own", () => {
    const vp = sampleVirtualPatient("nsclc", 5);
    const weak = { ...vp, chemoSensitivity: { ...vp.chemoSensitivity!, platinum: 0.01, taxane: 3 } };
    const strong = { ...vp, chemoSensitivity: { ...vp.chemoSensitivity!, platinum: 3, taxane: 0.01 } };
    const carbo = course("carboplatin", 5, "AUC");
    const cis = course("cisplatin", 75, "mg/m2");
    const doce = course("docetaxel", 75, "mg/m2");
    expect(burden(weak, carbo)).toBeGreaterThan(burden(strong, carbo) * 1.5);
    expect(burden(weak, cis)).toBeGreaterThan(burden(strong, cis) * 1.5);
    expect(burden(weak, doce)).toBeLessThan(burden(strong, doce) / 1.5);
  });
});
