// The three reference scenarios of shared/perf (de Pillis 2006, patient 9) against the high-precision
// CVODE trajectories in shared/perf/reference, using the shipped model file and dose files.
import { describe, expect, it } from "vitest";
import { solve, type Method } from "../engine/index.js";
import { parseDoses, readModelSource } from "../engine/language/index.js";
import {
  depillisSystem,
  maxRelErrT,
  readReference,
  REFERENCE_TIMES,
  SCENARIOS,
  type ScenarioName,
} from "../test-support/depillis-reference.js";
import { loadModelByName, resolveDosePath } from "./catalog.js";

const { model } = loadModelByName("depillis2006");
const doseFiles: Record<ScenarioName, string | null> = {
  none: null,
  chemo: "depillis2006-chemo",
  chemo_til: "depillis2006-chemo-til",
};
const dosesOf = (s: ScenarioName) => {
  const f = doseFiles[s];
  return f ? parseDoses(readModelSource(resolveDosePath(f)), f, model.stateNames) : [];
};

describe("de Pillis 2006 reference scenarios (shared/perf/reference)", () => {
  for (const scenario of SCENARIOS) {
    const ref = readReference(scenario);
    for (const method of ["auto", "rodas", "rodas4"] as Method[]) {
      it(`${scenario}, ${method}: max rel. error on T ≤ 1e-4 at rtol = atol = 1e-6`, () => {
        const sol = solve(model.problem({ tEnd: 100, doses: dosesOf(scenario) }), {
          method,
          rtol: 1e-6,
          atol: 1e-6,
          times: REFERENCE_TIMES,
        });
        expect(sol.times.length).toBe(1001);
        expect(maxRelErrT(sol.values, ref.values)).toBeLessThanOrEqual(1e-4);
      });
    }
    it(`${scenario}, auto: max rel. error on T ≤ 1e-8 at rtol = atol = 1e-10`, () => {
      const sol = solve(model.problem({ tEnd: 100, doses: dosesOf(scenario) }), {
        rtol: 1e-10,
        atol: 1e-10,
        times: REFERENCE_TIMES,
        maxSteps: 1e6,
      });
      expect(maxRelErrT(sol.values, ref.values)).toBeLessThanOrEqual(1e-8);
    });
  }

  it("dopri5 alone also meets the accuracy target on the non-stiff chemo_til scenario", () => {
    const sol = solve(model.problem({ tEnd: 100, doses: dosesOf("chemo_til") }), {
      method: "dopri5",
      rtol: 1e-6,
      atol: 1e-6,
      times: REFERENCE_TIMES,
    });
    expect(maxRelErrT(sol.values, readReference("chemo_til").values)).toBeLessThanOrEqual(1e-4);
  });

  it("chemo_til: the tumor is eliminated (T < 1 cell) at day ≈ 14.2, as in shared/perf", () => {
    const sol = solve(model.problem({ tEnd: 100, doses: dosesOf("chemo_til") }), { times: REFERENCE_TIMES });
    const elim = sol.events.find((e) => e.name === "eliminated");
    expect(elim).toBeDefined();
    expect(elim!.t).toBeGreaterThan(14.1);
    expect(elim!.t).toBeLessThan(14.3);
    expect(sol.final[0]).toBe(0);
  });

  it("none: the tumor escapes to its carrying capacity (~9.8e8) and NK cells collapse", () => {
    const sol = solve(model.problem({ tEnd: 100 }), { times: REFERENCE_TIMES });
    const T = sol.final[0];
    expect(T).toBeGreaterThan(9.7e8);
    expect(T).toBeLessThan(9.85e8);
    expect(sol.final[1]).toBeLessThan(10);
    expect(sol.events.map((e) => e.name)).toContain("escape");
  });

  it("the symbolic Jacobian of the model file equals the hand-derived one of shared/perf/model.h", () => {
    const sys = model.system();
    const J1 = new Float64Array(36);
    const J2 = new Float64Array(36);
    let worst = 0;
    for (const scenario of SCENARIOS) {
      const ref = readReference(scenario);
      for (let i = 0; i < 1001; i += 37) {
        const y = ref.values.slice(i * 6, i * 6 + 6);
        if (y[0] <= 0 || y[2] <= 0) continue;
        sys.jacobian!(0, y, J1);
        depillisSystem.jacobian!(0, y, J2);
        for (let r = 0; r < 6; r++) {
          // entries are sums of terms that can cancel: measure the error relative to the row's size
          let rowNorm = 0;
          for (let c = 0; c < 6; c++) rowNorm = Math.max(rowNorm, Math.abs(J2[r * 6 + c]));
          for (let c = 0; c < 6; c++) {
            const k = r * 6 + c;
            worst = Math.max(
              worst,
              Math.abs(J1[k] - J2[k]) / Math.max(Math.abs(J2[k]), 1e-6 * rowNorm, 1e-300),
            );
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });
});
