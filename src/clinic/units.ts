/** Unit spellings compared loosely: "10^9/L", "×10^9/L" and UCUM "10*9/L" are the same; case and spaces ignored. */
export const normalizeUnit = (u: string) =>
  u.replace(/\s/g, "").replace("×10^9", "10*9").replace("10^9", "10*9").toLowerCase();

/**
 * Factors converting common lab units into the unit a rule is written in (value × factor). Molar masses:
 * bilirubin 584.7 g/mol (17.1 µmol/L per mg/dL), creatinine 113.1 g/mol (88.4 µmol/L per mg/dL).
 */
const CONVERSIONS: Record<string, Record<string, number>> = {
  "g/dl": { "g/l": 0.1, "mmol/l": 1.611 },
  "mg/dl": {},
  "10*9/l": { "10*3/ul": 1, "10^3/ul": 1, "/nl": 1, "k/ul": 1, "/ul": 1e-3, "/mm3": 1e-3, "cells/ul": 1e-3 },
  "u/l": { "iu/l": 1, "ukat/l": 60, "µkat/l": 60 },
};
const MOLAR: Record<string, number> = { bilirubin: 1 / 17.1, creatinine: 1 / 88.4 };

/** The factor turning a value in `from` into `to`, or null when the units are not convertible. */
export function unitFactor(from: string, to: string, analyte = ""): number | null {
  const f = normalizeUnit(from);
  const t = normalizeUnit(to);
  if (f === t) return 1;
  const direct = CONVERSIONS[t]?.[f];
  if (direct !== undefined) return direct;
  if (t === "mg/dl" && (f === "umol/l" || f === "µmol/l")) {
    const key = Object.keys(MOLAR).find((k) => analyte.toLowerCase().includes(k));
    return key ? MOLAR[key] : null;
  }
  return null;
}
