import { solve, type Method, type OdeSystem } from "../engine/index.js";
import { relCheck, type ValidationCase } from "./types.js";

/** Robertson's chemical kinetics (Hairer & Wanner, Solving ODE II, §IV.1). */
const robertson: OdeSystem = {
  dimension: 3,
  rhs: (_t, y, dy) => {
    dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
    dy[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
    dy[2] = 3e7 * y[1] * y[1];
  },
  jacobian: (_t, y, J) => {
    J[0] = -0.04;
    J[1] = 1e4 * y[2];
    J[2] = 1e4 * y[1];
    J[3] = 0.04;
    J[4] = -1e4 * y[2] - 6e7 * y[1];
    J[5] = -1e4 * y[1];
    J[6] = 0;
    J[7] = 6e7 * y[1];
    J[8] = 0;
  },
};

/** Van der Pol, μ = 1000, in the scaled form of the test set: y1' = y2, y2' = ((1 − y1²) y2 − y1)/ε, ε = 1e−6. */
const vanDerPol: OdeSystem = {
  dimension: 2,
  rhs: (_t, y, dy) => {
    dy[0] = y[1];
    dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
  },
  jacobian: (_t, y, J) => {
    J[0] = 0;
    J[1] = 1;
    J[2] = (-2 * y[0] * y[1] - 1) / 1e-6;
    J[3] = (1 - y[0] * y[0]) / 1e-6;
  },
};

const METHODS: Method[] = ["auto", "rodas5p", "rodas4"];

export const ENGINE_CASES: ValidationCase[] = [
  {
    id: "engine/robertson",
    model: "engine",
    title: "Robertson's stiff chemical kinetics at t = 40",
    source: "Hairer & Wanner test set (ROBER): 0.7158270687, 9.185534765e-6, 0.2841637457",
    setup: "y0 = (1, 0, 0); rtol 1e-8, atol (1e-10, 1e-14, 1e-10)",
    run() {
      const ref = [0.715827068719394, 9.185534764557337e-6, 0.2841637457458413];
      return METHODS.flatMap((method) => {
        const sol = solve(
          { system: robertson, y0: [1, 0, 0], t0: 0, tEnd: 40 },
          { method, rtol: 1e-8, atol: [1e-10, 1e-14, 1e-10], times: [40] },
        );
        return ref.map((r, k) => relCheck(`${method}: y${k + 1}(40)`, sol.values[k], r, 1e-5));
      });
    },
  },
  {
    id: "engine/van-der-pol",
    model: "engine",
    title: "Van der Pol oscillator, μ = 1000, at t = 2 (scaled time)",
    source: "Hairer & Wanner test set (VDPOL, ε = 1e-6): 1.706167732, −0.8928097010",
    setup: "y0 = (2, 0); rtol = atol = 1e-8",
    run() {
      const ref = [1.706167732170483, -0.8928097010247975];
      return METHODS.flatMap((method) => {
        const sol = solve(
          { system: vanDerPol, y0: [2, 0], t0: 0, tEnd: 2 },
          { method, rtol: 1e-8, atol: 1e-8, times: [2] },
        );
        return ref.map((r, k) => relCheck(`${method}: y${k + 1}(2)`, sol.values[k], r, 1e-5));
      });
    },
  },
];
