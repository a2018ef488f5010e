/**
 * The trial's scan schedule as days after the baseline scan (day 0): the first scan at `first_week`, then every
 * `every_weeks` up to `until_week`, then every `every_weeks_after` (default `every_weeks`) up to
 * `follow_up_weeks`. Both limits are inclusive; without `until_week` the first interval runs to the end.
 */
export interface ScheduleWeeks {
  readonly first_week: number;
  readonly every_weeks: number;
  readonly until_week?: number;
  readonly every_weeks_after?: number;
  readonly follow_up_weeks: number;
}

/** Largest number of scans a schedule may give (bounds hostile input). */
export const MAX_SCANS = 2000;

export function scanDays(s: ScheduleWeeks): number[] {
  const keys = ["first_week", "every_weeks", "until_week", "every_weeks_after", "follow_up_weeks"] as const;
  for (const [k, v] of keys.map((k) => [k, s[k]] as const))
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0))
      throw new RangeError(`${k} must be a number of weeks ≥ 0`);
  if (!(s.every_weeks > 0)) throw new RangeError("every_weeks must be > 0");
  if (s.every_weeks_after !== undefined && !(s.every_weeks_after > 0))
    throw new RangeError("every_weeks_after must be > 0");
  const eps = 1e-9;
  const end = s.follow_up_weeks;
  const switchAt = Math.min(s.until_week ?? end, end);
  const weeks: number[] = [];
  let w = s.first_week;
  while (w <= switchAt + eps && w <= end + eps && weeks.length < MAX_SCANS) {
    weeks.push(w);
    w += s.every_weeks;
  }
  const after = s.every_weeks_after ?? s.every_weeks;
  // after the switch, continue from the last scan (or from the first scan when it is after the switch)
  w = weeks.length ? weeks[weeks.length - 1] + after : s.first_week;
  while (w <= end + eps && weeks.length < MAX_SCANS) {
    weeks.push(w);
    w += after;
  }
  return weeks.map((x) => Math.round(x * 7 * 1e6) / 1e6);
}
