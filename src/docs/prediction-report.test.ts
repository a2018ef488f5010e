import { describe, expect, it } from "vitest";
import { predictionSection } from "./prediction-report.js";
import type { Comparison, TrialResult } from "../population/trial-run.js";
import { MODEL_ERROR_METHOD } from "../population/model-error.js";

const comparison = (c: Partial<Comparison>): Comparison =>
  ({
    arm: "A",
    endpoint: "ORR",
    published: 0.3,
    ci: [0.2, 0.4],
    simulated: 0.3,
    within: true,
    simulated_ci: null,
    rule: "",
    ...c,
  }) as Comparison;

const result = (trial: string, comparisons: Comparison[]): TrialResult =>
  ({ trial, comparisons }) as unknown as TrialResult;

/** The section's text for one trial: its trial-size and model runs' comparisons. */
const sectionOf = (trial: Comparison[], model: Comparison[]): string =>
  predictionSection(
    [{ cancer: "melanoma", trial: result("T", trial), model: result("T", model), otherSeeds: [] }],
    {
      families: {},
      populations: [],
      method: MODEL_ERROR_METHOD,
    },
  ).join("\n");

describe("prediction-interval section", () => {
  it("counts the figures inside their interval and names each one outside it, with its interval", () => {
    const inside = comparison({ prediction_interval: [0.2, 0.4], within_prediction: true });
    const outside = comparison({
      arm: "sipuleucel-T",
      versus: "placebo",
      endpoint: "OS_HR",
      published: 0.78,
      ci: [0.61, 0.98],
      prediction_interval: [0.79, 1.26],
      within_prediction: false,
    });
    const noInterval = comparison({ endpoint: "PFS_HR", published: 0.5 });
    const text = sectionOf([inside, noInterval], [inside, outside, noInterval]);
    expect(text).toContain("prediction interval: 1 of 2 on the model's value");
    expect(text).toContain("1 of 1 at");
    expect(text).toContain(
      "- model's value: T, sipuleucel-T vs placebo, OS_HR: published 0.78 (0.61–0.98), prediction interval 0.79–1.26.",
    );
    expect(text).not.toContain("- trial size:");
  });

  it("says nothing more when every figure is inside", () => {
    const inside = comparison({ prediction_interval: [0.2, 0.4], within_prediction: true });
    const text = sectionOf([inside], [inside]);
    expect(text).not.toContain("Outside their prediction interval");
  });
});
