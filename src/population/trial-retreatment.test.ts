import { describe, expect, it } from "vitest";
import { parseTrial } from "./trial-file.js";

const arm = (name: string, agent: string, dose: string) => `  - name: ${name}
    patients: 100
    protocol:
      name: ${name}
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: ${agent}, dose: ${dose}, route: ${agent === "docetaxel" ? "iv" : "oral"}, days: { every: 1, count: 28 } }
`;

const trial = (refractory: string, arms: string, cancer = "prostate-cancer") => `name: synthetic re-treatment
source: synthetic
population:
  cancer: ${cancer}
  refractory_to: [${refractory}]
arms:
${arms}assessment: { criteria: recist1.1, first_week: 8, every_weeks: 8, follow_up_weeks: 104 }
`;

const retreatment = (text: string) =>
  parseTrial(text, "t.yaml").warnings.filter((w) => w.message.includes("acts through the same"));

describe("an arm re-treating with what the population progressed on", () => {
  it("is a warning on that arm when progression on it cannot be selected (axitinib after sunitinib)", () => {
    const w = retreatment(
      trial(
        "sunitinib",
        arm("axitinib", "axitinib", "{ value: 5, unit: mg }") +
          arm("everolimus", "everolimus", "{ value: 10, unit: mg }"),
        "renal-cell-carcinoma",
      ),
    );
    expect(w).toHaveLength(1);
    expect(w[0].path).toBe("arms[0].protocol");
    expect(w[0].severity).toBe("warning");
    expect(w[0].message).toMatch(
      /arm 'axitinib' gives axitinib, .* pathway vegfr as 'sunitinib'.* too favourable/,
    );
  });

  it("is silent for a class the model selects on (chemotherapy, AR-pathway inhibitors) and for an arm of another pathway", () => {
    expect(
      retreatment(trial("docetaxel", arm("docetaxel", "docetaxel", "{ value: 75, unit: mg/m2 }"))),
    ).toEqual([]);
    // since 2026-12-04 progression on an AR-pathway inhibitor is selected and its adaptation carried
    expect(
      retreatment(trial("abiraterone", arm("enzalutamide", "enzalutamide", "{ value: 160, unit: mg }"))),
    ).toEqual([]);
    expect(
      retreatment(trial("enzalutamide", arm("rucaparib", "rucaparib", "{ value: 1200, unit: mg }"))),
    ).toEqual([]);
  });
});
