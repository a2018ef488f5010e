import { describe, expect, it } from "vitest";
import { loadProtocol } from "../therapy/protocol-file.js";
import { melanomaCase } from "../test-support/planning-case.js";
import { patientsLikeThis } from "./patients-like-this.js";

const DATE = "2026-11-30";
const pembro = loadProtocol(
  new URL("../../trials/protocols/pembrolizumab-10mgkg-q3w.yaml", import.meta.url).pathname,
);
const none = { name: "no treatment", phases: [] };

describe("patientsLikeThis", () => {
  it("gives the candidates to the same covariate-matched virtual patients and reads them as a trial", async () => {
    const c = melanomaCase();
    const cands = [
      { id: "a", name: "pembrolizumab", protocol: pembro },
      { id: "b", name: "no treatment", protocol: none },
    ];
    const r = (await patientsLikeThis(c, DATE, cands, { patients: 60, threads: 1 }))!;
    expect(r.patients).toBe(60);
    expect(r.conditions).toContain("refractory to anti-PD-1");
    const [p, n] = r.figures;
    // untreated, nobody responds and nearly everybody progresses within a year
    expect(n.orr.value).toBe(0);
    expect(n.pfs12.value!).toBeLessThan(0.1);
    // primary resistance to anti-PD-1: pembrolizumab again responds rarely (SITC definition, docs/trials.md)
    expect(p.orr.value!).toBeLessThan(0.1);
    expect(r.message).toMatch(/#1 pembrolizumab: response \d+ %/);
    expect(r.message).toContain("#2 no treatment: response 0 %");
    // overall survival from the survival model: untreated, a median within the 5-year follow-up, with its CI around it
    expect(n.medianOsMonths.value!).toBeGreaterThan(1);
    expect(n.medianOsMonths.ci[0]!).toBeLessThanOrEqual(n.medianOsMonths.value!);
    expect(n.os24.value!).toBeGreaterThanOrEqual(0);
    expect(n.os24.value!).toBeLessThanOrEqual(1);
    // the same patients and draws: a treatment that shrinks no tumour cannot shorten survival much below untreated
    expect(p.os24.value!).toBeGreaterThanOrEqual(n.os24.value! - 0.05);
    expect(r.message).toMatch(/alive at 24 months \d+ %.*median survival [\d.]+ months/);
    expect(r.message).toContain("does not see treatment after progression");
    expect(r.message).toMatch(
      /own error on trials left out of its calibration .*ORR SD \d+\.\d points over \d+ left-out figures/,
    );
    // seeded: the same call gives the same figures
    const again = (await patientsLikeThis(c, DATE, cands, { patients: 60, threads: 1 }))!;
    expect(again.figures).toEqual(r.figures);
  }, 60_000);
});
