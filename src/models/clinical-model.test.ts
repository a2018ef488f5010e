import { describe, expect, it } from "vitest";
import { loadModelByName } from "./catalog.js";

const ALL = [
  "pd1",
  "ctla4",
  "il2",
  "chemo",
  "lymphodepletion",
  "virus",
  "gmcsf",
  "vaccine",
  "til",
  "car_t",
  "nk",
  "adcc",
];

describe("the clinical model (models/immunoplan-clinical.yaml)", () => {
  const { model } = loadModelByName("immunoplan-clinical", { modules: ALL });

  it("gives every parameter a value inside its plausible range, a unit and a source", () => {
    for (const p of model.spec.parameters) {
      expect(p.source, p.name).not.toBe("");
      expect(p.unit, p.name).not.toBe("");
      expect(p.range, `${p.name} has no range`).toBeDefined();
      expect(p.value, p.name).toBeGreaterThanOrEqual(p.range![0]);
      expect(p.value, p.name).toBeLessThanOrEqual(p.range![1]);
      expect(p.source, p.name).not.toMatch(/to verify/i);
    }
  });
});
