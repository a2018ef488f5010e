import { describe, expect, it } from "vitest";
import { solve } from "../engine/index.js";
import { loadModelByName } from "../models/catalog.js";
import { calvertDoseMg } from "./dose-amount.js";
import { CLINICAL_MODEL, compileClinical, SC_IL2_BIOAVAILABILITY } from "./compile-clinical.js";
import type { Protocol } from "./protocol-schema.js";

const patient = { id: "p", weight_kg: 80, height_cm: 175, gfr_ml_min: 100 };
const one = (
  agent: string,
  value: number,
  unit: string,
  days: Protocol["phases"][0]["steps"][0]["days"],
  route = "iv",
): Protocol => ({
  name: agent,
  phases: [
    { name: "t", start_day: 0, steps: [{ agent, dose: { value, unit: unit as never }, route, days }] },
  ],
});

/** Plasma concentration (mg/L) of a PD-1 axis or CTLA-4 antibody over time, from the compiled protocol. */
function concentrations(p: Protocol, times: number[], module: "pd1" | "ctla4") {
  const inputs = compileClinical(p, patient);
  const { model } = loadModelByName(CLINICAL_MODEL, { modules: [module] });
  const par = model.defaultParameters();
  for (const [k, v] of Object.entries(inputs.set)) par[model.parameterIndex(k)] = v;
  const sol = solve(model.problem({ tEnd: times[times.length - 1], parameters: par, doses: inputs.doses }), {
    times,
    rtol: 1e-8,
    atol: 1e-10,
  });
  const c = model.stateIndex(module === "pd1" ? "P1" : "C1");
  const v1 = par[model.parameterIndex(module === "pd1" ? "V1_p" : "V1_c")];
  return Array.from(sol.times, (_, i) => sol.values[i * model.dimension + c] / v1);
}

describe("protocols compiled for the clinical model", () => {
  it("give antibodies in mg with the label population PK scaled to the patient's weight", () => {
    const inputs = compileClinical(one("pembrolizumab", 200, "mg", [0]), { ...patient, weight_kg: 76.8 });
    expect(inputs.modules).toEqual(["pd1"]);
    expect(inputs.doses).toEqual([
      { kind: "bolus", state: "P1", amount: 200, at: 0, label: "pembrolizumab" },
    ]);
    // Ahamadi 2017 at the reference weight
    expect(inputs.set.CL_p).toBeCloseTo(0.22, 10);
    expect(inputs.set.V1_p).toBeCloseTo(3.48, 10);
  });

  it("reproduce the terminal half-life of pembrolizumab derived from its population PK (25.8 days, clinical-model.md §2.1) within 5 %", () => {
    const c = concentrations(one("pembrolizumab", 200, "mg", [0]), [0, 80, 140], "pd1");
    const half = (Math.LN2 * 60) / Math.log(c[1] / c[2]);
    expect(half / 25.8).toBeGreaterThan(0.95);
    expect(half / 25.8).toBeLessThan(1.05);
  });

  it("occupy 95 % of tumour PD-1 at the steady-state trough of pembrolizumab 2 mg/kg every 3 weeks (Elassaiss-Schaap 2017), about 99 % at 10 mg/kg", () => {
    const { model } = loadModelByName(CLINICAL_MODEL, { modules: ["pd1"] });
    const ec50 = model.defaultParameters()[model.parameterIndex("EC50_p")];
    const occupancy = (mgPerKg: number) => {
      const c = concentrations(
        one("pembrolizumab", mgPerKg, "mg/kg", { every: 21, count: 30 }),
        [0, 608.999],
        "pd1",
      );
      return c[1] / (ec50 + c[1]);
    };
    expect(occupancy(2)).toBeGreaterThan(0.945);
    expect(occupancy(2)).toBeLessThan(0.965);
    expect(occupancy(10)).toBeGreaterThan(0.985);
  });

  it("reproduce the ipilimumab label trough: Cmin 19.4 µg/mL at steady state of 3 mg/kg every 3 weeks, within 30 %", () => {
    // the label's figure is a population mean; the trough before dose 4 (day 63) is close to steady state
    const c = concentrations(one("ipilimumab", 3, "mg/kg", { every: 21, count: 4 }), [0, 62.999], "ctla4");
    expect(c[1] / 19.4).toBeGreaterThan(0.7);
    expect(c[1] / 19.4).toBeLessThan(1.3);
  });

  it("dose carboplatin by AUC with the Calvert formula (GFR capped at 125 mL/min) as exposure equivalents", () => {
    expect(calvertDoseMg(5, 100)).toBe(625);
    expect(calvertDoseMg(5, 200)).toBe(750);
    const inputs = compileClinical(one("carboplatin", 6, "AUC", [0]), patient);
    expect(inputs.modules).toEqual(["chemo"]);
    // AUC 6 against the reference AUC 5 of the catalog: 1.2 label-dose equivalents
    expect(inputs.doses[0]).toMatchObject({ state: "M", amount: 1.2 });
  });

  it("convert lymphodepletion doses in mg/kg against a reference in mg/m² through the patient's body size", () => {
    const inputs = compileClinical(one("cyclophosphamide", 60, "mg/kg", [0]), patient);
    const bsa = Math.sqrt((175 * 80) / 3600);
    expect(inputs.doses[0]).toMatchObject({ state: "LD" });
    expect((inputs.doses[0] as { amount: number }).amount).toBeCloseTo((60 * 80) / (500 * bsa), 10);
  });

  it("give IL-2 as a plasma concentration, SC doses at 30 % bioavailability", () => {
    const iv = compileClinical(one("aldesleukin", 600000, "IU/kg", [0]), patient).doses[0] as {
      amount: number;
    };
    expect(iv.amount).toBeCloseTo((600000 * 80) / 3, 6);
    const sc = compileClinical(one("aldesleukin", 9e6, "IU", [0], "sc"), patient).doses[0] as {
      amount: number;
    };
    expect(sc.amount).toBeCloseTo((SC_IL2_BIOAVAILABILITY * 9e6) / 3, 6);
  });

  it("mark intratumoral virus as a local treatment and name agents the model does not represent", () => {
    const virus = compileClinical(one("talimogene-laherparepvec", 4e8, "PFU", [0], "intratumoral"), patient);
    expect(virus.local).toEqual(["injection"]);
    const none = compileClinical(one("blinatumomab", 28, "ug", [0]), patient);
    expect(none.doses).toEqual([]);
    expect(none.notes.join(" ")).toMatch(/not represented/);
  });
});
