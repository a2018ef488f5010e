/**
 * The conditioned prior of a case: covariates are relaxed softly (a virtual patient who does not share one keeps a
 * fraction of its weight) before they are dropped, the least decisive first and the refractory class last.
 */
import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import {
  BURDEN_BANDWIDTH,
  conditionedPrior,
  MIN_PRIOR_ESS,
  type ConditionedPrior,
  RELAX_STEPS,
} from "./case-population.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CaseSchema, type CaseRecord } from "../clinic/case-schema.js";
import type { VirtualPatient } from "../population/virtual-patient.js";

const DATE = "2026-11-30";
const c = melanomaCase();
// the progressing melanoma case's conditions, most decisive first
const ORDER = ["refractory to anti-PD-1", "stage M1c", "LDH above normal", "PD-L1 1–49 %", "ECOG ≥ 1"];
const parse = (r: string) => {
  const m = /^(.*) \(others keep ([0-9.]+) of their weight\)$/.exec(r);
  return m ? { name: m[1], eps: Number(m[2]) } : { name: r, eps: 1 };
};

describe("conditionedPrior: relaxing the record's conditions", () => {
  for (const sld of [undefined, 120, 80, 48, 30, 20]) {
    it(`keeps the order of relaxation (burden kernel ${sld ?? "none"} mm)`, () => {
      const p = conditionedPrior(c, DATE, undefined, sld)!;
      const relaxed = p.relaxed.map(parse);
      const kept = p.applied.filter((a) => !a.startsWith("baseline sum"));
      // every condition is kept or relaxed, none lost, in the order of decisiveness
      expect([...kept, ...relaxed.map((r) => r.name)]).toEqual(ORDER);
      for (const r of relaxed) expect(RELAX_STEPS).toContain(r.eps);
      // the refractory class is relaxed only once every other condition is dropped entirely
      if (relaxed[0]?.name === ORDER[0]) expect(relaxed.slice(1).every((r) => r.eps === 1)).toBe(true);
      // softening goes round the covariates: no covariate is softer than one after it by more than one step
      const steps = relaxed.filter((r) => r.name !== ORDER[0]).map((r) => RELAX_STEPS.indexOf(r.eps as 1));
      for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
      // enough virtual patients, unless every condition has given way
      if (!(relaxed.length === ORDER.length && relaxed.every((r) => r.eps === 1)))
        expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
    });
  }

  it("a softly relaxed condition still tilts the prior towards the virtual patients who share it", () => {
    // with the burden kernel at the case's first scan (48 mm), as the personalization conditions it (without the
    // kernel the population rebuilt on 2026-12-01 meets every condition: nothing is relaxed)
    const p = conditionedPrior(c, DATE, undefined, 48)!;
    const soft = p.relaxed.map(parse).find((r) => r.name === "LDH above normal" && r.eps < 1);
    expect(soft).toBeDefined();
    let shared = 0;
    let calibratedShared = 0;
    let calibratedTotal = 0;
    p.weights.forEach((w, i) => {
      const ldh = p.patients[i].covariates.ldh_elevated;
      if (ldh) shared += w;
      // the calibrated population under the same burden kernel
      const z = Math.log(p.patients[i].covariates.sld_mm / 48) / BURDEN_BANDWIDTH;
      const b = p.vpop.patients[i].weight * Math.exp(-0.5 * z * z);
      calibratedTotal += b;
      if (ldh) calibratedShared += b;
    });
    const base = calibratedShared / calibratedTotal;
    // the odds of LDH above normal are about 1/eps times those of the calibrated population under the same kernel (the other conditions,
    // correlated with LDH, move them too: 10 % allowed)
    const odds = (x: number) => x / (1 - x);
    expect(odds(shared) / odds(base)).toBeGreaterThan(0.9 / soft!.eps);
  });
});

/** A case record with a tumour-marker result and, when `agent` is given, a line of that agent it progressed on. */
function withMarker(
  base: "melanoma" | "nsclc",
  marker: { readonly name: string; readonly code: string; readonly display: string },
  value: string,
  agent: string | null,
): CaseRecord {
  const edit = (raw: Record<string, unknown>) => {
    const biomarkers = raw.biomarkers as { name: string; value: string }[];
    const key = marker.name.split(" ")[0];
    const existing = biomarkers.find((x) => x.name.includes(key));
    if (existing) existing.value = value;
    else
      (raw.biomarkers as unknown[]).push({
        name: marker.name,
        code: { system: "http://loinc.org", code: marker.code, display: marker.display },
        value,
        date: "2023-06-20",
        source: { kind: "document", ref: "pathology-2023-06-20" },
      });
    if (agent)
      (raw.treatments as unknown[]).push({
        kind: "medication",
        name: agent,
        start: "2023-11-01",
        end: "2024-09-01",
        bestResponse: "PR",
        reasonStopped: "progression",
        source: { kind: "manual" },
      });
  };
  if (base === "melanoma") return melanomaCase(edit);
  const raw = JSON.parse(readFileSync(NSCLC, "utf8")) as Record<string, unknown>;
  edit(raw);
  return CaseSchema.parse(raw);
}
const NSCLC = path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json");

/** Each marker the case prior reads: its record, the agent whose history makes it apply, and its two statuses. */
const MARKERS = [
  {
    label: "BRAF V600",
    immune: false,
    base: "melanoma",
    marker: { name: "BRAF V600", code: "58415-6", display: "BRAF gene mutations" },
    agent: "dabrafenib + trametinib",
    statuses: [
      ["V600E", true, "BRAF V600 mutant"],
      ["wild type", false, "BRAF V600 wild-type"],
    ],
    read: (p: ConditionedPrior) => [p.conditions.brafApplies, p.conditions.brafV600] as const,
    covariate: (vp: VirtualPatient) => vp.covariates.braf_v600,
  },
  {
    label: "EGFR",
    immune: true,
    base: "nsclc",
    marker: { name: "EGFR mutation", code: "21667-1", display: "EGFR gene mutations analysis" },
    agent: "osimertinib",
    statuses: [
      ["L858R", true, "EGFR mutant"],
      ["wild type", false, "EGFR wild-type"],
    ],
    read: (p: ConditionedPrior) => [p.conditions.egfrApplies, p.conditions.egfrMutant] as const,
    covariate: (vp: VirtualPatient) => vp.covariates.egfr_mutant,
  },
  {
    label: "ALK",
    immune: true,
    base: "nsclc",
    marker: { name: "ALK rearrangement (FISH)", code: "46993-2", display: "ALK gene rearrangement" },
    agent: "alectinib",
    statuses: [
      ["EML4-ALK fusion", true, "ALK rearranged"],
      ["negative", false, "ALK negative"],
    ],
    read: (p: ConditionedPrior) => [p.conditions.alkApplies, p.conditions.alkRearranged] as const,
    covariate: (vp: VirtualPatient) => vp.covariates.alk_rearranged,
  },
  {
    label: "KRAS",
    immune: false,
    base: "nsclc",
    marker: { name: "KRAS mutation", code: "21702-6", display: "KRAS gene mutations analysis" },
    agent: "sotorasib",
    statuses: [
      ["G12C", true, "KRAS G12C"],
      ["G12D", false, "KRAS not G12C"],
    ],
    read: (p: ConditionedPrior) => [p.conditions.krasApplies, p.conditions.krasG12c] as const,
    covariate: (vp: VirtualPatient) => vp.covariates.kras_g12c,
  },
] as const;

for (const m of MARKERS)
  describe(`conditionedPrior: ${m.label} status`, () => {
    it(`conditions the prior when the history holds ${m.agent}'s class${m.immune ? " or not (it moves immunity)" : " only"}: then only patients of that status`, () => {
      // without such a history the status changes nothing the model simulates (not applied), except EGFR and ALK
      // in NSCLC, whose driver-positive tumours are immunologically colder (f_imm_driver_factor)
      const plain = conditionedPrior(withMarker(m.base, m.marker, m.statuses[0][0], null), DATE)!;
      expect(m.read(plain)).toEqual(m.immune ? [true, m.statuses[0][1]] : [false, m.statuses[0][1]]);
      expect([...plain.applied, ...plain.relaxed].some((a) => a.startsWith(m.label))).toBe(m.immune);
      for (const [value, status, name] of m.statuses) {
        const p = conditionedPrior(withMarker(m.base, m.marker, value, m.agent), DATE)!;
        expect(m.read(p)).toEqual([true, status]);
        expect(p.conditions.sources.some((x) => x.startsWith(name))).toBe(true);
        if (p.applied.includes(name)) {
          // kept: every virtual patient of the other status has no weight
          p.weights.forEach((w, i) => {
            if (m.covariate(p.patients[i]) !== status) expect(w).toBe(0);
          });
          expect(p.ess).toBeGreaterThanOrEqual(MIN_PRIOR_ESS);
        } else expect(p.relaxed.map(parse).some((r) => r.name === name)).toBe(true);
      }
    });
  });
