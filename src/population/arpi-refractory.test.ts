/**
 * Progression on an androgen-receptor pathway inhibitor (src/population/reference-regimens.ts): selected on a
 * reference course of enzalutamide, and the tumour's adaptation at that progression (state Aar of module `ar`)
 * carried into the next trial. The trials here are synthetic (made-up arms and sizes), not published trials.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { carriedStates, refractoryClass } from "./eligibility.js";
import { classAppliesTo, referenceRegimen, refractoryRule, isRefractory } from "./reference-regimens.js";
import { runBatch } from "./simulate-batch.js";
import { parseTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import { ARPI_CLASS, CANCER_TYPES } from "./types.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

describe("the androgen-receptor pathway inhibitors as a refractory class", () => {
  it("names every AR-pathway agent of the catalog, and is tested in prostate cancer only", () => {
    for (const a of ["enzalutamide", "abiraterone", "apalutamide", "darolutamide"])
      expect(refractoryClass(a), a).toBe(ARPI_CLASS);
    expect(refractoryClass("rucaparib")).toBeNull();
    expect(CANCER_TYPES.filter((c) => classAppliesTo(ARPI_CLASS, c))).toEqual(["prostate-cancer"]);
    expect(classAppliesTo("chemotherapy", "melanoma")).toBe(true);
  });

  it("counts acquired resistance within 160 weeks of enzalutamide and carries the adaptation", () => {
    const rule = refractoryRule(ARPI_CLASS);
    expect(rule).toEqual({ weeks: 160, primaryOnly: false, carry: ["Aar"] });
    expect(isRefractory({ progressed: true, bor: "CR" }, rule)).toBe(true);
    const steps = referenceRegimen(ARPI_CLASS, "prostate-cancer").phases[0].steps;
    expect(steps.map((s) => [s.agent, s.dose.value, s.route])).toEqual([["enzalutamide", 160, "oral"]]);
  });

  it("merges the states carried from every class the trial's population progressed on", () => {
    const member = {
      covariates: {} as never,
      refractory: [ARPI_CLASS, "chemotherapy"],
      carry: { [ARPI_CLASS]: { Aar: 0.8 } },
    };
    expect(carriedStates(member, { cancer: "prostate-cancer", refractory_to: ["abiraterone"] })).toEqual({
      Aar: 0.8,
    });
    expect(carriedStates(member, { cancer: "prostate-cancer", refractory_to: ["docetaxel"] })).toBeNull();
    expect(carriedStates(member, { cancer: "prostate-cancer" })).toBeNull();
  });
});

describe("carrying a state into a simulated course", () => {
  const seeds = Array.from({ length: 12 }, (_, i) => 1000 + i);
  const task = (protocol: ReturnType<typeof referenceRegimen>, extra = {}) => ({
    cancer: "prostate-cancer" as const,
    seeds,
    noiseSeeds: seeds.map((s) => s * 7 + 1),
    protocol,
    days: [0, 56, 112, 168, 224, 280, 336, 392, 448, 504],
    settings: { criteria: "recist1.1" as const, confirm: false },
    ...extra,
  });
  const enzalutamide = referenceRegimen(ARPI_CLASS, "prostate-cancer");

  it("returns the kept state at each progression (an adaptation in [0, 1]), null without one", () => {
    const r = runBatch(task(enzalutamide, { keep: ["Aar"] }));
    expect(r.kept).toHaveLength(seeds.length);
    r.outcomes.forEach((o, i) => {
      if (!o.progressed) expect(r.kept?.[i]).toBeNull();
      else {
        const a = r.kept?.[i]?.Aar ?? Number.NaN;
        expect(a).toBeGreaterThan(0);
        expect(a).toBeLessThanOrEqual(1 + 1e-9);
      }
    });
    expect(r.outcomes.some((o) => o.progressed)).toBe(true);
  });

  it("a fully adapted tumour (Aar = 1) runs under enzalutamide as untreated; no carry changes nothing", () => {
    const noDrug = { name: "nothing", phases: [{ name: "none", start_day: 0, steps: [] }] };
    const untreated = runBatch(task(noDrug as never));
    const adapted = runBatch(task(enzalutamide, { carry: seeds.map(() => ({ Aar: 1 })) }));
    const fresh = runBatch(task(enzalutamide));
    const freshAgain = runBatch(task(enzalutamide, { carry: seeds.map(() => null) }));
    adapted.outcomes.forEach((o, i) => {
      const u = untreated.outcomes[i];
      expect(o.bor).toBe(u.bor);
      expect(o.pfsDays).toBe(u.pfsDays);
      expect(o.bestChangePct ?? 0).toBeCloseTo(u.bestChangePct ?? 0, 1);
    });
    expect(freshAgain.outcomes).toEqual(fresh.outcomes);
    // the fresh course does shrink some tumours the adapted one does not
    const best = (r: typeof fresh) => r.outcomes.reduce((s, o) => s + (o.bestChangePct ?? 0), 0);
    expect(best(fresh)).toBeLessThan(best(adapted) - 10 * seeds.length);
  }, 60_000);
});

describe("a second AR-pathway inhibitor on the shipped prostate population (synthetic trial)", () => {
  const { vpop } = loadVpop(shippedVpopFile("prostate-cancer"));

  it("the population file holds the class and each refractory patient's adaptation at progression", () => {
    const refractory = vpop.patients.filter((p) => p.refractory.includes(ARPI_CLASS));
    expect(refractory.length / vpop.patients.length).toBeGreaterThan(0.4);
    expect(refractory.length / vpop.patients.length).toBeLessThan(0.95);
    for (const p of vpop.patients) {
      const a = p.carry?.[ARPI_CLASS]?.Aar;
      if (p.refractory.includes(ARPI_CLASS)) {
        expect(a).toBeGreaterThan(0);
        expect(a).toBeLessThanOrEqual(1);
      } else expect(a).toBeUndefined();
    }
  });

  it("a population file whose carried state is not a fraction is refused, naming the field", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vpop-"));
    const file = path.join(dir, "bad.json");
    const bad = structuredClone(vpop);
    const i = bad.patients.findIndex((p) => p.carry);
    bad.patients[i].carry = { [ARPI_CLASS]: { Aar: 5 } };
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadVpop(file)).toThrow(
      new RegExp(`bad\\.json: patients\\.${i}\\.carry\\.${ARPI_CLASS}\\.Aar: .*1`),
    );
  });

  const text = (refractory: string) => `name: synthetic ARPI switch
source: "synthetic (tests of src/population/arpi-refractory.test.ts)"
population: { cancer: prostate-cancer, refractory_to: [${refractory}] }
arms:
  - name: enzalutamide
    patients: 300
    protocol:
      name: enzalutamide
      phases:
        - { name: treatment, start_day: 0, steps: [{ agent: enzalutamide, dose: { value: 160, unit: mg }, route: oral, days: { every: 1, count: 364 } }] }
assessment: { criteria: recist1.1, first_week: 8, every_weeks: 8, follow_up_weeks: 52, confirm: true }
`;
  const FILE = path.resolve("trials/synthetic-arpi.yaml"); // not read: the protocol is inline

  it("responds far less after abiraterone than in an ARPI-naive population (cross-resistance)", async () => {
    const naive = await runTrial(parseTrial(text(""), FILE), populationSimulator(vpop, [], 1), {
      seed: 2,
    });
    const after = await runTrial(parseTrial(text("abiraterone"), FILE), populationSimulator(vpop, [], 1), {
      seed: 2,
    });
    const orr = (r: typeof naive) => r.arms[0].ORR.value ?? Number.NaN;
    const pfs = (r: typeof naive) => r.arms[0].median_PFS_months.value ?? Number.NaN;
    expect(orr(naive)).toBeGreaterThan(0.4);
    expect(orr(after)).toBeLessThan(0.1);
    expect(pfs(after)).toBeLessThan(pfs(naive) / 2);
  }, 300_000);
});
