import { describe, expect, it } from "vitest";
import { populationForecast } from "./forecast.js";
import type { PopulationParameters } from "./population-fit.js";

describe("forecast posterior: importance sampling against the Laplace approximation", () => {
  // ln y = φ0 + φ1·t is linear in φ: the posterior is exactly normal and the Laplace approximation is exact
  const pop: PopulationParameters = {
    model: "exponential",
    errorModel: "log",
    floor: 1,
    mu: [Math.log(30), 0.002],
    random: ["y0", "k"],
    omega: [
      [0.36, 0.0006],
      [0.0006, 0.000009],
    ],
    sigma: 0.15,
  };
  const train = { id: "p", t: [0, 42, 84], y: [40, 35, 33] };
  const test = [126, 168, 252, 365].map((t) => ({ t, y: 30 }));

  it("gives the same intervals where the posterior is normal (within Monte Carlo error)", () => {
    const laplace = populationForecast(pop, train, test, { draws: 20_000, seed: 3 });
    const is = populationForecast(pop, train, test, { draws: 20_000, seed: 4, posterior: "importance" });
    test.forEach((_, j) => {
      expect(is[j].predicted).toBe(laplace[j].predicted);
      for (const k of ["lo95", "lo80", "hi80", "hi95"] as const)
        expect(Math.abs(is[j][k] / laplace[j][k] - 1), `${k} at ${test[j].t}`).toBeLessThan(0.02);
    });
  });

  it("is reproducible with a seed", () => {
    const a = populationForecast(pop, train, test, { seed: 9, posterior: "importance" });
    const b = populationForecast(pop, train, test, { seed: 9, posterior: "importance" });
    expect(a).toEqual(b);
  });
});
