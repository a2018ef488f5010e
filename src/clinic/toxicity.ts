/**
 * Toxicity grading as decision support: CTCAE v5.0 lab-based terms (against the ULN/LLN, or the baseline when the
 * baseline is abnormal), ASTCT consensus grading of cytokine release syndrome and ICANS with the ICE score, and the
 * matching management guidance. Thresholds and guidance live in catalog/toxicity.yaml with their sources.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import type { CaseRecord } from "./case-schema.js";
import { formatQuantity, formatUnit as U } from "./display.js";
import { unitFactor } from "./units.js";

const Grade = z.number().int().min(1).max(4);
const LabRule = z
  .object({
    term: z.string(),
    nci: z.string().optional(),
    loinc: z.array(z.string()),
    name: z.string(),
    unit: z.string(),
    direction: z.enum(["high", "low"]),
    plausible: z.tuple([z.number(), z.number()]),
    default_uln: z.number().positive().optional(),
    uln_multiples: z.array(z.number()).length(4).optional(),
    baseline_rule: z.enum(["instead", "also"]).optional(),
    baseline_multiples: z.array(z.number().nullable()).length(4).optional(),
    default_lln: z.number().positive().optional(),
    below: z
      .array(z.union([z.literal("LLN"), z.number(), z.null()]))
      .length(4)
      .optional(),
    note: z.string().optional(),
  })
  .strict();
const ToxicitySchema = z
  .object({
    ctcae_version: z.string(),
    lab_source: z.string(),
    labs: z.array(LabRule),
    terms: z.array(
      z
        .object({
          term: z.string(),
          nci: z.string().optional(),
          category: z.string().optional(),
          grades: z.array(z.string().nullable()).length(5),
          note: z.string().optional(),
        })
        .strict(),
    ),
    irae_management: z
      .object({
        source: z.string(),
        grades: z.array(
          z.object({ grade: Grade, checkpoint_inhibitor: z.string(), steroids: z.string() }).strict(),
        ),
        taper: z.string(),
        always_hold: z.array(z.string()),
      })
      .strict(),
    cell_therapy_management: z
      .object({
        source: z.string(),
        crs: z.array(z.object({ grade: Grade, action: z.string() }).strict()).length(4),
        icans: z.array(z.object({ grade: Grade, action: z.string() }).strict()).length(4),
      })
      .strict(),
    ae_guidance: z
      .object({
        source: z.string(),
        categories: z.array(
          z
            .object({
              category: z.string(),
              match: z.string(),
              general: z.string(),
              immune_effector: z.string().optional(),
              checkpoint: z.string().optional(),
            })
            .strict(),
        ),
      })
      .strict(),
  })
  .strict();
export type ToxicityData = z.infer<typeof ToxicitySchema>;
export type LabRule = z.infer<typeof LabRule>;

let cached: ToxicityData | null = null;
/** catalog/toxicity.yaml, validated. */
export function toxicityData(): ToxicityData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "toxicity.yaml");
  cached = parseDocumentWith(ToxicitySchema, readFileSync(file, "utf8"), file);
  return cached;
}

export interface LabGrade {
  readonly term: string;
  readonly nci?: string;
  readonly ctcaeVersion: string;
  /** 0 = within normal limits / below grade 1. */
  readonly grade: 0 | 1 | 2 | 3 | 4;
  readonly value: number;
  readonly unit: string;
  /** How the grade was reached, e.g. "4.2 × ULN (40 U/L)". */
  readonly criterion: string;
  /** Assumptions made (a default reference limit, a unit conversion). */
  readonly assumptions: readonly string[];
  readonly source: string;
}

/** A value that a rule covers but cannot grade (unit not convertible, implausible for its unit). */
export interface LabProblem {
  readonly term: string;
  readonly problem: string;
}

export interface LabReading {
  readonly name: string;
  readonly code?: string;
  readonly value: number;
  readonly unit?: string;
  readonly referenceLow?: number;
  readonly referenceHigh?: number;
}

/** The CTCAE lab rule for a reading, by LOINC code first, then by name. */
export function labRuleFor(reading: { name: string; code?: string }): LabRule | undefined {
  const rules = toxicityData().labs;
  return (
    rules.find((r) => reading.code !== undefined && r.loinc.includes(reading.code)) ??
    rules.find((r) => new RegExp(r.name, "i").test(reading.name))
  );
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();

/**
 * CTCAE v5 grade of one lab value; `baseline` (same term, before treatment) switches the rule to the baseline
 * multiples when the baseline is outside normal limits. Returns null when no rule applies or the unit is unknown.
 */
export function gradeLab(reading: LabReading, baseline?: LabReading): LabGrade | LabProblem | null {
  const rule = labRuleFor(reading);
  if (!rule) return null;
  const data = toxicityData();
  const assumptions: string[] = [];
  const convert = (r: LabReading): number | null => {
    if (r.unit === undefined) {
      assumptions.push(`no unit given; read as ${U(rule.unit)}`);
      return r.value;
    }
    const f = unitFactor(r.unit, rule.unit, rule.term);
    if (f === null) return null;
    if (f !== 1) assumptions.push(`${fmt(r.value)} ${U(r.unit)} converted to ${U(rule.unit)}`);
    return r.value * f;
  };
  const v = convert(reading);
  if (v === null)
    return { term: rule.term, problem: `unit '${reading.unit}' not convertible to ${U(rule.unit)}` };
  if (v < rule.plausible[0] || v > rule.plausible[1])
    return {
      term: rule.term,
      problem: `${fmt(v)} ${U(rule.unit)} is implausible (expected ${rule.plausible[0]}–${rule.plausible[1]}): check the unit`,
    };
  const limitFactor = reading.unit ? (unitFactor(reading.unit, rule.unit, rule.term) ?? 1) : 1;
  const base = {
    term: rule.term,
    nci: rule.nci,
    ctcaeVersion: data.ctcae_version,
    value: v,
    unit: rule.unit,
  };
  const result = (grade: 0 | 1 | 2 | 3 | 4, criterion: string): LabGrade => ({
    ...base,
    grade,
    criterion,
    assumptions,
    source: data.lab_source,
  });
  if (rule.direction === "high") {
    let uln = rule.default_uln!;
    if (reading.referenceHigh !== undefined) uln = reading.referenceHigh * limitFactor;
    else assumptions.push(`ULN ${uln} ${U(rule.unit)} assumed (no reference range with the value)`);
    const byMultiples = (x: number, ref: number, m: readonly (number | null)[], inclusiveG1: boolean) => {
      let g = 0;
      for (let i = 0; i < 4; i++) {
        const t = m[i];
        if (t === null) continue;
        if (x > t * ref || (i === 0 && inclusiveG1 && x >= t * ref)) g = i + 1;
      }
      return g as 0 | 1 | 2 | 3 | 4;
    };
    const ulnGrade = byMultiples(v, uln, rule.uln_multiples!, false);
    const b = baseline ? convert(baseline) : null;
    if (b !== null && rule.baseline_multiples && (rule.baseline_rule === "also" || b > uln)) {
      const baseGrade = byMultiples(v, b, rule.baseline_multiples, rule.baseline_rule === "instead");
      if (rule.baseline_rule === "instead")
        return result(baseGrade, `${fmt(v / b)} × baseline ${fmt(b)} ${U(rule.unit)} (baseline above ULN)`);
      if (baseGrade > ulnGrade)
        return result(baseGrade, `${fmt(v / b)} × baseline ${fmt(b)} ${U(rule.unit)}`);
    }
    return result(ulnGrade, `${fmt(v / uln)} × ULN (${fmt(uln)} ${U(rule.unit)})`);
  }
  let lln = rule.default_lln!;
  if (reading.referenceLow !== undefined) lln = reading.referenceLow * limitFactor;
  else assumptions.push(`LLN ${lln} ${U(rule.unit)} assumed (no reference range with the value)`);
  let g = 0;
  rule.below!.forEach((t, i) => {
    const limit = t === "LLN" ? lln : t;
    if (limit !== null && v < limit) g = i + 1;
  });
  const limitText =
    g === 0
      ? `≥ LLN ${fmt(lln)}`
      : `< ${rule.below![g - 1] === "LLN" ? `LLN ${fmt(lln)}` : rule.below![g - 1]}`;
  return result(g as 0 | 1 | 2 | 3 | 4, `${fmt(v)} ${U(rule.unit)} ${limitText}`);
}

export interface CaseLabGrade extends LabGrade {
  readonly date?: string;
  readonly labName: string;
  readonly baselineDate?: string;
}

/**
 * Grades every lab value of a case that a CTCAE rule covers; the earliest value of the same term is the baseline.
 * Values whose unit cannot be converted are listed in `ungradable`.
 */
export function gradeCaseLabs(c: CaseRecord): { grades: CaseLabGrade[]; ungradable: string[] } {
  const grades: CaseLabGrade[] = [];
  const ungradable: string[] = [];
  const byTerm = new Map<string, CaseRecord["labs"][number][]>();
  for (const l of c.labs) {
    if (l.value === undefined) continue;
    const rule = labRuleFor({ name: l.name, code: l.code.code });
    if (!rule) continue;
    const list = byTerm.get(rule.term) ?? [];
    list.push(l);
    byTerm.set(rule.term, list);
  }
  for (const labs of byTerm.values()) {
    const sorted = [...labs].sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
    const reading = (l: (typeof sorted)[number]): LabReading => ({
      name: l.name,
      code: l.code.code,
      value: l.value!,
      unit: l.unit,
      referenceLow: l.referenceLow,
      referenceHigh: l.referenceHigh,
    });
    const baseline = sorted.length > 1 ? sorted[0] : undefined;
    for (const l of sorted) {
      const g = gradeLab(reading(l), baseline && l !== baseline ? reading(baseline) : undefined);
      if (!g) continue;
      if ("problem" in g)
        ungradable.push(
          `${l.name} ${formatQuantity(l.value ?? "–", l.unit)} (${l.date ?? "no date"}): ${g.problem}`,
        );
      else
        grades.push({
          ...g,
          date: l.date,
          labName: l.name,
          baselineDate: baseline && l !== baseline ? baseline.date : undefined,
        });
    }
  }
  return { grades, ungradable };
}

// ---------- ASTCT consensus grading (Lee et al. 2019) ----------

export type Hypotension = "none" | "no-vasopressor" | "one-vasopressor" | "multiple-vasopressors";
export type Hypoxia = "none" | "low-flow" | "high-flow" | "positive-pressure";

export interface CrsInput {
  /** Highest temperature, °C. */
  readonly temperatureC?: number;
  /** Antipyretics or anti-cytokine therapy (tocilizumab, steroids) given: fever no longer required. */
  readonly feverTreated?: boolean;
  readonly hypotension: Hypotension;
  readonly hypoxia: Hypoxia;
}

export interface AstctGrade {
  readonly grade: 0 | 1 | 2 | 3 | 4;
  readonly reasons: readonly string[];
  readonly management: string | null;
  readonly source: string;
}

const ASTCT_SOURCE =
  "ASTCT consensus (Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638, doi:10.1016/j.bbmt.2018.12.758)";

export function gradeCrs(input: CrsInput): AstctGrade {
  const fever = input.temperatureC !== undefined && input.temperatureC >= 38;
  const reasons: string[] = [];
  const hypo = { none: 0, "no-vasopressor": 2, "one-vasopressor": 3, "multiple-vasopressors": 4 }[
    input.hypotension
  ];
  const oxy = { none: 0, "low-flow": 2, "high-flow": 3, "positive-pressure": 4 }[input.hypoxia];
  let grade: 0 | 1 | 2 | 3 | 4 = 0;
  if (!fever && !input.feverTreated) {
    reasons.push(
      input.temperatureC === undefined
        ? "no temperature given and no antipyretic/anti-cytokine therapy: CRS needs fever ≥ 38 °C"
        : `temperature ${input.temperatureC} °C < 38 °C and no antipyretic/anti-cytokine therapy: not CRS by ASTCT`,
    );
  } else {
    reasons.push(
      fever ? `fever ${input.temperatureC} °C` : "fever masked by antipyretic or anti-cytokine therapy",
    );
    grade = Math.max(1, hypo, oxy) as 1 | 2 | 3 | 4;
    if (hypo > 0) reasons.push(`hypotension: ${input.hypotension} → grade ${hypo}`);
    if (oxy > 0) reasons.push(`hypoxia: ${input.hypoxia} oxygen → grade ${oxy}`);
    if (hypo > 0 && oxy > 0) reasons.push("the more severe of hypotension and hypoxia sets the grade");
  }
  return { grade, reasons, management: management("crs", grade), source: ASTCT_SOURCE };
}

export interface IceItems {
  /** Orientation to year, month, city, hospital (0–4). */
  readonly orientation: number;
  /** Names 3 objects (0–3). */
  readonly naming: number;
  /** Follows simple commands (0–1). */
  readonly commands: number;
  /** Writes a standard sentence (0–1). */
  readonly writing: number;
  /** Counts backwards from 100 by ten (0–1). */
  readonly attention: number;
}

/** The 10-point Immune effector Cell-associated Encephalopathy (ICE) score. */
export function iceScore(i: IceItems): number {
  const clamp = (x: number, max: number, name: string) => {
    if (!Number.isInteger(x) || x < 0 || x > max)
      throw new RangeError(`ICE ${name} must be an integer 0–${max}`);
    return x;
  };
  return (
    clamp(i.orientation, 4, "orientation") +
    clamp(i.naming, 3, "naming") +
    clamp(i.commands, 1, "commands") +
    clamp(i.writing, 1, "writing") +
    clamp(i.attention, 1, "attention")
  );
}

export type Consciousness =
  "normal" | "awakens-spontaneously" | "awakens-to-voice" | "awakens-to-touch" | "unarousable";

export interface IcansInput {
  /** ICE score 0–10; omit when the patient cannot be assessed. */
  readonly ice?: number;
  readonly consciousness?: Consciousness;
  readonly seizure?: "none" | "resolving-rapidly" | "prolonged-or-repetitive";
  readonly motor?: "none" | "deep-focal-weakness";
  readonly cerebralEdema?: "none" | "focal" | "diffuse";
}

export function gradeIcans(input: IcansInput): AstctGrade {
  const reasons: string[] = [];
  const domains: number[] = [];
  const add = (g: number, why: string) => {
    if (g > 0) reasons.push(`${why} → grade ${g}`);
    domains.push(g);
  };
  const consciousness = input.consciousness ?? "normal";
  if (input.ice !== undefined) {
    if (!Number.isInteger(input.ice) || input.ice < 0 || input.ice > 10)
      throw new RangeError("ICE score must be an integer 0–10");
    // ICE 0 in an unarousable patient is grade 4; an awake patient with global aphasia scoring 0 is grade 3
    const g =
      input.ice >= 10 ? 0 : input.ice >= 7 ? 1 : input.ice >= 3 ? 2 : consciousness === "unarousable" ? 4 : 3;
    add(g, `ICE score ${input.ice}`);
  }
  add(
    {
      normal: 0,
      "awakens-spontaneously": 1,
      "awakens-to-voice": 2,
      "awakens-to-touch": 3,
      unarousable: 4,
    }[consciousness],
    `depressed consciousness: ${consciousness}`,
  );
  add(
    { none: 0, "resolving-rapidly": 3, "prolonged-or-repetitive": 4 }[input.seizure ?? "none"],
    `seizure: ${input.seizure}`,
  );
  add(input.motor === "deep-focal-weakness" ? 4 : 0, "deep focal motor weakness");
  add(
    { none: 0, focal: 3, diffuse: 4 }[input.cerebralEdema ?? "none"],
    `cerebral oedema: ${input.cerebralEdema}`,
  );
  const grade = Math.max(0, ...domains) as 0 | 1 | 2 | 3 | 4;
  if (grade === 0) reasons.push("no ICANS domain affected");
  else if (domains.filter((d) => d > 0).length > 1) reasons.push("the most severe domain sets the grade");
  return { grade, reasons, management: management("icans", grade), source: ASTCT_SOURCE };
}

/** ASTCT management guidance (CRS or ICANS) for a grade, or null. */
export function cellTherapyManagement(kind: "crs" | "icans", grade: number): string | null {
  return management(kind, grade);
}

function management(kind: "crs" | "icans", grade: number): string | null {
  if (grade === 0) return null;
  const m = toxicityData().cell_therapy_management;
  return m[kind].find((x) => x.grade === grade)!.action;
}

export interface IraeGuidance {
  readonly grade: number;
  readonly checkpointInhibitor: string;
  readonly steroids: string;
  readonly taper: string;
  readonly source: string;
}

/** Checkpoint-inhibitor irAE management for a CTCAE grade (grade 5 and 0 have none). */
export function iraeManagement(grade: number, category?: string): IraeGuidance | null {
  const m = toxicityData().irae_management;
  const g = m.grades.find((x) => x.grade === grade);
  if (!g) return null;
  const alwaysHold = category !== undefined && m.always_hold.includes(category) && grade === 1;
  return {
    grade,
    checkpointInhibitor: alwaysHold
      ? `hold: ${category} irAEs are held at any grade`
      : g.checkpoint_inhibitor,
    steroids: g.steroids,
    taper: m.taper,
    source: m.source,
  };
}
