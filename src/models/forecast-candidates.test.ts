import { describe, expect, it } from "vitest";
import { candidateName, parseCandidate, populationOf } from "./forecast-candidates.js";

const defaults = { covariance: "full", errorModel: "log" } as const;

describe("forecast candidates with a residual correlation (/exp, /exp-nugget)", () => {
  it("parses the suffix, names it, and fits its population with the correlation", () => {
    const c = parseCandidate("gompertz/full/log/exp", defaults);
    expect(c).toMatchObject({ model: "gompertz", kind: "population", correlation: "exp" });
    expect(c.carry).toBeUndefined();
    expect(candidateName(c)).toBe("gompertz/full/log/exp");
    expect(populationOf(c)?.correlation).toBe("exp");
    expect(parseCandidate("gompertz/diagonal/log/exp-nugget", defaults).correlation).toBe("exp-nugget");
    expect(parseCandidate("gompertz/full/log/carry", defaults).correlation).toBeUndefined();
  });

  it("rejects a correlation with a heteroscedastic error model and an unknown suffix", () => {
    expect(() => parseCandidate("gompertz/full/combined/exp", defaults)).toThrow(/log or constant/);
    expect(() => parseCandidate("gompertz/full/log/gauss", defaults)).toThrow(
      /is not 'carry', 'exp' or 'exp-nugget'/,
    );
  });
});
