/** Plain-language pieces shared by the pages. */
export const ROUTE_WORDS: Record<string, string> = {
  iv: "infusion into a vein",
  sc: "injection under the skin",
  intratumoral: "injection into the tumor",
  "external-beam": "radiotherapy session",
  oral: "by mouth",
  intrathecal: "into the spinal fluid",
  ommaya: "into the Ommaya reservoir",
  surgical: "operation",
};

export interface ProtocolStep {
  agent: string;
  dose: { value: number; unit: string };
  route: string;
  days: number[] | { every: number; count?: number; until?: number; from?: number };
  intent?: string;
  when?: string;
  [k: string]: unknown;
}
export interface ProtocolPhase {
  name: string;
  kind?: string;
  start_day: number;
  duration_days?: number;
  steps: ProtocolStep[];
}
export interface Protocol {
  name: string;
  description?: string;
  phases: ProtocolPhase[];
}

/** Absolute days of a step (as the server's stepDays). */
export function stepDays(ph: ProtocolPhase, s: ProtocolStep): number[] {
  const d = s.days;
  if (Array.isArray(d)) return d.map((x) => ph.start_day + x);
  const out: number[] = [];
  const from = d.from ?? 0;
  if (d.count !== undefined) for (let k = 0; k < d.count; k++) out.push(ph.start_day + from + k * d.every);
  else
    for (let x = from; x <= (d.until ?? 0) + 1e-9 && out.length < 10000; x += d.every)
      out.push(ph.start_day + x);
  return out;
}

export function dayList(days: number[]): string {
  const whole = [...new Set(days.map((d) => Math.floor(d)))];
  if (whole.length > 6)
    return `days ${whole.slice(0, 3).join(", ")} … ${whole.at(-1)} (${days.length} doses)`;
  return `${whole.length > 1 ? "days" : "day"} ${whole.join(", ")}${days.length > whole.length ? ` (${days.length} doses)` : ""}`;
}

export const fmt = (x: number): string =>
  Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : String(+x.toPrecision(3));

export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : `${Math.round(x * 100)} %`;

export function localDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}
