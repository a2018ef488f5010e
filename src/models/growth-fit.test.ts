import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../clinic/csv.js";
import { fitGrowth, parseErrorModel, summarizeFits, type Series } from "./growth-fit.js";
import { growthModel, growthModels } from "./growth-models.js";

const DATA = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/benzekry2014-llc/LLC_sc_CCSB.csv",
);

function benzekrySeries(): Series[] {
  const by = new Map<string, { t: number[]; y: number[] }>();
  for (const r of parseCsv(readFileSync(DATA, "utf8"))) {
    const s = by.get(r.ID) ?? { t: [], y: [] };
    by.set(r.ID, s);
    s.t.push(Number(r.Time));
    s.y.push(Number(r.Vol));
  }
  return [...by].map(([id, s]) => ({ id, ...s }));
}

/** Benzekry 2014 (Table 3, lung/LLC): medians of the individual fits, V(0) = 1 mm³, error model σ·V^0.84. */
describe("growth-model fits reproduce Benzekry et al. 2014 (lung data, 20 mice)", () => {
  const series = benzekrySeries();
  const errorModel = parseErrorModel("power:0.84");
  const fitAll = (m: string) => series.map((s) => fitGrowth(growthModel(m), s, { errorModel }));
  const rel = (x: number, ref: number) => Math.abs(x - ref) / ref;

  it("Gompertz medians a = 0.743, β = 0.0792 within 2 %", () => {
    const s = summarizeFits(fitAll("gompertz"));
    expect(s.subjects).toBe(20);
    expect(rel(s.parameters.a.median, 0.743)).toBeLessThan(0.02);
    expect(rel(s.parameters.beta.median, 0.0792)).toBeLessThan(0.02);
  });

  it("power-law medians a = 0.921, γ = 0.788 within 2 %", () => {
    const s = summarizeFits(fitAll("power-law"));
    expect(rel(s.parameters.a.median, 0.921)).toBeLessThan(0.02);
    expect(rel(s.parameters.gamma.median, 0.788)).toBeLessThan(0.02);
  });

  it("logistic median a = 0.502 within 2 %; K (published 1297) is 2.2 % lower — documented discrepancy", () => {
    const s = summarizeFits(fitAll("logistic"));
    expect(rel(s.parameters.a.median, 0.502)).toBeLessThan(0.02);
    // K = 1268 is also the independent reproduction recorded in the data set's SOURCE.md; the published 1297
    // comes from a third-party transcription (see docs/fitting.md).
    expect(rel(s.parameters.K.median, 1268)).toBeLessThan(0.005);
    expect(rel(s.parameters.K.median, 1297)).toBeLessThan(0.025);
  });

  it("Gompertz and power law describe the lung data best (lowest mean AIC), as the paper reports", () => {
    const aic = Object.fromEntries(
      ["gompertz", "power-law", "logistic", "exponential"].map((m) => [m, summarizeFits(fitAll(m)).meanAic]),
    );
    const ranked = Object.keys(aic).sort((a, b) => aic[a] - aic[b]);
    expect(ranked.slice(0, 2).sort()).toEqual(["gompertz", "power-law"]);
  });
});

describe("Vaghi et al. 2020: the Gompertz α0–β correlation (lung data)", () => {
  it("individual log-scale fits give α0 ≈ 5.51·β + 0.308 with R² > 0.92 (paper: R² > 0.92 in all groups)", () => {
    const file = path.resolve(
      import.meta.dirname,
      "../../../shared/research/data/vaghi2020-plumky/lung_vol_data.csv",
    );
    const by = new Map<string, { t: number[]; y: number[] }>();
    for (const r of parseCsv(readFileSync(file, "utf8"))) {
      const s = by.get(r.ID) ?? { t: [], y: [] };
      by.set(r.ID, s);
      s.t.push(Number(r.Time));
      s.y.push(Number(r.Observation));
    }
    // dV/dt = (α0 − β·ln(V/Vc))·V with V0 = Vc = 1 at t = 0 is the Gompertz form a·e^(−βt)·V with a = α0
    const fits = [...by].map(([id, s]) =>
      fitGrowth(growthModel("gompertz"), { id, ...s }, { errorModel: parseErrorModel("log") }),
    );
    const x = fits.map((f) => f.parameters.beta.value);
    const y = fits.map((f) => f.parameters.a.value);
    const mx = x.reduce((a, b) => a + b) / x.length;
    const my = y.reduce((a, b) => a + b) / y.length;
    const sxy = x.reduce((a, xi, i) => a + (xi - mx) * (y[i] - my), 0);
    const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
    const syy = y.reduce((a, yi) => a + (yi - my) ** 2, 0);
    const slope = sxy / sxx;
    const r2 = (sxy * sxy) / (sxx * syy);
    expect(fits).toHaveLength(20);
    expect(r2).toBeGreaterThan(0.92);
    // the independent reproduction in the data set's SOURCE.md: slope 5.51, intercept 0.308, R² 0.955
    expect(slope).toBeCloseTo(5.51, 1);
    expect(my - slope * mx).toBeCloseTo(0.308, 1);
    expect(r2).toBeCloseTo(0.955, 2);
  });
});

const LALEH = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/laleh2022-clinical-tgi/tumorgrowthjl_flat_patient_data.csv",
);

describe("Laleh et al. 2022 clinical series (TumorGrowth.jl data, studies 1–3)", () => {
  it("the classic Gompertz solution reproduces the TumorGrowth.jl documentation vector", () => {
    const m = growthModel("gompertz-classic");
    const t = [0.1, 6, 16, 24, 32, 39];
    const expected = [2.261e-4, 1.2407602e-4, 6.47311521e-5, 4.7512686e-5, 3.90748077e-5, 3.49667505e-5];
    t.forEach((ti, i) =>
      expect(m.value([2.792e-5, 0.05731], ti - 0.1, 0.0002261) / expected[i]).toBeCloseTo(1, 8),
    );
  });

  it("fits every model with a free initial volume to each Study 1 patient with ≥ 6 readings", () => {
    const by = new Map<string, { t: number[]; y: number[] }>();
    for (const r of parseCsv(readFileSync(LALEH, "utf8"))) {
      if (r.Study_id !== "1") continue;
      const s = by.get(r.Pt_hashID) ?? { t: [], y: [] };
      by.set(r.Pt_hashID, s);
      s.t.push(Number(r.T_weeks));
      s.y.push(Number(r.Lesion_normvol));
    }
    const series = [...by].map(([id, s]) => ({ id, ...s })).filter((s) => new Set(s.t).size >= 6);
    expect(series.length).toBeGreaterThan(20);
    for (const name of ["exponential", "logistic", "gompertz-classic", "bertalanffy-classic"]) {
      for (const s of series) {
        const f = fitGrowth(growthModel(name), s, {
          fitV0: true,
          errorModel: parseErrorModel("constant"),
          starts: 3,
        });
        expect(Number.isFinite(f.aic)).toBe(true);
        // the fit is at least as good as the constant-volume fit at the first reading
        const flat = s.y.reduce((a, y) => a + (y - s.y[0]) ** 2, 0);
        expect(f.ssr, `${name}, patient ${s.id}`).toBeLessThanOrEqual(flat * (1 + 1e-9));
      }
    }
  });
});

describe("general Gompertz (Laleh 2022)", () => {
  it("is the classic Gompertz at λ = 1: V∞ = exp(δ/γ), ω = γ (numerical solution against the closed form)", () => {
    const general = growthModel("gompertz-general");
    const classic = growthModel("gompertz-classic");
    const [delta, gamma] = [0.6, 0.08];
    for (const t of [0.5, 3, 10, 40, -5])
      expect(
        general.value([delta, gamma, 1], t, 2) / classic.value([Math.exp(delta / gamma), gamma], t, 2),
      ).toBeCloseTo(1, 8);
  });
});

describe("fitting", () => {
  it("recovers the parameters of noise-free series of every model (property)", () => {
    const t = [3, 5, 7, 9, 11, 13, 15, 17, 19];
    const truth: Record<string, number[]> = {
      exponential: [0.35],
      logistic: [0.6, 1500],
      gompertz: [0.8, 0.1],
      "power-law": [0.9, 0.75],
      "von-bertalanffy": [1.2, 0.2, 0.8],
      "gompertz-classic": [2000, 0.15],
      "bertalanffy-classic": [2, 0.15],
      "gompertz-general": [0.8, 0.1, 0.95],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...growthModels().map((m) => m.name)),
        fc.double({ min: 0.8, max: 1.25, noNaN: true }),
        (name, f) => {
          const m = growthModel(name);
          const p = truth[name].map((x, j) => (j === 0 ? x * f : x));
          const fit = fitGrowth(m, { id: "s", t, y: t.map((ti) => m.value(p, ti, 1)) });
          m.parameters.forEach((q, j) => expect(fit.parameters[q].value / p[j]).toBeCloseTo(1, 3));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("is reproducible with a seed and rejects series too short for the model", () => {
    const s = benzekrySeries()[0];
    const a = fitGrowth(growthModel("gompertz"), s, { seed: 5 });
    const b = fitGrowth(growthModel("gompertz"), s, { seed: 5 });
    expect(a).toEqual(b);
    expect(() => fitGrowth(growthModel("von-bertalanffy"), { id: "x", t: [1, 2, 3], y: [1, 2, 3] })).toThrow(
      /3 observations cannot identify 3 parameters/,
    );
    expect(() => growthModel("cubic")).toThrow(/unknown growth model 'cubic'/);
    expect(() => parseErrorModel("power:x")).toThrow(/error model/);
  });
});

describe("general models nest their classic forms (Laleh 2022 patients)", () => {
  const file = path.resolve(
    import.meta.dirname,
    "../../../shared/research/data/laleh2022-clinical-tgi/laleh2022_S6_target_lesion_LD.csv",
  );
  // normalized volume against weeks, as the paper; the first 20 patients with ≥ 6 numeric readings
  const series: Series[] = [];
  const by = new Map<string, { t: number[]; y: number[] }>();
  for (const r of parseCsv(readFileSync(file, "utf8"))) {
    const ld = Number(r.TargetLesionLongDiam_mm);
    if (r.TargetLesionLongDiam_mm.trim() === "" || !Number.isFinite(ld)) continue;
    const key = `${r.PatientID}/${r.StudyArm}`;
    const s = by.get(key) ?? { t: [], y: [] };
    by.set(key, s);
    const d = Number(r.TreatmentDay);
    s.t.push(d <= 0 ? 0.1 : Math.ceil(d / 7));
    s.y.push((0.52 * ld ** 3) / 6163223.04);
  }
  for (const [id, s] of by) if (s.t.length >= 6 && series.length < 20) series.push({ id, ...s });
  const opts = { fitV0: true, errorModel: parseErrorModel("constant"), starts: 2 };

  it("general Gompertz and general Bertalanffy are never worse than classic Gompertz and Bertalanffy", () => {
    for (const [general, classic] of [
      ["gompertz-general", "gompertz-classic"],
      ["von-bertalanffy", "bertalanffy-classic"],
    ])
      for (const s of series) {
        const g = fitGrowth(growthModel(general), s, opts);
        const c = fitGrowth(growthModel(classic), s, opts);
        // relative 1e-9, and 1e-12 of Σy² for a classic fit that is exact (SSR 0)
        const scale = s.y.reduce((a, v) => a + v * v, 0);
        expect(g.ssr, `${general} vs ${classic}, ${s.id}`).toBeLessThanOrEqual(
          c.ssr * (1 + 1e-9) + 1e-12 * scale,
        );
      }
  });

  it("fits as many readings as parameters within the bounds when asked (3 readings, 4 parameters)", () => {
    const s = { ...series[0], t: series[0].t.slice(0, 3), y: series[0].y.slice(0, 3) };
    expect(() => fitGrowth(growthModel("gompertz-general"), s, opts)).toThrow(/cannot identify/);
    const f = fitGrowth(growthModel("gompertz-general"), s, { ...opts, allowUnderdetermined: true });
    expect(f.ssr).toBeLessThan(1e-6 * s.y.reduce((a, v) => a + v * v, 0));
    const m = growthModel("gompertz-general");
    const p = f.parameters;
    for (const [j, name] of m.parameters.entries()) {
      expect(p[name].value).toBeGreaterThanOrEqual(m.lower[j]);
      expect(p[name].value).toBeLessThanOrEqual(m.upper[j]);
    }
  });
});
