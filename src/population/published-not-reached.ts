/**
 * A published median that was not reached (a median PFS, OS or duration of response whose Kaplan–Meier curve stayed
 * above 50 % until the analysis): `not_reached: true` in the trial file, or its shorthands `value: null`,
 * `value: NR`, `value: not reached`. The number then compares with a simulated median that is not reached either, in
 * the same follow-up (the trial's, or the number's `data_cut_weeks`); the CI's lower limit, when published, is kept
 * as the value (else 0). Not a calibration target: it says where a median is not, not where it is.
 */
import type { Path, Reader } from "../engine/language/yaml-reader.js";
import { NOT_REACHED_PATTERN, type PublishedEndpoint } from "./trial-schema.js";

const NOT_REACHED_WORDS = new RegExp(NOT_REACHED_PATTERN);

/** Whether a written value is a shorthand for "not reached". */
export const writtenNotReached = (v: unknown): boolean =>
  v === null || (typeof v === "string" && NOT_REACHED_WORDS.test(v));

/**
 * Rewrites the shorthands of the raw document's published numbers to `not_reached: true` with a numeric value (the
 * CI's lower limit or 0), before the schema reads them. Other values are left to the schema's own messages.
 */
export function readNotReached(data: unknown): void {
  const published = (data as { published?: unknown } | null)?.published;
  if (!Array.isArray(published)) return;
  for (const p of published) {
    if (p === null || typeof p !== "object") continue;
    const entry = p as Record<string, unknown>;
    const flagged = entry.not_reached === true;
    if (!flagged && !("value" in entry && writtenNotReached(entry.value))) continue;
    entry.not_reached = true;
    if (!("value" in entry) || writtenNotReached(entry.value)) {
      const ci = entry.ci;
      const lo = Array.isArray(ci) && typeof ci[0] === "number" ? ci[0] : 0;
      entry.value = lo;
    }
  }
}

/** A not-reached number must be a median, and its CI cannot have an upper limit. */
export function checkNotReached(p: PublishedEndpoint, at: Path, reader: Reader): void {
  if (!p.not_reached) return;
  if (!p.endpoint.startsWith("median_"))
    reader.error([...at, "value"], `'not reached' applies to medians only, not to ${p.endpoint}`);
  else if (p.ci && p.ci[1] !== null)
    reader.error(
      [...at, "ci"],
      `a median not reached has no upper limit: write the interval as [${p.ci[0]}, null]`,
    );
}

/** Display of a published value: "not reached" for a median not reached. */
export const publishedText = (p: { not_reached?: boolean }, shown: string): string =>
  p.not_reached ? "not reached" : shown;
