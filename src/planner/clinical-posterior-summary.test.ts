/**
 * Decisive parameters: a rank correlation with the first choice's outcome counts only above what chance gives on a
 * posterior of resampled virtual patients (few distinct, many tied outcomes).
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../engine/statistics.js";
import { sampleVirtualPatient, type VirtualPatient } from "../population/virtual-patient.js";
import {
  chanceCorrelation,
  decisiveParameters,
  DECISIVE_CORRELATION,
  PATIENT_PARAMETERS,
  spearman,
} from "./clinical-posterior-summary.js";

/** 100 samples of 40 distinct virtual patients, resampled with unequal multiplicities (as systematic resampling). */
function posterior(): VirtualPatient[] {
  const distinct = Array.from({ length: 40 }, (_, k) => sampleVirtualPatient("melanoma", 1000 + k));
  const rand = seededRandom(5);
  const w = distinct.map(() => -Math.log(rand()));
  const total = w.reduce((a, b) => a + b, 0);
  const out: VirtualPatient[] = [];
  let cum = 0;
  let i = 0;
  for (let j = 0; j < 100; j++) {
    const pos = ((j + 0.5) / 100) * total;
    while (cum + w[i] < pos) cum += w[i++];
    out.push(distinct[i]);
  }
  return out;
}

describe("decisive parameters", () => {
  const vps = posterior();
  const distinct = [...new Set(vps.map((v) => v.id))].length;

  it("finds a parameter the outcome follows", () => {
    expect(distinct).toBeGreaterThan(20);
    expect(distinct).toBeLessThan(40);
    // final log10 burden: 0 (eliminated) below the median kmax, falling with kmax above it
    const kmax = vps.map((v) => v.parameters.kmax);
    const median = [...kmax].sort((a, b) => a - b)[50];
    const outcome = kmax.map((k) => (k >= median ? 0 : 10 - Math.log(k)));
    const d = decisiveParameters(vps, outcome);
    expect(d.map((x) => x.name)).toContain("kmax");
    expect(d.find((x) => x.name === "kmax")!.correlation).toBeLessThan(-0.7);
  });

  it("does not call a parameter decisive by chance (outcomes unrelated to the parameters)", () => {
    const rand = seededRandom(9);
    let before = 0;
    let now = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      // each distinct patient gets an outcome of its own, unrelated to its parameters; 60 % are eliminated (0)
      const own = new Map(vps.map((v) => [v.id, rand() < 0.6 ? 0 : 3 + 6 * rand()]));
      const outcome = vps.map((v) => own.get(v.id)!);
      const largest = Math.max(...PATIENT_PARAMETERS.map((p) => Math.abs(spearman(vps.map(p.get), outcome))));
      if (largest >= DECISIVE_CORRELATION) before++;
      if (decisiveParameters(vps, outcome).length) now++;
    }
    // |ρ| ≥ 0.3 alone names a "decisive" parameter in most such plans; above the chance level, in about 1 in 20
    expect(before / trials).toBeGreaterThan(0.4);
    expect(now / trials).toBeLessThanOrEqual(0.15);
  }, 60_000);

  it("the chance level is that of the distinct patients, not of the 100 samples", () => {
    const rand = seededRandom(2);
    const own = new Map(vps.map((v) => [v.id, rand()]));
    const outcome = vps.map((v) => own.get(v.id)!);
    const chance = chanceCorrelation(vps, outcome);
    // nine parameters over ~30 distinct patients: well above the 0.2 of 100 independent samples
    expect(chance).toBeGreaterThan(0.35);
    expect(chance).toBeLessThan(0.75);
    expect(chanceCorrelation(vps, outcome)).toBe(chance);
  });
});
