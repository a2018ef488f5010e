/**
 * The floor of VEGFR inhibition (module `targeted`, parameter Nvc): the kill reaches only the viable cells above the
 * patient's co-opted share of the burden at the start (catalog/vpop-priors.yaml `targeted.vegfr_coopted_fraction`),
 * so a tumour shrinks on sunitinib to a depth of its own instead of running to a complete response.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { median } from "../engine/statistics.js";
import { loadProtocol } from "../therapy/protocol-file.js";
import { populationSimulator } from "./arm-simulator.js";
import { vpopPriors } from "./priors.js";
import { simulatePatient } from "./simulate-patient.js";
import { loadTrial } from "./trial-file.js";
import { DAYS_PER_MONTH } from "./trial-outcomes.js";
import { simulateTrialArms } from "./trial-run.js";
import { sampleVirtualPatient, targetedResponse, type VirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

const SUNITINIB = loadProtocol(
  path.resolve(import.meta.dirname, "../../examples/protocols/sunitinib-50mg-4-2.yaml"),
);
const DAYS = Float64Array.from({ length: 253 }, (_, i) => i);

/** Viable cells over the course, both lesion groups. */
function viable(vp: VirtualPatient): number[] {
  const c = simulatePatient(vp, SUNITINIB, DAYS);
  return Array.from(c.viableS, (v, i) => v + c.viableL[i]);
}

describe("vessel co-option: the floor of VEGFR inhibition", () => {
  const base = sampleVirtualPatient("renal-cell-carcinoma", 11);
  // a very sensitive tumour that never adapts: without a floor it all but disappears
  const strong = (coopted: number): VirtualPatient => ({
    ...base,
    targeted: { ...base.targeted!, vegfr: 40, adaptation: 0, coopted },
  });

  it("the viable burden levels off just above the co-opted share and never falls below it", () => {
    const v = viable(strong(0.2));
    const floor = 0.2 * v[0];
    const min = Math.min(...v);
    expect(min).toBeGreaterThanOrEqual(floor * (1 - 1e-3));
    expect(min).toBeLessThan(1.5 * floor);
  });

  it("without co-opted cells the same tumour falls far below that level", () => {
    const v = viable(strong(0));
    expect(Math.min(...v)).toBeLessThan(0.01 * v[0]);
  });

  it("the share is a patient draw of the prior (median 0.08 in catalog/vpop-priors.yaml), capped at 1", () => {
    const prior = vpopPriors().targeted.vegfr_coopted_fraction.dist;
    expect(prior).toHaveProperty("lognormal");
    const priorMedian = (prior as { lognormal: [number, number] }).lognormal[0];
    const xs = Array.from(
      { length: 4000 },
      (_, i) => targetedResponse(i + 1, "renal-cell-carcinoma").coopted!,
    );
    for (const x of xs) expect(x > 0 && x <= 1).toBe(true);
    // the sample median of 4,000 log-normal draws (σ 1) lies within ±10 % of the prior's median
    expect(median(xs) / priorMedian).toBeGreaterThan(0.9);
    expect(median(xs) / priorMedian).toBeLessThan(1.1);
  });
});

describe("depth of the responses to sunitinib (Motzer 2007's arm, 1,000 patients of the shipped RCC population, seed 1)", () => {
  it("long-term responders shrink by about half, not to nothing, and complete responses are rare", async () => {
    const trial = loadTrial(
      path.resolve(import.meta.dirname, "../../trials/labels/motzer-2007-sunitinib.yaml"),
    );
    const { vpop } = loadVpop(shippedVpopFile("renal-cell-carcinoma"));
    const [arm] = await simulateTrialArms(trial, populationSimulator(vpop, [], 1), {
      seed: 1,
      patients: 1000,
    });
    expect(arm.name).toBe("sunitinib");
    const longTerm = (o: (typeof arm.outcomes)[number]) => o.pfsDays > 18 * DAYS_PER_MONTH;
    const best = (pick: boolean) =>
      arm.outcomes
        .filter((o) => longTerm(o) === pick && o.bestChangePct !== null)
        .map((o) => o.bestChangePct!);
    // 5,714 patients on sunitinib in 8 trials (Clin Genitourin Cancer 2017, PubMed 28711490 [C: abstract]): median
    // best change -56.9 % in those progression-free beyond 18 months, -27.1 % in the others; within 10 points (the
    // pooled patients include later lines and the expanded-access programme, Motzer 2007's are first-line)
    expect(Math.abs(median(best(true)) - -56.9)).toBeLessThan(10);
    expect(Math.abs(median(best(false)) - -27.1)).toBeLessThan(10);
    // before the floor: -79 % and -7 %, and complete responses in 8.9 % of the patients; under 5 % is a bound of the
    // model's, not a published figure (no sourced CR rate of this arm in the repository)
    const cr = arm.outcomes.filter((o) => o.bor === "CR").length / arm.outcomes.length;
    expect(cr).toBeLessThan(0.05);
  }, 600_000);
});
