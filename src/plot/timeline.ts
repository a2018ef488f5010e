/**
 * A schedule as a standalone SVG timeline: one row per item with a mark on each day it happens, shaded periods
 * behind (e.g. a stay), a day axis. Days beyond `zoomDays` are drawn on a compressed second scale so a two-week
 * stay and a year of follow-up both stay readable.
 */
export interface TimelineRow {
  readonly label: string;
  readonly days: readonly number[];
  readonly color?: string;
}

export interface TimelineOptions {
  readonly title: string;
  readonly rows: readonly TimelineRow[];
  readonly periods?: readonly { readonly from: number; readonly to: number; readonly label: string }[];
  readonly horizon: number;
  /** Days drawn on the wide first scale (default 35); the rest share the remaining width. */
  readonly zoomDays?: number;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderTimelineSvg(o: TimelineOptions): string {
  const W = 940;
  const left = 300;
  const right = 20;
  const top = 44;
  const rowH = 24;
  const H = top + o.rows.length * rowH + 56;
  const pw = W - left - right;
  const zoom = Math.min(o.zoomDays ?? 35, o.horizon);
  const split = o.horizon > zoom ? 0.6 : 1;
  const x = (d: number): number =>
    d <= zoom
      ? left + (d / zoom) * pw * split
      : left + pw * split + ((d - zoom) / (o.horizon - zoom)) * pw * (1 - split);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  ];
  const bottom = top + o.rows.length * rowH;
  (o.periods ?? []).forEach((p, k) => {
    const x0 = x(Math.max(0, p.from));
    const x1 = x(Math.min(o.horizon, p.to));
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${top - 6}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bottom - top + 6}" fill="${k % 2 ? "#fbf3e6" : "#eef4fb"}"/>`,
      `<text x="${(x0 + 3).toFixed(1)}" y="${top - 10}" font-size="10" fill="#555">${esc(p.label)}</text>`,
    );
  });
  o.rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const color = r.color ?? COLORS[i % COLORS.length];
    const label = r.label.length > 46 ? r.label.slice(0, 45) + "…" : r.label;
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(label)}<title>${esc(r.label)}</title></text>`,
    );
    for (const d of r.days) {
      if (d < 0 || d > o.horizon) continue;
      parts.push(
        `<rect x="${(x(d) - 2.5).toFixed(1)}" y="${y - 7}" width="5" height="14" fill="${color}"><title>${esc(r.label)}: day ${d}</title></rect>`,
      );
    }
  });
  // axis: every 7 days on the wide scale, then months
  const ticks: number[] = [];
  for (let d = 0; d <= zoom; d += 7) ticks.push(d);
  for (let d = 60; d < o.horizon; d += 60) if (d > zoom + 10 && o.horizon - d > 20) ticks.push(d);
  if (o.horizon > zoom) ticks.push(o.horizon);
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  for (const d of ticks) {
    const xx = x(d).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${bottom}" y2="${bottom + 5}" stroke="#333"/>`,
      `<text x="${xx}" y="${bottom + 18}" text-anchor="middle">${d}</text>`,
    );
  }
  if (o.horizon > zoom) {
    const xs = x(zoom).toFixed(1);
    parts.push(
      `<line x1="${xs}" x2="${xs}" y1="${top - 6}" y2="${bottom}" stroke="#999" stroke-dasharray="3 3"/>`,
    );
  }
  parts.push(
    `<text x="${left + pw / 2}" y="${bottom + 38}" text-anchor="middle">day of the protocol${o.horizon > zoom ? ` (days after ${zoom} compressed)` : ""}</text>`,
    "</svg>",
  );
  return parts.join("\n");
}
