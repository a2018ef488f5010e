import { describe, expect, it } from "vitest";
import { toxicityOrderFlag, type RankedForToxicity } from "./toxicity-order.js";

const w = { control: 1, elimination: 1, toxicity: 0.5, burden: 0.05 };
const cand = (
  id: string,
  control: number,
  elimination: number,
  tox: number,
  lowerBound: boolean,
  unknownAgents: string[] = [],
): RankedForToxicity => ({
  id,
  name: id,
  outcome: { pControl: [control, control], pElimination: [elimination, elimination] },
  tox: { score: tox, lowerBound, unknownAgents },
  score: control + elimination - 0.5 * tox,
});

describe("the first choice ranked by a toxicity figure that is a lower bound", () => {
  it("is flagged when candidates with the same efficacy rank below it mainly by toxicity", () => {
    const ranked = [
      cand("virus-nk", 1, 1, 0, true, ["nk-cells-autologous", "radiotherapy"]),
      cand("pembro-nk", 1, 1, 0.27, true, ["nk-cells-autologous"]),
      // a little more treatment burden besides the toxicity: still mainly the toxicity
      {
        ...cand("pembro-virus-nk", 1, 1, 0.27, true, ["nk-cells-autologous"]),
        score: 2 - 0.5 * 0.27 - 0.002,
      },
      // much more treatment burden: not mainly the toxicity
      { ...cand("slow", 1, 1, 0.01, true, ["nk-cells-autologous"]), score: 1.5 },
      cand("none", 0.8, 0.8, 0, false),
    ];
    const [flag] = toxicityOrderFlag(ranked, "virus-nk", w);
    expect(flag).toMatch(/ranks above 2 candidate\(s\).*#2 pembro-nk; #3 pembro-virus-nk\)/);
    expect(flag).toMatch(/autologous.*NK/i);
    expect(flag).toMatch(/missing toxicity data/);
  });

  it("is not given when the first choice's figure is sourced, when it predicts better, or without a toxicity weight", () => {
    // sourced toxicity: the order is the evidence's
    expect(toxicityOrderFlag([cand("a", 1, 1, 0.1, false), cand("b", 1, 1, 0.27, false)], "a", w)).toEqual(
      [],
    );
    // the first choice predicts better control: toxicity does not decide the order
    expect(
      toxicityOrderFlag([cand("a", 1, 1, 0, true, ["radiotherapy"]), cand("b", 0.9, 1, 0.27, false)], "a", w),
    ).toEqual([]);
    expect(
      toxicityOrderFlag([cand("a", 1, 1, 0, true, ["radiotherapy"]), cand("b", 1, 1, 0.27, false)], "a", {
        ...w,
        toxicity: 0,
      }),
    ).toEqual([]);
  });
});
