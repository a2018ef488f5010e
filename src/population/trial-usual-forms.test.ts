import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readEndpointName, readPdl1, readWholeNumbers } from "./trial-usual-forms.js";
import { parseTrial } from "./trial-file.js";
import { knownEndpoint } from "./trial-schema.js";
import { pdl1Admits } from "./types.js";

const TRIAL = `name: usual forms
source: test
population:
  cancer: melanoma
  stage: IV
  prior_lines: 0
  pdl1: "TPS ≥ 50%"
  ecog: 0-1
  ldh_elevated: 38%
  injectable: no
arms:
  - name: pembro
    patients: 100
    protocol:
      name: pembrolizumab
      phases:
        - name: treatment
          kind: outpatient
          start_day: 0
          steps:
            - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: { every: 21, count: 10 } }
assessment:
  criteria: RECIST 1.1
  first_week: 12
  every_weeks: 6
  follow_up_weeks: 104
  confirm: yes
published:
  - { arm: pembro, endpoint: objective response rate, value: 33.7%, ci: [27.9%, 39.8%] }
  - { arm: pembro, endpoint: median PFS (months), value: 5.5, ci: [3.4, 6.9] }
  - { arm: pembro, endpoint: 12-month OS rate, value: 0.7 }
`;

describe("trial files as people write them", () => {
  it("reads the usual forms as the schema's, each with a warning naming the field and its line", () => {
    const t = parseTrial(TRIAL, "usual.yaml");
    const pop = t.document.population;
    expect(pop.stage).toEqual(["IV"]);
    expect(pop.prior_lines).toEqual([0]);
    expect(pop.pdl1).toBe("high");
    expect(pop.ecog).toEqual([0, 1]);
    expect(pop.ldh_elevated).toBe(0.38);
    expect(pop.injectable).toBe(false);
    expect(t.document.assessment.criteria).toBe("recist1.1");
    expect(t.document.assessment.confirm).toBe(true);
    expect(t.published.map((p) => [p.endpoint, p.value, p.ci])).toEqual([
      ["ORR", 0.337, [0.279, 0.398]],
      ["median_PFS_months", 5.5, [3.4, 6.9]],
      ["OS_12mo", 0.7, undefined],
    ]);
    const said = (path: string) => t.warnings.find((w) => w.path === path);
    expect(said("population.ecog")?.message).toBe('"0-1" is read as [0,1]');
    expect(said("population.ecog")?.line).toBe(8);
    expect(said("assessment.criteria")?.message).toBe('"RECIST 1.1" is read as "recist1.1"');
    expect(said("published[0].endpoint")?.message).toMatch(/"objective response rate" is read as "ORR"/);
  });

  it("leaves what it cannot read to the schema's messages (exit 2 with field and line)", () => {
    const bad = (from: string, to: string) => {
      try {
        parseTrial(TRIAL.replace(from, to), "bad.yaml");
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(bad("ecog: 0-1", "ecog: 0-7")).toMatch(/bad\.yaml:8:\d+: population\.ecog/);
    expect(bad("confirm: yes", "confirm: maybe")).toMatch(/assessment\.confirm/);
    expect(bad("criteria: RECIST 1.1", "criteria: WHO")).toMatch(/assessment\.criteria/);
    expect(bad("value: 5.5,", "value: 5.5%,")).toMatch(/published\[1\]\.value/);
    expect(bad("endpoint: 12-month OS rate", "endpoint: quality of life")).toMatch(
      /published\[2\]\.endpoint: unknown endpoint 'quality of life'/,
    );
  });

  it("ranges of whole numbers", () => {
    expect(readWholeNumbers(1, 4)).toEqual([1]);
    expect(readWholeNumbers("0–2", 4)).toEqual([0, 1, 2]);
    expect(readWholeNumbers("0 to 1", 4)).toEqual([0, 1]);
    expect(readWholeNumbers("≥2", 4)).toEqual([2, 3, 4]);
    expect(readWholeNumbers("1+", 3)).toEqual([1, 2, 3]);
    expect(readWholeNumbers("0, 1", 4)).toEqual([0, 1]);
    expect(readWholeNumbers("2-1", 4)).toBeUndefined();
    expect(readWholeNumbers("0-9", 4)).toBeUndefined();
    expect(readWholeNumbers(1.5, 4)).toBeUndefined();
  });

  it("PD-L1 selections by their scores", () => {
    expect(readPdl1("PD-L1 positive")).toBe("positive");
    expect(readPdl1("TPS >= 1%")).toBe("positive");
    expect(readPdl1("<1%")).toBe("negative");
    expect(readPdl1("1-49%")).toBe("low");
    expect(readPdl1("all comers")).toBe("any");
    expect(readPdl1("<5%")).toEqual({ max_tps: 5 });
    expect(readPdl1("≥5%")).toEqual({ min_tps: 5 });
    expect(readPdl1("5-49%")).toEqual({ min_tps: 5, max_tps: 50 });
    expect(readPdl1("sometimes")).toBeUndefined();
    // the levels and ranges admit the scores they name
    expect([0, 0.5, 1, 10, 49.5, 50, 100].map((t) => pdl1Admits("low", t))).toEqual([
      false,
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(pdl1Admits("negative", 0.9)).toBe(true);
    expect(pdl1Admits({ max_tps: 5 }, 5)).toBe(false);
    expect(pdl1Admits({ min_tps: 5 }, 5)).toBe(true);
  });

  it("end points by their usual names", () => {
    const cases: [string, string][] = [
      ["median PFS", "median_PFS_months"],
      ["mOS", "median_OS_months"],
      ["Median duration of response", "median_DOR_months"],
      ["PFS at 6 months", "PFS_6mo"],
      ["6-month PFS", "PFS_6mo"],
      ["PFS_6m", "PFS_6mo"],
      ["overall survival at 24 months", "OS_24mo"],
      ["progression-free survival at 12 months", "PFS_12mo"],
      ["HR (PFS)", "PFS_HR"],
      ["complete response rate", "CR"],
      ["disease control rate", "DCR"],
    ];
    for (const [written, name] of cases) expect(readEndpointName(written), written).toBe(name);
    expect(readEndpointName("quality of life")).toBeUndefined();
  });

  it("never throws on arbitrary names, and what it reads is a known end point (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = readEndpointName(s);
        return r === undefined || knownEndpoint(r);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => (readPdl1(s), true)));
    fc.assert(fc.property(fc.anything(), (x) => (readWholeNumbers(x, 4), true)));
  });
});
