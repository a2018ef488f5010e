/** ASTCT consensus grading of cytokine release syndrome and ICANS, with the ICE score (Lee et al. 2019). */
import { management } from "./toxicity-management.js";

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
