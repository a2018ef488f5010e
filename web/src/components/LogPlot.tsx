import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface PlotLine {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
  /** A shaded band (e.g. 25–75 % of the posterior samples). */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly points?: boolean;
}

export const PALETTE = ["#1c7ed6", "#e03131", "#2f9e44", "#7048e8", "#f08c00", "#0c8599", "#868e96"];

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
    const floor = (v: number) => (props.log === false ? v : Math.max(v, 1));
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
        axes: [{ label: props.xLabel }, { label: props.yLabel, size: 70 }],
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
