import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../clinic/csv.js";
import { bayesFitGrowth, predictionBand } from "./bayes-fit.js";
import { fitGrowth, parseErrorModel, type Series } from "./growth-fit.js";
import { growthModel } from "./growth-models.js";

const DATA = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/benzekry2014-llc/LLC_sc_CCSB.csv",
);
function mouse(id: string): Series {
  const rows = parseCsv(readFileSync(DATA, "utf8")).filter((r) => r.ID === id);
  return { id, t: rows.map((r) => Number(r.Time)), y: rows.map((r) => Number(r.Vol)) };
}
const errorModel = parseErrorModel("power:0.84");

describe("Bayesian growth fit (Metropolis, priors, R-hat, ESS)", () => {
  const s = mouse("1");
  const gompertz = growthModel("gompertz");
  const fit = bayesFitGrowth(gompertz, s, { errorModel, seed: 2 });

  it("with weak priors the posterior centres on the least-squares fit, and the chains have converged", () => {
    const ls = fitGrowth(gompertz, s, { errorModel });
    for (const p of ["a", "beta"]) {
      const post = fit.parameters[p];
      expect(post.lower95).toBeLessThan(ls.parameters[p].value);
      expect(post.upper95).toBeGreaterThan(ls.parameters[p].value);
      // the 95 % interval is about ± 2 standard errors of the least-squares fit (within a factor 2)
      const width = (post.upper95 - post.lower95) / (4 * ls.parameters[p].se);
      expect(width).toBeGreaterThan(0.5);
      expect(width).toBeLessThan(2);
      expect(post.rhat).toBeLessThan(1.05);
      expect(post.ess).toBeGreaterThan(100);
    }
    expect(fit.converged).toBe(true);
  });

  it("an informative literature prior pulls the estimate toward it", () => {
    // a strong prior at the population median of Benzekry 2014 (a = 0.743, β = 0.0792), 5 % spread
    const strong = bayesFitGrowth(gompertz, s, {
      errorModel,
      seed: 2,
      priors: {
        a: { center: 0.743, sd: 0.05, source: "Benzekry 2014 Table 3 median" },
        beta: { center: 0.0792, sd: 0.05, source: "Benzekry 2014 Table 3 median" },
      },
    });
    const dist = (f: typeof fit) => Math.abs(Math.log(f.parameters.a.median / 0.743));
    expect(dist(strong)).toBeLessThan(dist(fit));
    expect(strong.parameters.a.prior.source).toMatch(/Benzekry/);
  });

  it("the 90 % prediction band brackets the fitted curve and widens beyond the data", () => {
    const band = predictionBand(fit, [10, 20, 40]);
    for (const b of band) {
      expect(b.quantiles[0]).toBeLessThanOrEqual(b.quantiles[1]);
      expect(b.quantiles[1]).toBeLessThanOrEqual(b.quantiles[2]);
    }
    const rel = (b: (typeof band)[number]) => (b.quantiles[2] - b.quantiles[0]) / b.quantiles[1];
    expect(rel(band[2])).toBeGreaterThan(rel(band[0]));
  });

  it("is reproducible with a seed and rejects priors on unknown parameters", () => {
    const again = bayesFitGrowth(gompertz, s, { errorModel, seed: 2 });
    expect(again.parameters).toEqual(fit.parameters);
    expect(() =>
      bayesFitGrowth(gompertz, s, { priors: { gamma: { center: 1, sd: 1, source: "x" } } }),
    ).toThrow(/prior for 'gamma': not a parameter/);
  });
});
