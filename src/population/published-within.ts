/** Whether a simulated figure meets a published one: its CI, or the default tolerance of its end point. */
import { isProportion, type PublishedEndpoint } from "./trial-schema.js";

export function defaultTolerance(endpoint: string, value: number): number {
  if (isProportion(endpoint)) return 0.05;
  if (endpoint.endsWith("_HR")) return 0.1;
  if (endpoint === "median_OS_months" || endpoint === "median_DOR_months") return Math.max(1, 0.1 * value);
  return 1;
}

/**
 * Whether a simulated value meets a published number: inside its CI when one is published (a median not reached is
 * inside an interval whose upper limit is not reached), else within its tolerance; null when there is nothing to
 * judge (a value not simulated).
 */
export function withinPublished(p: PublishedEndpoint, value: number | null): boolean | null {
  // a median not reached is met by a simulated median not reached in the same follow-up
  if (p.not_reached) return value === null;
  if (p.ci) {
    const [lo, hi] = p.ci;
    if (value !== null) return value >= lo && (hi === null || value <= hi);
    return p.endpoint.startsWith("median_") ? hi === null : null;
  }
  const tol = p.tolerance ?? defaultTolerance(p.endpoint, p.value);
  if (value !== null) return Math.abs(value - p.value) <= tol + 1e-12;
  return p.endpoint.startsWith("median_") ? false : null;
}

/** Whether a published value lies inside an interval (a median's open upper end: not reached). */
export function withinInterval(
  p: PublishedEndpoint,
  [lo, hi]: [number | null, number | null],
): boolean | null {
  if (lo === null && hi === null) return null;
  return (lo === null || p.value >= lo - 1e-12) && (hi === null || p.value <= hi + 1e-12);
}
