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

export interface SeriesColumns {
  readonly id?: string;
  readonly time?: string;
  readonly value?: string;
}

/** A patient's series with the value of extra columns (e.g. the study) from its first row. */
export interface ReadSeries extends Series {
  readonly group: Record<string, string>;
}

export interface SeriesFile {
  readonly series: ReadSeries[];
  readonly columns: { id: string[]; time: string; value: string };
  /** Readings read from text (counts by rule). */
  readonly textReadings: { tooSmall: number; notEvaluable: number };
}

/** The RECIST 1.1 default size of a target lesion too small to measure (mm). */
export const TOO_SMALL_MM = 5;

const ID_NAMES = ["id", "subject", "patient", "patientid", "patient_id", "usubjid", "pt_hashid", "subjid"];
const GROUP_NAMES = ["studyarm", "study_arm", "arm"];
const TIME_NAMES = ["time", "t", "day", "days", "treatmentday", "t_days", "study_day"];
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
];

const NOT_EVALUABLE = new Set(["", "NOT EVALUABLE", "NE", "NA", "N/A", "NOT DONE", "ND"]);
const TOO_SMALL = new Set(["TOO SMALL TO MEASURE", "TSTM", "TOO SMALL"]);

function findColumn(header: string[], wanted: string, file: string, option: string): string {
  const h = header.find((c) => c.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (!h) throw new UsageError(`--${option}: '${wanted}' is not a column of ${file} (${header.join(",")})`);
  return h;
}

const guess = (header: string[], names: string[]) =>
  header.find((h) => names.includes(h.trim().toLowerCase()));

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
    const id = guess(header, ID_NAMES);
    const arm = guess(header, GROUP_NAMES);
    idCols = id ? (arm ? [id, arm] : [id]) : [];
  }
  const tCol =
    cols.time !== undefined ? findColumn(header, cols.time, file, "time-column") : guess(header, TIME_NAMES);
  const yCol =
    cols.value !== undefined
      ? findColumn(header, cols.value, file, "value-column")
      : guess(header, VALUE_NAMES);
  if (!tCol)
    throw new UsageError(`${file}: no time column (time, day, TreatmentDay …) in ${header.join(",")}`);
  if (!yCol)
    throw new UsageError(
      `${file}: no value column (value, sld, TargetLesionLongDiam_mm …) in ${header.join(",")}`,
    );
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
    s.t.push(t);
    s.y.push(y);
  });
  const series = [...by].map(([id, s]) => {
    const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
    return { id, t: order.map((i) => s.t[i]), y: order.map((i) => s.y[i]), group: s.group };
  });
  return { series, columns: { id: idCols, time: tCol, value: yCol }, textReadings };
}
