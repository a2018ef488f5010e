import { describe, expect, it } from "vitest";
import { solve } from "../engine/index.js";
import { compileModel } from "../engine/language/index.js";
import { biologicallyEffectiveDose, fractionationDoses, survivingFraction } from "./radiotherapy.js";

describe("radiotherapy (linear-quadratic model)", () => {
  it("computes surviving fractions and BED", () => {
    // α = 0.3/Gy, α/β = 10 Gy: SF(2 Gy) = exp(−0.6 − 0.12)
    expect(survivingFraction(0.3, 0.03, 2)).toBeCloseTo(Math.exp(-0.72), 15);
    // 30 × 2 Gy at α/β = 10: BED = 72 Gy; 5 × 8 Gy at α/β = 3: BED = 146.7 Gy
    expect(biologicallyEffectiveDose(30, 2, 10)).toBeCloseTo(72, 12);
    expect(biologicallyEffectiveDose(5, 8, 3)).toBeCloseTo(40 * (1 + 8 / 3), 12);
    expect(() => survivingFraction(-1, 0, 2)).toThrow(RangeError);
  });

  it("fractions act as jumps: n fractions with full repair give SF^n, tumor and lymphocytes separately", () => {
    const { model } = compileModel(
      "name: rt\nstates: { T: { initial: 1e6 }, Ly: { initial: 1e9 } }\nequations: { T: 0, Ly: 0 }\n",
      "rt.yaml",
    );
    const doses = fractionationDoses({
      targets: [
        { state: "T", alpha: 0.3, beta: 0.03 },
        { state: "Ly", alpha: 0.9, beta: 0 },
      ],
      dosePerFraction: 2,
      times: [1, 2, 3, 4, 5],
    });
    const sol = solve(model.problem({ tEnd: 10, doses }), { times: [0.5, 1, 3, 10] });
    expect(sol.values[0]).toBe(1e6);
    expect(sol.values[2]).toBeCloseTo(1e6 * Math.exp(-0.72), 6); // right-continuous: the fraction at t = 1 shows at t = 1
    expect(sol.values[6] / 1e6).toBeCloseTo(Math.exp(-5 * 0.72), 12);
    expect(sol.values[7] / 1e9).toBeCloseTo(Math.exp(-5 * 1.8), 12);
  });

  it("reads multiply doses from dose files", () => {
    const { model } = compileModel(
      "name: rt\nstates: { T: { initial: 100 } }\nequations: { T: 0 }\ndoses:\n  - { state: T, multiply: 0.5, at: 1, every: 1, count: 3 }\n",
      "rt.yaml",
    );
    const sol = solve(model.problem({ tEnd: 5 }), { times: [5] });
    expect(sol.values[0]).toBeCloseTo(12.5, 12);
  });
});
