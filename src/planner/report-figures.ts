/** The figures of a plan report (shared by the HTML and the PDF report): burden bands and protocol timelines. */
import { renderSvgPlot, type PlotSeries } from "../plot/svg.js";
import { renderTimelineSvg } from "../plot/timeline.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { stepDays } from "../therapy/protocol-schema.js";
import type { Plan, RankedCandidate } from "./plan.js";

const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : "–");
export const formatProbability = pct;

/** Predicted tumor cells (median, 25–75 % band shaded) of the explained candidates and of no treatment. */
export function burdenFigure(plan: Plan): string {
  const shown = plan.candidates.filter((c) => c.bands);
  const series: PlotSeries[] = [];
  const ordered = [...shown.filter((c) => c.id !== "none"), ...shown.filter((c) => c.id === "none")];
  let days: readonly number[] = [];
  for (const c of ordered) {
    const b = c.bands!;
    days = b.days;
    const cells = (q: number) => b.quantiles[q].map((v) => Math.pow(10, v) - 1);
    series.push({
      name: `${c.id === "none" ? "no treatment" : `#${c.rank} ${c.id}`}`,
      values: cells(2),
      lower: cells(1),
      upper: cells(3),
      x: b.days,
      color: c.id === "none" ? "#7f7f7f" : undefined,
    });
  }
  return renderSvgPlot({
    title: "Predicted tumor cells: median and 25–75 % of the posterior samples",
    times: days,
    series,
    yMin: 1,
    yLabel: "tumor cells (log scale)",
    xLabel: "day of the protocol",
    note: "research model; decision support",
  });
}

/** The protocol of a candidate as a timeline: one row per step, the clinic stay and maintenance shaded. */
export function timelineFigure(plan: Plan, c: RankedCandidate): string {
  const catalog = therapyCatalog();
  const rows = c.protocol.phases.flatMap((ph) =>
    ph.steps.map((s) => ({
      label: `${catalog.agents.get(s.agent)?.name ?? s.agent} ${s.dose.value} ${s.dose.unit}`,
      days: stepDays(ph, s),
    })),
  );
  const periods = c.protocol.phases.map((ph) => {
    const last = Math.max(ph.start_day, ...ph.steps.flatMap((s) => stepDays(ph, s)));
    return {
      from: ph.start_day,
      to: ph.duration_days !== undefined ? ph.start_day + ph.duration_days : last + 1,
      label: ph.name,
    };
  });
  return renderTimelineSvg({
    title: `#${c.rank} ${c.name}`,
    rows,
    periods,
    horizon: plan.horizonDays,
  });
}
