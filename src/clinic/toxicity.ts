/**
 * Toxicity grading as decision support: CTCAE v5.0 lab-based terms (against the ULN/LLN, or the baseline when the
 * baseline is abnormal), ASTCT consensus grading of cytokine release syndrome and ICANS with the ICE score, and the
 * matching management guidance. Thresholds and guidance live in catalog/toxicity.yaml with their sources.
 */
import type { CaseRecord } from "./case-schema.js";
import { formatQuantity, formatUnit as U } from "./display.js";
import { toxicityData, type LabRule } from "./toxicity-data.js";
import { unitFactor } from "./units.js";

// the toxicity catalog, ASTCT grading and management guidance, importable from here as before the split
export { toxicityData, type LabRule, type ToxicityData } from "./toxicity-data.js";
export {
  gradeCrs,
  gradeIcans,
  iceScore,
  type AstctGrade,
  type Consciousness,
  type CrsInput,
  type Hypotension,
  type Hypoxia,
  type IcansInput,
  type IceItems,
} from "./astct-grading.js";
export { cellTherapyManagement, iraeManagement, type IraeGuidance } from "./toxicity-management.js";

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
