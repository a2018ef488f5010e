import { describe, expect, it } from "vitest";
import { parseDoses, readModelSource } from "../engine/language/index.js";
import { loadModelByName, resolveDosePath } from "./catalog.js";
import { parseSweepSpec, runSweep, sweepValues } from "./sweep.js";

const { model } = loadModelByName("depillis2006");
const doses = parseDoses(
  readModelSource(resolveDosePath("depillis2006-chemo-til")),
  "chemo-til",
  model.stateNames,
);
const base = {
  model,
  parameters: model.defaultParameters(),
  y0: model.defaultInitialState(),
  doses,
  tEnd: 150,
  events: true,
  solveOptions: { method: "auto" as const, rtol: 1e-6, atol: 1e-6, maxSteps: 1e6 },
};

describe("sweeps: burden and timing", () => {
  it("the same chemo + TIL + IL-2 course clears small burdens and fails on large ones", () => {
    const spec = parseSweepSpec("init.T=1e4..1e9", model, doses);
    const { values, log } = sweepValues(spec.from, spec.to, 6);
    expect(log).toBe(true);
    expect(values.map((v) => +v.toPrecision(6))).toEqual([1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
    const rows = runSweep({ ...base, spec, values });
    expect(rows.map((r) => r.outcome)).toEqual([
      "eliminated",
      "eliminated",
      "eliminated",
      "escaped",
      "escaped",
      "escaped",
    ]);
    // larger burdens take longer to clear
    const days = rows.slice(0, 3).map((r) => r.eliminatedDay!);
    expect(days[0]).toBeLessThan(days[1]);
    expect(days[1]).toBeLessThan(days[2]);
    expect(rows[3].final).toBeGreaterThan(9e8);
  });

  it("varies a parameter and a dose time", () => {
    const byParam = runSweep({
      ...base,
      spec: parseSweepSpec("d=0.5..2.34", model, doses),
      values: [0.5, 2.34],
    });
    expect(byParam.map((r) => r.outcome)).toEqual(["escaped", "eliminated"]);
    // TIL on day 7 clears 1e6 cells; given on day 40, after the tumor has grown, it does not
    const byDay = runSweep({
      ...base,
      spec: parseSweepSpec("dose.TIL.at=7..40", model, doses),
      values: [7, 40],
    });
    expect(byDay.map((r) => r.outcome)).toEqual(["eliminated", "escaped"]);
  });

  it("rejects bad sweep specifications with a clear message", () => {
    expect(() => parseSweepSpec("init.T=1e4", model, doses)).toThrow(/TARGET=FROM\.\.TO/);
    expect(() => parseSweepSpec("init.Z=1..2", model, doses)).toThrow(/unknown state 'Z'/);
    expect(() => parseSweepSpec("zz=1..2", model, doses)).toThrow(
      /not init\.STATE, dose\.N\.FIELD or a parameter/,
    );
    expect(() => parseSweepSpec("dose.99.at=1..2", model, doses)).toThrow(/no dose '99'/);
    expect(() => parseSweepSpec("dose.TIL.rate=1..2", model, doses)).toThrow(/has no field 'rate'/);
    expect(() => parseSweepSpec("dose.0.speed=1..2", model, doses)).toThrow(/dose field must be one of/);
    expect(() => sweepValues(-1, 10, 5, "log")).toThrow(/positive/);
  });
});
