/**
 * Impossible dates in clinical data: a scan, dose, lab or adverse event in the future or before the patient was
 * born. The server refuses them with 400 naming the field (issue 12 §1); the web app checks the same before sending.
 */
import { HttpError } from "./http.js";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** A date may be "today" somewhere on Earth while it is still yesterday in UTC (UTC+14): one day of slack. */
const DATE_SLACK_MS = 86_400_000;
/** Clock skew allowed for instants (ISO date-times). */
const INSTANT_SLACK_MS = 5 * 60_000;

/** Why `value` (an ISO date or date-time) is impossible for this patient, or null. */
export function dateProblem(value: string, birthDate: string | undefined, now = new Date()): string | null {
  if (!ISO_DATE.test(value)) return null;
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) return `${value} is not a date`;
  const slack = value.length === 10 ? DATE_SLACK_MS : INSTANT_SLACK_MS;
  if (t > now.getTime() + slack) return `${value} is in the future`;
  if (birthDate && ISO_DATE.test(birthDate)) {
    const born = Date.parse(`${birthDate.slice(0, 10)}T00:00:00Z`);
    if (t < born) return `${value} is before the patient's birth date (${birthDate.slice(0, 10)})`;
  }
  return null;
}

/** Throws 400 naming `field` when the date is impossible. */
export function checkDate(
  field: string,
  value: string,
  birthDate: string | undefined,
  now = new Date(),
): void {
  const p = dateProblem(value, birthDate, now);
  if (p) throw new HttpError(400, `${field}: ${p}`, field, "invalid-input");
}

const DATE_KEYS = new Set(["date", "birthDate", "onset", "start", "end", "givenAt", "studyDate"]);

/**
 * The first impossible date in a case record (any field named date, onset, start, …, at any depth), with its path
 * under `prefix`; the birth date itself may not be in the future.
 */
export function recordDateProblem(
  record: unknown,
  prefix: string,
  now = new Date(),
): { path: string; message: string } | null {
  const birth = (record as { patient?: { birthDate?: unknown } })?.patient?.birthDate;
  const birthDate = typeof birth === "string" ? birth : undefined;
  if (birthDate) {
    const p = dateProblem(birthDate, undefined, now);
    if (p) return { path: `${prefix}.patient.birthDate`, message: p };
  }
  const walk = (x: unknown, path: string): { path: string; message: string } | null => {
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) {
        const r = walk(x[i], `${path}.${i}`);
        if (r) return r;
      }
    } else if (x && typeof x === "object") {
      for (const [k, v] of Object.entries(x)) {
        if (k === "birthDate") continue;
        if (typeof v === "string" && DATE_KEYS.has(k)) {
          const p = dateProblem(v, birthDate, now);
          if (p) return { path: `${path}.${k}`, message: p };
        } else {
          const r = walk(v, `${path}.${k}`);
          if (r) return r;
        }
      }
    }
    return null;
  };
  return walk(record, prefix);
}

/** Throws 400 naming the field of the first impossible date in a case record. */
export function checkRecordDates(record: unknown, prefix: string, now = new Date()): void {
  const p = recordDateProblem(record, prefix, now);
  if (p) throw new HttpError(400, `${p.path}: ${p.message}`, p.path, "invalid-input");
}
