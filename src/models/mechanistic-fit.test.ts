import { describe, expect, it } from "vitest";
import { seededRandom } from "../engine/statistics.js";
import { solve } from "../engine/solve.js";
import { loadModelByName } from "./catalog.js";
import { fitMechanistic } from "./mechanistic-fit.js";

describe("fitting the mechanistic core model to a patient's series", () => {
  const { model } = loadModelByName("immunoplan-core");
  // a synthetic patient: faster growth (a × 1.3) and a tumor that evades part of the killing (suppression 0.3),
  // starting at 5e7 cells; the sum of diameters is measured at 7 scans over 4 months
  const truth = model.defaultParameters();
  truth[model.parameterIndex("a")] *= 1.3;
  truth[model.parameterIndex("suppression")] = 0.3;
  const y0 = model.defaultInitialState();
  y0[model.stateIndex("T")] = 5e7;
  const days = [0, 14, 28, 42, 63, 84, 112];
  const sol = solve(model.problem({ tEnd: 112, parameters: truth, y0, doses: [], events: false }), {
    times: days,
    rtol: 1e-10,
    atol: 1e-8,
  });
  const sld = Array.from(model.observe(sol.times, sol.values, truth)[model.observationNames.indexOf("sld")]);

  it("recovers the growth rate, the suppression and the initial burden from noise-free data", () => {
    const fit = fitMechanistic(
      model,
      { id: "p", t: days, y: sld },
      {
        observation: "sld",
        free: ["a", "suppression=0..0.95", "init.T"],
      },
    );
    expect(fit.parameters.a.value / truth[model.parameterIndex("a")]).toBeCloseTo(1, 3);
    expect(fit.parameters.suppression.value).toBeCloseTo(0.3, 3);
    expect(fit.parameters["init.T"].value / 5e7).toBeCloseTo(1, 3);
    expect(fit.parameters.a.published).toBeCloseTo(0.431, 6);
    fit.fitted.forEach((v, i) => expect(v / sld[i]).toBeCloseTo(1, 4));
  });

  // Measured, not asserted (docs/fitting.md): from 7 noisy scans the growth rate is poorly identified — in these 20
  // replicates 5 fits went to the upper bound a = 43/day (a second minimum), the others spread over 0.27–0.86
  // (truth 0.56), and the ±t(0.975, 5)·SE intervals covered the truth 12 times of 20.
  it("with 5 % noise the optimizer always finds a fit at least as good as the truth, with finite standard errors", () => {
    const rand = seededRandom(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const p = model.defaultParameters();
    p[model.parameterIndex("suppression")] = 0.3;
    const replicates = 20;
    for (let k = 0; k < replicates; k++) {
      const y = sld.map((v) => v * Math.exp(0.05 * gauss()));
      const fit = fitMechanistic(
        model,
        { id: "p", t: days, y },
        { observation: "sld", free: ["a", "init.T"], parameters: p },
      );
      const ssrTruth = y.reduce((acc, yi, i) => acc + ((sld[i] - yi) / yi) ** 2, 0);
      expect(fit.ssr).toBeLessThanOrEqual(ssrTruth * (1 + 1e-9));
      expect(fit.parameters.a.se).toBeGreaterThan(0);
    }
  });

  it("names unknown parameters, states and observations", () => {
    const s = { id: "p", t: days, y: sld };
    expect(() => fitMechanistic(model, s, { observation: "sld", free: ["growth"] })).toThrow(
      /no parameter growth/,
    );
    expect(() => fitMechanistic(model, s, { observation: "sld", free: ["init.X"] })).toThrow(/no state X/);
    expect(() => fitMechanistic(model, s, { observation: "weight", free: ["a"] })).toThrow(
      /no observation 'weight'/,
    );
    expect(() => fitMechanistic(model, s, { observation: "sld", free: ["a=2..1"] })).toThrow(/LOW < HIGH/);
  });
});
