/**
 * docs/planning.md: the example cases planned end to end on the calibrated clinical model — the prior
 * (conditioned population), the posterior on every scan (effective sample size, parameters, posterior predictive
 * check), the ranking with response, control, elimination and toxicity probabilities, the flags, the decisive
 * parameters and the prior sensitivity line. Each figure is what `immunoplan plan` computes for the case.
 */
import { COMBINATION_CAVEAT, months, SURVIVAL_CAVEAT } from "../planner/patients-like-this.js";
import path from "node:path";
import { loadCase } from "../clinic/case-file.js";
import { planCase, type Plan } from "../planner/plan.js";
import { tieCell, tieLines } from "../planner/plan-ties.js";

export const PLANNING_CASES = [
  {
    file: "examples/cases/melanoma-progressing-synthetic.json",
    date: "2026-11-30",
    what: "metastatic melanoma (M1c, LDH above normal, PD-L1 5 %) progressing after nivolumab; four untreated scans 48 → 65 mm",
  },
  {
    file: "examples/cases/nsclc-synthetic.json",
    date: "2024-05-10",
    what: "NSCLC (IIIC, PD-L1 60 %) after carboplatin + pemetrexed (ended 2023-10-01); scans 68 → 39 → 8 mm with no treatment recorded in that window",
  },
  {
    file: "examples/cases/melanoma-pd1-refractory-synthetic.json",
    date: "2026-12-01",
    what: "melanoma (M1b, PD-L1 0 %, injectable subcutaneous and nodal lesions) after nivolumab + ipilimumab (stopped for colitis) and progression on nivolumab: three of the four scans on treatment (54 → 70 mm)",
  },
] as const;

const pct = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "–" : `${Math.round(x * 100)} %`;
const sig = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : "–");

function caseSection(plan: Plan, what: string, file: string, seconds: number): string[] {
  const c = plan.clinical;
  const out = [`## ${plan.caseId}`, "", `\`${file}\`, planned on ${plan.date}: ${what}.`, ""];
  if (!c) return [...out, "No calibrated population for this cancer type: planned on the core model.", ""];
  out.push(
    `\`immunoplan plan ${file} --date ${plan.date}\` — ${plan.personalization.samples} posterior samples, ${plan.candidates.length} candidates simulated (${plan.candidatesConsidered} designs allowed), ${plan.simulations.toLocaleString("en")} simulations, ${seconds.toFixed(0)} s here.`,
    "",
  );
  if ((plan.flags ?? []).length)
    out.push(
      "**Flags shown on every page and report of this plan:**",
      "",
      ...(plan.flags ?? []).map((f) => `- ${f}`),
      "",
    );
  out.push(
    "### Prior and posterior",
    "",
    `- Prior: the calibrated ${c.prior.cancer} population (${c.prior.plausible} plausible patients) conditioned on ${c.prior.applied.join(", ") || "nothing"}${c.prior.relaxed.length ? `; relaxed: ${c.prior.relaxed.join(", ")}` : ""} (prior ESS ${Math.round(c.prior.ess)}). The record: ${c.prior.conditions.join("; ") || "no covariate of the population"}.`,
    `- Treatments simulated ${c.leadIn ? `from ${c.leadIn.from} (a treatment that acts on the first scan used, ${c.anchor.date}: the lesions are scaled back to that day so that the model meets that scan)` : `between the first scan used (${c.anchor.date})`} and day 0: ${c.history.simulated.join("; ") || "none"}${c.history.notSimulated.length ? `; not simulated: ${c.history.notSimulated.join("; ")}` : ""}.`,
    `- Posterior: ${c.drawn} draws, ${c.distinct} distinct virtual patients simulated${c.smc ? ` (importance ESS ${c.smc.importanceEss.toFixed(1)}: too few), then sequential Monte Carlo: ${c.smc.particles} particles through ${c.smc.stages.length} tempering steps (β ${c.smc.stages.map((s) => s.beta.toPrecision(2)).join(" → ")}; acceptance ${c.smc.stages.map((s) => s.acceptance.toFixed(2)).join(" / ")}), ${c.smc.simulations.toLocaleString("en")} more simulations, ${c.smc.distinct} distinct patients near ${c.smc.stages.at(-1)?.components ?? 0} members of the population${c.smc.complete ? "" : "; **stopped before the full likelihood**"}` : ""}, effective sample size **${Math.round(c.ess)}** (${c.converged ? "converged" : "**not converged**"}); tumour cells on day 0 ${sig(c.burdenAtStart.median)} (95 % ${sig(c.burdenAtStart.lower95)}–${sig(c.burdenAtStart.upper95)}). ${plan.startBurden.message}`,
    "",
    "| parameter | prior median (90 %) | posterior median (90 %) | informed by the scans |",
    "| --- | --- | --- | --- |",
    ...c.posterior.map(
      (e) =>
        `| ${e.name} (${e.unit}) | ${sig(e.prior.median)} (${sig(e.prior.lower90)}–${sig(e.prior.upper90)}) | ${sig(e.posterior.median)} (${sig(e.posterior.lower90)}–${sig(e.posterior.upper90)}) | ${e.informedByData ? "yes" : "no"} |`,
    ),
    "",
    "Posterior predictive check of the patient's own scans (sum of diameters of the target lesions; the model without reader noise; inside: within the band widened by the reader's 95 % limits of agreement, ±19.5 %). The first scan used is the anchor: each patient's lesions are scaled to its sum, or, after a treatment simulated before it, scaled at the treatment's start so as to reach it — where they cannot, the anchor is a reading like the others:",
    "",
    "| scan | day | observed (mm) | model median (90 %) | inside |",
    "| --- | ---: | ---: | --- | --- |",
    ...c.ppc.scans.map(
      (s, i) =>
        `| ${s.date} | ${s.day} | ${s.observedSldMm.toFixed(0)} | ${s.median.toFixed(1)} (${s.lower90.toFixed(1)}–${s.upper90.toFixed(1)}) | ${i === 0 ? `anchor: ${s.inside ? "yes" : "**no**"}` : s.inside ? "yes" : "**no**"} |`,
    ),
    "",
    `Coverage of the later scans: ${c.ppc.coverage90 === null ? "–" : pct(c.ppc.coverage90)}.`,
    "",
    "### Ranking (first 8)",
    "",
    "| # | candidate | response | control 6 mo | control 12 mo | elimination 12 mo | P(grade ≥ 3 AE) | score | vs first (± 1.96 SE) |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...plan.candidates
      .slice(0, 8)
      .map(
        (x) =>
          `| ${x.rank} | ${x.name} | ${pct(x.outcome.pResponse)} | ${pct(x.outcome.pControl[0])} | ${pct(x.outcome.pControl[1])} | ${pct(x.outcome.pElimination[1])} | ${x.toxicity.lowerBound ? "≥ " : ""}${pct(x.toxicity.pAny)} | ${x.score.toFixed(3)} | ${tieCell(plan, x) || "–"} |`,
      ),
    "",
    // which candidates the first choice cannot be told apart from at this posterior size
    ...tieLines(plan).map((l, i) => (i === 0 ? l : `- ${l}`)),
    ...(plan.ties ? [""] : []),
  );
  const none = plan.candidates.find((x) => x.id === "none");
  if (none)
    out.push(
      `No treatment (rank ${none.rank}): control at 12 months ${pct(none.outcome.pControl[1])}, median time to progression ${none.outcome.medianTtpDays ?? `> ${plan.horizonDays}`} days.`,
      "",
    );
  out.push(
    "### Safeguards",
    "",
    `- Decisive parameters of the first choice: ${c.decisive.length ? c.decisive.map((d) => `${d.name} (ρ = ${d.correlation.toFixed(2)}${d.informedByData ? ", informed by the scans" : ", prior only"})`).join(", ") : "none reaches |ρ| ≥ 0.3 above chance"}.`,
    `- ${c.sensitivity?.message ?? "Prior sensitivity: not computed."}`,
    "",
  );
  if (c.population)
    out.push(
      "### Patients like this",
      "",
      `The first choices on ${c.population.patients} virtual patients of the calibrated population conditioned on ${c.population.conditions.join(", ") || "none of the record's covariates exactly"}${c.population.relaxed.length ? ` (relaxed: ${c.population.relaxed.join(", ")})` : ""}, each with their own tumours — not this patient's burden or scans — read as a trial reads them (${c.population.assessment}). The distance to the personalized figures above is what the patient's burden and scans add, through the model's dependence on burden. ${SURVIVAL_CAVEAT} ${COMBINATION_CAVEAT}`,
      "",
      "| # | candidate | response (95 % CI) | progression-free at 12 months (95 % CI) | alive at 24 months (95 % CI) | median survival, months (95 % CI) |",
      "| ---: | --- | --- | --- | --- | --- |",
      ...c.population.figures.map(
        (f, i) =>
          `| ${i + 1} | ${f.name} | ${pct(f.orr.value ?? NaN)} (${pct(f.orr.ci[0] ?? NaN)}–${pct(f.orr.ci[1] ?? NaN)}) | ${pct(f.pfs12.value ?? NaN)} (${pct(f.pfs12.ci[0] ?? NaN)}–${pct(f.pfs12.ci[1] ?? NaN)}) | ${pct(f.os24.value ?? NaN)} (${pct(f.os24.ci[0] ?? NaN)}–${pct(f.os24.ci[1] ?? NaN)}) | ${months(f.medianOsMonths, c.population!.survivalFollowUpDays)} |`,
      ),
      "",
    );
  return out;
}

export async function planningReport(root: string): Promise<string> {
  const out = [
    "# Planning on the calibrated model",
    "",
    "<!-- generated by `npm run docs` (src/docs/planning-report.ts); do not edit by hand -->",
    "",
    "Issue 14 §3: the plan of a patient starts from the calibrated virtual population of their cancer type",
    "([calibration.md](calibration.md)), conditioned on their record, and updated by every scan of the last year with",
    "the recorded treatments simulated (importance sampling; src/planner/clinical-personalize.ts). The prior is",
    "smoothed: each of 3,000 draws is a member of the population moved by the shrinkage kernel of Liu & West (2001;",
    "h = 0.1 of each parameter's prior SD, means and variances kept; src/planner/smoothed-prior.ts), so that every",
    "draw is a distinct patient and the effective sample size counts distinct patients. A treatment that ended less",
    "than six months before the first scan used is simulated from its start, each patient's lesions scaled back so",
    "that its sum of diameters meets that scan (src/planner/lead-in.ts). When the importance weights rest on fewer",
    "than 20 effective patients, the posterior is sampled again by sequential Monte Carlo (src/planner/clinical-smc.ts,",
    "src/engine/tempered-smc.ts; Del Moral, Doucet & Jasra 2006): the 3,000 draws are the first particles, the",
    "likelihood of the scans is brought in by degrees (each step keeps half the effective sample size), and at each",
    "step every patient takes three Metropolis moves within its member's kernel, each a new simulation of the",
    "history; the effective sample size is then that of the last reweighting, at most the distinct patients left. Candidates are",
    "simulated on the patient carried to the plan's day 0. Response = best change of the sum of diameters ≤ −30 %",
    "(unconfirmed); control = no RECIST progression (sum ≥ 20 % and ≥ 5 mm above its nadir, or a new lesion: an",
    "occult metastasis reaching 10 mm); elimination = fewer than one viable tumour cell. Toxicity probabilities come",
    "from the agents' label and trial rates (catalog/adverse-events.yaml). These are research-model predictions for",
    "decision support: the calibration reproduces trial populations, not this patient.",
    "",
    "**Ties within Monte Carlo error.** Every candidate is simulated on the same posterior samples, so a candidate",
    "is compared with the first choice sample by sample (src/planner/ties.ts): the score difference D has the Monte",
    "Carlo standard error SE = sd(d)/√n_eff, where d is the per-sample difference of w_control·control +",
    "w_elimination·elimination at 12 months (toxicity and burden are the same on every sample and add no error) and",
    "n_eff = min(samples, the posterior's effective sample size) — an assumption: a resampled duplicate carries no",
    "information its original did not. A candidate with |D| ≤ 1.96·SE is shown as tied with the first choice (the",
    "`vs first` column; `scoreDifference` and `ties` in the plan's JSON). When two candidates' outcomes agree on",
    "every sample, sd(d) = 0 but the efficacy difference is only bounded: the rule of three gives a 95 % bound of",
    "(w_control + w_elimination)·3/n_eff, which stands for 1.96·SE (a toxicity or burden difference below it is a",
    "tie). The order among tied candidates is not",
    "determined by the model at this posterior size, and the prior sensitivity line says when the widened first",
    "choice is such a tie. Each candidate is compared with the first choice alone (no correction for multiple",
    "comparisons), and the error counts the posterior's sampling only, not a rebuild of the population.",
    "",
  ];
  out.push(
    "## Known limits of these plans",
    "",
    "Read against what trials saw, these plans show where the calibrated model is extrapolating (stated here, not",
    "tuned away):",
    "",
    "- **Burden and growth dependence.** Calibration fixes each trial's population-level rates, not how response",
    "  varies between patients. In the model, lifileucel's response rate (C-144-01 regimen, 3,000 PD-1-refractory",
    "  patients of the shipped melanoma population, seed 1, the standard assessment of `immunoplan run`; measured",
    "  2026-12-01 on the population rebuilt that day) is 70 % for baseline sums of 35–70 mm, 48 % for 70–100 mm and 8 %",
    "  at 100 mm or more, 35 % overall",
    "  (C-144-01: 31 % overall, median sum",
    "  97.8 mm). A small, slowly growing tumour therefore gets TIL predictions far above the trial's 31 % ORR and 5 %",
    "  CR, and the combination with pembrolizumab in a PD-1-refractory patient is not constrained by any trial. For",
    "  pembrolizumab the model's gradient is set against KEYNOTE-001's (ORR below / above the median burden) in",
    "  [calibration.md](calibration.md#a-check-no-target-constrains-response-and-baseline-burden), which says where",
    '  it agrees and where it is steeper; for cell therapies no published gradient was found to check it. Each plan\'s "patients like this" table gives its',
    "  first choices without the patient's burden and scans.",
    "- **Combinations** of agents calibrated alone (radiotherapy, oncolytic virus, NK cells with checkpoint",
    "  inhibitors) are the model's mechanisms, not trial results. Lesions in a radiation field are not counted in",
    "  the response (RECIST); they count as progression when they grow back past their size before treatment. The",
    "  model's combinations respond well beyond independent drug action on the same virtual",
    "  patients (nivolumab + ipilimumab, T-VEC + nivolumab: [sequencing.md](sequencing.md#combinations-against-independent-drug-action)),",
    "  a synergy that phase III trials of checkpoint-inhibitor combinations did not show (Palmer 2022): a",
    "  combination candidate's figures are optimistic, and so is its rank against single agents.",
    "- **A posterior that rested on one virtual patient.** The NSCLC case shrinks 68 → 39 → 8 mm three to seven",
    "  months after carboplatin + pemetrexed. Until 2026-12-01 the chemotherapy, given before the first scan used,",
    "  was not simulated: the model's untreated tumours grew and the burden disagreed with the scans. It is now",
    "  simulated from its start (the lead-in), but only one of 3,000 smoothed-prior patients followed the scans",
    "  (effective sample size about 1). The sequential Monte Carlo (above, since 2026-12-01) moves the patients near",
    "  it; its particles stay near few members of the population (the count is in the case's posterior line), so",
    "  the posterior is that of the smoothed prior around them — the scans did not find other kinds of patients.",
    "  Until 2026-12-03 they explained both later scans, around one EGFR-mutant virtual patient; since EGFR-mutant",
    "  tumours are immunologically colder (docs/calibration.md) none of the population shrinks that far after the",
    "  chemotherapy: the last scan (8 mm) lies outside the posterior band and the plan says so in its first flag.",
    "  The record's own consistency check still says that shrinkage long after the last recorded treatment",
    "  suggests a missing treatment.",
    "",
  );
  for (const k of PLANNING_CASES) {
    const c = loadCase(path.join(root, k.file));
    const t0 = performance.now();
    const plan = await planCase(c, { date: k.date, samples: 100, maxCandidates: 60, threads: 2 });
    out.push(...caseSection(plan, k.what, k.file, (performance.now() - t0) / 1000));
  }
  return out.join("\n");
}
