/**
 * The label trials of the targeted agents (trials/labels/): the clinical model's VEGFR and mTOR pathways (module
 * `targeted`), its BRAF and MEK inhibitors (module `mapk`), interferon alfa (module `interferon`), the
 * androgen-receptor pathway inhibitors (module `ar`), bevacizumab (module `antivegf`), the CD20 × CD3 engagers
 * (module `bispecific`), the EGFR inhibitors (module `egfr`), the ALK inhibitors (module `alk`), the KRAS G12C inhibitors (module `kras`), the PARP inhibitors (module `parp`), 177Lu-PSMA-617 (module `radioligand`), the MET and RET inhibitors (module `driver_tki`), the VEGF pathway's dependence in NSCLC (Socinski 2008) and LAG-3 blockade (g_lag3 of module `pd1`, set by nivolumab + relatlimab) were calibrated by
 * hand on them (docs/calibration.md),
 * and this test keeps them there: 1,000 patients per arm on the shipped population, seed 1, every published number
 * within the trial runner's tolerance (inside the published 95 % CI; ±5 points for a proportion and ±1 month for a
 * median without one) — except the misses of BREAK-3, PREVAIL, Yang 2003, TARGET's sorafenib HR, Escudier 2009's interferon median (a check of sorafenib), Socinski 2008's ORR, PROFILE 1014's chemotherapy arm, PROFILE 1007's chemotherapy arm, LIBRETTO-001's median PFS (both cohorts) and Motzer 2007's interferon median OS (cross-over), which are asserted as they stand (the report says
 * why).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { populationSimulator } from "./arm-simulator.js";
import { loadTrial } from "./trial-file.js";
import { runTrial } from "./trial-run.js";
import type { CancerType } from "./types.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

const DIR = path.resolve(import.meta.dirname, "../../trials/labels");

/** A label trial at 1,000 patients per arm on its cancer type's shipped population, seed 1: which numbers are within. */
async function simulateLabelTrial(file: string, cancer: CancerType) {
  const trial = loadTrial(path.join(DIR, file));
  const { vpop } = loadVpop(shippedVpopFile(cancer));
  const r = await runTrial(trial, populationSimulator(vpop, [], 1), { seed: 1, patients: 1000 });
  const within = Object.fromEntries(r.comparisons.map((c) => [`${c.arm} ${c.endpoint}`, c.within]));
  return { r, within };
}

describe("label trials of the targeted pathways (hand calibration)", () => {
  const { vpop } = loadVpop(shippedVpopFile("renal-cell-carcinoma"));
  it("motzer-2007-sunitinib.yaml: every published number within tolerance but the interferon arm's median OS, after cross-over", async () => {
    const trial = loadTrial(path.join(DIR, "motzer-2007-sunitinib.yaml"));
    const r = await runTrial(trial, populationSimulator(vpop, [], 1), { seed: 1, patients: 1000 });
    expect(r.comparisons.length).toBe(8);
    const within = Object.fromEntries(r.comparisons.map((c) => [`${c.arm} ${c.endpoint}`, c.within]));
    const { "interferon alfa median_OS_months": ifnOs, ...rest } = within;
    for (const [k, v] of Object.entries(rest)) expect(v, k).toBe(true);
    // 65 % of the interferon arm crossed over to VEGF-pathway inhibitors; the model simulates no treatment after
    // progression, so the arm dies sooner than the trial's (about 15.4 against 21.8 months)
    expect(ifnOs).toBe(false);
    const ifn = r.arms.find((a) => a.name === "interferon alfa")!.median_OS_months!.value!;
    expect(ifn).toBeLessThan(21.8);
    expect(ifn).toBeGreaterThan(12);
  }, 600_000);

  for (const [file, published] of [["record-1-everolimus.yaml", 3]] as const) {
    it(`${file}: every published number within tolerance`, async () => {
      const trial = loadTrial(path.join(DIR, file));
      const r = await runTrial(trial, populationSimulator(vpop, [], 1), { seed: 1, patients: 1000 });
      expect(r.comparisons.length).toBe(published);
      for (const c of r.comparisons) expect(c.within, `${c.arm} ${c.endpoint}: ${c.simulated}`).toBe(true);
    }, 600_000);
  }

  it("combi-d-dabrafenib-trametinib.yaml (melanoma, BRAF V600-mutant): every published number within tolerance", async () => {
    const { r } = await simulateLabelTrial("combi-d-dabrafenib-trametinib.yaml", "melanoma");
    expect(r.comparisons.length).toBe(5);
    for (const c of r.comparisons) expect(c.within, `${c.arm} ${c.endpoint}: ${c.simulated}`).toBe(true);
  }, 600_000);

  it("METRIC (trametinib vs chemotherapy, melanoma, BRAF V600-mutant): every number within but trametinib's median PFS, a scan late", async () => {
    const { r, within } = await simulateLabelTrial("metric-trametinib.yaml", "melanoma");
    const { "trametinib median_PFS_months": median, ...rest } = within;
    expect(Object.values(rest)).toEqual([true, true, true, true, true]);
    // the median falls between the scans of weeks 18 and 24 (4.1 and 5.5 months): 4.33 months at this run on the
    // melanoma population until 2026-12-07, 5.30 on the one whose weights also hold CheckMate 066's dacarbazine
    // duration of response (docs/calibration.md): outside 4.3–4.9, the week-24 scan
    expect(median).toBe(false);
    const trametinib = r.arms.find((a) => a.name === "trametinib")!.median_PFS_months.value!;
    expect(trametinib).toBeGreaterThan(4.9);
    expect(trametinib).toBeLessThan(5.6);
  }, 600_000);

  it("BREAK-3 (dabrafenib vs dacarbazine): ORR of both arms and the PFS HR within tolerance; CR and the two medians missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("break-3-dabrafenib.yaml", "melanoma");
    const { "dabrafenib CR": _cr, ...rest } = within;
    // the model's complete responses of small tumours: above BREAK-3's 3 % (10.3 % until 2026-12-07; 7.4 % at this run
    // on the population that holds CheckMate 066's duration of response, 8.5 % at 2,000 paired patients)
    const cr = r.arms.find((a) => a.name === "dabrafenib")!.CR.value!;
    expect(cr).toBeGreaterThan(0.05);
    expect(cr).toBeLessThan(0.11);
    expect(rest).toEqual({
      "dabrafenib ORR": true,
      "dacarbazine ORR": true,
      "dabrafenib PFS_HR": true,
      // BREAK-3's 5.1 months and COMBI-d's 8.8 (5.9–9.3) for the same drug: the model sits between them
      "dabrafenib median_PFS_months": false,
      // the melanoma population's untreated progression at the first scan (week 6) is faster than BREAK-3's
      "dacarbazine median_PFS_months": false,
    });
    const dab = r.arms[0].median_PFS_months.value!;
    expect(dab).toBeGreaterThan(5.1);
    expect(dab).toBeLessThan(8.8);
  }, 600_000);

  it("PREVAIL (enzalutamide vs placebo, prostate cancer): enzalutamide's ORR, CR and median PFS within tolerance; the placebo median and the HR missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("prevail-enzalutamide.yaml", "prostate-cancer");
    expect(within).toEqual({
      "enzalutamide ORR": true,
      "enzalutamide CR": true,
      "placebo ORR": true,
      "enzalutamide median_PFS_months": true,
      // the prostate population's untreated course is IMPACT's (time to progression 14.4 weeks on placebo), faster
      // than PREVAIL's placebo arm read by investigators (5.4 months), and the HR follows
      "placebo median_PFS_months": false,
      "enzalutamide PFS_HR": false,
    });
    const placebo = r.arms[1].median_PFS_months.value!;
    expect(placebo).toBeGreaterThan(3);
    expect(placebo).toBeLessThan(4.1);
  }, 600_000);

  it("Yang 2003 (bevacizumab vs placebo, RCC): ORR, 8-month PFS and the placebo arm within tolerance; the 4-month PFS of bevacizumab missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("yang-2003-bevacizumab.yaml", "renal-cell-carcinoma");
    expect(within).toEqual({
      "bevacizumab 10 mg/kg ORR": true,
      // the renal-cell population's tumours insensitive to VEGF blockade progress at the first scans: 56 % vs 64 %
      "bevacizumab 10 mg/kg PFS_4mo": false,
      "bevacizumab 10 mg/kg PFS_8mo": true,
      "placebo PFS_4mo": true,
      "placebo PFS_8mo": true,
    });
    const pfs4 = r.comparisons.find((c) => c.arm === "bevacizumab 10 mg/kg" && c.endpoint === "PFS_4mo");
    expect(pfs4?.simulated).toBeGreaterThan(0.5);
  }, 600_000);

  it("RELATIVITY-047 (nivolumab + relatlimab vs nivolumab, melanoma): the combination's numbers and the HR within; the nivolumab median missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("relativity-047.yaml", "melanoma");
    expect(within).toEqual({
      "nivolumab + relatlimab median_PFS_months": true,
      // within (4.7 months) on the population of six readings; since melanoma was rebuilt with twelve (2026-12-07),
      // which brought CheckMate 067's nivolumab median inside its CI (4.2 → 5.4 against 6.9 (4.3–9.5)), the curve
      // stays above 50 % past this trial's week-20 scan: 6.5 against 4.6 (3.4–5.6). The two trials' first-line
      // nivolumab medians share 4.3–5.6 months; docs/calibration.md says so. No hand-set parameter acts on this arm.
      "nivolumab median_PFS_months": false,
      "nivolumab + relatlimab PFS_HR": true,
      "nivolumab + relatlimab PFS_12mo": true,
      "nivolumab PFS_12mo": true,
      "nivolumab + relatlimab ORR": true,
      "nivolumab ORR": true,
    });
    const nivoMedian = r.comparisons.find((c) => c.arm === "nivolumab" && c.endpoint === "median_PFS_months");
    expect(nivoMedian?.simulated).toBeGreaterThan(5.6);
    // the LAG-3 blockade (g_lag3, set by the combination) lengthens PFS; the nivolumab arm does not have it
    expect(r.arms[0].median_PFS_months.value!).toBeGreaterThan(r.arms[1].median_PFS_months.value!);
  }, 600_000);

  it("EURTAC (erlotinib vs platinum doublet, EGFR-mutant NSCLC): every published number within tolerance", async () => {
    const { r, within } = await simulateLabelTrial("eurtac-erlotinib.yaml", "nsclc");
    expect(within).toEqual({
      "erlotinib median_PFS_months": true,
      "chemotherapy median_PFS_months": true,
      "erlotinib PFS_HR": true,
      "erlotinib ORR": true,
      "chemotherapy ORR": true,
    });
    expect(r.arms[0].ORR.value!).toBeGreaterThan(r.arms[1].ORR.value!);
  }, 600_000);

  it("TARGET (sorafenib vs placebo, RCC after cytokines; sorafenib's relative potency set on it): sorafenib's ORR and median PFS and the placebo arm within; the HR missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("target-sorafenib.yaml", "renal-cell-carcinoma");
    expect(within).toEqual({
      "sorafenib ORR": true,
      "placebo ORR": true,
      "placebo median_PFS_months": true,
      "sorafenib median_PFS_months": true,
      // 0.33 against 0.44 (0.35-0.55) at 0.16 equivalents a day; at 0.15 the HR was 0.35 and the median 4.4 months
      // (a scan early): the two are not met together (docs/calibration.md)
      "sorafenib PFS_HR": false,
    });
    expect(r.arms[0].median_PFS_months.value!).toBeGreaterThan(r.arms[1].median_PFS_months.value!);
  }, 600_000);

  it("Escudier 2009 (sorafenib vs interferon alfa, first line; a check, nothing set on it): sorafenib's median within, interferon's missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("escudier-2009-sorafenib.yaml", "renal-cell-carcinoma");
    // sorafenib about 5.3 months against 5.7; interferon alfa about 4.3 against 5.6 (the week-18 scan)
    expect(within).toEqual({
      "sorafenib median_PFS_months": true,
      "interferon alfa median_PFS_months": false,
    });
    const [sor, ifn] = r.arms.map((a) => a.median_PFS_months.value!);
    expect(ifn).toBeLessThan(sor);
  }, 600_000);

  it("PROFILE 1014 (crizotinib vs pemetrexed + platinum, ALK-positive NSCLC): crizotinib's three numbers within; the chemotherapy arm missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("profile-1014-crizotinib.yaml", "nsclc");
    expect(within).toEqual({
      "crizotinib median_PFS_months": true,
      "crizotinib PFS_HR": true,
      "crizotinib ORR": true,
      // pemetrexed + platinum in ALK-positive tumours: the model's NSCLC chemotherapy (about 17 % against 45 %, median
      // about 6.7 against 7.0 (6.8–8.2) months since these tumours are immunologically colder); the ALK-positive
      // tumours' known sensitivity to pemetrexed is not modelled
      "chemotherapy median_PFS_months": false,
      "chemotherapy ORR": false,
    });
    expect(r.arms[1].ORR.value!).toBeLessThan(0.4);
  }, 600_000);

  it("PROFILE 1007 (crizotinib vs chemotherapy after platinum; a check of module `alk` and of the line-of-therapy shift): crizotinib's three numbers within; the chemotherapy arm missed as reported", async () => {
    const { r, within } = await simulateLabelTrial("profile-1007-crizotinib.yaml", "nsclc");
    expect(within).toEqual({
      "crizotinib median_PFS_months": true,
      "crizotinib PFS_HR": true,
      // after platinum the ALK sensitivity is shifted down (crizotinib was set on first-line PROFILE 1014): about
      // 65 % against 65 % (58–72); without the shift 73 %. The shift's form was chosen after a common factor failed
      // this check (catalog/vpop-priors.yaml `targeted.line_of_therapy`), so it is not a blind check
      "crizotinib ORR": true,
      // pemetrexed alone stands for the trial's pemetrexed or docetaxel: it responds less (about 7 % against 20 %)
      // and progresses later (about 5.3 against 3.0 (2.6–4.3) months)
      "chemotherapy median_PFS_months": false,
      "chemotherapy ORR": false,
    });
    expect(r.arms[0].median_PFS_months.value!).toBeGreaterThan(r.arms[1].median_PFS_months.value!);
  }, 600_000);

  it("CodeBreaK 100 (sotorasib, KRAS G12C NSCLC; set on it) and KRYSTAL-1 (adagrasib, a check): every published number within tolerance", async () => {
    const cb = await simulateLabelTrial("codebreak-100-sotorasib.yaml", "nsclc");
    expect(cb.within).toEqual({
      "sotorasib ORR": true,
      "sotorasib CR": true,
      "sotorasib median_PFS_months": true,
    });
    const kr = await simulateLabelTrial("krystal-1-adagrasib.yaml", "nsclc");
    expect(kr.within).toEqual({ "adagrasib ORR": true, "adagrasib median_PFS_months": true });
  }, 600_000);

  it("Socinski 2008 (sunitinib 4/2 after platinum, NSCLC; the VEGF pathway's NSCLC factor set on it) and Novello 2009 (37.5 mg continuous; run beside the setting, not an independent check): every number within but Socinski's ORR", async () => {
    const so = await simulateLabelTrial("socinski-2008-sunitinib.yaml", "nsclc");
    // since the floor of VEGFR inhibition (vessel co-option, 2026-12-07) no NSCLC factor meets both of Socinski's
    // numbers: 0.2 meets the median PFS (2.9 months) and gives an ORR of 2.5 % against 4.6-21.6 %; 0.25-0.3 give an
    // ORR of 4.3-6.6 % with the median a scan later (about 4 months, above 3.7): a miss as it stands
    expect(so.within).toEqual({ "sunitinib ORR": false, "sunitinib median_PFS_months": true });
    const orr = so.r.arms[0].ORR.value!;
    expect(orr).toBeGreaterThan(0.01);
    expect(orr).toBeLessThan(0.046);
    const no = await simulateLabelTrial("novello-2009-sunitinib.yaml", "nsclc");
    expect(no.within).toEqual({ "sunitinib ORR": true, "sunitinib median_PFS_months": true });
  }, 600_000);

  it("Eisen 2006 (sorafenib in melanoma; a check of RCC's VEGF factor there, nothing set on it): both numbers within tolerance", async () => {
    const { within } = await simulateLabelTrial("eisen-2006-sorafenib-melanoma.yaml", "melanoma");
    expect(within).toEqual({ "sorafenib ORR": true, "sorafenib median_PFS_months": true });
  }, 600_000);

  it("TRITON2 (rucaparib, BRCA1/2-altered mCRPC; set on it): every published number within tolerance", async () => {
    const { within } = await simulateLabelTrial("triton2-rucaparib.yaml", "prostate-cancer");
    expect(within).toEqual({ "rucaparib ORR": true, "rucaparib median_PFS_months": true });
  }, 600_000);

  it("LuPSMA (177Lu-PSMA-617, Violet 2020; set on it): the objective response within its CI", async () => {
    const { within } = await simulateLabelTrial("lupsma-violet-2020.yaml", "prostate-cancer");
    expect(within).toEqual({ "177Lu-PSMA-617 ORR": true });
  }, 600_000);

  it("GEOMETRY mono-1, pretreated (capmatinib, MET exon 14; set on it): every published number within tolerance", async () => {
    const { within } = await simulateLabelTrial("geometry-mono-1-capmatinib.yaml", "nsclc");
    expect(within).toEqual({
      "capmatinib ORR": true,
      "capmatinib CR": true,
      "capmatinib median_PFS_months": true,
    });
  }, 600_000);

  it("LIBRETTO-001, pretreated (selpercatinib, RET fusion; set on it): the ORR and the median PFS within", async () => {
    const { r, within } = await simulateLabelTrial("libretto-001-selpercatinib.yaml", "nsclc");
    // the median was missed on the scan grid until the NSCLC population was rebuilt on its PD-L1 readout
    // (2026-12-06; nothing set on this trial): 26.7 months now, on the 12-weekly scans after week 104
    expect(within).toEqual({ "selpercatinib ORR": true, "selpercatinib median_PFS_months": true });
    const median = r.comparisons.find((c) => c.endpoint === "median_PFS_months")!.simulated!;
    expect(Math.abs(median - 26.2)).toBeLessThan(4);
  }, 600_000);

  it("the treatment-naive cohorts of GEOMETRY mono-1 and LIBRETTO-001 (the line-of-therapy shift set on them): MET's ORR and median and RET's ORR within, MET's CR and RET's median missed as they stand", async () => {
    const met = await simulateLabelTrial("geometry-mono-1-capmatinib-naive.yaml", "nsclc");
    expect(met.within).toEqual({
      "capmatinib ORR": true,
      // about 10 % against 5 % ± 5: at the edge — within (10.0 %) until the NSCLC population was rebuilt on its
      // PD-L1 readout (2026-12-06), 10.1 % since: a miss
      "capmatinib CR": false,
      "capmatinib median_PFS_months": true,
    });
    const ret = await simulateLabelTrial("libretto-001-selpercatinib-naive.yaml", "nsclc");
    // the naive median (22.0 months) is shorter than the pretreated one (26.2): not reached in the model
    expect(ret.within).toEqual({ "selpercatinib ORR": true, "selpercatinib median_PFS_months": false });
    expect(met.r.comparisons.find((c) => c.endpoint === "CR")!.simulated!).toBeLessThan(0.12);
    // the shift raises both cohorts' response above the pretreated cohorts' (44 % and 62 % published)
    expect(met.r.arms[0].ORR.value!).toBeGreaterThan(0.5);
    expect(ret.r.arms[0].ORR.value!).toBeGreaterThan(0.75);
  }, 600_000);

  it("NP30179 (glofitamab, large B-cell lymphoma): every published number within tolerance", async () => {
    const { within } = await simulateLabelTrial("np30179-glofitamab.yaml", "large-b-cell-lymphoma");
    expect(within).toEqual({ "glofitamab CR": true, "glofitamab ORR": true, "glofitamab PFS_12mo": true });
  }, 600_000);

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
