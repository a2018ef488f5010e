/**
 * The combined error model (Var ln y ≈ σ² + (σκ)²/y²) at fitted sizes below the readings' floor: 1/y is taken at the
 * floor, so a curve running towards zero (e^−60 mm) keeps a finite variance. Before, the population fit of the
 * forecast's fold without study 3 failed ("BFGS: the objective is not finite at the start point").
 */
import { describe, expect, it } from "vitest";
import { mixedModel, residualSd, type PopulationParameters } from "./population-fit.js";
import { populationModel } from "./population-models.js";

describe("combined error model below the floor", () => {
  const m = populationModel("gompertz");
  it("takes 1/y at the floor for fitted sizes below it, and at the fitted size above it", () => {
    const model = mixedModel(m, "combined", 1.5);
    expect(model.varianceShape!(-60, 0)).toBeCloseTo(1 / 1.5, 12);
    expect(model.varianceShape!(Math.log(1.5), 0)).toBeCloseTo(1 / 1.5, 12);
    expect(model.varianceShape!(Math.log(20), 0)).toBeCloseTo(1 / 20, 12);
    // without a floor, the delta-method form as it was
    expect(mixedModel(m, "combined").varianceShape!(Math.log(0.1), 0)).toBeCloseTo(10, 9);
  });

  it("gives the forecast's residual SD the same floor", () => {
    const pop = {
      errorModel: "combined",
      kappa: 2,
      sigma: 0.1,
      floor: 1.5,
    } as unknown as PopulationParameters;
    expect(residualSd(pop, -60, 0)).toBeCloseTo(0.1 * Math.sqrt(1 + (2 / 1.5) ** 2), 12);
    expect(Number.isFinite(residualSd(pop, -800, 0))).toBe(true);
    expect(residualSd(pop, Math.log(40), 0)).toBeCloseTo(0.1 * Math.sqrt(1 + (2 / 40) ** 2), 12);
  });
});
