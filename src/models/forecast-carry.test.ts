import { describe, expect, it } from "vitest";
import { populationForecast } from "./forecast.js";
import { patientMode, type PopulationParameters } from "./population-fit.js";

describe("forecast with the deviation at the last training reading carried forward", () => {
  // ln y = φ0 + φ1·t: the patient's curve at the mode is known in closed form from patientMode
  const pop: PopulationParameters = {
    model: "exponential",
    errorModel: "log",
    floor: 1,
    mu: [Math.log(30), 0.002],
    random: ["y0", "k"],
    omega: [
      [0.04, 0],
      [0, 1e-6],
    ],
    sigma: 0.15,
  };
  // the last reading well above the curve the first two and the prior suggest
  const train = { id: "p", t: [-5, 42, 84], y: [30, 32, 45] };
  const test = [126, 168, 400].map((t) => ({ t, y: 40 }));
  const phi = patientMode(pop, train).phi;
  const curve = (t: number) => phi[0] + phi[1] * Math.max(t, 0);
  const deviation = Math.log(45) - curve(84);

  it("without carry: the curve at the mode; T = ∞: the curve moved through the last reading", () => {
    expect(deviation).toBeGreaterThan(0.1);
    const plain = populationForecast(pop, train, test, { seed: 2 });
    const kept = populationForecast(pop, train, test, { seed: 2, carry: Infinity });
    test.forEach((r, j) => {
      expect(plain[j].predicted).toBeCloseTo(Math.exp(curve(r.t)), 10);
      expect(kept[j].predicted).toBeCloseTo(45 * Math.exp(curve(r.t) - curve(84)), 10);
    });
  });

  it("a finite time constant: the deviation decays as e^(−Δt/T) from the last reading", () => {
    const T = 60;
    const f = populationForecast(pop, train, test, { seed: 2, carry: T });
    test.forEach((r, j) => {
      const carried = deviation * Math.exp(-(r.t - 84) / T);
      expect(Math.log(f[j].predicted)).toBeCloseTo(curve(r.t) + carried, 10);
    });
    // at 400 days the deviation is gone (e^(−316/60) < 0.6 %)
    expect(Math.log(f[2].predicted) - curve(400)).toBeLessThan(0.006 * deviation);
  });

  it("carries a share φ of the deviation (1 − the nugget): φ = 0 is no carry, φ = 0.5 half of it", () => {
    const T = 120;
    const none = populationForecast(pop, train, test, { seed: 2, carry: T, carryFraction: 0 });
    const half = populationForecast(pop, train, test, { seed: 2, carry: T, carryFraction: 0.5 });
    test.forEach((r, j) => {
      expect(none[j].predicted).toBeCloseTo(Math.exp(curve(r.t)), 10);
      const carried = 0.5 * deviation * Math.exp(-(r.t - 84) / T);
      expect(Math.log(half[j].predicted)).toBeCloseTo(curve(r.t) + carried, 10);
    });
    expect(() => populationForecast(pop, train, test, { carry: T, carryFraction: 1.5 })).toThrow(
      /carryFraction 1.5 is not in \[0, 1\]/,
    );
  });

  it("moves the intervals with each draw's own deviation, keeping them ordered around the forecast", () => {
    const f = populationForecast(pop, train, test, { seed: 5, carry: Infinity, posterior: "importance" });
    for (const r of f) {
      expect(r.lo95).toBeLessThan(r.lo80);
      expect(r.lo80).toBeLessThan(r.predicted);
      expect(r.predicted).toBeLessThan(r.hi80);
      expect(r.hi80).toBeLessThan(r.hi95);
    }
    // the draws' curves pass near the last reading: the interval at the next scan is centred near its level, above
    // the plain forecast's
    const plain = populationForecast(pop, train, test, { seed: 5, posterior: "importance" });
    expect(Math.sqrt(f[0].lo80 * f[0].hi80)).toBeGreaterThan(Math.sqrt(plain[0].lo80 * plain[0].hi80) * 1.1);
    expect(() => populationForecast(pop, train, test, { carry: 0 })).toThrow(/time constant/);
  });
});
