/** When a step is given — shared by the server and the web app (type imports only: no schema in the bundle). */
import type { Phase, Step } from "./protocol-schema.js";

/** Absolute days (from day 0 of the protocol) of a step in a phase. */
export function stepDays(phase: Phase, step: Step): number[] {
  const d = step.days;
  const base = phase.start_day;
  if (Array.isArray(d)) return d.map((x) => base + x);
  const from = d.from ?? 0;
  const out: number[] = [];
  if ("count" in d) for (let k = 0; k < d.count; k++) out.push(base + from + k * d.every);
  else for (let x = from; x <= d.until + 1e-9 && out.length < 10000; x += d.every) out.push(base + x);
  return out;
}
