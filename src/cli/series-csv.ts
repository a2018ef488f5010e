/**
 * Reads tumor-size series from a CSV for population fits and forecasts: column names match case-insensitively,
 * a compound id (`PatientID,StudyArm`) joins columns, and the readings a radiologist reports as text are read as
 * a radiologist would (RECIST 1.1, Eisenhauer et al., Eur J Cancer 2009;45:228, §3.2 and Appendix I):
 *
 * - `TOO SMALL TO MEASURE`: the lesion is present but too faint to measure — the RECIST default of 5 mm;
 * - `NOT EVALUABLE` / `NE` / empty: the lesion was not assessed at that scan — no reading (skipped);
 * - a number (0 = the lesion disappeared) is the reading.
 *
 * Defaults fit the Laleh 2022 S6 file as it is (`PatientID` within `StudyArm`, `TreatmentDay`,
 * `TargetLesionLongDiam_mm`, CRLF line ends).
 */
import type { Series } from "../models/growth-fit.js";
import { parseCsv } from "../clinic/csv.js";
import { UsageError } from "./io.js";

/** Days per unit of the time units a column may be read in (`--time-unit`). */
export const TIME_UNITS = { days: 1, weeks: 7, months: 30.4375, years: 365.25, hours: 1 / 24 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

/** `--time-unit` as given (undefined: from the column's name). */
export function timeUnitOption(v: string | undefined): TimeUnit | undefined {
  if (v === undefined) return undefined;
  if (!(v in TIME_UNITS))
    throw new UsageError(`--time-unit: '${v}' is not one of ${Object.keys(TIME_UNITS).join(", ")}`);
  return v as TimeUnit;
}

export interface SeriesColumns {
  readonly id?: string;
  readonly time?: string;
  readonly value?: string;
  /** The time column's unit; by default the one its name states (`Time_weeks`), else days. */
  readonly timeUnit?: TimeUnit;
}

/** A patient's series with the value of extra columns (e.g. the study) from its first row. */
export interface ReadSeries extends Series {
  readonly group: Record<string, string>;
}

export interface SeriesFile {
  readonly series: ReadSeries[];
  /** The columns read; the time converted to days from `timeUnit`, the sizes multiplied by `valueToMm` (cm → mm). */
  readonly columns: { id: string[]; time: string; value: string; timeUnit: string; valueToMm: number };
  /** Readings read from text (counts by rule). */
  readonly textReadings: { tooSmall: number; notEvaluable: number };
}

/** The RECIST 1.1 default size of a target lesion too small to measure (mm). */
export const TOO_SMALL_MM = 5;

const ID_NAMES = ["id", "subject", "patient", "patientid", "patient_id", "usubjid", "pt_hashid", "subjid"];
const GROUP_NAMES = ["studyarm", "study_arm", "arm"];
const TIME_NAMES = ["time", "t", "day", "days", "treatmentday", "t_days", "study_day", "ady"];
const VALUE_NAMES = [
  "value",
  "y",
  "sld",
  "size",
  "vol",
  "volume",
  "targetlesionlongdiam_mm",
  "lesion_diam",
  "ld",
  "aval",
];

/** A column name's key: lower-case letters and digits only (`Time (days)` → `timedays`). */
const key = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "");

/**
 * Columns other tools name differently, tried when no usual name matches: the first header whose key matches a
 * pattern, in the patterns' order (`Subject ID`, `Time_weeks`, `SLD (mm)`, `Sum of diameters`).
 */
const ID_PATTERNS = [/^(patient|subject|subj|pt|usubj|case)(id|no|number|hashid)?$/, /id$/];
const TIME_PATTERNS = [
  /^(time|day|days|week|weeks|month|months|studyday|visitday)/,
  /(day|days|week|weeks|time)$/,
];
const VALUE_PATTERNS = [
  /^(sld|sumofdiameters|sumdiam|sumld|ld|longestdiameter|diameter|diam|size|tumou?rsize|lesionsize)/,
  /(sld|diam|diameter|size|sumld|mm|cm)$/,
];

/** Days per unit of time a column's name states (`Time_weeks`, `Months`); days when it says none. */
export function timeUnitOf(column: string): { unit: string; days: number } {
  const k = key(column);
  if (/(week|weeks|wk|wks)$|^(week|weeks|wk)/.test(k)) return { unit: "weeks", days: 7 };
  if (/(month|months|mo)$|^(month|months)/.test(k)) return { unit: "months", days: 30.4375 };
  if (/(year|years|yr)$|^(year|years)/.test(k)) return { unit: "years", days: 365.25 };
  if (/(hour|hours|hr|h)$/.test(k) && !/(day|days)$/.test(k)) return { unit: "hours", days: 1 / 24 };
  return { unit: "days", days: 1 };
}

/** Millimetres per unit a value column's name states (`SLD_cm` → 10); 1 otherwise. */
export function sizeScaleOf(column: string): number {
  return /cm$/.test(key(column)) ? 10 : 1;
}

const NOT_EVALUABLE = new Set(["", "NOT EVALUABLE", "NE", "NA", "N/A", "NOT DONE", "ND"]);
const TOO_SMALL = new Set(["TOO SMALL TO MEASURE", "TSTM", "TOO SMALL"]);

function findColumn(header: string[], wanted: string, file: string, option: string): string {
  const h = header.find((c) => c.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (!h) throw new UsageError(`--${option}: '${wanted}' is not a column of ${file} (${header.join(",")})`);
  return h;
}

const guess = (
  header: string[],
  names: string[],
  patterns: RegExp[] = [],
  taken: (string | undefined)[] = [],
) =>
  header.find((h) => names.includes(h.trim().toLowerCase())) ??
  patterns
    .map((re) => header.find((h) => !taken.includes(h) && re.test(key(h))))
    .find((h) => h !== undefined);

export function parseSeriesCsv(file: string, text: string, cols: SeriesColumns = {}): SeriesFile {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new UsageError(`${file}: no data rows`);
  const header = Object.keys(rows[0]);
  let idCols: string[];
  if (cols.id !== undefined)
    idCols = cols.id
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => findColumn(header, c, file, "id-column"));
  else {
    const id = guess(header, ID_NAMES, ID_PATTERNS);
    const arm = guess(header, GROUP_NAMES);
    idCols = id ? (arm ? [id, arm] : [id]) : [];
  }
  const tCol =
    cols.time !== undefined
      ? findColumn(header, cols.time, file, "time-column")
      : guess(header, TIME_NAMES, TIME_PATTERNS, idCols);
  const yCol =
    cols.value !== undefined
      ? findColumn(header, cols.value, file, "value-column")
      : guess(header, VALUE_NAMES, VALUE_PATTERNS, [...idCols, tCol]);
  if (!tCol)
    throw new UsageError(`${file}: no time column (time, day, TreatmentDay …) in ${header.join(",")}`);
  if (!yCol)
    throw new UsageError(
      `${file}: no value column (value, sld, TargetLesionLongDiam_mm …) in ${header.join(",")}`,
    );
  const timeUnit = cols.timeUnit
    ? { unit: cols.timeUnit, days: TIME_UNITS[cols.timeUnit] }
    : timeUnitOf(tCol);
  const sizeScale = sizeScaleOf(yCol);
  const by = new Map<string, { t: number[]; y: number[]; group: Record<string, string> }>();
  const textReadings = { tooSmall: 0, notEvaluable: 0 };
  rows.forEach((r, i) => {
    const line = i + 2;
    const rawT = (r[tCol] ?? "").trim();
    const t = Number(rawT);
    if (rawT === "" || !Number.isFinite(t))
      throw new UsageError(`${file}:${line}: ${tCol} '${r[tCol]}' is not a number`);
    const rawY = (r[yCol] ?? "").trim();
    const upper = rawY.toUpperCase();
    let y: number;
    if (NOT_EVALUABLE.has(upper)) {
      textReadings.notEvaluable++;
      return;
    } else if (TOO_SMALL.has(upper)) {
      textReadings.tooSmall++;
      y = TOO_SMALL_MM;
    } else {
      y = Number(rawY);
      if (!Number.isFinite(y) || y < 0)
        throw new UsageError(
          `${file}:${line}: ${yCol} '${r[yCol]}' is neither a non-negative number nor TOO SMALL TO MEASURE / NOT EVALUABLE`,
        );
    }
    const id = idCols.length ? idCols.map((c) => r[c].trim()).join("/") : "1";
    let s = by.get(id);
    if (!s) {
      s = { t: [], y: [], group: { ...r } };
      by.set(id, s);
    }
    s.t.push(t * timeUnit.days);
    s.y.push(y * sizeScale);
  });
  const series = [...by].map(([id, s]) => {
    const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
    return { id, t: order.map((i) => s.t[i]), y: order.map((i) => s.y[i]), group: s.group };
  });
  return {
    series,
    columns: { id: idCols, time: tCol, value: yCol, timeUnit: timeUnit.unit, valueToMm: sizeScale },
    textReadings,
  };
}
