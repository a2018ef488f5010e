import { describe, expect, it } from "vitest";
import { buildConstraints, type ArmRun } from "./calibration-constraints.js";
import { parseTrial } from "./trial-file.js";

/** A single-arm lymphoma trial: scans at weeks 4, 13, then every 13 weeks to week 273; the given extra lines. */
const trialText = (assessment: string, published: string) => `name: T
source: "s"
population: { cancer: large-b-cell-lymphoma }
arms:
  - name: a
    patients: 100
    protocol:
      name: p
      phases:
        - name: t
          kind: clinic
          start_day: 0
          steps:
            - { agent: axicabtagene-ciloleucel, dose: { value: 2000000, unit: cells/kg }, route: iv, days: [0] }
assessment:
  criteria: lugano2014
  first_week: 4
  every_weeks: 9
  until_week: 13
  every_weeks_after: 13
  follow_up_weeks: 273
${assessment}
published:
  - { arm: a, endpoint: ORR, value: 0.82, data_cut_weeks: 38 }
${published}
`;

const arm: ArmRun = {
  trial: 0,
  arm: "a",
  patients: 100,
  factor: new Float64Array([1]),
  outcomes: new Map([
    [0, [{ id: "x", bor: "CR", pfsDays: 300, progressed: false, bestChangePct: -100, durable: true }]],
  ]),
  at: new Map(),
};

const build = (text: string) => {
  const notes: string[] = [];
  const cs = buildConstraints(
    [parseTrial(text, "t.yaml")],
    [arm],
    { timingExpected: false, withBounds: false, withDor: true },
    notes,
  );
  return { cs, notes };
};

describe("calibration constraints", () => {
  const dor = "  - { arm: a, endpoint: median_DOR_months, value: 8.2, data_cut_weeks: 38 }";

  it("a DoR median that no patient can be followed to by the data cut is not a target", () => {
    const { cs, notes } = build(trialText("", dor));
    expect(cs.filter((c) => c.dor)).toHaveLength(0);
    expect(notes.join("\n")).toMatch(/cannot be observed by the data cut .*no assessment\.accrual_weeks/);
  });

  it("with staggered enrolment the longest-followed patients are read half the accrual past the cut", () => {
    const { cs } = build(trialText("  accrual_weeks: 31", dor));
    expect(cs.filter((c) => c.dor)).toHaveLength(1);
  });

  it("a published number marked calibrate: false is a check, never a constraint", () => {
    const { cs, notes } = build(
      trialText(
        "  accrual_weeks: 31",
        dor.replace("data_cut_weeks: 38", "data_cut_weeks: 38, calibrate: false"),
      ),
    );
    expect(cs.filter((c) => c.dor)).toHaveLength(0);
    expect(cs.filter((c) => c.published.endpoint === "ORR")).toHaveLength(1);
    expect(notes).toContain(
      "T: median_DOR_months of a (week 38) is marked calibrate: false: a check, not a target",
    );
  });
});
