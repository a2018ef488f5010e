// The Immunoplan core model: the backbone is de Pillis 2006 exactly, modules compose, and each module and each
// named failure reason acts in the direction its mechanism says. These are model-behaviour tests (the
// published results of the source models are in src/validation/).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { solve, type OdeSolution } from "../engine/index.js";
import { compileModel, parseDoses, readModelSource, type DoseSpec } from "../engine/language/index.js";
import { loadModelByName, resolveDosePath, resolveModelPath } from "./catalog.js";

const chemoTil = (stateNames: readonly string[]) =>
  parseDoses(readModelSource(resolveDosePath("depillis2006-chemo-til")), "chemo-til", stateNames);

function run(
  modules: string[],
  doses: DoseSpec[],
  opts: {
    init?: Record<string, number>;
    set?: Record<string, number>;
    tEnd?: number;
    withChemoTil?: boolean;
  } = {},
): OdeSolution {
  const { model } = loadModelByName("immunoplan-core", { modules });
  const p = model.defaultParameters();
  const y0 = model.defaultInitialState();
  for (const [k, v] of Object.entries(opts.init ?? {})) y0[model.stateIndex(k)] = v;
  for (const [k, v] of Object.entries(opts.set ?? {})) p[model.parameterIndex(k)] = v;
  const all = opts.withChemoTil ? [...chemoTil(model.stateNames), ...doses] : doses;
  return solve(model.problem({ tEnd: opts.tEnd ?? 100, parameters: p, y0, doses: all }), { nOut: 1001 });
}

const bolus = (state: string, amount: number, at: number, every?: number, count?: number): DoseSpec =>
  every ? { kind: "bolus", state, amount, at, every, count } : { kind: "bolus", state, amount, at };
const eliminatedAt = (s: OdeSolution) => s.events.find((e) => e.name === "eliminated")?.t ?? Infinity;
const Tat = (s: OdeSolution, t: number) => s.values[Math.round(t * 10) * s.dimension];

describe("immunoplan-core", () => {
  it("with every module off it is de Pillis 2006 (patient 9), bit for bit", () => {
    const core = loadModelByName("immunoplan-core").model;
    const dp = loadModelByName("depillis2006").model;
    const a = solve(core.problem({ tEnd: 100, doses: chemoTil(core.stateNames) }), { nOut: 1001 });
    const b = solve(dp.problem({ tEnd: 100, doses: chemoTil(dp.stateNames) }), { nOut: 1001 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it("the modules section alone changes nothing: the same generated code without it", () => {
    const text = readFileSync(resolveModelPath("immunoplan-core"), "utf8");
    const withoutModules = text.slice(0, text.indexOf("\nmodules:\n"));
    expect(compileModel(text, "core.yaml").model.source).toBe(
      compileModel(withoutModules, "core.yaml").model.source,
    );
  });

  it("every module compiles alone and all together", () => {
    const { model } = loadModelByName("immunoplan-core");
    const names = model.spec.modules.map((m) => m.name);
    expect(names).toEqual([
      "il2_endogenous",
      "checkpoint",
      "virus",
      "nk_transfer",
      "adcc",
      "car_t",
      "vaccine",
      "tregs",
      "mdsc",
    ]);
    for (const n of names) expect(() => loadModelByName("immunoplan-core", { modules: [n] })).not.toThrow();
    const all = loadModelByName("immunoplan-core", { modules: names }).model;
    const sol = solve(all.problem({ tEnd: 30 }), { nOut: 31 });
    expect(sol.values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  describe("the three reasons the immune system fails", () => {
    const T0 = { T: 1e6 };
    const base = eliminatedAt(run([], [], { init: T0, withChemoTil: true, tEnd: 150 }));
    it("weak immunogenicity (antigenicity < 1) delays elimination", () => {
      expect(
        eliminatedAt(run([], [], { init: T0, set: { antigenicity: 0.5 }, withChemoTil: true, tEnd: 150 })),
      ).toBeGreaterThan(base);
    });
    it("active immunosuppression delays elimination, and strong suppression prevents it", () => {
      expect(
        eliminatedAt(run([], [], { init: T0, set: { suppression: 0.5 }, withChemoTil: true, tEnd: 150 })),
      ).toBeGreaterThan(base);
      expect(
        eliminatedAt(run([], [], { init: T0, set: { suppression: 0.9 }, withChemoTil: true, tEnd: 150 })),
      ).toBe(Infinity);
    });
    it("tolerance turns elimination into escape", () => {
      expect(base).toBeLessThan(20);
      expect(
        eliminatedAt(run([], [], { init: T0, set: { tolerance: 3 }, withChemoTil: true, tEnd: 150 })),
      ).toBe(Infinity);
    });
  });

  it("checkpoint: an antibody every 3 weeks rescues a tolerant tumor that escapes chemo + TIL + IL-2", () => {
    const opts = { init: { T: 3e6 }, set: { tolerance: 3 }, withChemoTil: true, tEnd: 150 };
    expect(eliminatedAt(run(["checkpoint"], [], opts))).toBe(Infinity);
    expect(eliminatedAt(run(["checkpoint"], [bolus("Aicb", 60, 0, 21, 5)], opts))).toBeLessThan(60);
  });

  it("oncolytic virus: infection lowers the tumor, and early CD8+ activation clears infected cells first", () => {
    const none = run(["virus"], [], { init: { T: 1e7 }, tEnd: 40 });
    const virus = run(["virus"], [bolus("V", 1e3, 0)], { init: { T: 1e7 }, tEnd: 40 });
    expect(Tat(virus, 20)).toBeLessThan(Tat(none, 20));
    // virus produced over 20 days, with and without a TIL infusion of 1e9 CD8+ cells on day 0
    const vIndex = 7;
    const auc = (s: OdeSolution) => {
      let a = 0;
      for (let i = 0; i <= 200; i++) a += s.values[i * s.dimension + vIndex] * 0.1;
      return a;
    };
    const early = run(["virus"], [bolus("V", 1e3, 0), bolus("L", 1e9, 0)], { init: { T: 1e7 }, tEnd: 40 });
    expect(auc(early)).toBeLessThan(0.8 * auc(virus));
  });

  it("NK transfer works at minimal residual disease; rejected allogeneic cells act later", () => {
    const doses = [bolus("Nd", 7e10, 0, 7, 4)]; // 1e9 cells/kg for 70 kg, weekly × 4
    const opts = { init: { T: 1e6 }, tEnd: 60 };
    expect(eliminatedAt(run(["nk_transfer"], [], opts))).toBe(Infinity);
    const auto = eliminatedAt(run(["nk_transfer"], doses, opts));
    const allo = eliminatedAt(run(["nk_transfer"], doses, { ...opts, set: { k_rej: 0.5 } }));
    expect(auto).toBeLessThan(allo);
    expect(allo).toBeLessThan(30);
    // the same cells cannot clear a tenfold larger burden: tumor cells inactivate NK cells (p·N·T)
    expect(eliminatedAt(run(["nk_transfer"], doses, { init: { T: 1e7 }, tEnd: 60 }))).toBe(Infinity);
  });

  it("ADCC: an antibody aims the NK cells, and clears the burden they alone cannot", () => {
    const nk = [bolus("Nd", 7e10, 0, 7, 4)];
    const opts = { init: { T: 1e7 }, tEnd: 60 };
    expect(eliminatedAt(run(["adcc"], nk, opts))).toBe(Infinity);
    expect(eliminatedAt(run(["adcc"], [...nk, bolus("Amab", 100, 0, 7, 4)], opts))).toBeLessThan(30);
  });

  it("CAR-T: an infusion eliminates a tumor that escapes without it", () => {
    expect(eliminatedAt(run(["car_t"], [], { init: { T: 1e7 } }))).toBe(Infinity);
    expect(eliminatedAt(run(["car_t"], [bolus("CT", 1e8, 1)], { init: { T: 1e7 } }))).toBeLessThan(30);
  });

  it("vaccine: dendritic cells activate CD8+ cells", () => {
    const none = run(["vaccine"], [], { init: { T: 1e6 }, tEnd: 30 });
    const vac = run(["vaccine"], [bolus("Vac", 1e8, 0, 14, 2)], { init: { T: 1e6 }, tEnd: 30 });
    expect(vac.values[200 * vac.dimension + 2]).toBeGreaterThan(2 * none.values[200 * none.dimension + 2]);
    expect(Tat(vac, 25)).toBeLessThan(Tat(none, 25));
  });

  it("regulatory T cells and MDSC delay elimination by a strong immune system", () => {
    const strong = { T: 1e6, N: 1e5, L: 1e2, C: 6e10 };
    const base = eliminatedAt(run([], [], { init: strong }));
    expect(eliminatedAt(run(["tregs"], [], { init: { ...strong, Rt: 7.3e8 } }))).toBeGreaterThan(base);
    expect(eliminatedAt(run(["mdsc"], [], { init: strong }))).toBeGreaterThan(base);
  });

  it("endogenous IL-2 appears without IL-2 doses", () => {
    const sol = run(["il2_endogenous"], [], { tEnd: 10 });
    expect(sol.final[5]).toBeGreaterThan(1);
  });

  it("observations: volume, diameter, RECIST sum of diameters and PSA", () => {
    const { model } = loadModelByName("immunoplan-core");
    const y = Float64Array.from([5.236e8, 0, 0, 0, 0, 0]);
    const [volume, diameter, sld, psa] = model.observe([0], y);
    expect(model.observationNames).toEqual(["volume", "diameter", "sld", "psa"]);
    expect(volume[0]).toBeCloseTo(523.6, 9);
    expect(diameter[0]).toBeCloseTo(10, 3); // a 10 mm sphere holds 523.6 mm³
    expect(sld[0]).toBeCloseTo(10, 3);
    expect(psa[0]).toBeCloseTo(3.5 * 0.5236, 9); // 0.5236 cm³ at 3.5 ng/mL per cm³
    // the same burden in 8 equal lesions: each of diameter 5 mm, sum 40 mm
    const p = model.defaultParameters();
    p[model.parameterIndex("lesions")] = 8;
    expect(model.observe([0], y, p)[2][0]).toBeCloseTo(40, 3);
  });
});
