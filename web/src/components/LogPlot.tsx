import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface PlotLine {
  readonly label: string;
  /** One value per x; null leaves a gap (no point, no line). */
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** A shaded band (e.g. 25–75 % of the posterior samples). */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly points?: boolean;
}

export const PALETTE = ["#1c7ed6", "#e03131", "#2f9e44", "#7048e8", "#f08c00", "#0c8599", "#868e96"];

/** Width of the y axis: its longest tick label (about 7 px a character at the axis font) plus the axis label. */
function yAxisSize(_self: uPlot, values: string[] | null): number {
  const longest = Math.max(0, ...(values ?? []).map((v) => String(v).length));
  return Math.max(50, Math.ceil(longest * 7.5) + 36);
}

/** A time plot with a log-scale y axis (uPlot), lines with optional uncertainty bands. */
export function LogPlot(props: {
  readonly title: string;
  readonly x: readonly number[];
  readonly lines: readonly PlotLine[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly height?: number;
  readonly log?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || props.x.length === 0) return;
    const floor = (v: number | null) => (v === null || props.log === false ? v : Math.max(v, 1));
    const data: (number | null)[][] = [[...props.x]];
    const series: uPlot.Series[] = [{ label: props.xLabel }];
    const bands: uPlot.Band[] = [];
    const bandEdges = new Set<string>();
    for (const l of props.lines) {
      data.push(l.values.map(floor));
      series.push({
        label: l.label,
        stroke: l.color,
        width: 2,
        points: { show: l.points ?? false, size: 7, fill: l.color },
        ...(l.points ? { paths: () => null } : {}),
      });
      if (l.lower && l.upper) {
        const upperIdx = data.length;
        data.push(l.upper.map(floor));
        series.push({ label: `${l.label} 75 %`, stroke: "transparent", points: { show: false } });
        data.push(l.lower.map(floor));
        series.push({ label: `${l.label} 25 %`, stroke: "transparent", points: { show: false } });
        bandEdges.add(`${l.label} 75 %`).add(`${l.label} 25 %`);
        bands.push({ series: [upperIdx, upperIdx + 1], fill: `${l.color}33` });
      }
    }
    const plot = new uPlot(
      {
        title: props.title,
        width: Math.max(320, el.clientWidth),
        height: props.height ?? 320,
        scales: { x: { time: false }, y: props.log === false ? {} : { distr: 3 } },
        // the y axis is as wide as its longest tick label (large numbers are not clipped)
        axes: [{ label: props.xLabel }, { label: props.yLabel, size: yAxisSize }],
        series,
        bands,
        legend: { live: false },
      },
      data as uPlot.AlignedData,
      el,
    );
    // the band edges are not legend entries of their own
    for (const row of plot.root.querySelectorAll<HTMLElement>(".u-legend .u-series"))
      if (bandEdges.has(row.querySelector(".u-label")?.textContent ?? "")) row.style.display = "none";
    const resize = () => plot.setSize({ width: Math.max(320, el.clientWidth), height: props.height ?? 320 });
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      plot.destroy();
    };
  }, [props.title, props.x, props.lines, props.xLabel, props.yLabel, props.height, props.log]);
  return <div ref={ref} role="img" aria-label={`${props.title}: ${props.yLabel} against ${props.xLabel}`} />;
}
