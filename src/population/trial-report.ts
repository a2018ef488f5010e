/**
 * The in-silico trial report: waterfall plots (best % change of the target-lesion sum per patient, one panel per
 * arm, with the RECIST −30 % and +20 % lines), Kaplan–Meier PFS curves with their pointwise intervals (the plot
 * module, linear axis), and the tables of arm outcomes, two-arm differences and published-versus-simulated end
 * points. Standalone HTML, no scripts.
 */
import { renderSvgPlot } from "../plot/svg.js";
import { describeModelError } from "./model-error.js";
import type { ArmOutcomes, Estimate } from "./trial-outcomes.js";
import type { TrialResult } from "./trial-run.js";
import { readLabel } from "./published-read.js";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Waterfall plots of every arm, stacked in one SVG. */
export function waterfallSvg(
  arms: readonly ArmOutcomes[],
  title = "Best change of the target-lesion sum",
): string {
  const W = 940;
  const P = 240; // panel height
  const M = { left: 70, right: 30, top: 50, gap: 40 };
  const H = M.top + arms.length * (P + M.gap) + 20;
  const lo = -100;
  const hi = Math.max(100, ...arms.flatMap((a) => a.waterfall).map((v) => Math.min(v, 300)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
  ];
  arms.forEach((arm, k) => {
    const top = M.top + k * (P + M.gap);
    const pw = W - M.left - M.right;
    const y = (v: number) => top + ((hi - Math.min(Math.max(v, lo), hi)) / (hi - lo)) * P;
    parts.push(
      `<text x="${M.left}" y="${top - 8}" font-weight="bold">${esc(arm.name)} (n = ${arm.patients}; ORR ${pct(arm.ORR.value)})</text>`,
    );
    for (const v of [-100, -50, -30, 0, 20, 50, 100, 200, 300].filter((t) => t <= hi)) {
      const yy = y(v).toFixed(1);
      const dash = v === -30 || v === 20 ? ` stroke-dasharray="4 3" stroke="#999"` : ` stroke="#eee"`;
      parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}"${dash}/>`);
      parts.push(
        `<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${v} %</text>`,
      );
    }
    const n = arm.waterfall.length;
    const bw = n ? pw / n : pw;
    arm.waterfall.forEach((v, i) => {
      const y0 = y(0);
      const y1 = y(v);
      const color = v <= -30 ? "#2ca02c" : v >= 20 ? "#d62728" : "#7f7f7f";
      parts.push(
        `<rect x="${(M.left + i * bw).toFixed(2)}" y="${Math.min(y0, y1).toFixed(2)}" width="${Math.max(bw * 0.85, 0.5).toFixed(2)}" height="${Math.max(Math.abs(y1 - y0), 0.5).toFixed(2)}" fill="${color}"/>`,
      );
    });
    parts.push(`<rect x="${M.left}" y="${top}" width="${pw}" height="${P}" fill="none" stroke="#333"/>`);
  });
  parts.push(
    `<text x="${M.left}" y="${H - 6}" font-size="11" fill="#666">Simulated patients — research model output, not a clinical prediction. Dashed: −30 % (PR) and +20 % (PD).</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}

/** Kaplan–Meier PFS (or, with `which: "os"`, overall survival) curves (steps) with pointwise 95 % intervals. */
export function pfsSvg(
  arms: readonly ArmOutcomes[],
  title = "Progression-free survival (Kaplan–Meier)",
  which: "pfs" | "os" = "pfs",
): string {
  const curveOf = (a: ArmOutcomes) => (which === "os" ? (a.os_curve ?? []) : a.pfs_curve);
  const end = Math.max(1, ...arms.flatMap((a) => curveOf(a).map((p) => p.months)));
  const series = arms.map((arm, k) => {
    const x: number[] = [];
    const v: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    const curve = curveOf(arm);
    curve.forEach((p, i) => {
      if (i > 0) {
        const prev = curve[i - 1];
        x.push(p.months);
        v.push(prev.pfs);
        lower.push(prev.lower);
        upper.push(prev.upper);
      }
      x.push(p.months);
      v.push(p.pfs);
      lower.push(p.lower);
      upper.push(p.upper);
    });
    return { name: arm.name, x, values: v, lower, upper, color: COLORS[k % COLORS.length] };
  });
  return renderSvgPlot({
    title,
    times: [0, end],
    series,
    yLinear: { min: 0, max: 1 },
    xLabel: "months since the start of treatment",
    yLabel: which === "os" ? "alive" : "progression-free",
  });
}

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);
const num = (x: number | null) => (x === null ? "NR" : x.toFixed(2));
/** The prediction interval under an estimate, when it has one. */
const predicted = (e: Estimate, f: (x: number | null) => string) =>
  e.pi ? `<br><span class="pi">prediction ${f(e.pi[0])}–${f(e.pi[1])}</span>` : "";
function rate(e: Estimate): string {
  return `${pct(e.value)} (${pct(e.ci[0])}–${pct(e.ci[1])})${predicted(e, pct)}`;
}
function months(e: Estimate): string {
  return `${num(e.value)} (${num(e.ci[0])}–${num(e.ci[1])})${predicted(e, num)}`;
}

export function trialHtml(r: TrialResult): string {
  const armRows = r.arms
    .map(
      (a) =>
        `<tr><td>${esc(a.name)}</td><td>${a.patients}</td><td>${rate(a.ORR)}</td><td>${rate(a.CR)}</td><td>${rate(a.DCR)}</td>` +
        `<td>${a.bor.CR} / ${a.bor.PR} / ${a.bor.SD} / ${a.bor["NON-CR/NON-PD"]} / ${a.bor.PD} / ${a.bor.NE}</td>` +
        `<td>${months(a.median_PFS_months)}</td><td>${rate(a.PFS_6mo)}</td><td>${rate(a.PFS_12mo)}</td>` +
        `<td>${a.median_DOR_months.value === null && a.bor.CR + a.bor.PR > 0 ? "not reached" : months(a.median_DOR_months)}</td>` +
        `<td>${a.median_OS_months ? months(a.median_OS_months) : "—"}</td><td>${a.OS_24mo ? rate(a.OS_24mo) : "—"}</td></tr>`,
    )
    .join("\n");
  const diffRows = r.differences
    .map(
      (d) =>
        `<tr><td>${esc(d.arm)} vs ${esc(d.versus)}</td><td>${rate(d.ORR)}</td><td>${rate(d.CR)}</td><td>${rate(d.DCR)}</td>` +
        `<td>${d.median_PFS_months === null ? "—" : d.median_PFS_months.toFixed(2)}</td><td>${num(d.PFS_HR.value)} (${num(d.PFS_HR.ci[0])}–${num(d.PFS_HR.ci[1])})</td>` +
        `<td>${d.OS_HR ? `${num(d.OS_HR.value)} (${num(d.OS_HR.ci[0])}–${num(d.OS_HR.ci[1])})` : "—"}</td></tr>`,
    )
    .join("\n");
  const fmt = (endpoint: string, v: number | null) =>
    v === null ? "—" : /months|_HR/.test(endpoint) ? v.toFixed(2) : pct(v);
  const compRows = r.comparisons
    .map(
      (c) =>
        `<tr class="${c.within === null ? "" : c.within ? "ok" : "off"}"><td>${esc(c.arm)}${c.versus ? ` vs ${esc(c.versus)}` : ""}</td><td>${esc(c.endpoint)}${esc(readLabel(c))}</td>` +
        `<td>${c.not_reached ? "not reached" : fmt(c.endpoint, c.published)}${c.ci ? ` (${fmt(c.endpoint, c.ci[0])}–${c.ci[1] === null ? "NR" : fmt(c.endpoint, c.ci[1])})` : ""}${c.certainty ? ` [${c.certainty}]` : ""}</td>` +
        `<td>${fmt(c.endpoint, c.simulated)}</td><td>${c.within === null ? "not simulated" : c.within ? "yes" : "no"}</td><td>${esc(c.rule)}</td>` +
        `<td>${c.prediction_interval ? `${fmt(c.endpoint, c.prediction_interval[0])}–${c.prediction_interval[1] === null ? "NR" : fmt(c.endpoint, c.prediction_interval[1])} (${c.within_prediction ? "holds it" : "misses it"})` : "—"}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.trial)} — in-silico trial</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; max-width: 1000px }
table { border-collapse: collapse; margin: 1em 0 } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left }
th { background: #f3f3f3 } tr.ok td { background: #eef8ee } tr.off td { background: #fbeeee } .note { color: #555; font-size: 90% }
.pi { color: #555; font-size: 85% }
</style></head><body>
<h1>${esc(r.trial)} — in-silico trial</h1>
<p>${esc(r.source)}</p>
<p class="note">Simulated with the Immunoplan clinical model on a virtual population (seed ${r.seed}); responses read by
${esc(r.criteria)}${r.confirm ? " with confirmation ≥ 4 weeks" : ""} at the trial's scans (days ${r.scan_days.join(", ")}).
Research model output — decision support only, not a clinical prediction.</p>
<h2>Arms</h2>
<table><tr><th>arm</th><th>n</th><th>ORR (95 % CI)</th><th>CR</th><th>DCR</th><th>BOR CR / PR / SD / non-CR/non-PD / PD / NE</th><th>median PFS, months</th><th>PFS 6 months</th><th>PFS 12 months</th><th>median duration of response, months</th><th>median OS, months</th><th>OS 24 months</th></tr>
${armRows}
</table>
${r.differences.length ? `<h2>Differences between arms</h2>\n<table><tr><th>arms</th><th>ORR</th><th>CR</th><th>DCR</th><th>median PFS, months</th><th>PFS hazard ratio</th><th>OS hazard ratio</th></tr>\n${diffRows}\n</table>` : ""}
${evidenceHtml(r)}
<h2>Published and simulated</h2>
${r.comparisons.length ? `<table><tr><th>arm</th><th>end point</th><th>published (CI) [certainty]</th><th>simulated</th><th>within</th><th>rule</th><th>prediction interval</th></tr>\n${compRows}\n</table>` : "<p>The trial file lists no published end points.</p>"}
<h2>Waterfall</h2>
${waterfallSvg(r.arms)}
<h2>Progression-free survival</h2>
${pfsSvg(r.arms)}
${
  r.arms.some((a) => a.os_curve)
    ? `<h2>Overall survival</h2>
${pfsSvg(r.arms, "Overall survival (Kaplan–Meier)", "os")}
<p class="note">Overall survival is not simulated by the clinical model: it is drawn from each patient's tumour growth rate constant (KG, read from their scans up to progression) by a log-normal survival model set by hand on the calibration trials' survival (catalog/survival.yaml). It does not see treatment after progression.</p>`
    : ""
}
<h2>Methods</h2>
<p class="note"><b>Prediction intervals</b> (“prediction”): the 95 % range of what the trial, at its published size,
would report if the model erred as it does on the trials left out of its calibration — the simulation's value widened
by the trial's own sampling error and the model's leave-one-trial-out error (${esc(describeModelError(r.model_error))}). A confidence
interval alone assumes the model is right. Overall survival: from the survival model's own leave-one-trial-out
error (catalog/survival.yaml, out_of_sample). None for PFS hazard ratios (no out-of-sample error measured); a new combination or a cancer type predicted from its priors alone may be wrong by more.</p>
<p class="note">Rates: exact Clopper–Pearson 95 % intervals. PFS: Kaplan–Meier; progression recorded at the first scan
showing it (interval-censored on the scan grid), censoring at the last scan; pointwise intervals from Greenwood's variance on
the log-log scale; the median's interval by Brookmeyer–Crowley on the same scale. Differences of proportions: Newcombe's
hybrid score interval. Hazard ratio: Cox partial likelihood with the arm as the only covariate, Efron ties, Wald interval.</p>
${r.warnings.length ? `<h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
</body></html>
`;
}

/** The calibration or label trials behind each arm; an arm beyond them says so. */
function evidenceHtml(r: TrialResult): string {
  if (!r.evidence?.length) return "";
  const rows = r.evidence
    .map(
      (e) =>
        `<tr><td>${esc(e.arm)}</td><td>${e.agents.map((a) => `${esc(a.agent)}: ${a.basis === "none" ? "<b>none</b>" : `${esc(a.basis)} (${esc(a.trials.join("; "))})`}`).join("<br>")}</td><td>${e.extrapolated ? `<b>${esc(e.note)}</b>` : esc(e.note)}</td></tr>`,
    )
    .join("\n");
  return `<h2>What stands behind each arm</h2>\n<table><tr><th>arm</th><th>agents: trials of this cancer type that set or checked them</th><th></th></tr>\n${rows}\n</table>`;
}
