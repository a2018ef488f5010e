import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import { survivalModel } from "./overall-survival.js";
import { fitSurvival, survivalFigures, type TrialSurvivalInputs } from "./survival-fit.js";
import type { PublishedEndpoint } from "./trial-schema.js";

/** Two arms of synthetic patients: one regrowing fast (KG 0.004/day), one slowly (0.0008/day). */
function synthetic(published: PublishedEndpoint[]): TrialSurvivalInputs {
  const rand = seededRandom(11);
  const arm = (kg: number) =>
    Array.from({ length: 800 }, (_, i) => ({
      id: `p${i}`,
      kg,
      covariates: { ecog: 0, ldh_elevated: false, sld_mm: 60 },
      base: 60,
      z: standardNormal(rand),
    }));
  return {
    trial: "SYN",
    followUpDays: 3650,
    published,
    arms: new Map([
      ["fast", arm(0.004)],
      ["slow", arm(0.0008)],
    ]),
  };
}

describe("fitting the survival model to published overall survival", () => {
  const truth = { ...survivalModel("melanoma"), theta_kg: -0.8, sigma: 0.9, theta0: 3.2 };
  const placeholder: PublishedEndpoint[] = [
    { arm: "fast", endpoint: "median_OS_months", value: 1 },
    { arm: "slow", endpoint: "median_OS_months", value: 1 },
    { arm: "slow", endpoint: "OS_HR", versus: "fast", value: 1 },
    { arm: "slow", endpoint: "OS_36mo", value: 0.5 },
  ];
  // the "published" figures are the truth's own figures on the same patients
  const figures = survivalFigures([synthetic(placeholder)], truth);
  const published = placeholder.map((p, i) => ({ ...p, value: figures[i].simulated! }));
  const inputs = [synthetic(published)];

  it("the truth's figures: the slower regrowth lives longer, hazard ratio below 1", () => {
    expect(published[1].value).toBeGreaterThan(published[0].value);
    expect(published[2].value).toBeLessThan(0.6);
    expect(survivalFigures(inputs, truth).every((f) => f.loss < 1e-20)).toBe(true);
  });

  it("the grid search recovers θ_kg, σ and θ0 (loss 0) among 45 neighbours", () => {
    const fit = fitSurvival(inputs, survivalModel("melanoma"), {
      theta_kg: [-1.2, -1.0, -0.8, -0.6, -0.4],
      sigma: [0.7, 0.9, 1.1],
      theta0: [3.0, 3.2, 3.4],
    });
    expect([fit.model.theta_kg, fit.model.sigma, fit.model.theta0]).toEqual([-0.8, 0.9, 3.2]);
    expect(fit.loss).toBeLessThan(1e-20);
  });

  it("a median not reached in follow-up costs 1 and is not within", () => {
    const short = {
      ...inputs[0],
      followUpDays: 30,
      published: [{ ...published[1], ci: [1, 50] as [number, number] }],
    };
    const [f] = survivalFigures([short], truth);
    expect(f).toMatchObject({ simulated: null, loss: 1, inside: false });
  });
});
