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

// the protocol document and its schedule: the server's own types and function (type imports are erased)
export type { Protocol } from "../../src/therapy/protocol-schema.js";
export { stepDays } from "../../src/therapy/step-days.js";

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
