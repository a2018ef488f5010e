/**
 * Management guidance for a toxicity grade: ASTCT guidance (CRS, ICANS) after cell therapy, and
 * checkpoint-inhibitor irAE management.
 */
import { toxicityData } from "./toxicity-data.js";

/** ASTCT management guidance (CRS or ICANS) for a grade, or null. */
export function cellTherapyManagement(kind: "crs" | "icans", grade: number): string | null {
  return management(kind, grade);
}

export function management(kind: "crs" | "icans", grade: number): string | null {
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
