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

/**
 * Predicted sum of diameters of the target lesions (mm, linear axis) of the recommended candidate (median, 50 % and
 * 90 % bands) and of no treatment, with the RECIST thresholds from the day-0 sum drawn: −30 % (partial response)
 * and +20 % (progression, which RECIST measures from the nadir). Null when the plan has no such prediction (core
 * model).
 */
export function sldFigure(plan: Plan): string | null {
  const rec = plan.candidates.find((c) => c.id === plan.recommended);
  const none = plan.candidates.find((c) => c.id === "none");
  const withSld = [rec, none].filter((c): c is RankedCandidate => !!c?.bands?.sld);
  if (!withSld.length) return null;
  const days = withSld[0].bands!.days;
  const series: PlotSeries[] = [];
  for (const c of withSld) {
    const q = c.bands!.sld!;
    const name = c.id === "none" ? "no treatment" : `#${c.rank} ${c.id}`;
    const color = c.id === "none" ? "#7f7f7f" : "#1c7ed6";
    series.push({ name: `${name}: median, 50 %`, values: q[2], lower: q[1], upper: q[3], x: days, color });
    series.push({ name: `${name}: 90 %`, values: q[2], lower: q[0], upper: q[4], x: days, color });
  }
  const base = withSld[0].bands!.sld![2][0];
  const flat = (v: number) => days.map(() => v);
  series.push({
    name: "−30 % of day 0 (partial response)",
    values: flat(0.7 * base),
    x: days,
    color: "#2b8a3e",
  });
  series.push({
    name: "+20 % of day 0 (progression, from the nadir)",
    values: flat(1.2 * base),
    x: days,
    color: "#c92a2a",
  });
  const max = Math.max(...withSld.flatMap((c) => c.bands!.sld![4]), 1.3 * base);
  return renderSvgPlot({
    title: "Predicted sum of diameters of the target lesions (model, without reader noise)",
    times: days,
    series,
    yLinear: { min: 0, max: Math.ceil(max / 10) * 10 },
    yLabel: "sum of diameters (mm)",
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
