import { recordFindings, type RecordFinding } from "./record-consistency.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { caseBurden, type Burden } from "./case-burden.js";
import type { CaseRecord } from "./case-schema.js";
import { evaluationData, type EvaluationData } from "./evaluation-data.js";
import { progressions, type Progression } from "./progressions.js";
import { caseTumorTypes } from "./tumor-types.js";
import { normalizeUnit } from "./units.js";
import { MARKER_READERS, type MarkerId } from "./marker-readings.js";

// the evaluation catalog, the burden and the progressions, importable from here as before the split
export { evaluationData, type EvaluationData } from "./evaluation-data.js";
export { caseBurden, type Burden } from "./case-burden.js";
export { progressions, treatmentAgents, type Progression } from "./progressions.js";

export interface ChecklistItem {
  readonly id: string;
  readonly what: string;
  readonly status: "present" | "outdated" | "missing";
  readonly detail: string;
  readonly request?: string;
}

export interface Eligibility {
  readonly modality: string;
  readonly name: string;
  readonly verdict: "suitable" | "caution" | "not-recommended";
  readonly reasons: readonly {
    readonly rule: string;
    readonly verdict: string;
    readonly reason: string;
    readonly source: string;
  }[];
}

export interface Evaluation {
  readonly caseId: string;
  readonly date: string;
  readonly checklist: readonly ChecklistItem[];
  readonly toRequest: readonly string[];
  readonly eligibility: readonly Eligibility[];
  readonly burden: Burden;
  /** What does not fit together in the record (src/clinic/record-consistency.ts). */
  readonly findings: readonly RecordFinding[];
  readonly disclaimer: string;
}

const ageDays = (date: string | undefined, today: string): number | null => {
  if (!date) return null;
  const t = Date.parse(date.length === 7 ? `${date}-01` : date);
  return Number.isFinite(t) ? (Date.parse(today) - t) / 86_400_000 : null;
};
/** The newest of dated entries (undated ones last). */
/** The latest result of a tumour marker in the record and its reading (status null: none, or unreadable). */
export function latestMarker(
  c: CaseRecord,
  id: MarkerId,
): { result: CaseRecord["biomarkers"][number] | undefined; status: boolean | null } {
  const { name, read } = MARKER_READERS[id];
  const result = latest(c.biomarkers.filter((b) => name.test(`${b.name} ${b.code.display ?? ""}`)));
  return { result, status: result ? read(result.value) : null };
}

export const latest = <T extends { date?: string }>(xs: readonly T[]): T | undefined =>
  [...xs].sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""))[0];

function checklist(c: CaseRecord, today: string, data: EvaluationData): ChecklistItem[] {
  const dates: Record<string, (string | undefined)[] | null> = {
    imaging: c.imaging.length ? c.imaging.map((i) => i.date) : null,
    pathology: c.pathology.length || c.cancers.some((x) => x.histology) ? [undefined] : null,
    staging: c.staging.length ? c.staging.map((s) => s.date) : null,
    treatments: c.treatments.length ? [undefined] : null,
    labs: c.labs.length ? c.labs.map((l) => l.date) : null,
    performance: c.performance.length ? c.performance.map((p) => p.date) : null,
    biomarkers: c.biomarkers.length ? [undefined] : null,
    "body-size":
      c.weights.length && c.heights.length
        ? [...c.weights.map((w) => w.date), ...c.heights.map((h) => h.date)]
        : null,
  };
  return data.checklist.map((item) => {
    const d = dates[item.id];
    if (!d)
      return {
        id: item.id,
        what: item.what,
        status: "missing",
        detail: "not in the records",
        request: item.request,
      };
    if (item.max_age_days === null)
      return { id: item.id, what: item.what, status: "present", detail: "in the records" };
    const ages = d.map((x) => ageDays(x, today)).filter((x): x is number => x !== null);
    const newest = ages.length ? Math.min(...ages) : null;
    if (newest === null)
      return { id: item.id, what: item.what, status: "outdated", detail: "undated", request: item.request };
    if (newest > item.max_age_days) {
      return {
        id: item.id,
        what: item.what,
        status: "outdated",
        detail: `newest is ${Math.round(newest)} days old (needed: ≤ ${item.max_age_days})`,
        request: item.request,
      };
    }
    return {
      id: item.id,
      what: item.what,
      status: "present",
      detail: newest < 0 ? "dated after the evaluation date" : `${Math.round(newest)} days old`,
    };
  });
}

/** The progressions a rule's `progressed_on` matches (empty when it has none). */
function progressedOn(rule: EvaluationData["rules"][number], c: CaseRecord): Progression[] {
  const sel = rule.when.progressed_on;
  if (!sel) return [];
  return progressions(c).filter(
    (p) => (sel.classes ?? []).includes(p.agent.class) || (sel.modalities ?? []).includes(p.agent.modality),
  );
}

function ruleHolds(rule: EvaluationData["rules"][number], c: CaseRecord): boolean {
  const w = rule.when;
  if (w.progressed_on) return progressedOn(rule, c).length > 0;
  if (w.tumor_type_none_of) {
    const types = caseTumorTypes(c);
    return !w.tumor_type_none_of.some((t) => types.includes(t));
  }
  if (w.performance) {
    const p = latest(c.performance);
    if (!p) return false;
    if (
      p.scale === "ECOG" &&
      w.performance.ecog_at_least !== undefined &&
      p.value >= w.performance.ecog_at_least
    )
      return true;
    if (
      p.scale === "Karnofsky" &&
      w.performance.karnofsky_at_most !== undefined &&
      p.value <= w.performance.karnofsky_at_most
    )
      return true;
    return false;
  }
  if (w.performance_missing) return c.performance.length === 0;
  if (w.condition) {
    const cond = w.condition;
    return c.conditions.some(
      (x) => x.category === cond.category && (cond.active === undefined || x.active !== false),
    );
  }
  if (w.lab) {
    const lab = w.lab;
    const re = new RegExp(lab.name, "i");
    const l = latest(
      c.labs.filter((x) => (x.code.code !== undefined && lab.codes.includes(x.code.code)) || re.test(x.name)),
    );
    if (
      !l ||
      l.value === undefined ||
      (l.unit !== undefined && normalizeUnit(l.unit) !== normalizeUnit(lab.unit))
    )
      return false;
    return (
      (lab.below !== undefined && l.value < lab.below) || (lab.above !== undefined && l.value > lab.above)
    );
  }
  if (w.biomarker_none_of) {
    return !w.biomarker_none_of.some((g) =>
      c.biomarkers.some((b) => {
        if (!new RegExp(g.name, "i").test(`${b.name} ${b.code.display ?? ""}`)) return false;
        if (g.min !== undefined) return typeof b.value === "number" && b.value >= g.min;
        if (g.value !== undefined)
          return typeof b.value === "string" && new RegExp(g.value, "i").test(b.value);
        return true;
      }),
    );
  }
  if (w.marker_positive) return w.marker_positive.some((m) => latestMarker(c, m).status === true);
  if (w.cancer_none_of) {
    return !c.cancers.some((x) =>
      w.cancer_none_of!.some((p) =>
        new RegExp(p, "i").test(
          `${x.code.display ?? ""} ${x.histology?.display ?? ""} ${x.bodySite?.display ?? ""}`,
        ),
      ),
    );
  }
  return false;
}

/**
 * The clinician's first look at a case: what is missing from the records, which modalities are suitable (with
 * reasons and sources), the disease burden and the therapeutic window. Decision support only.
 */
export function evaluateCase(
  c: CaseRecord,
  today: string = new Date().toISOString().slice(0, 10),
): Evaluation {
  const data = evaluationData();
  const items = checklist(c, today, data);
  const findings = recordFindings(c);
  // supportive medicines are not a treatment option of their own (catalog/modalities.yaml `eligibility: false`)
  const modalities = [...therapyCatalog().modalities.values()].filter((m) => m.eligibility !== false);
  const eligibility: Eligibility[] = modalities.map((m) => {
    const reasons = data.rules
      .filter((r) => r.applies_to.includes(m.id) && ruleHolds(r, c))
      .map((r) => {
        const prog = progressedOn(r, c);
        return {
          rule: r.id,
          verdict: r.verdict,
          reason: prog.length
            ? `${r.reason}: ${prog.map((p) => `${p.agent.name} (${p.agent.class})`).join(", ")}`
            : r.reason,
          source: prog.length ? `${prog.map((p) => p.source).join("; ")}; ${r.source}` : r.source,
        };
      });
    const verdict = reasons.some((r) => r.verdict === "not-recommended")
      ? "not-recommended"
      : reasons.length
        ? "caution"
        : "suitable";
    return { modality: m.id, name: m.name, verdict, reasons };
  });
  return {
    caseId: c.id,
    date: today,
    checklist: items,
    toRequest: [...items, ...findings].filter((i) => i.request).map((i) => i.request!),
    eligibility,
    burden: caseBurden(c, today),
    findings,
    disclaimer: "Decision support from rules and research models; the clinician decides.",
  };
}
