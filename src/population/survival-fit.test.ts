import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import { survivalModel } from "./overall-survival.js";
import {
  bestInTable,
  fitSurvival,
  interceptProfile,
  survivalFigures,
  survivalLossTable,
  type TrialSurvivalInputs,
} from "./survival-fit.js";
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

  it("the KG floor is recovered where tumours stop growing (KG 0 reads as the floor)", () => {
    const base = synthetic(placeholder);
    const stopped = {
      ...base,
      arms: new Map(
        [...base.arms].map(([name, ps]) => [name, name === "slow" ? ps.map((p) => ({ ...p, kg: 0 })) : ps]),
      ),
    };
    const floorTruth = { ...truth, kg_floor: 0.0006 };
    const figs = survivalFigures([stopped], floorTruth);
    const withFloor = [
      { ...stopped, published: placeholder.map((p, i) => ({ ...p, value: figs[i].simulated! })) },
    ];
    const fit = fitSurvival(withFloor, survivalModel("melanoma"), {
      kg_floor: [0.0001, 0.0003, 0.0006, 0.001],
      theta_kg: [-1.0, -0.8, -0.6],
      sigma: [0.9],
      theta0: [3.2],
    });
    expect([fit.model.kg_floor, fit.model.theta_kg]).toEqual([0.0006, -0.8]);
    expect(fit.loss).toBeLessThan(1e-20);
  });

  it("a fit on a subset of the trials read from the loss table equals the fit on that subset (leave one out)", () => {
    const other = synthetic(published.map((p) => ({ ...p, value: p.value * 1.3 })));
    const two = [inputs[0], { ...other, trial: "SYN-2" }];
    const grid = { theta_kg: [-1.0, -0.8, -0.6], sigma: [0.7, 0.9], theta0: [3.0, 3.2, 3.4] };
    const table = survivalLossTable(two, truth, grid);
    for (let i = 0; i < 2; i++) {
      const loo = bestInTable(table, (k) => k !== i);
      const direct = fitSurvival([two[1 - i]], truth, grid);
      expect(loo.model).toEqual(direct.model);
      expect(loo.loss).toBeCloseTo(direct.loss, 12);
    }
    expect(bestInTable(table).loss).toBeCloseTo(fitSurvival(two, truth, grid).loss, 12);
  });

  it("a joint fit: another cancer type's figures, with its own intercept, inform the shared θ_kg and σ", () => {
    // the other cancer type: the same shared values, its own intercept 3.6
    const otherTruth = { ...truth, theta0: 3.6 };
    const own = survivalFigures([synthetic(placeholder)], otherTruth);
    const other = synthetic(placeholder.map((p, i) => ({ ...p, value: own[i].simulated! })));
    const grid = { theta_kg: [-1.0, -0.8, -0.6], sigma: [0.7, 0.9, 1.1], theta0: [3.0, 3.2, 3.4] };
    const table = survivalLossTable(inputs, truth, grid);
    const theta0 = [3.2, 3.4, 3.6, 3.8];
    const profile = interceptProfile([other], otherTruth, table.points, theta0);
    // each point's profile is the least loss over the intercepts, found directly
    table.points.forEach((p, i) => {
      const direct = theta0.map((t0) =>
        survivalFigures([other], { ...otherTruth, theta_kg: p.theta_kg, sigma: p.sigma, theta0: t0 }).reduce(
          (s, f) => s + f.loss,
          0,
        ),
      );
      expect(profile.losses[i]).toBeCloseTo(Math.min(...direct), 12);
      expect(profile.theta0[i]).toBe(theta0[direct.indexOf(Math.min(...direct))]);
    });
    const joint = bestInTable(table, () => true, profile.losses);
    expect([joint.model.theta_kg, joint.model.sigma, joint.model.theta0]).toEqual([-0.8, 0.9, 3.2]);
    expect(profile.theta0[table.points.indexOf(joint.model)]).toBe(3.6);
    expect(joint.loss).toBeLessThan(1e-12);
    // the offset counts: a profile that penalises the truth's shared values moves the optimum off them
    const penalty = Float64Array.from(table.points, (p) =>
      p.theta_kg === -0.8 && p.sigma === 0.9 ? 100 : 0,
    );
    const moved = bestInTable(table, () => true, penalty);
    expect([moved.model.theta_kg, moved.model.sigma]).not.toEqual([-0.8, 0.9]);
  });
});
