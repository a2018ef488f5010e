/**
 * What changed between two versions of a case record, section by section: entries added and removed (an edited
 * entry is one removed and one added), and changed fields of the patient details and the HLA typing. Pure (the
 * web app shows it between any two versions; the FHIR import shows it before merging).
 */
import type { CaseRecord } from "./case-schema.js";

export interface RecordChange {
  /** Section of the record ("patient", "labs", …) and, for fields, the field. */
  readonly section: string;
  readonly field?: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: unknown;
  readonly after?: unknown;
  /** One line for people: "labs: added Hemoglobin 9.1 g/dL (2024-03-01)". */
  readonly summary: string;
}

/** The record's list sections (entries are added, changed or removed one by one). */
export const LIST_SECTIONS = [
  "weights",
  "heights",
  "cancers",
  "staging",
  "biomarkers",
  "performance",
  "labs",
  "imaging",
  "pathology",
  "treatments",
  "conditions",
  "diseaseStatus",
  "documents",
] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

/** A stable JSON text (sorted keys, no undefined) to compare entries by content. */
export function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableJson).join(",")}]`;
  if (x && typeof x === "object")
    return `{${Object.entries(x)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(x);
}

/** A short description of one entry of a section. */
export function describeEntry(section: string, e: Record<string, unknown>): string {
  const code = (c: unknown) =>
    c && typeof c === "object"
      ? ((c as { display?: string; code?: string }).display ?? (c as { code?: string }).code ?? "")
      : "";
  const date = typeof e.date === "string" ? ` (${e.date})` : "";
  switch (section) {
    case "weights":
      return `${String(e.kg)} kg${date}`;
    case "heights":
      return `${String(e.cm)} cm${date}`;
    case "cancers":
      return `${String(e.role)} ${code(e.code)}${e.histology ? `, ${code(e.histology)}` : ""}`;
    case "staging":
      return `${String(e.kind)} ${String(e.item)} ${code(e.value)}${date}`;
    case "biomarkers":
      return `${String(e.name)} ${String(e.value ?? "")}${e.unit ? ` ${String(e.unit)}` : ""}${date}`;
    case "performance":
      return `${String(e.scale)} ${String(e.value)}${date}`;
    case "labs":
      return `${String(e.name)} ${String(e.value ?? e.text ?? "")}${e.unit ? ` ${String(e.unit)}` : ""}${date}`;
    case "imaging":
      return `${String(e.modality ?? "imaging")} ${String(e.date)} with ${Array.isArray(e.lesions) ? e.lesions.length : 0} lesion(s)`;
    case "treatments":
      return `${String(e.name)} ${String(e.start ?? "")}–${String(e.end ?? "")}${e.bestResponse ? `, best ${String(e.bestResponse)}` : ""}`;
    case "conditions":
      return `${String(e.category)}: ${String(e.text)}`;
    default:
      return `${code(e.value) || code(e.code) || String(e.title ?? e.type ?? e.report ?? "entry")}${date}`;
  }
}

export function diffCases(a: CaseRecord, b: CaseRecord): RecordChange[] {
  const out: RecordChange[] = [];
  const fields = (
    section: string,
    x: Record<string, unknown> | undefined,
    y: Record<string, unknown> | undefined,
  ) => {
    const keys = new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})]);
    for (const k of keys) {
      const before = x?.[k];
      const after = y?.[k];
      if (stableJson(before) === stableJson(after)) continue;
      out.push({
        section,
        field: k,
        kind: before === undefined ? "added" : after === undefined ? "removed" : "changed",
        before,
        after,
        summary: `${section}.${k}: ${before === undefined ? "" : `${stableJson(before)} → `}${after === undefined ? "removed" : stableJson(after)}`,
      });
    }
  };
  fields("patient", a.patient, b.patient);
  fields("hlaTyping", a.hlaTyping, b.hlaTyping);
  for (const s of LIST_SECTIONS) {
    const before = (a[s] ?? []) as Record<string, unknown>[];
    const after = (b[s] ?? []) as Record<string, unknown>[];
    const count = (xs: Record<string, unknown>[]) => {
      const m = new Map<string, number>();
      for (const x of xs) m.set(stableJson(x), (m.get(stableJson(x)) ?? 0) + 1);
      return m;
    };
    const left = count(before);
    const right = count(after);
    for (const x of before) {
      const k = stableJson(x);
      if ((right.get(k) ?? 0) > 0) right.set(k, right.get(k)! - 1);
      else
        out.push({ section: s, kind: "removed", before: x, summary: `${s}: removed ${describeEntry(s, x)}` });
    }
    for (const x of after) {
      const k = stableJson(x);
      if ((left.get(k) ?? 0) > 0) left.set(k, left.get(k)! - 1);
      else out.push({ section: s, kind: "added", after: x, summary: `${s}: added ${describeEntry(s, x)}` });
    }
  }
  return out;
}

/** The entry without its source, as stable JSON: the same value read from another place is the same value. */
export const withoutSource = (x: unknown): string => {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== "source")
              .map(([k, y]) => [k, strip(y)]),
          )
        : v;
  return stableJson(strip(x));
};

/**
 * The next version with "entered by `by`" on what was entered by hand in it: entries new since the previous
 * version (and changed patient details or HLA typing) whose source is manual and names nobody. Values that were
 * already there keep their source as it was.
 */
export function stampNewManualSources(prev: CaseRecord | null, next: CaseRecord, by: string): CaseRecord {
  const stamp = <T extends { source: { kind: string; by?: string } }>(x: T): T =>
    x.source.kind === "manual" && !x.source.by ? { ...x, source: { ...x.source, by } } : x;
  const out: CaseRecord = { ...next };
  if (!prev || withoutSource(prev.patient) !== withoutSource(next.patient)) out.patient = stamp(next.patient);
  if (next.hlaTyping && (!prev?.hlaTyping || withoutSource(prev.hlaTyping) !== withoutSource(next.hlaTyping)))
    out.hlaTyping = stamp(next.hlaTyping);
  for (const s of LIST_SECTIONS) {
    const had = new Set(((prev?.[s] ?? []) as unknown[]).map(withoutSource));
    (out as Record<string, unknown>)[s] = (next[s] as { source: { kind: string; by?: string } }[]).map((x) =>
      had.has(withoutSource(x)) ? x : stamp(x),
    );
  }
  return out;
}
