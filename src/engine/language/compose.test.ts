import { describe, expect, it } from "vitest";
import { solve } from "../solve.js";
import { compileModel, ModelError } from "./index.js";

const MODEL = `name: host
states:
  T: { initial: 1e6, unit: cell, nonnegative: true }
  E: { initial: 1e3, unit: cell }
parameters:
  a: { value: 0.2, unit: 1/day, source: x }
  k: { value: 1e-7, unit: 1/(cell.day), source: x }
  dE: { value: 0.1, unit: 1/day, source: x }
assignments:
  kill: k*E*T
equations:
  T: a*T - kill
  E: 100 - dE*E
observations:
  volume: { expr: T/1e6, unit: mm3, description: tumor volume, source: "[K] 1e6 cells per mm3" }
variants:
  fast: { description: fast tumor, source: x, parameters: { a: 0.5 }, initial: { T: 2e6 } }
modules:
  drug:
    description: an antibody that raises killing
    states:
      A: { initial: 0, unit: mg/L, nonnegative: true }
    parameters:
      kA: { value: 0.3, unit: 1/day, source: x }
      emax: { value: 4, unit: "1", source: x }
      EC50: { value: 10, unit: mg/L, source: x }
    assignments:
      boost: 1 + emax*A/(EC50 + A)
    equations:
      A: -kA*A
    scale:
      kill: boost
  exhaustion:
    requires: [drug]
    parameters:
      x: { value: 0.01, unit: 1/day, source: x }
    terms:
      E: -x*E
`;

describe("modules, variants and observations", () => {
  it("modules that are off leave the backbone identical bit for bit", () => {
    const plain = compileModel(MODEL.slice(0, MODEL.indexOf("modules:")), "a.yaml").model;
    const withModules = compileModel(MODEL, "b.yaml").model;
    expect(withModules.source).toBe(plain.source);
    const a = solve(plain.problem({ tEnd: 50 }), { nOut: 51 });
    const b = solve(withModules.problem({ tEnd: 50 }), { nOut: 51 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });

  it("a module adds states and parameters and scales an assignment", () => {
    const { model } = compileModel(MODEL, "m.yaml", { modules: ["drug"] });
    expect(model.stateNames).toEqual(["T", "E", "A"]);
    expect(model.parameterNames).toEqual(["a", "k", "dE", "kA", "emax", "EC50"]);
    const sys = model.system();
    const dy = new Float64Array(3);
    const y = Float64Array.from([1e6, 1e3, 10]);
    sys.rhs(0, y, dy);
    const kill = 1e-7 * 1e3 * 1e6 * (1 + (4 * 10) / 20);
    expect(dy[0]).toBeCloseTo(0.2 * 1e6 - kill, 6);
    expect(dy[2]).toBeCloseTo(-3, 12);
    // the Jacobian includes the new coupling d(dT/dt)/dA
    const J = new Float64Array(9);
    sys.jacobian!(0, y, J);
    const dBoost = (4 * 10) / (20 * 20);
    expect(J[2]).toBeCloseTo(-1e-7 * 1e3 * 1e6 * dBoost, 6);
  });

  it("required modules come along; terms add to equations", () => {
    const { model } = compileModel(MODEL, "m.yaml", { modules: ["exhaustion"] });
    expect(model.spec.activeModules).toEqual(["drug", "exhaustion"]);
    const dy = new Float64Array(3);
    model.system().rhs(0, Float64Array.from([1e6, 1e3, 0]), dy);
    expect(dy[1]).toBeCloseTo(100 - 0.1 * 1e3 - 0.01 * 1e3, 10);
  });

  it("unknown modules are an error that lists the model's modules", () => {
    expect(() => compileModel(MODEL, "m.yaml", { modules: ["virus"] })).toThrow(
      /unknown module 'virus'.*drug, exhaustion/,
    );
  });

  it("module errors name the module field", () => {
    const bad = MODEL.replace("kill: boost", "killing: boost").replace("E: -x*E", "Q: -x*E");
    try {
      compileModel(bad, "m.yaml");
      expect.unreachable();
    } catch (e) {
      const msgs = (e as ModelError).issues.map((i) => `${i.path}: ${i.message}`).join("\n");
      expect(msgs).toMatch(/modules\.drug\.scale\.killing: 'killing' is not an assignment/);
      expect(msgs).toMatch(/modules\.exhaustion\.terms\.Q: term for unknown state 'Q'/);
    }
  });

  it("variants change parameters and initial values", () => {
    const { model } = compileModel(MODEL, "m.yaml");
    const v = model.variant("fast");
    expect(v.parameters[0]).toBe(0.5);
    expect(v.y0[0]).toBe(2e6);
    expect(() => model.variant("slow")).toThrow(/unknown variant 'slow'.*fast/);
  });

  it("observations are computed from the states", () => {
    const { model } = compileModel(MODEL, "m.yaml");
    const sol = solve(model.problem({ tEnd: 10 }), { nOut: 3 });
    const [volume] = model.observe(sol.times, sol.values);
    for (let i = 0; i < 3; i++) expect(volume[i]).toBeCloseTo(sol.values[i * 2] / 1e6, 12);
    expect(model.tumorIndex).toBe(0);
  });
});
