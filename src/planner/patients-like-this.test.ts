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

  it("a prostate case that progressed on abiraterone: enzalutamide meets the adaptation its virtual patients carry", async () => {
    const prostate = (progressedOn: string | null) =>
      melanomaCase((raw) => {
        raw.cancers = [
          {
            role: "primary",
            code: { display: "Adenocarcinoma of prostate, metastatic castration-resistant" },
            source: { kind: "manual" },
          },
        ];
        raw.staging = [
          {
            kind: "clinical",
            item: "stage-group",
            value: { display: "IV (M1b)" },
            source: { kind: "manual" },
          },
        ];
        raw.biomarkers = [];
        raw.treatments = progressedOn
          ? [
              {
                kind: "medication",
                name: progressedOn,
                start: "2025-01-10",
                end: "2026-08-01",
                bestResponse: "PR",
                reasonStopped: "progression",
                source: { kind: "manual" },
              },
            ]
          : [];
      });
    const enzalutamide = loadProtocol(
      new URL("../../trials/protocols/enzalutamide-160mg-daily-104w.yaml", import.meta.url).pathname,
    );
    const cands = [{ id: "e", name: "enzalutamide", protocol: enzalutamide }];
    const after = (await patientsLikeThis(prostate("abiraterone"), DATE, cands, {
      patients: 80,
      threads: 1,
    }))!;
    const naive = (await patientsLikeThis(prostate(null), DATE, cands, { patients: 80, threads: 1 }))!;
    expect(after.conditions).toContain("refractory to androgen-receptor pathway inhibitor");
    // cross-resistance: a second AR-pathway inhibitor responds rarely; in ARPI-naive patients often (PREVAIL 59 %)
    expect(after.figures[0].orr.value!).toBeLessThan(0.15);
    expect(naive.figures[0].orr.value!).toBeGreaterThan(0.35);
  }, 120_000);
});
