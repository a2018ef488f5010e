import { recordFindings, type RecordFinding } from "./record-consistency.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ModelError, parseDocumentWith } from "../engine/language/index.js";
import type { Agent } from "../therapy/catalog-schema.js";
import { CATALOG_DIR, therapyCatalog } from "../therapy/catalog.js";
import type { CaseRecord } from "./case-schema.js";
import { caseTumorTypes, tumorTypes } from "./tumor-types.js";
import { normalizeUnit } from "./units.js";

const Gate = z
  .object({ name: z.string(), value: z.string().optional(), min: z.number().optional() })
  .strict();
const When = z
  .object({
    performance: z
      .object({ ecog_at_least: z.number().optional(), karnofsky_at_most: z.number().optional() })
      .strict()
      .optional(),
    performance_missing: z.literal(true).optional(),
    condition: z.object({ category: z.string(), active: z.boolean().optional() }).strict().optional(),
    lab: z
      .object({
        codes: z.array(z.string()),
        name: z.string(),
        below: z.number().optional(),
        above: z.number().optional(),
        unit: z.string(),
      })
      .strict()
      .optional(),
    biomarker_none_of: z.array(Gate).optional(),
    cancer_none_of: z.array(z.string()).optional(),
    /** None of the case's cancers is one of these tumor types (catalog/tumor-types.yaml ids). */
    tumor_type_none_of: z.array(z.string()).optional(),
    /** The treatment history shows progression on an agent of these classes or modalities. */
    progressed_on: z
      .object({ classes: z.array(z.string()).optional(), modalities: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();
const EvaluationSchema = z
  .object({
    checklist: z.array(
      z
        .object({
          id: z.string(),
          what: z.string(),
          max_age_days: z.number().nullable(),
          request: z.string(),
          source: z.string(),
        })
        .strict(),
    ),
    rules: z.array(
      z
        .object({
          id: z.string(),
          applies_to: z.array(z.string()),
          when: When,
          verdict: z.enum(["not-recommended", "caution"]),
          reason: z.string(),
          source: z.string(),
        })
        .strict(),
    ),
    window: z.record(z.string(), z.object({ value: z.number(), source: z.string() }).strict()),
  })
  .strict();
export type EvaluationData = z.infer<typeof EvaluationSchema>;

let cached: EvaluationData | null = null;
/** catalog/evaluation.yaml, validated (rules must name modalities of the therapy catalog). */
export function evaluationData(): EvaluationData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "evaluation.yaml");
  const data = parseDocumentWith(EvaluationSchema, readFileSync(file, "utf8"), file);
  const modalities = therapyCatalog().modalities;
  const bad = data.rules.flatMap((rule, i) =>
    rule.applies_to
      .filter((m) => !modalities.has(m))
      .map((m) => ({
        file,
        path: `rules.${i}.applies_to`,
        message: `unknown modality '${m}'`,
        severity: "error" as const,
      })),
  );
  const types = new Set(tumorTypes().types.map((t) => t.id));
  data.rules.forEach((rule, i) =>
    (rule.when.tumor_type_none_of ?? []).forEach((t, j) => {
      if (!types.has(t))
        bad.push({
          file,
          path: `rules.${i}.when.tumor_type_none_of.${j}`,
          message: `unknown tumor type '${t}' (catalog/tumor-types.yaml)`,
          severity: "error" as const,
        });
    }),
  );
  if (bad.length) throw new ModelError(bad);
  cached = data;
  return cached;
}

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

export interface Burden {
  readonly date: string | null;
  readonly sumOfDiametersMm: number | null;
  readonly volumeCm3: number | null;
  readonly cells: number | null;
  readonly window: "bulky" | "reduced" | "minimal residual disease" | "below detection" | "unknown";
  readonly assumptions: readonly string[];
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

export interface Progression {
  readonly treatment: string;
  readonly agent: Agent;
  readonly start?: string;
  readonly end?: string;
  /** Where the record says so (the treatment entry's source). */
  readonly source: string;
}

const wordRe = (s: string) => new RegExp(`\\b${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");

/** The catalog agents a treatment entry names (by id or brand, in its name or code's display). */
export function treatmentAgents(t: CaseRecord["treatments"][number]): Agent[] {
  const text = `${t.name} ${t.code?.display ?? ""}`;
  return [...therapyCatalog().agents.values()].filter((a) =>
    [a.id.replace(/-/g, " "), a.id, ...(a.brand ? [a.brand] : [])].some((n) => wordRe(n).test(text)),
  );
}

/** Agents of the catalog the case progressed on (treatment stopped for progression or best response PD). */
export function progressions(c: CaseRecord): Progression[] {
  const out: Progression[] = [];
  for (const t of c.treatments) {
    const progressed =
      /progress/i.test(t.reasonStopped ?? "") ||
      /^\s*(PD|progressive disease|progression)\s*$/i.test(t.bestResponse ?? "");
    if (!progressed) continue;
    for (const a of treatmentAgents(t)) {
      const src = t.source as { kind: string; ref?: string };
      out.push({
        treatment: t.name,
        agent: a,
        start: t.start,
        end: t.end,
        source: `treatment history: ${t.name}${t.start ? ` ${t.start}` : ""}${t.end ? `–${t.end}` : ""}, ${t.reasonStopped ? `stopped: ${t.reasonStopped}` : `best response ${t.bestResponse}`} (${src.kind}${src.ref ? ` ${src.ref}` : ""})`,
      });
    }
  }
  return out;
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
