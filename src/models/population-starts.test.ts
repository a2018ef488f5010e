/**
 * A population fit that drifted to a boundary: 500 consecutive rows of Laleh 2022 (data lines 1400–1899 of the S6
 * file: the end of study 2 and most of study 3), the forecast's training readings (the first three of every
 * patient with ≥ 6, all readings of the others). From the default start the diagonal Gompertz fit ran its rate ω to
 * 17/day without converging — a step from the baseline to the plateau — and every patient was forecast at one size
 * (median absolute error 12.2 mm, against 2.2 mm for a logistic curve per patient).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSeriesCsv } from "../cli/series-csv.js";
import { splitSeries } from "./forecast.js";
import { fitPopulation } from "./population-fit.js";

const DATA = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/laleh2022-clinical-tgi/laleh2022_S6_target_lesion_LD.csv",
);

/** The header and data lines 1400–1899 of the S6 file. */
function lalehRows1400(): string {
  const lines = readFileSync(DATA, "utf8").split(/\r?\n/);
  return [lines[0], ...lines.slice(1400, 1900)].join("\n") + "\n";
}

describe("population fits from several starts (a study where the default start fails)", () => {
  const { series } = parseSeriesCsv("sub.csv", lalehRows1400());
  const training = new Map(splitSeries(series, 3, 6).map((s) => [s.series.id, s.train]));
  const own = series.map((s) => training.get(s.id) ?? s).filter((s) => s.t.length >= 2);

  it("the diagonal Gompertz fit converges to a rate of months, the best converged start", () => {
    const fit = fitPopulation("gompertz", own, { covariance: "diagonal" });
    expect(fit.converged).toBe(true);
    // a Gompertz rate whose time constant is weeks to years (per day), not the step of a rate of hours
    expect(fit.fixedEffects.omega.value).toBeGreaterThan(1e-3);
    expect(fit.fixedEffects.omega.value).toBeLessThan(0.2);
    const kept = fit.attempts[fit.chosenAttempt];
    expect(kept.converged).toBe(true);
    expect(kept.objective).toBeCloseTo(fit.objective, 6);
    for (const a of fit.attempts)
      if (a.converged && a.covariance === fit.covariance)
        expect(a.objective).toBeGreaterThanOrEqual(fit.objective - 1e-6);
  });
});
