/**
 * The calibration report's section on prediction intervals (src/population/model-error.ts): the model's
 * leave-one-trial-out error per family of end points, and how many published figures of the calibration trials
 * fall inside the intervals.
 */
import type { ReportedTrial } from "./calibration-report.js";
import { MODEL_ERROR_METHOD, type OutOfSampleError } from "../population/model-error.js";
import { readLabel } from "../population/published-read.js";
import { interval, value } from "./report-format.js";

const pts = (x: number) => (x * 100).toFixed(1);

export function predictionSection(results: readonly ReportedTrial[], error: OutOfSampleError): string[] {
  const rows = (["ORR", "CR", "PFS"] as const).flatMap((k) => {
    const f = error.families[k];
    return f
      ? [
          `| ${k === "PFS" ? "PFS (landmarks; PFS at the published median against 50 %)" : k} | ${f.n} | ${f.trials} | ${f.bias >= 0 ? "+" : ""}${pts(f.bias)} | ${pts(f.rms)} | ${pts(f.published_se)} | **${pts(f.sd)}** | ${f.covered} of ${f.n} | ${f.covered_out_of_sample} of ${f.n} |`,
        ]
      : [];
  });
  const inside = (run: "trial" | "model") => {
    const cs = results.flatMap((r) => r[run].comparisons).filter((c) => c.within_prediction != null);
    return `${cs.filter((c) => c.within_prediction).length} of ${cs.length}`;
  };
  // every published figure outside its interval, named (on the model's value, then at trial size)
  const outside = (run: "trial" | "model") =>
    results.flatMap((r) =>
      r[run].comparisons
        .filter((c) => c.within_prediction === false)
        .map(
          (c) =>
            `- ${run === "model" ? "model's value" : "trial size"}: ${r[run].trial}, ${c.arm}${c.versus ? ` vs ${c.versus}` : ""}, ${c.endpoint}${readLabel(c)}: published ${value(c.endpoint, c.published)}${interval(c.endpoint, c.ci)}, prediction interval ${c.prediction_interval ? `${value(c.endpoint, c.prediction_interval[0])}–${c.prediction_interval[1] === null ? "not reached" : value(c.endpoint, c.prediction_interval[1])}` : "none"}.`,
        ),
    );
  const named = [...outside("model"), ...outside("trial")];
  return [
    "## Prediction intervals: the model's out-of-sample error",
    "",
    "A simulated trial's confidence interval assumes the model is right. `trial simulate` also gives a 95 % **prediction",
    "interval**: what the trial, at its published size, would report if the model erred as it does on the trials left",
    `out of its calibration (${MODEL_ERROR_METHOD}; docs/trials.md). The model SD per family, from the`,
    `leave-one-trial-out tables above (populations: ${error.populations.join(", ")}; errors in points):`,
    "",
    "| family | left-out figures | trials | bias | RMS error | published SE | model SD | inside their own 95 % interval | inside the interval fitted without their trial |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Bias (predicted − published, mean): ${(["ORR", "CR", "PFS"] as const)
      .filter((k) => error.families[k])
      .map((k) => `${k} ${error.families[k]!.bias >= 0 ? "+" : ""}${pts(error.families[k]!.bias)} points`)
      .join(", ")}; the intervals are centred on the model's value and do not correct for it.`,
    "",
    "The next-to-last column is a consistency check, not a test: the SD is estimated on those same figures. The last is",
    "the intervals' own out-of-sample check: each figure against the interval whose SD was estimated without its trial",
    "(95 % expected). PFS hazard ratios",
    "have no interval (no leave-one-trial-out error is stored for them); overall survival takes the survival model's",
    "own (Overall survival, below). The figures measure the",
    "error on agents and populations the calibration has seen; a new combination, or a cancer type predicted from its",
    "priors alone, may be wrong by more. Published ORR, CR, PFS and OS figures of the calibration trials inside their",
    `prediction interval: ${inside("model")} on the model's value (2,000 patients an arm), ${inside("trial")} at`,
    "trial size (seed 1) — in-sample for the populations' weights, so not an out-of-sample figure either.",
    "",
    ...(named.length ? ["Outside their prediction interval:", "", ...named, ""] : []),
  ];
}
