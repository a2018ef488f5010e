/**
 * The plan as a standalone HTML report (inline SVG figures, print styles): what a clinician reads, prints or
 * sends. Everything comes from the plan document; the report adds no numbers of its own.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import { doseText } from "../therapy/dose-text.js";
import { stepDays } from "../therapy/protocol-schema.js";
import { approvedPlanDocument, type ApprovedCandidate } from "./approved.js";
import type { CandidateExplanation, OutcomeSummary, Plan, RankedCandidate } from "./plan.js";
import { RHAT_LIMIT } from "./personalize.js";
import { tieCell, tieLines } from "./plan-ties.js";
import { clinicalSection } from "./report-clinical.js";
import { burdenFigure, sldFigure, formatProbability as pct, timelineFigure } from "./report-figures.js";

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
const e = escapeHtml;

const num = (x: number, digits = 3): string =>
  !Number.isFinite(x)
    ? "–"
    : Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0)
      ? x.toExponential(digits - 1)
      : String(+x.toPrecision(digits));

export const ttpText = (o: OutcomeSummary, horizon: number): string =>
  o.medianTtpDays === null ? `not reached by day ${horizon}` : `${o.medianTtpDays} days`;

function outcomeCells(o: OutcomeSummary, horizon: number): string {
  return [
    pct(o.pControl[0]),
    pct(o.pControl[1]),
    pct(o.pElimination[0]),
    pct(o.pElimination[1]),
    ttpText(o, horizon),
  ]
    .map((x) => `<td>${e(x)}</td>`)
    .join("");
}

function scheduleTable(c: RankedCandidate): string {
  const catalog = therapyCatalog();
  const rows = c.protocol.phases.flatMap((ph) =>
    ph.steps.map((s) => {
      const days = stepDays(ph, s);
      const dayText =
        days.length > 6
          ? `${days.slice(0, 3).join(", ")}, … ${days.at(-1)} (${days.length} doses)`
          : days.join(", ");
      return `<tr><td>${e(ph.name)}</td><td>${e(dayText)}</td><td>${e(catalog.agents.get(s.agent)?.name ?? s.agent)}</td><td>${e(doseText(s.dose))}${s.dose_override_reason ? e(` (above the label maximum: ${s.dose_override_reason})`) : ""}${s.field_fraction !== undefined ? e(` (${Math.round(s.field_fraction * 100)} % of the burden in the field)`) : ""}</td><td>${e(s.route)}</td><td>${e(s.intent ?? "")}</td></tr>`;
    }),
  );
  return `<table><thead><tr><th>phase</th><th>day(s)</th><th>agent</th><th>dose</th><th>route</th><th>purpose</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function explanationSection(plan: Plan, c: RankedCandidate, x: CandidateExplanation): string {
  const steps = x.steps
    .map((s) => {
      const w = s.without;
      const withText = `control ${pct(c.outcome.pControl[1])}, elimination ${pct(c.outcome.pElimination[1])}`;
      const withoutText = w
        ? `control ${pct(w.pControl[1])}, elimination ${pct(w.pElimination[1])} (${w.id})`
        : "that design breaks a sequencing rule";
      return `<tr><td><strong>${e(s.clinicStep)}</strong><br>${e(s.agents.map((a) => `${a.name} ${a.dose} ${a.route}, day ${a.days.length > 4 ? `${a.days[0]}…${a.days.at(-1)}` : a.days.join(", ")}`).join("; "))}</td><td>${e(s.targets)}<div class="src">${e(s.source)}</div></td><td>${e(s.eligibility.verdict)}<ul>${s.eligibility.reasons.map((r) => `<li>${e(r)}</li>`).join("")}</ul></td><td>with: ${e(withText)}<br>without: ${e(withoutText)}</td></tr>`;
    })
    .join("");
  return `<section class="candidate">
<h3>#${c.rank} ${e(c.name)}</h3>
<p class="numbers">12 months: control <strong>${pct(c.outcome.pControl[1])}</strong>, elimination <strong>${pct(c.outcome.pElimination[1])}</strong>; 6 months: control ${pct(c.outcome.pControl[0])}, elimination ${pct(c.outcome.pElimination[0])}; median time to progression ${e(ttpText(c.outcome, plan.horizonDays))}; best in ${pct(c.pBest)} of the samples. ${e(toxicityWords(c))}; treatment burden ${c.burden.clinicDays} days in clinic and ${c.burden.outpatientVisits} outpatient visits.</p>
<figure>${timelineFigure(plan, c)}</figure>
<h4>Schedule</h4>
${scheduleTable(c)}
<h4>Why each step is there</h4>
<table><thead><tr><th>step</th><th>what it targets</th><th>evaluation</th><th>the model at 12 months</th></tr></thead><tbody>${steps}</tbody></table>
${c.warnings.length ? `<h4>Sequencing rules</h4><ul>${c.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>` : ""}
<h4>What the model cannot know</h4>
<ul>${x.cannotKnow.map((k) => `<li>${e(k)}</li>`).join("")}</ul>
${x.modelNotes.length ? `<details><summary>Model notes (unit conversions and assumptions)</summary><ul>${x.modelNotes.map((n) => `<li>${e(n)}</li>`).join("")}</ul></details>` : ""}
</section>`;
}

/** The first choice's ties within Monte Carlo error, below the first choice (or nothing for plans made before them). */
function tiesParagraph(plan: Plan): string {
  const [line, ...tied] = tieLines(plan);
  if (!line) return "";
  return `<p class="ties">${e(line)}</p>${tied.length ? `<ul class="ties">${tied.map((t) => `<li>${e(t)}</li>`).join("")}</ul>` : ""}`;
}

/** P(grade ≥ 3 adverse event) of a candidate: "≥ 27 %" when some of its agents have no sourced rate. */
/**
 * The not-converged warning when the plan's flags do not already carry it (plans stored before the flags, or a
 * document whose convergence was changed after planning): shown whatever other flags the plan has.
 */
export function convergenceNotice(plan: Plan): string | null {
  const p = plan.personalization;
  if (p.converged || (plan.flags ?? []).some((f) => /did not converge/.test(f))) return null;
  const why =
    p.convergence ??
    `R-hat ≥ ${RHAT_LIMIT} for ${
      p.posterior
        .filter((x) => x.informedByData && !(x.rhat < RHAT_LIMIT))
        .map((x) => x.name)
        .join(", ") || "some parameter"
    }`;
  return `The personalization did not converge (${why}): the predictions below are unreliable.`;
}

export function toxicityPct(c: RankedCandidate): string {
  const t = c.toxicity;
  if (t.pAny === undefined) return num(t.score); // plans made before issue 14 kept a count of risks
  return `${t.lowerBound ? "≥ " : ""}${pct(t.pAny)}`;
}

export function toxicityWords(c: RankedCandidate): string {
  const t = c.toxicity;
  if (t.pAny === undefined) return `toxicity score ${num(t.score)} (a count of risks)`;
  const cats = Object.entries(t.byCategory)
    .filter(([, p]) => p > 0)
    .map(([k, p]) => `${k} ${pct(p)}`);
  const unknown = t.unknownAgents.length
    ? `; only a floor or no sourced rate for ${t.unknownAgents.join(", ")}, so a lower bound`
    : "";
  return `P(grade ≥ 3 adverse event) ${toxicityPct(c)}${cats.length ? ` (${cats.join(", ")})` : ""}${unknown}`;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 62rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
.disclaimer { background: #fff4e5; border: 2px solid #e69500; padding: 0.8rem 1rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.src { color: #666; font-size: 0.8rem; margin-top: 0.2rem; }
figure { margin: 0.8rem 0; }
figure svg { max-width: 100%; height: auto; }
.candidate { border-top: 1px solid #eee; margin-top: 1.5rem; }
.numbers { background: #f5f8fc; padding: 0.5rem 0.7rem; }
.approved { border: 2px solid #2b8a3e; padding: 0 1rem 0.5rem; margin-top: 1rem; }
.warning { background: #fff0f0; border: 2px solid #c92a2a; padding: 0.6rem 1rem; font-weight: bold; }
@media print { body { margin: 0; max-width: none; } .candidate { page-break-before: always; } details { display: block; } }
`;

/** An approved plan: the candidate as approved and when. */
export interface ApprovalInfo {
  readonly candidate: ApprovedCandidate;
  readonly approvedAt: Date | string | null;
}

function approvedSection(plan: Plan, a: ApprovalInfo): string {
  const c = a.candidate;
  const at = a.approvedAt ? new Date(a.approvedAt).toISOString().slice(0, 10) : "";
  return `<section class="approved" id="approved">
<h2>Approved protocol</h2>
<p><strong>${e(c.name)}</strong> — approved ${e(at)}${c.edited ? " with the clinician's edits (the prediction below was simulated for the protocol as approved)" : " as generated"}.</p>
<p class="numbers">Predicted at 12 months: control <strong>${pct(c.outcome.pControl[1])}</strong>, elimination <strong>${pct(c.outcome.pElimination[1])}</strong>; 6 months: control ${pct(c.outcome.pControl[0])}, elimination ${pct(c.outcome.pElimination[0])}; median time to progression ${e(ttpText(c.outcome, plan.horizonDays))} (${c.outcome.samples} posterior samples). ${e(toxicityWords(c))}; treatment burden ${c.burden.clinicDays} days in clinic and ${c.burden.outpatientVisits} outpatient visits.</p>
<figure>${timelineFigure(plan, c)}</figure>
<h3>Schedule as approved</h3>
${scheduleTable(c)}
</section>`;
}

export function renderPlanHtml(source: Plan, opts: { readonly approved?: ApprovalInfo } = {}): string {
  const approval = opts.approved;
  const plan = approval ? approvedPlanDocument(source, approval.candidate) : source;
  const p = plan.personalization;
  const notice = convergenceNotice(plan);
  const explained = plan.explanations
    .map((x) => {
      const c = plan.candidates.find((k) => k.id === x.id)!;
      return explanationSection(plan, c, x);
    })
    .join("\n");
  const reference = plan.candidates.find((c) => c.id === "none");
  const top = plan.candidates.slice(0, 25);
  const ranking = top
    .map(
      (c) =>
        `<tr${c.id === plan.recommended ? ' class="rec"' : ""}><td>${c.rank}</td><td>${e(c.name)}<div class="src">${e(c.id)}</div></td>${outcomeCells(c.outcome, plan.horizonDays)}<td>${pct(c.pBest)}</td><td>${e(toxicityPct(c))}</td><td>${num(c.burden.score)}</td><td${c.evidence?.reasons.length ? ` title="${e(c.evidence.reasons.join("; "))}"` : ""}>${c.evidence === undefined ? "—" : c.evidence.extrapolated ? "beyond" : "within"}</td><td>${num(c.score)}</td>${plan.ties ? `<td>${e(tieCell(plan, c))}</td>` : ""}</tr>`,
    )
    .join("");
  const posterior = p.posterior
    .map(
      (x) =>
        `<tr><td>${e(x.name)}</td><td>${e(x.description)}</td><td>${num(x.median)} ${e(x.unit)}</td><td>${num(x.lower95)} – ${num(x.upper95)}</td><td>${x.informedByData ? (Number.isFinite(x.rhat) ? `${num(x.rhat)} / ${Math.round(x.ess)}` : `ESS ${Math.round(x.ess)}`) : "prior"}</td><td>${e(x.prior)}<div class="src">${e(x.source)}</div></td></tr>`,
    )
    .join("");
  const recommended = plan.candidates.find((c) => c.id === plan.recommended);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Immunoplan plan — ${e(plan.caseId)} — ${e(plan.date)}</title><style>${STYLE}</style></head>
<body>
<header>
<h1>Personalized protocol candidates — case ${e(plan.caseId)}</h1>
<p>Plan date (day 0): ${e(plan.date)} · ${plan.model === "clinical" ? "Immunoplan clinical model, calibrated on published trials (docs/calibration.md)" : "Immunoplan core model"} · ${plan.simulations.toLocaleString("en")} simulations (${plan.candidates.length} candidates × ${p.samples} posterior samples, and the explanations)</p>
<p class="disclaimer" role="note">${e(plan.disclaimer)}</p>
</header>
${approval ? approvedSection(plan, approval) : ""}
${(plan.flags ?? []).map((f) => `<p class="warning" role="alert">${e(f)}</p>`).join("")}
${notice ? `<p class="warning" role="alert">${e(notice)}</p>` : ""}
<h2>${approval ? "How the candidates compared" : "Summary"}</h2>
${
  approval
    ? ""
    : recommended
      ? `<p>Highest score under the weights below: <strong>${e(recommended.name)}</strong>. Predicted at 12 months: control ${pct(recommended.outcome.pControl[1])}, elimination ${pct(recommended.outcome.pElimination[1])}${reference ? `; without treatment: control ${pct(reference.outcome.pControl[1])}, median time to progression ${e(ttpText(reference.outcome, plan.horizonDays))}` : ""}.</p>` +
        tiesParagraph(plan)
      : "<p>No candidate could be generated.</p>"
}
<ul>${plan.notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>
<figure>${burdenFigure(plan)}</figure>
${sldFigure(plan) ? `<figure>${sldFigure(plan)}</figure>` : ""}
<h2>Ranking</h2>
<p>${e(plan.scoreFormula)}; weights: ${Object.entries(plan.weights)
    .map(([k, v]) => `${e(k)} ${v}`)
    .join(
      ", ",
    )} (${e(plan.weightsSource)}). Control = no RECIST progression (sum of diameters ≥ 20 % and ≥ 5 mm above its nadir); elimination = fewer than one tumor cell. "Best" = lowest burden at day ${plan.horizonDays} in that sample.</p>
<table><thead><tr><th>#</th><th>candidate</th><th>control 6 mo</th><th>control 12 mo</th><th>elimination 6 mo</th><th>elimination 12 mo</th><th>median time to progression</th><th>P(best)</th><th>P(grade ≥ 3 AE)</th><th>burden</th><th>trials of the cancer type</th><th>score</th>${plan.ties ? "<th>vs the first choice (score difference ± 1.96 Monte Carlo SE)</th>" : ""}</tr></thead><tbody>${ranking}</tbody></table>
${plan.ties ? `<p class="src">${e(plan.ties.method)}</p>` : ""}
<p class="src">P(grade ≥ 3 AE): ${e(plan.toxicitySource)}. Burden score: ${e(plan.burdenSource)}.</p>
<h2>${approval ? "The approved candidate and the alternatives considered" : "The recommendation and the best alternatives"}</h2>
${explained}
${clinicalSection(plan)}
<h2>The patient's model</h2>
<p>${p.fitMethod ? `${e(p.fitMethod)} (${p.converged ? e(p.convergence ?? "") : `<strong>${e(p.convergence ?? "not converged")}</strong>`}).` : `Fitted to ${p.observations.length} scan(s) by MCMC (${p.converged ? "converged: R-hat < 1.1" : "<strong>not converged</strong>: R-hat ≥ 1.1 for some parameter"}).`} Tumor cells on day 0: ${num(p.burdenAtStart.median)} (95 %: ${num(p.burdenAtStart.lower95)} – ${num(p.burdenAtStart.upper95)}).</p>
<table><thead><tr><th>date</th><th>day</th><th>sum of diameters</th><th>target lesions</th></tr></thead><tbody>${p.observations
    .map((o) => `<tr><td>${e(o.date)}</td><td>${o.day}</td><td>${o.sldMm} mm</td><td>${o.targets}</td></tr>`)
    .join(
      "",
    )}${p.excluded.map((x) => `<tr><td>${e(x.date)}</td><td colspan="3">not used: ${e(x.reason)}</td></tr>`).join("")}</tbody></table>
<table><thead><tr><th>parameter</th><th>meaning</th><th>median</th><th>95 % interval</th><th>${p.fitMethod ? "informed by the scans (ESS)" : "R-hat / ESS"}</th><th>prior and source</th></tr></thead><tbody>${posterior}</tbody></table>
<ul>${p.assumptions.map((a) => `<li>${e(a)}</li>`).join("")}</ul>
<h2>Evaluation</h2>
${plan.evaluation.missing.length ? `<p>Missing or outdated records:</p><ul>${plan.evaluation.missing.map((m) => `<li>${e(m)}</li>`).join("")}</ul>` : "<p>All checklist records are present and recent.</p>"}
${plan.excludedModalities.length ? `<p>Left out of the candidates:</p><ul>${plan.excludedModalities.map((m) => `<li>${e(m.modality)}: ${e(m.reason)}</li>`).join("")}</ul>` : ""}
${plan.rejected.length ? `<p>${plan.rejected.length} design(s) rejected by the sequencing rules.</p>` : ""}
<footer><p class="disclaimer">${e(plan.disclaimer)}</p></footer>
</body></html>
`;
}
