import { stepDays, type Protocol } from "../format";

/** The protocol as a timeline: one row per step, a mark per administration; the first five weeks wide. */
export function Timeline({ protocol, horizon }: { protocol: Protocol; horizon: number }) {
  const rows = protocol.phases.flatMap((ph) =>
    ph.steps.map((s) => ({ label: `${s.agent} ${s.dose.value} ${s.dose.unit}`, days: stepDays(ph, s) })),
  );
  const W = 900;
  const left = 260;
  const rowH = 22;
  const H = rows.length * rowH + 36;
  const zoom = 35;
  const x = (d: number) =>
    d <= zoom
      ? left + (d / zoom) * (W - left) * 0.65
      : left + (W - left) * 0.65 + ((d - zoom) / Math.max(1, horizon - zoom)) * (W - left) * 0.35;
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="protocol timeline"
      style={{ maxWidth: W }}
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
      {rows.map((r, i) => (
        <g key={i}>
          <text x={left - 6} y={i * rowH + 15} textAnchor="end" fontSize="11">
            {r.label.length > 40 ? `${r.label.slice(0, 39)}…` : r.label}
          </text>
          {r.days
            .filter((d) => d <= horizon)
            .map((d, k) => (
              <rect key={k} x={x(d) - 2} y={i * rowH + 4} width={4} height={14} fill="#1c7ed6">
                <title>{`${r.label}: day ${d}`}</title>
              </rect>
            ))}
        </g>
      ))}
      {[0, 7, 14, 21, 28, 35, 90, 180, 270, horizon]
        .filter((d) => d <= horizon)
        .map((d) => (
          <text key={d} x={x(d)} y={rows.length * rowH + 16} fontSize="10" textAnchor="middle">
            {d}
          </text>
        ))}
      <text x={left + (W - left) / 2} y={rows.length * rowH + 32} fontSize="11" textAnchor="middle">
        day (after day 35 compressed)
      </text>
    </svg>
  );
}
