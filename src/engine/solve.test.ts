import { describe, expect, it } from "vitest";
import { solve, SolverError, type Method, type OdeSystem } from "./index.js";

const METHODS: Method[] = ["auto", "rodas4", "rodas5p", "dopri5"];

/** y' = y (1 − y), y(0) = 0.1: y(t) = 1 / (1 + 9 e^{−t}). */
const logistic: OdeSystem = {
  dimension: 1,
  rhs: (_t, y, dy) => {
    dy[0] = y[0] * (1 - y[0]);
  },
  jacobian: (_t, y, J) => {
    J[0] = 1 - 2 * y[0];
  },
};
const logisticExact = (t: number): number => 1 / (1 + 9 * Math.exp(-t));

/** Harmonic oscillator x'' = −x: x = cos t, v = −sin t. */
const oscillator: OdeSystem = {
  dimension: 2,
  rhs: (_t, y, dy) => {
    dy[0] = y[1];
    dy[1] = -y[0];
  },
  jacobian: (_t, _y, J) => {
    J[0] = 0;
    J[1] = 1;
    J[2] = -1;
    J[3] = 0;
  },
};

/** y' = cos(t) y (non-autonomous): y = exp(sin t). */
const nonAutonomous: OdeSystem = {
  dimension: 1,
  rhs: (t, y, dy) => {
    dy[0] = Math.cos(t) * y[0];
  },
  jacobian: (t, _y, J) => {
    J[0] = Math.cos(t);
  },
  timeDerivative: (t, y, d) => {
    d[0] = -Math.sin(t) * y[0];
  },
};

describe("solve: analytic solutions", () => {
  for (const method of METHODS) {
    it(`${method}: logistic growth within 20× the tolerance`, () => {
      const sol = solve(
        { system: logistic, y0: [0.1], t0: 0, tEnd: 10 },
        { method, rtol: 1e-8, atol: 1e-10, nOut: 41 },
      );
      for (let i = 0; i < sol.times.length; i++) {
        expect(Math.abs(sol.values[i] - logisticExact(sol.times[i]))).toBeLessThan(2e-7);
      }
      expect(sol.stats.steps).toBeGreaterThan(0);
      expect(sol.stats.rhsEvaluations).toBeGreaterThan(sol.stats.steps);
    });

    it(`${method}: harmonic oscillator over 5 periods`, () => {
      const tEnd = 10 * Math.PI;
      const sol = solve(
        { system: oscillator, y0: [1, 0], t0: 0, tEnd },
        { method, rtol: 1e-9, atol: 1e-9, nOut: 101 },
      );
      for (let i = 0; i < sol.times.length; i++) {
        expect(Math.abs(sol.values[2 * i] - Math.cos(sol.times[i]))).toBeLessThan(1e-6);
        expect(Math.abs(sol.values[2 * i + 1] + Math.sin(sol.times[i]))).toBeLessThan(1e-6);
      }
    });

    it(`${method}: non-autonomous y' = cos(t) y`, () => {
      const sol = solve(
        { system: nonAutonomous, y0: [1], t0: 0, tEnd: 20 },
        { method, rtol: 1e-9, atol: 1e-9, nOut: 21 },
      );
      for (let i = 0; i < sol.times.length; i++) {
        expect(Math.abs(sol.values[i] - Math.exp(Math.sin(sol.times[i])))).toBeLessThan(1e-6);
      }
    });
  }

  it("uses finite differences when the system has no Jacobian", () => {
    const noJac: OdeSystem = { dimension: 1, rhs: logistic.rhs };
    const sol = solve(
      { system: noJac, y0: [0.1], t0: 0, tEnd: 10 },
      { method: "rodas5p", rtol: 1e-8, atol: 1e-10, nOut: 11 },
    );
    for (let i = 0; i < sol.times.length; i++)
      expect(Math.abs(sol.values[i] - logisticExact(sol.times[i]))).toBeLessThan(1e-6);
  });
});

describe("solve: convergence order with fixed steps", () => {
  // Huge tolerances accept every step; hMax then fixes the step size, so the global error at t = 2
  // must fall as h^p. The observed order log2(e(h)/e(h/2)) is checked against the method's order.
  const fixedStepError = (method: Method, h: number): number => {
    const sol = solve(
      { system: logistic, y0: [0.1], t0: 0, tEnd: 2 },
      { method, rtol: 1e6, atol: 1e6, hMax: h, h0: h, times: [2] },
    );
    return Math.abs(sol.values[0] - logisticExact(2));
  };
  for (const [method, order] of [
    ["dopri5", 5],
    ["rodas4", 4],
    ["rodas5p", 5],
  ] as const) {
    it(`${method} converges with order ${order}`, () => {
      const e1 = fixedStepError(method, 2 / 8);
      const e2 = fixedStepError(method, 2 / 16);
      const e3 = fixedStepError(method, 2 / 32);
      const p1 = Math.log2(e1 / e2);
      const p2 = Math.log2(e2 / e3);
      expect(p2).toBeGreaterThan(order - 0.35);
      expect(p2).toBeLessThan(order + 0.6);
      expect(p1).toBeGreaterThan(order - 0.6);
    });
  }
});

describe("solve: dense output", () => {
  for (const method of ["dopri5", "rodas4", "rodas5p"] as const) {
    it(`${method}: solution.at(t) between steps is accurate`, () => {
      const sol = solve(
        { system: logistic, y0: [0.1], t0: 0, tEnd: 10 },
        { method, rtol: 1e-9, atol: 1e-11, nOut: 2 },
      );
      let worst = 0;
      for (let k = 0; k <= 997; k++) {
        const t = (k * 10) / 997;
        worst = Math.max(worst, Math.abs(sol.at(t)[0] - logisticExact(t)));
      }
      expect(worst).toBeLessThan(1e-7);
      expect(() => sol.at(11)).toThrow(RangeError);
    });
  }
});

/** Van der Pol with μ = 1000 in the scaled form of Hairer's test set: y1' = y2, y2' = ((1 − y1²) y2 − y1)/ε, ε = 1e−6. */
const EPS_VDP = 1e-6;
const vanDerPol: OdeSystem = {
  dimension: 2,
  rhs: (_t, y, dy) => {
    dy[0] = y[1];
    dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / EPS_VDP;
  },
  jacobian: (_t, y, J) => {
    J[0] = 0;
    J[1] = 1;
    J[2] = (-2 * y[0] * y[1] - 1) / EPS_VDP;
    J[3] = (1 - y[0] * y[0]) / EPS_VDP;
  },
};

// Robertson and Van der Pol against the published reference values: src/validation/engine.ts
describe("solve: stiff problems", () => {
  it("auto switches to the stiff method on Van der Pol and stays cheap", () => {
    const sol = solve(
      { system: vanDerPol, y0: [2, 0], t0: 0, tEnd: 2 },
      { rtol: 1e-6, atol: 1e-6, times: [2] },
    );
    expect(sol.stats.methodSwitches).toBeGreaterThan(0);
    expect(sol.stats.luFactorizations).toBeGreaterThan(0);
    expect(sol.stats.steps).toBeLessThan(2000);
  });
});

describe("solve: doses", () => {
  const zero: OdeSystem = {
    dimension: 1,
    rhs: (_t, _y, dy) => void (dy[0] = 0),
    jacobian: (_t, _y, J) => void (J[0] = 0),
  };
  const decay: OdeSystem = {
    dimension: 1,
    rhs: (_t, y, dy) => void (dy[0] = -y[0]),
    jacobian: (_t, _y, J) => void (J[0] = -1),
  };

  for (const method of METHODS) {
    it(`${method}: a bolus at an output time is added before that output (right-continuous)`, () => {
      const sol = solve(
        { system: decay, y0: [0], t0: 0, tEnd: 3, doses: [{ kind: "bolus", index: 0, amount: 2, at: 1 }] },
        { method, rtol: 1e-10, atol: 1e-12, times: [0, 0.5, 1, 2, 3] },
      );
      expect(Array.from(sol.values.subarray(0, 2))).toEqual([0, 0]);
      expect(sol.values[2]).toBe(2);
      expect(sol.values[3]).toBeCloseTo(2 * Math.exp(-1), 9);
      expect(sol.values[4]).toBeCloseTo(2 * Math.exp(-2), 9);
      expect(sol.at(1)[0]).toBeCloseTo(2, 12);
      expect(sol.at(0.999)[0]).toBeCloseTo(0, 12);
    });

    it(`${method}: an infusion adds its rate on [from, to)`, () => {
      const sol = solve(
        {
          system: zero,
          y0: [1],
          t0: 0,
          tEnd: 10,
          doses: [{ kind: "infusion", index: 0, rate: 3, from: 2, to: 5 }],
        },
        { method, times: [0, 2, 3, 5, 7, 10] },
      );
      const expected = [1, 1, 4, 10, 10, 10];
      expected.forEach((v, i) => expect(sol.values[i]).toBeCloseTo(v, 10));
    });
  }

  it("auto: an infusion keeps its rate when the method switches inside the infusion", () => {
    // y0 receives the infusion; y1 relaxes towards cos t at a rate that becomes stiff at t = 3 (inside the
    // infusion on [1, 8)): the auto method starts explicit and switches to the stiff method mid-infusion
    const kOf = (t: number): number => (t < 3 ? 1 : 1e5);
    const switching: OdeSystem = {
      dimension: 2,
      rhs: (t, y, dy) => {
        dy[0] = 0;
        dy[1] = -kOf(t) * (y[1] - Math.cos(t));
      },
      jacobian: (t, _y, J) => {
        J[0] = 0;
        J[1] = 0;
        J[2] = 0;
        J[3] = -kOf(t);
      },
      timeDerivative: (t, _y, dfdt) => {
        dfdt[0] = 0;
        dfdt[1] = -kOf(t) * Math.sin(t);
      },
    };
    const sol = solve(
      {
        system: switching,
        y0: [0, 1],
        t0: 0,
        tEnd: 10,
        doses: [{ kind: "infusion", index: 0, rate: 2, from: 1, to: 8 }],
      },
      { method: "auto", times: [0, 5, 8, 10] },
    );
    expect(sol.stats.methodSwitches).toBeGreaterThan(0);
    // exact: y0 = 2 (t − 1) on [1, 8], 14 after
    expect(sol.values[2]).toBeCloseTo(8, 6);
    expect(sol.values[4]).toBeCloseTo(14, 6);
    expect(sol.values[6]).toBeCloseTo(14, 6);
  });

  it("a bolus at t0 shows in the first output; a bolus at tEnd in the last", () => {
    const sol = solve(
      {
        system: zero,
        y0: [1],
        t0: 0,
        tEnd: 4,
        doses: [
          { kind: "bolus", index: 0, amount: 1, at: 0 },
          { kind: "bolus", index: 0, amount: 5, at: 4 },
        ],
      },
      { nOut: 5 },
    );
    expect(Array.from(sol.values)).toEqual([2, 2, 2, 2, 7]);
    expect(sol.final[0]).toBe(7);
  });

  it("rejects a dose to a state that does not exist", () => {
    expect(() =>
      solve({
        system: zero,
        y0: [1],
        t0: 0,
        tEnd: 1,
        doses: [{ kind: "bolus", index: 3, amount: 1, at: 0 }],
      }),
    ).toThrow(/dose 0: state index 3/);
  });
});

describe("solve: state events", () => {
  const decay: OdeSystem = {
    dimension: 1,
    rhs: (_t, y, dy) => void (dy[0] = -y[0]),
    jacobian: (_t, _y, J) => void (J[0] = -1),
  };
  for (const method of METHODS) {
    it(`${method}: locates a threshold crossing, sets the state and records it`, () => {
      const sol = solve(
        {
          system: decay,
          y0: [1],
          t0: 0,
          tEnd: 3,
          events: [
            {
              name: "below half",
              direction: -1,
              condition: (_t, y) => y[0] - 0.5,
              assign: [{ index: 0, value: 0 }],
              once: true,
            },
          ],
        },
        { method, rtol: 1e-10, atol: 1e-12, nOut: 31 },
      );
      expect(sol.events).toHaveLength(1);
      expect(sol.events[0].t).toBeCloseTo(Math.LN2, 9);
      for (let i = 0; i < sol.times.length; i++) {
        if (sol.times[i] > Math.LN2) expect(sol.values[i]).toBe(0);
        else expect(sol.values[i]).toBeCloseTo(Math.exp(-sol.times[i]), 8);
      }
    });

    it(`${method}: a terminal event stops the solve and truncates the outputs`, () => {
      const sol = solve(
        {
          system: decay,
          y0: [1],
          t0: 0,
          tEnd: 3,
          events: [{ name: "stop", direction: -1, condition: (_t, y) => y[0] - 0.25, terminal: true }],
        },
        { method, rtol: 1e-10, atol: 1e-12, nOut: 31 },
      );
      expect(sol.status).toBe("terminated");
      expect(sol.tFinal).toBeCloseTo(Math.log(4), 9);
      expect(sol.times[sol.times.length - 1]).toBeLessThanOrEqual(Math.log(4));
      expect(sol.times.length).toBe(14); // 0, 0.1, …, 1.3 < ln 4 = 1.386
    });

    it(`${method}: a record-only event does not change the trajectory`, () => {
      const sol = solve(
        {
          system: decay,
          y0: [1],
          t0: 0,
          tEnd: 3,
          events: [{ name: "progression", direction: 1, condition: (_t, y) => 0.3 - y[0] }],
        },
        { method, rtol: 1e-10, atol: 1e-12, nOut: 4 },
      );
      expect(sol.events.map((e) => e.name)).toEqual(["progression"]);
      expect(sol.events[0].t).toBeCloseTo(-Math.log(0.3), 8);
      expect(sol.values[3]).toBeCloseTo(Math.exp(-3), 9);
    });
  }

  it("an event fires when a bolus jumps across its threshold", () => {
    const zero: OdeSystem = { dimension: 1, rhs: (_t, _y, dy) => void (dy[0] = 0) };
    const sol = solve({
      system: zero,
      y0: [1],
      t0: 0,
      tEnd: 5,
      doses: [{ kind: "bolus", index: 0, amount: 10, at: 2 }],
      events: [{ name: "above 5", direction: 1, condition: (_t, y) => y[0] - 5 }],
    });
    expect(sol.events).toHaveLength(1);
    expect(sol.events[0].t).toBe(2);
  });
});

describe("solve: non-negative states and failures", () => {
  it("never reports a negative value for a non-negative state", () => {
    // y' = −1 crosses zero at t = 1; a non-negative state is held at 0 from there on
    const sys: OdeSystem = {
      dimension: 1,
      rhs: (_t, _y, dy) => void (dy[0] = -1),
      jacobian: (_t, _y, J) => void (J[0] = 0),
    };
    for (const method of METHODS) {
      const sol = solve({ system: sys, y0: [1], t0: 0, tEnd: 3, nonnegative: [true] }, { method, nOut: 31 });
      for (const v of sol.values) expect(v).toBeGreaterThanOrEqual(0);
      expect(sol.values[30]).toBe(0);
      expect(sol.values[5]).toBeCloseTo(0.5, 9);
    }
  });

  it("a state at exactly 0 that is invariant (dT/dt ∝ T) stays exactly 0 with Rosenbrock methods", () => {
    // T' = 0.4 T − 1e-9 T L, L' = 1e10 − 0.01 L + 1e6 T: with pivoting, the solves would leave rounding noise
    // of the size of L in T, and growth would amplify it
    const sys: OdeSystem = {
      dimension: 2,
      rhs: (_t, y, dy) => {
        dy[0] = 0.4 * y[0] - 1e-9 * y[0] * y[1];
        dy[1] = 1e10 - 0.01 * y[1] + 1e6 * y[0];
      },
      jacobian: (_t, y, J) => {
        J[0] = 0.4 - 1e-9 * y[1];
        J[1] = -1e-9 * y[0];
        J[2] = 1e6;
        J[3] = -0.01;
      },
    };
    for (const method of ["rodas", "rodas4", "auto"] as const) {
      const sol = solve(
        { system: sys, y0: [0, 1e11], t0: 0, tEnd: 300, nonnegative: [true, true] },
        { method, nOut: 31 },
      );
      for (let i = 0; i < 31; i++) expect(sol.values[2 * i]).toBe(0);
    }
  });

  it("a finite-time blow-up is a typed step-size or non-finite failure near t = 1", () => {
    const blowUp: OdeSystem = {
      dimension: 1,
      rhs: (_t, y, dy) => void (dy[0] = y[0] * y[0]),
      jacobian: (_t, y, J) => void (J[0] = 2 * y[0]),
    };
    for (const method of METHODS) {
      let err: unknown;
      try {
        solve({ system: blowUp, y0: [1], t0: 0, tEnd: 2 }, { method, maxSteps: 1e6 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SolverError);
      const se = err as SolverError;
      expect(["step-size-underflow", "non-finite-derivative"]).toContain(se.failure);
      expect(se.t).toBeGreaterThan(0.99);
      expect(se.t).toBeLessThan(1.0001);
      expect(se.message).toMatch(/at t = /);
    }
  });

  it("too many steps is a typed failure that names the time and state", () => {
    try {
      solve({ system: oscillator, y0: [1, 0], t0: 0, tEnd: 1000 }, { method: "dopri5", maxSteps: 50 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SolverError);
      expect((e as SolverError).failure).toBe("too-many-steps");
      expect((e as SolverError).state).toHaveLength(2);
    }
  });

  it("an infinite Jacobian entry (x^λ, λ < 1, at x = 0) falls back to a difference quotient", () => {
    // y' = sqrt(max(y, 0)) + 0.01 − y from y = 0: ∂f/∂y is infinite at the start; the solution tends to
    // the equilibrium y* = s², s = (1 + sqrt(1.04))/2
    const sys: OdeSystem = {
      dimension: 1,
      rhs: (_t, y, dy) => void (dy[0] = Math.sqrt(Math.max(y[0], 0)) + 0.01 - y[0]),
      jacobian: (_t, y, J) => void (J[0] = 0.5 / Math.sqrt(Math.max(y[0], 0)) - 1),
    };
    const sol = solve({ system: sys, y0: [0], t0: 0, tEnd: 40 }, { method: "rodas", times: [40] });
    const s = (1 + Math.sqrt(1.04)) / 2;
    expect(sol.values[0]).toBeCloseTo(s * s, 5);
  });

  it("a non-finite Jacobian entry is reported by name, not as a step-size failure", () => {
    const sys: OdeSystem = {
      dimension: 1,
      stateNames: ["X"],
      rhs: (_t, y, dy) => void (dy[0] = y[0] === 0.4 ? -y[0] : NaN),
      jacobian: (_t, _y, J) => void (J[0] = NaN),
    };
    expect(() => solve({ system: sys, y0: [0.4], t0: 0, tEnd: 1 }, { method: "rodas" })).toThrow(
      /non-finite-derivative at t = 0: Jacobian entry d\(dX\/dt\)\/dX = NaN/,
    );
  });

  it("a NaN derivative at the start is reported with the state's name", () => {
    const bad: OdeSystem = {
      dimension: 1,
      stateNames: ["X"],
      rhs: (_t, y, dy) => void (dy[0] = Math.sqrt(y[0] - 2)),
    };
    expect(() => solve({ system: bad, y0: [1], t0: 0, tEnd: 1 })).toThrow(
      /non-finite-derivative at t = 0: dX\/dt = NaN; state \{X = 1\}/,
    );
  });

  it("rejects invalid problems with a clear message", () => {
    expect(() => solve({ system: logistic, y0: [0.1], t0: 0, tEnd: 0 })).toThrow(/time span/);
    expect(() => solve({ system: logistic, y0: [0.1, 2], t0: 0, tEnd: 1 })).toThrow(/y0 has 2 entries/);
    expect(() => solve({ system: logistic, y0: [0.1], t0: 0, tEnd: 1 }, { rtol: -1 })).toThrow(/rtol/);
    expect(() => solve({ system: logistic, y0: [0.1], t0: 0, tEnd: 1 }, { times: [0, 2] })).toThrow(
      /outside/,
    );
    expect(() => solve({ system: logistic, y0: [NaN], t0: 0, tEnd: 1 })).toThrow(/not finite/);
  });
});
