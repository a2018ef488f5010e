import { useRef, useState, type PointerEvent } from "react";
import { stepDays, type Protocol } from "../format";

/**
 * The protocol as a timeline: one row per step, a mark per administration; the first five weeks wide. With
 * `onShift`, a step's marks can be dragged along the time axis (whole days; steps given on listed days only) —
 * the ±1 day buttons beside the timeline do the same from the keyboard.
 */
export function Timeline({
  protocol,
  horizon,
  onShift,
}: {
  protocol: Protocol;
  horizon: number;
  onShift?: (phase: number, step: number, days: number) => void;
}) {
  const rows = protocol.phases.flatMap((ph, pi) =>
    ph.steps.map((s, si) => ({
      label: `${s.agent} ${s.dose.value} ${s.dose.unit}`,
      days: stepDays(ph, s),
      phase: pi,
      step: si,
      movable: Array.isArray(s.days),
    })),
  );
  const W = 900;
  const left = 260;
  const rowH = 22;
  const H = rows.length * rowH + 36;
  const zoom = 35;
  const wide = (W - left) * 0.65;
  const x = (d: number) =>
    d <= zoom
      ? left + (d / zoom) * wide
      : left + wide + ((d - zoom) / Math.max(1, horizon - zoom)) * (W - left - wide);
  const dayAt = (px: number) =>
    px <= left + wide
      ? ((px - left) / wide) * zoom
      : zoom + ((px - left - wide) / (W - left - wide)) * (horizon - zoom);
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ row: number; from: number; delta: number } | null>(null);
  const toSvgX = (e: PointerEvent) => {
    const m = svg.current?.getScreenCTM();
    return m ? (e.clientX - m.e) / m.a : 0;
  };
  const start = (row: number) => (e: PointerEvent<SVGRectElement>) => {
    if (!onShift || !rows[row].movable) return;
    (e.target as Element).setPointerCapture(e.pointerId);
    setDrag({ row, from: dayAt(toSvgX(e)), delta: 0 });
  };
  const move = (e: PointerEvent) => {
    if (!drag) return;
    const delta = Math.round(dayAt(toSvgX(e)) - drag.from);
    const earliest = Math.min(...rows[drag.row].days) - protocol.phases[rows[drag.row].phase].start_day;
    setDrag({ ...drag, delta: Math.max(-earliest, delta) });
  };
  const end = () => {
    if (drag && drag.delta !== 0) onShift?.(rows[drag.row].phase, rows[drag.row].step, drag.delta);
    setDrag(null);
  };
  return (
    <svg
      ref={svg}
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="protocol timeline"
      style={{ maxWidth: W, touchAction: "none" }}
      onPointerMove={move}
      onPointerUp={end}
    >
      {protocol.phases.map((ph, i) => {
        const days = ph.steps.flatMap((s) => stepDays(ph, s));
        const to =
          ph.duration_days !== undefined
            ? ph.start_day + ph.duration_days
            : Math.max(ph.start_day, ...days) + 1;
        return (
          <rect
            key={i}
            x={x(ph.start_day)}
            y={0}
            width={Math.max(2, x(Math.min(to, horizon)) - x(ph.start_day))}
            height={rows.length * rowH}
            fill={i % 2 ? "#fff4e6" : "#e7f5ff"}
          />
        );
      })}
      {rows.map((r, i) => {
        const shift = drag?.row === i ? drag.delta : 0;
        return (
          <g key={i} data-testid={`timeline-row-${i}`}>
            <text x={left - 6} y={i * rowH + 15} textAnchor="end" fontSize="11">
              {r.label.length > 40 ? `${r.label.slice(0, 39)}…` : r.label}
            </text>
            {r.days
              .filter((d) => d + shift <= horizon)
              .map((d, k) => (
                <rect
                  key={k}
                  x={x(d + shift) - 3}
                  y={i * rowH + 3}
                  width={6}
                  height={16}
                  fill={shift ? "#e8590c" : "#1864ab"}
                  style={{ cursor: onShift && r.movable ? "ew-resize" : "default" }}
                  onPointerDown={start(i)}
                >
                  <title>{`${r.label}: day ${d + shift}${onShift && r.movable ? " (drag to move the step)" : ""}`}</title>
                </rect>
              ))}
          </g>
        );
      })}
      {[0, 7, 14, 21, 28, 35, 90, 180, 270, horizon]
        .filter((d) => d <= horizon)
        .map((d) => (
          <text key={d} x={x(d)} y={rows.length * rowH + 16} fontSize="10" textAnchor="middle">
            {d}
          </text>
        ))}
      <text x={left + (W - left) / 2} y={rows.length * rowH + 32} fontSize="11" textAnchor="middle">
        day (after day 35 compressed){onShift ? " — drag a step's marks to move it" : ""}
      </text>
    </svg>
  );
}
