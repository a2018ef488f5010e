/** Formatting of published and simulated end points in the generated reports (calibration, survival). */

export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)} %`;
export const num = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? "—" : x.toFixed(d);

/** An end point's value: months, a hazard ratio or a percentage. */
export function value(endpoint: string, x: number | null | undefined): string {
  if (endpoint.includes("months")) return x === null || x === undefined ? "not reached" : `${num(x)} mo`;
  if (endpoint.endsWith("_HR")) return num(x, 2);
  return pct(x);
}

/** An end point's interval in the unit of its value, " (lo–hi)", NR for a limit not reached. */
export function interval(
  endpoint: string,
  ci: readonly [number | null, number | null] | null | undefined,
): string {
  if (!ci) return "";
  const f = (x: number | null) =>
    x === null
      ? "NR"
      : endpoint.includes("months")
        ? num(x)
        : endpoint.endsWith("_HR")
          ? num(x, 2)
          : (100 * x).toFixed(1);
  return ` (${f(ci[0])}–${f(ci[1])})`;
}
