/**
 * Time-course plots as standalone SVG (no browser needed): one line per series on a log10 y axis,
 * dose markers along the time axis, a legend and a research-use note.
 */
export interface PlotSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** Drawn as a line (default) or as points. */
  readonly style?: "line" | "points";
  readonly color?: string;
  /** x values of this series (default: the plot's `times`). */
  readonly x?: ArrayLike<number>;
  /** An uncertainty band around a line: its lower and upper edges, shaded in the series' color. */
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
}

export interface PlotMarker {
  readonly t: number;
  readonly label: string;
  readonly color?: string;
}

export interface PlotOptions {
  readonly title: string;
  readonly times: ArrayLike<number>;
  readonly series: readonly PlotSeries[];
  readonly markers?: readonly PlotMarker[];
  readonly events?: readonly PlotMarker[];
  /** Shaded time intervals (e.g. protocol phases). */
  readonly bands?: readonly { readonly from: number; readonly to: number; readonly label: string }[];
  readonly timeUnit?: string;
  readonly yLabel?: string;
  readonly note?: string;
  /** Log scale on the x axis (positive values only). */
  readonly xLog?: boolean;
  /** Label of the x axis (default: "time (<timeUnit>)"). */
  readonly xLabel?: string;
  /** Lower limit of the log axis (values below are drawn on it). Default: from the data, at least 1e-3. */
  readonly yMin?: number;
  /** A linear y axis from min to max (e.g. survival 0–1) instead of the log axis. */
  readonly yLinear?: { readonly min: number; readonly max: number };
}

const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#17becf",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
];
const W = 940;
const H = 520;
const M = { left: 80, right: 200, top: 50, bottom: 70 };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function niceStep(span: number): number {
  const raw = span / 8;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

export function renderSvgPlot(o: PlotOptions): string {
  const times = Array.from(o.times);
  const t0 = times[0] ?? 0;
  const t1 = times[times.length - 1] ?? 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of o.series) {
    const all = [s.values, s.lower ?? [], s.upper ?? []].flatMap((a) => Array.from(a));
    for (let i = 0; i < all.length; i++) {
      const v = all[i];
      if (v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      } else if (v <= 0 && o.yMin !== undefined) {
        lo = Math.min(lo, o.yMin); // zeros (e.g. an eliminated tumor) sit on the bottom of the axis
      }
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 1;
    hi = 10;
  }
  lo = Math.max(lo, o.yMin ?? 1e-3);
  let d0 = Math.floor(Math.log10(lo));
  let d1 = Math.ceil(Math.log10(hi));
  if (d1 <= d0) d1 = d0 + 1;
  if (d1 - d0 > 24) d0 = d1 - 24;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xs = (t: number): number => (o.xLog ? Math.log10(t) : t);
  const x = (t: number): number => M.left + ((xs(t) - xs(t0)) / (xs(t1) - xs(t0) || 1)) * pw;
  const lin = o.yLinear;
  const y = (v: number): number => {
    if (lin) {
      const c = Math.min(Math.max(v, lin.min), lin.max);
      return M.top + ph - ((c - lin.min) / (lin.max - lin.min || 1)) * ph;
    }
    const lv = v > 0 ? Math.log10(v) : d0;
    const c = Math.min(Math.max(lv, d0), d1);
    return M.top + ph - ((c - d0) / (d1 - d0)) * ph;
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(o.title)}</text>`);
  // grid and y ticks (decades, or nice steps on a linear axis)
  const yTicks: number[] = [];
  if (lin) {
    const step = niceStep(lin.max - lin.min || 1);
    for (let v = Math.ceil(lin.min / step) * step; v <= lin.max + 1e-9; v += step) yTicks.push(v);
  }
  for (const v of yTicks) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${M.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${+v.toPrecision(6)}</text>`,
    );
  }
  const everyDecade = Math.max(1, Math.ceil((d1 - d0) / 12));
  for (let d = d0; d <= d1 && !lin; d++) {
    const yy = y(Math.pow(10, d)).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`);
    if ((d - d0) % everyDecade === 0)
      parts.push(
        `<text x="${M.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">1e${d}</text>`,
      );
  }
  const xTicks: number[] = [];
  if (o.xLog) {
    for (let d = Math.ceil(Math.log10(t0)); d <= Math.floor(Math.log10(t1)); d++)
      xTicks.push(Math.pow(10, d));
  } else {
    const step = niceStep(t1 - t0 || 1);
    for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) xTicks.push(t);
  }
  for (const t of xTicks) {
    const xx = x(t).toFixed(1);
    const label = o.xLog ? `1e${Math.round(Math.log10(t))}` : String(+t.toPrecision(6));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + ph}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${xx}" y="${M.top + ph + 18}" text-anchor="middle">${label}</text>`);
  }
  const BAND_COLORS = ["#eef4fb", "#fbf3e6", "#eef8ee", "#f7eef8"];
  (o.bands ?? []).forEach((b, k) => {
    const x0 = x(Math.max(b.from, t0));
    const x1 = x(Math.min(b.to, t1));
    if (!(x1 > x0)) return;
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${M.top}" width="${(x1 - x0).toFixed(1)}" height="${ph}" fill="${BAND_COLORS[k % BAND_COLORS.length]}"><title>${esc(b.label)}</title></rect>`,
    );
    parts.push(
      `<text x="${(x0 + 3).toFixed(1)}" y="${M.top + ph - 16}" font-size="10" fill="#777">${esc(b.label)}</text>`,
    );
  });
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(
    `<text x="${M.left + pw / 2}" y="${H - 28}" text-anchor="middle">${esc(o.xLabel ?? `time (${o.timeUnit ?? "day"})`)}</text>`,
  );
  parts.push(
    `<text transform="translate(20 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel ?? "amount (log scale)")}</text>`,
  );
  // dose markers
  for (const m of o.markers ?? []) {
    if (m.t < t0 || m.t > t1) continue;
    const xx = x(m.t).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${M.top + ph}" y2="${M.top + ph - 10}" stroke="${m.color ?? "#555"}" stroke-width="2"><title>${esc(m.label)} at ${m.t}</title></line>`,
    );
  }
  for (const e of o.events ?? []) {
    if (e.t < t0 || e.t > t1) continue;
    const xx = x(e.t).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + ph}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
    parts.push(`<text x="${(+xx + 3).toFixed(1)}" y="${M.top + 12}" fill="#555">${esc(e.label)}</text>`);
  }
  // series
  o.series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const sx = s.x ?? times;
    const ly = M.top + 10 + k * 20;
    if (s.style === "points") {
      for (let i = 0; i < sx.length && i < s.values.length; i++) {
        parts.push(
          `<circle cx="${x(sx[i]).toFixed(2)}" cy="${y(s.values[i]).toFixed(2)}" r="3.5" fill="${color}"/>`,
        );
      }
      parts.push(`<circle cx="${M.left + pw + 27}" cy="${ly}" r="4" fill="${color}"/>`);
    } else {
      if (s.lower && s.upper) {
        const m = Math.min(sx.length, s.lower.length, s.upper.length);
        let band = "";
        for (let i = 0; i < m; i++)
          band += `${i === 0 ? "M" : "L"}${x(sx[i]).toFixed(2)},${y(s.upper[i]).toFixed(2)}`;
        for (let i = m - 1; i >= 0; i--) band += `L${x(sx[i]).toFixed(2)},${y(s.lower[i]).toFixed(2)}`;
        parts.push(`<path d="${band}Z" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
      }
      let d = "";
      for (let i = 0; i < sx.length && i < s.values.length; i++) {
        d += `${i === 0 ? "M" : "L"}${x(sx[i]).toFixed(2)},${y(s.values[i]).toFixed(2)}`;
      }
      parts.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"><title>${esc(s.name)}</title></path>`,
      );
      parts.push(
        `<line x1="${M.left + pw + 15}" x2="${M.left + pw + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      );
    }
    const label = s.name.length > 24 ? s.name.slice(0, 23) + "…" : s.name;
    parts.push(
      `<text x="${M.left + pw + 46}" y="${ly}" dominant-baseline="middle">${esc(label)}<title>${esc(s.name)}</title></text>`,
    );
  });
  if (o.markers?.length) {
    const ly = M.top + 10 + o.series.length * 20 + 10;
    parts.push(
      `<line x1="${M.left + pw + 27}" x2="${M.left + pw + 27}" y1="${ly - 6}" y2="${ly + 4}" stroke="#555" stroke-width="2"/>`,
    );
    parts.push(`<text x="${M.left + pw + 46}" y="${ly}" dominant-baseline="middle">dose</text>`);
  }
  parts.push(
    `<text x="${M.left}" y="${H - 8}" font-size="11" fill="#666">${esc(o.note ?? "Research model output — decision support only, not a clinical prediction.")}</text>`,
  );
  parts.push(`</svg>`);
  return parts.join("\n") + "\n";
}
