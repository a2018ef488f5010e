/** The tumor burden of a case's latest scan: sum of diameters, volume, cells and therapeutic window. */
import type { CaseRecord } from "./case-schema.js";
import { evaluationData } from "./evaluation-data.js";

export interface Burden {
  readonly date: string | null;
  readonly sumOfDiametersMm: number | null;
  readonly volumeCm3: number | null;
  readonly cells: number | null;
  readonly window: "bulky" | "reduced" | "minimal residual disease" | "below detection" | "unknown";
  readonly assumptions: readonly string[];
}

/**
 * The tumor burden of the case's latest scan on or before `date` — the one estimate that the evaluation, the
 * planner and the CLI's model runs share: each measured lesion a sphere of its diameter (non-target lesions and
 * nodes under 10 mm short axis excluded), 1e9 cells per cm³. A scan with no measurable tumor (complete response on
 * imaging) is "below detection": its residual cells are unknown, at most about `detection_cells`.
 */
export function caseBurden(c: CaseRecord, date?: string): Burden {
  const data = evaluationData();
  const w = (k: string) => data.window[k].value;
  const assumptions = [
    `${w("cells_per_cm3").toExponential(0)} tumor cells per cm³ [K]`,
    "each measured lesion is a sphere of its longest diameter (short axis for nodes)",
    "nodes under 10 mm short axis are normal (RECIST 1.1)",
  ];
  const withLesions = [...c.imaging]
    .filter((i) => i.lesions.some((l) => l.diameterMm !== undefined))
    .filter((i) => date === undefined || i.date.slice(0, 10) <= date)
    .sort((a, b) => b.date.localeCompare(a.date));
  const im = withLesions[0];
  if (!im)
    return {
      date: null,
      sumOfDiametersMm: null,
      volumeCm3: null,
      cells: null,
      window: "unknown",
      assumptions,
    };
  const measured = im.lesions.filter((l) => l.diameterMm !== undefined && l.role !== "non-target");
  const sum = measured.reduce((s, l) => s + l.diameterMm!, 0);
  // lymph nodes with a short axis under 10 mm are normal by RECIST 1.1: no tumor volume
  const ds = measured.filter((l) => !(l.nodal && l.diameterMm! < 10)).map((l) => l.diameterMm!);
  const volumeCm3 = ds.reduce((s, d) => s + (Math.PI / 6) * (d / 10) ** 3, 0);
  if (volumeCm3 === 0)
    return {
      date: im.date,
      sumOfDiametersMm: sum,
      volumeCm3: 0,
      cells: w("detection_cells"),
      window: "below detection",
      assumptions: [
        ...assumptions,
        `no measurable tumor on the scan of ${im.date} (complete response on imaging): the residual cells are unknown, at most about ${w("detection_cells").toExponential(0)} (what imaging cannot resolve [K]) — the figure is that upper bound, not minimal residual disease`,
      ],
    };
  const cells = volumeCm3 * w("cells_per_cm3");
  const window =
    ds.some((d) => d >= w("bulky_lesion_mm")) || cells >= w("bulky_cells")
      ? "bulky"
      : cells <= w("minimal_cells")
        ? "minimal residual disease"
        : "reduced";
  return { date: im.date, sumOfDiametersMm: sum, volumeCm3, cells, window, assumptions };
}
