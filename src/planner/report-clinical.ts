/**
 * The clinical model's part of a plan report: the prior (the calibrated population and the conditions the record
 * gave), the posterior's effective sample size, the posterior predictive check of the patient's own scans (figure
 * and coverage), the decisive parameters and the prior sensitivity line. Text lines for the PDF, HTML for the page.
 */
import { renderSvgPlot } from "../plot/svg.js";
import type { Plan } from "./plan.js";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");

/** The posterior predictive check as a figure: the scans (points) and the model's median and 90 % band. */
export function ppcFigure(plan: Plan): string | null {
  const scans = plan.clinical?.ppc.scans ?? [];
  if (scans.length < 2) return null;
  const days = scans.map((s) => s.day);
  const max = Math.max(...scans.map((s) => Math.max(s.upper90, s.observedSldMm)));
  return renderSvgPlot({
    title: "Posterior predictive check: the patient's scans and the model's 90 % band",
    times: days,
    series: [
      {
        name: "model: median and 90 %",
        values: scans.map((s) => s.median),
        lower: scans.map((s) => s.lower90),
        upper: scans.map((s) => s.upper90),
        x: days,
        color: "#1c7ed6",
      },
      {
        name: "scans (sum of diameters)",
        values: scans.map((s) => s.observedSldMm),
        x: days,
        style: "points",
        color: "#000",
      },
    ],
    yLinear: { min: 0, max: Math.ceil((1.2 * max) / 10) * 10 },
    yLabel: "sum of diameters (mm)",
    xLabel: "day relative to the plan (day 0)",
  });
}

/** The section as text lines (the PDF report, the CLI). */
export function clinicalLines(plan: Plan): string[] {
  const c = plan.clinical;
  if (!c) return [];
  const lines = [
    `Prior: the calibrated ${c.prior.cancer} population (${c.prior.plausible} plausible virtual patients, ${c.prior.file.split("/").pop()}), conditioned on ${c.prior.applied.join(", ") || "nothing"}${c.prior.relaxed.length ? `; relaxed (too few virtual patients share them): ${c.prior.relaxed.join(", ")}` : ""}; prior effective sample size ${Math.round(c.prior.ess)}.`,
    `What the record says: ${c.prior.conditions.join("; ") || "no covariate of the population"}.`,
    `Posterior: ${c.method}. ${c.drawn} draws, ${c.distinct} distinct virtual patients simulated (${c.failures} failed)${c.smc ? `, then ${c.smc.simulations.toLocaleString("en")} by the sequential Monte Carlo` : ""}; effective sample size ${Math.round(c.ess)} (${c.converged ? "converged" : "NOT converged"}).`,
    `Treatments simulated ${c.leadIn ? `from ${c.leadIn.from} (a treatment that acts on the first scan used, ${c.anchor.date}: the lesions are scaled back to that day so that the model meets that scan)` : `between the first scan used (${c.anchor.date})`} and day 0: ${c.history.simulated.join("; ") || "none"}${c.history.notSimulated.length ? `; not simulated: ${c.history.notSimulated.join("; ")}` : ""}.`,
    `Posterior predictive check: ${
      c.ppc.scans
        .slice(1)
        .map(
          (s) =>
            `${s.date} observed ${f1(s.observedSldMm)} mm, model ${f1(s.median)} (90 % ${f1(s.lower90)}–${f1(s.upper90)})${s.inside ? "" : " OUTSIDE"}`,
        )
        .join("; ") || "only one scan"
    }${c.ppc.coverage90 !== null ? `; ${Math.round(c.ppc.coverage90 * 100)} % of the later scans inside the band widened by the reader's limits of agreement` : ""}.`,
    `Parameters: ${c.posterior
      .map(
        (e) =>
          `${e.name} prior ${e.prior.median.toPrecision(3)} (90 % ${e.prior.lower90.toPrecision(3)}–${e.prior.upper90.toPrecision(3)}) → posterior ${e.posterior.median.toPrecision(3)} (${e.posterior.lower90.toPrecision(3)}–${e.posterior.upper90.toPrecision(3)})${e.informedByData ? "" : " [prior only]"}`,
      )
      .join("; ")}.`,
    c.decisive.length
      ? `Decisive for the first choice (rank correlation with its burden at the horizon): ${c.decisive.map((d) => `${d.name} ${d.correlation.toFixed(2)}${d.informedByData ? "" : " — prior only"}`).join(", ")}.`
      : "No parameter's rank correlation with the first choice's outcome reaches 0.3 and what chance gives over the posterior's distinct virtual patients.",
    ...(c.sensitivity ? [c.sensitivity.message] : []),
    ...(c.population ? [c.population.message] : []),
  ];
  return lines;
}

export function clinicalSection(plan: Plan): string {
  if (!plan.clinical) return "";
  const fig = ppcFigure(plan);
  return `<h2>The patient in the calibrated population</h2>
<ul>${clinicalLines(plan)
    .map((l) => `<li>${esc(l)}</li>`)
    .join("")}</ul>
${fig ? `<figure>${fig}</figure>` : ""}`;
}
