/**
 * docs/calibration.md, "Overall survival": every published overall-survival figure of the calibration trials
 * against the survival model (src/population/overall-survival.ts, catalog/survival.yaml) on the model's run of
 * each trial, with the parameters set by hand on them.
 */
import { survivalFile } from "../population/overall-survival.js";
import type { Comparison, TrialResult } from "../population/trial-run.js";
import { CANCER_TYPES } from "../population/types.js";

const fmt = (endpoint: string, x: number | null | undefined): string => {
  if (x === null || x === undefined) return "not reached";
  if (endpoint.includes("months")) return `${x.toFixed(1)} mo`;
  if (endpoint.endsWith("_HR")) return x.toFixed(2);
  return `${(x * 100).toFixed(1)} %`;
};
const ci = (endpoint: string, c: readonly [number | null, number | null] | null | undefined): string =>
  c ? ` (${fmt(endpoint, c[0])}–${c[1] === null ? "NR" : fmt(endpoint, c[1])})` : "";
const yes = (w: boolean | null) => (w === null ? "—" : w ? "yes" : "**no**");

export function survivalSection(
  runs: readonly { readonly cancer: string; readonly model: TrialResult }[],
  patients: number,
): string[] {
  const f = survivalFile();
  const rows: string[] = [];
  const all: (Comparison & { trial: string })[] = [];
  for (const r of runs)
    for (const c of r.model.comparisons.filter((x) => /OS/.test(x.endpoint))) {
      all.push({ ...c, trial: r.model.trial });
      rows.push(
        `| ${r.model.trial} | ${c.arm}${c.versus ? ` vs ${c.versus}` : ""} | ${c.endpoint} | ${fmt(c.endpoint, c.published)}${ci(c.endpoint, c.ci)}${c.certainty ? ` [${c.certainty}]` : ""} | ${fmt(c.endpoint, c.simulated)}${ci(c.endpoint, c.simulated_ci)} | ${yes(c.within)} |`,
      );
    }
  const judged = all.filter((c) => c.within !== null);
  const misses = judged.filter((c) => c.within === false);
  const s = f.shared;
  return [
    "## Overall survival",
    "",
    "The clinical model simulates tumours, not deaths. Since 2026-12-02 `trial simulate` reports overall survival",
    "(median, OS at 12 and 24 months, the curve, and every published `median_OS_months`, `OS_<n>mo` and `OS_HR`) from",
    "a survival model on each virtual patient's simulated tumour course, the observation-level bridge of",
    "clinical-model.md §8.2: the patient's growth rate constant KG of the bi-exponential tumour-dynamics model",
    "(Stein 2008) is read from their measured sums of target diameters, baseline to the progression scan, and the",
    "survival time is drawn from a log-normal accelerated-failure-time model in the form of Claret 2018 and Chan 2021",
    "(`catalog/survival.yaml`):",
    "",
    "ln T (months) = θ0[cancer] + θ_kg·ln(max(KG, floor)/ref) + θ_ldh·LDH + θ_ecog·ECOG + θ_sld·ln(SLD0/ref) + σ·z",
    "",
    `**Set by hand on the figures below** (they are not out-of-sample checks): θ_kg = ${s.theta_kg.value} and σ = ${s.sigma.value}`,
    `with melanoma's θ0 = ${f.cancers.melanoma.theta0.value} on the 29 melanoma figures (least squares of log medians, log hazard ratios and`,
    "landmark differences / 0.1 over a grid θ_kg −0.3 to −2, σ 0.7 to 1.3, θ0 2.8 to 3.7, 1,000 patients an arm);",
    "then one intercept per cancer type on its only trial with survival: " +
      CANCER_TYPES.filter((c) => c !== "melanoma")
        .map((c) => `${c} ${f.cancers[c].theta0.value}`)
        .join(", ") +
      " (renal-cell carcinoma has no survival figure: melanoma's value, an assumption). The covariate coefficients",
    `(θ_ldh ${s.theta_ldh.value}, θ_ecog ${s.theta_ecog.value}, θ_sld ${s.theta_sld.value}) are assumptions. The populations' weights were not touched:`,
    "survival is computed after the fact, so no ORR, CR or PFS figure moved.",
    "",
    "**What it cannot see.** Treatment after progression (cross-over to anti-PD-1 in CheckMate 066 and KEYNOTE-024,",
    "later lines) acts only through the intercepts. A survival effect without a tumour effect (sipuleucel-T in",
    "IMPACT) cannot come out: the model gives IMPACT's two arms nearly the same survival. The progression-free",
    "survival of the model remains a time to progression (deaths without progression are in overall survival only).",
    "No leave-one-trial-out figure is given for survival yet: with melanoma's three shared values set on six trials,",
    "the trials of other cancer types are the only partial checks (their θ_kg and σ come from melanoma).",
    "",
    `Model's value (${patients.toLocaleString("en")} patients an arm, paired, seed 1): ${judged.filter((c) => c.within).length} of ${judged.length} figures with a CI or a tolerance within (median OS without a CI: ±10 %; landmarks ±5 points).`,
    "",
    "| trial | arm | end point | published | model | within |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    misses.length
      ? `Misses: ${misses.map((c) => `${c.trial}, ${c.arm}${c.versus ? ` vs ${c.versus}` : ""}, ${c.endpoint} (${fmt(c.endpoint, c.published)} published, ${fmt(c.endpoint, c.simulated)} simulated)`).join("; ")}.`
      : "Misses: none.",
    "",
  ];
}
