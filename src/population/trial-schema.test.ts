import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isProportion, knownEndpoint, trialJsonSchema } from "./trial-schema.js";

describe("trial schema", () => {
  it("schemas/trial.schema.json is the zod schema's JSON Schema (regenerate: npx tsx src/population/write-trial-schema.ts)", () => {
    const published = JSON.parse(
      readFileSync(new URL("../../schemas/trial.schema.json", import.meta.url), "utf8"),
    );
    expect(published).toEqual(JSON.parse(JSON.stringify(trialJsonSchema())));
  });

  it("end points: the simulated ones, any PFS landmark, OS ones recorded only", () => {
    for (const e of [
      "ORR",
      "CR",
      "DCR",
      "median_PFS_months",
      "PFS_6mo",
      "PFS_12mo",
      "PFS_48mo",
      "PFS_HR",
      "OS_60mo",
    ])
      expect(knownEndpoint(e)).toBe(true);
    for (const e of ["orr", "PFS6", "PFS_6m", "median_PFS", "HR"]) expect(knownEndpoint(e)).toBe(false);
    expect(isProportion("PFS_6mo")).toBe(true);
    expect(isProportion("median_PFS_months")).toBe(false);
    expect(isProportion("PFS_HR")).toBe(false);
  });
});
