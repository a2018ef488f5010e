/**
 * The label trials of the targeted agents (trials/labels/): the clinical model's VEGFR and mTOR pathways (module
 * `targeted`) were calibrated by hand on them (docs/calibration.md), and this test keeps them there: 1,000 patients
 * per arm on the shipped renal-cell-carcinoma population, seed 1, every published number within the trial runner's
 * tolerance (inside the published 95 % CI; ±5 points for a proportion and ±1 month for a median without one).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { loadTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

const DIR = path.resolve(import.meta.dirname, "../../trials/labels");

describe("label trials of the targeted pathways (hand calibration)", () => {
  const { vpop } = loadVpop(shippedVpopFile("renal-cell-carcinoma"));
  for (const [file, published] of [
    ["motzer-2007-sunitinib.yaml", 2],
    ["record-1-everolimus.yaml", 3],
  ] as const) {
    it(`${file}: every published number within tolerance`, async () => {
      const trial = loadTrial(path.join(DIR, file));
      const r = await runTrial(trial, populationSimulator(vpop, [], 1), { seed: 1, patients: 1000 });
      expect(r.comparisons.length).toBe(published);
      for (const c of r.comparisons) expect(c.within, `${c.arm} ${c.endpoint}: ${c.simulated}`).toBe(true);
    }, 600_000);
  }

  it("everolimus is cytostatic (few responses), sunitinib shrinks tumours (a third respond)", async () => {
    const sun = await runTrial(
      loadTrial(path.join(DIR, "motzer-2007-sunitinib.yaml")),
      populationSimulator(vpop, [], 1),
      { seed: 2, patients: 600 },
    );
    const eve = await runTrial(
      loadTrial(path.join(DIR, "record-1-everolimus.yaml")),
      populationSimulator(vpop, [], 1),
      { seed: 2, patients: 600 },
    );
    expect(sun.arms[0].ORR.value).toBeGreaterThan(0.25);
    expect(eve.arms[0].ORR.value).toBeLessThan(0.1);
    // the placebo arm of RECORD-1 progresses at the first scans
    expect(eve.arms[1].ORR.value).toBe(0);
  }, 600_000);
});
