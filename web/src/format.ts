/** Plain-language pieces shared by the pages. */
// plain words for routes: one home with the patient's copy of the plan (src/therapy/plain-words.ts)
export { ROUTE_WORDS } from "../../src/therapy/plain-words.js";

// the protocol document and its schedule: the server's own types and function (type imports are erased)
export type { Protocol } from "../../src/therapy/protocol-schema.js";
export { stepDays } from "../../src/therapy/step-days.js";
// units and sizes as people read them (UCUM pretty-printed, no unit "1", B/kB/MB)
export { formatFileSize, formatQuantity, formatUnit } from "../../src/clinic/display.js";

export const fmt = (x: number): string =>
  Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : String(+x.toPrecision(3));

export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : `${Math.round(x * 100)} %`;

export function localDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}
