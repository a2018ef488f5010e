import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { FEW_PATIENTS_ESS, fewPatientsNote, populationSimulator } from "./arm-simulator.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

describe("an arm that rests on few virtual patients is said to", () => {
  it("fewPatientsNote: the effective sample size of the enrolled weights against the threshold", () => {
    expect(fewPatientsNote(new Float64Array(100).fill(1))).toBeNull();
    const few = new Float64Array(1000);
    few.fill(1, 0, 20);
    expect(fewPatientsNote(few)).toMatch(/\(20 of the population\) have an effective sample size of 20\.0/);
    // one heavy patient among many light ones: ESS near 1
    const heavy = new Float64Array(200).fill(1e-4);
    heavy[0] = 1;
    expect(fewPatientsNote(heavy)).toMatch(/effective sample size of 1\.\d/);
    expect(fewPatientsNote(new Float64Array(10))).toBeNull();
    expect(FEW_PATIENTS_ESS).toBe(50);
  });

  it("PD-L1 >= 50 % in melanoma (0.4 % of the population) is warned; PD-L1 >= 1 % is not", async () => {
    const { vpop } = loadVpop(shippedVpopFile("melanoma"));
    const protocol = loadProtocol(
      path.resolve(import.meta.dirname, "../../trials/protocols/pembrolizumab-200mg-q3w-35.yaml"),
    );
    const run = async (pdl1: "high" | "positive") => {
      const warnings: string[] = [];
      const sim = populationSimulator(vpop, warnings, 1);
      await sim.simulateArm({
        population: { cancer: "melanoma", pdl1 },
        protocol,
        scanDays: [56, 112],
        patients: 10,
        seed: 1,
      });
      return warnings;
    };
    expect((await run("high")).some((w) => /effective sample size of \d/.test(w))).toBe(true);
    expect((await run("positive")).some((w) => /effective sample size of \d/.test(w))).toBe(false);
  }, 120_000);
});
