/**
 * What the record says that does not fit together, as a clinician reading it would notice. Today one finding: the
 * target lesions shrink between two scans while no treatment of the record was given then (or shortly before). A
 * response without treatment is rare — spontaneous regression is reported in about 1 of 60,000–100,000 cancers
 * [H: Challis GB, Stam HJ. Acta Oncol 1990;29:545] — so a treatment is more likely missing from the history, and a
 * model that simulates only the recorded treatments cannot explain those scans (its personalization will not
 * converge on them).
 */
import type { CaseRecord } from "./case-schema.js";

export interface RecordFinding {
  readonly id: string;
  readonly what: string;
  readonly detail: string;
  /** What to ask the patient or the referring clinic. */
  readonly request?: string;
}

/** Shrinkage of the sum of target diameters between two scans that counts (RECIST 1.1's partial response). */
export const UNTREATED_SHRINKAGE = 0.3;
/**
 * How long after its last day a treatment can still explain shrinkage [Immunoplan choice: 8 weeks, about two
 * 3-weekly cycles of washout; immunotherapy responses can come later, but then the treatment is in the record].
 */
export const TREATMENT_REACH_DAYS = 56;

const DAY = 86_400_000;
const parse = (d: string) => Date.parse(d.length === 7 ? `${d}-01` : d);

interface Point {
  readonly date: string;
  readonly sld: number;
}

/** Sums of the target diameters at each scan that measures the target lesions, in date order. */
function targetSums(c: CaseRecord): Point[] {
  return [...c.imaging]
    .filter((s) => s.lesions.some((l) => l.role === "target" && l.diameterMm !== undefined))
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((s) => ({
      date: s.date,
      sld: s.lesions
        .filter((l) => l.role === "target" && l.diameterMm !== undefined)
        .reduce((a, l) => a + l.diameterMm!, 0),
    }));
}

/**
 * Whether a treatment of the record may have been given in [from − reach, to]: one without a start began any time
 * before its end, one without an end is ongoing, one without either could have been given then (no finding).
 */
function treatedIn(c: CaseRecord, from: string, to: string): boolean {
  const lo = parse(from) - TREATMENT_REACH_DAYS * DAY;
  const hi = parse(to);
  return c.treatments.some((t) => {
    const start = t.start ? parse(t.start) : -Infinity;
    const end = t.end ? parse(t.end) : Infinity;
    return !(start <= end) || (start <= hi && end >= lo);
  });
}

/** The findings of the record's consistency checks (empty when nothing stands out). */
export function recordFindings(c: CaseRecord): RecordFinding[] {
  const sums = targetSums(c);
  const untreated: string[] = [];
  let first: Point | null = null;
  let last: Point | null = null;
  for (let i = 1; i < sums.length; i++) {
    const a = sums[i - 1];
    const b = sums[i];
    if (a.sld <= 0 || (a.sld - b.sld) / a.sld < UNTREATED_SHRINKAGE) continue;
    if (treatedIn(c, a.date, b.date)) continue;
    untreated.push(`${a.sld} → ${b.sld} mm (${a.date} → ${b.date})`);
    first ??= a;
    last = b;
  }
  if (!untreated.length || !first || !last) return [];
  const before = c.treatments
    .filter((t) => t.end && t.end <= first.date)
    .sort((x, y) => (y.end ?? "").localeCompare(x.end ?? ""))[0];
  return [
    {
      id: "untreated-shrinkage",
      what: "tumour shrinkage without a recorded treatment",
      detail:
        `the sum of the target diameters fell by ≥ ${UNTREATED_SHRINKAGE * 100} % between scans with no treatment recorded ` +
        `then or in the ${TREATMENT_REACH_DAYS} days before: ${untreated.join("; ")}` +
        (before ? `; the last recorded treatment, ${before.name}, ended on ${before.end}` : "") +
        ". Spontaneous regression is rare: a treatment is probably missing from the history, and the model (which " +
        "simulates the recorded treatments only) cannot explain these scans",
      request: `every treatment between ${first.date} and ${last.date} (drugs, doses, dates), including maintenance and trial drugs`,
    },
  ];
}
