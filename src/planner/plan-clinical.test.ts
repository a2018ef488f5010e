/**
 * The planner on the calibrated clinical model (issue 13 stage 4, issue 14 §3): the prior is the calibrated
 * melanoma population conditioned on the record, the posterior uses every scan, the candidates are simulated on
 * the patient carried to day 0, and the safeguards (convergence, decisive parameters, prior sensitivity, posterior
 * predictive check) are in the plan.
 */
import { renderPlanHtml } from "./report-html.js";
import { armEvidence } from "../population/arm-evidence.js";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCase } from "../clinic/case-file.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { approvedSimulationInput } from "./approved.js";
import { MIN_POSTERIOR_ESS, personalizeClinical } from "./clinical-personalize.js";
import { planCase } from "./plan.js";
import { ppcFlag } from "./plan-safeguards.js";
import { driverNote } from "./plan-clinical.js";
import { simulatePlanCandidate } from "./simulate-any.js";
import { loadVpop, shippedVpopFile } from "../population/vpop-file.js";

const DATE = "2026-11-30";
const planned = planCase(melanomaCase(), {
  date: DATE,
  samples: 40,
  maxCandidates: 8,
  threads: 1,
  explain: 1,
});

describe("planning on the calibrated clinical model", () => {
  it("conditions the calibrated population on the record and updates it with every scan", async () => {
    const plan = await planned;
    expect(plan.model).toBe("clinical");
    expect(plan.clinicalSamples).toHaveLength(40);
    const c = plan.clinical!;
    // the record: nivolumab stopped for progression, so the prior keeps only virtual patients refractory to anti-PD-1
    expect(c.prior.applied).toContain("refractory to anti-PD-1");
    expect(c.prior.conditions.join(" ")).toMatch(/LDH 310/);
    // four scans of growth 48 → 65 mm: the growth rate is informed, the immune parameters stay near their prior
    const vdt = c.posterior.find((p) => p.name === "vdt_days")!;
    expect(vdt.informedByData).toBe(true);
    expect(vdt.posterior.upper90 / vdt.posterior.lower90).toBeLessThan(vdt.prior.upper90 / vdt.prior.lower90);
    expect(c.converged).toBe(true);
    expect(c.ess).toBeGreaterThanOrEqual(20);
    // posterior predictive check: each later scan inside the model's band (widened by the reader's agreement limits)
    expect(c.ppc.scans).toHaveLength(4);
    expect(c.ppc.coverage90).toBe(1);
    // the patient on day 0 (17 days after the last scan, 65 mm): the model's sum of diameters has grown a little
    // (no treatment: every target lesion is evaluated; a candidate with radiotherapy reads the lesions outside its field)
    const none = plan.candidates.find((x) => x.id === "none")!;
    const sld0 = none.bands!.sld![2][0];
    expect(sld0).toBeGreaterThan(65 * 0.9);
    expect(sld0).toBeLessThan(65 * 1.3);
    expect(plan.flags).not.toContainEqual(expect.stringMatching(/did not converge/));
    // the first choice is flagged exactly when it lies beyond the melanoma calibration (arm-evidence.ts)
    const first = plan.candidates.find((x) => x.id === plan.recommended)!;
    const [evidence] = armEvidence([first], loadVpop(shippedVpopFile("melanoma")).vpop);
    expect(plan.flags!.some((f) => /^The first choice .* lies beyond the calibration: /.test(f))).toBe(
      evidence.extrapolated,
    );
    expect(first.evidence?.extrapolated).toBe(evidence.extrapolated);
    const html = renderPlanHtml(plan);
    expect(html).toContain("<th>trials of the cancer type</th>");
    expect(html).toMatch(new RegExp(`>${evidence.extrapolated ? "beyond" : "within"}</td>`));
  }, 240_000);

  it("a progressing tumour untreated is not controlled; re-simulating a candidate reproduces its stored figures", async () => {
    const plan = await planned;
    const none = plan.candidates.find((x) => x.id === "none")!;
    expect(none.outcome.pControl[1]).toBeLessThanOrEqual(0.1);
    expect(none.outcome.pElimination[1]).toBe(0);
    const rec = plan.candidates.find((x) => x.id === plan.recommended)!;
    const again = simulatePlanCandidate(approvedSimulationInput(plan, rec.protocol));
    expect(again.pControl).toEqual(rec.outcome.pControl);
    expect(again.pElimination).toEqual(rec.outcome.pElimination);
    expect(again.sldBands).toHaveLength(5);
  }, 240_000);

  it("states the prior sensitivity of the first choice and the parameters that decide it", async () => {
    const plan = await planned;
    const s = plan.clinical!.sensitivity!;
    // the shipped population's size (14,000 plausible patients since 2026-12-01)
    const plausible = loadVpop(shippedVpopFile("melanoma")).vpop.plausible;
    expect(s.message).toMatch(
      new RegExp(
        `^Prior sensitivity: with the prior widened to every one of the ${plausible} plausible melanoma patients`,
      ),
    );
    expect(s.compared[0].id).toBe(plan.recommended);
    expect(s.changed).toBe(s.widenedFirstChoice !== plan.recommended);
    for (const d of plan.clinical!.decisive) expect(Math.abs(d.correlation)).toBeGreaterThanOrEqual(0.3);
    for (const n of plan.clinical!.priorOnlyDecisive) expect(plan.flags!.join(" ")).toContain(n);
  }, 240_000);

  it("simulates the treatments the record gives between the scans (usual label regimen when no dose is given)", async () => {
    const c = melanomaCase((raw) => {
      (raw.treatments as unknown[]).push({
        kind: "medication",
        name: "pembrolizumab",
        start: "2026-09-05",
        source: { kind: "manual" },
      });
    });
    const p = (await personalizeClinical(c, { startDate: DATE, samples: 10, draws: 150 }))!;
    // the record's nivolumab (stopped 14 days before the first scan used) is simulated from its start (lead-in)
    expect(p.leadIn?.from).toBe("2025-09-01");
    expect(p.history.simulated).toHaveLength(2);
    expect(p.history.simulated[0]).toMatch(/^nivolumab 240 mg every 14 days \(22 dose\(s\) from 2025-09-01/);
    expect(p.history.simulated[1]).toMatch(
      /pembrolizumab 200 mg every 21 days \(5 dose\(s\) from 2026-09-05/,
    );
    // the antibody given before day 0 is still in the patient: its states are carried to day 0
    expect(p.samples[0].start.modules).toContain("pd1");
  }, 120_000);

  it("simulates chemotherapy that ended before the first scan used: the shrinkage after it is explained", async () => {
    // the NSCLC example: carboplatin + pemetrexed July–October 2023, scans 68 → 39 → 8 mm from January to May 2024.
    // Until 2026-12-01 the chemotherapy (before the first scan used) was not simulated: the model predicted growth
    // (median 68.6 and 69.3 mm at the later scans) and the posterior could not explain the scans
    const nsclc = loadCase(path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json"));
    const p = (await personalizeClinical(nsclc, { startDate: "2024-05-10", samples: 10 }))!;
    expect(p.leadIn).toEqual({ from: "2023-07-01", days: 193, unmatched: expect.any(Number) });
    expect(p.history.simulated.join(" ")).toMatch(/carboplatin 5 AUC .*pemetrexed 500 mg\/m2/);
    const [anchor, second, third] = p.ppc.scans;
    // (before: growth, 68.6 and 69.3 mm). Importance sampling alone rests on one virtual patient (ESS about 1); the
    // sequential Monte Carlo that follows (clinical-smc.ts) finds the patients near it
    expect(p.smc).not.toBeNull();
    expect(p.smc!.importanceEss).toBeLessThan(MIN_POSTERIOR_ESS);
    expect(p.smc!.complete).toBe(true);
    expect(p.converged).toBe(true);
    expect(p.ess).toBeGreaterThanOrEqual(MIN_POSTERIOR_ESS);
    // the shrinkage after the chemotherapy is explained
    expect(second.median).toBeLessThan(0.8 * anchor.median);
    expect(third.median).toBeLessThan(second.median);
    // Until the NSCLC population was rebuilt on its PD-L1 readout (2026-12-06) the posterior matched the first scan
    // used (median within 2 % of 68 mm: each patient's lesions are scaled to it) and the second (within the
    // reader's limits), and missed the last (8 mm; median about 14 mm, the check's flag). The rebuilt population
    // (this case's PD-L1 of 60 % selects the ≥ 50 % patients, whom the readout changed) gives patients who explain
    // all three within the model's band and the reader's 95 % limits of agreement (Yoon 2016: ±19.5 %), at the
    // price of a first scan read high (median about 88 mm: patients whose sum could not be brought to 68 mm on
    // that day, which the plan's note says weighs against them) and a second one low (about 29 mm)
    for (const s of [anchor, second, third]) expect(s.inside).toBe(true);
    expect(Math.abs(Math.log(anchor.median / 68))).toBeLessThan(Math.log(1.4));
    expect(Math.abs(Math.log(second.median / 39))).toBeLessThan(Math.log(1.4));
    expect(Math.abs(Math.log(third.median / 8))).toBeLessThan(Math.log(1.195));
    expect(p.ppc.coverage90).toBe(1);
    // no EGFR or ALK result in the record: the plan says how many samples carry a driver (colder tumours)
    expect(driverNote(p)).toMatch(
      /^The record gives no EGFR or ALK result: \d+ % of the posterior samples carry a sensitizing EGFR mutation or an ALK rearrangement/,
    );
    expect(ppcFlag(p)).toEqual([]);
    expect(p.notes[0]).toMatch(/^treatment before the first scan used: simulated from 2023-07-01/);
  }, 300_000);

  it("driverNote: only where drivers move immunity, and only when the record gives neither result", () => {
    const vp = (egfr: boolean) => ({ vp: { covariates: { egfr_mutant: egfr, alk_rearranged: false } } });
    const clin = (cancer: string, applied: string[], relaxed: string[] = []) =>
      ({
        prior: { cancer, applied, relaxed },
        samples: [vp(true), vp(false), vp(false), vp(false)],
      }) as unknown as Parameters<typeof driverNote>[0];
    expect(driverNote(clin("nsclc", ["stage IIIC"]))).toMatch(
      /^The record gives no EGFR or ALK result: 25 % of/,
    );
    expect(driverNote(clin("nsclc", ["EGFR wild-type"]))).toBeNull();
    expect(driverNote(clin("nsclc", [], ["ALK negative (others keep 0.1 of their weight)"]))).toBeNull();
    expect(driverNote(clin("melanoma", []))).toBeNull();
  });
});
