/**
 * UCUM-style unit strings as used in model files (`cell`, `1/day`, `cell/day`, `mg/L`, `mm3`, `1`, …).
 * Only a plausibility check: unknown atoms give a warning, not an error (dimension checking can come later).
 */
const ATOMS = new Set([
  "1",
  "cell",
  "cells",
  "day",
  "d",
  "h",
  "hour",
  "min",
  "s",
  "wk",
  "week",
  "mo",
  "a",
  "year",
  "g",
  "mg",
  "ug",
  "µg",
  "ng",
  "pg",
  "kg",
  "L",
  "l",
  "mL",
  "dL",
  "uL",
  "µL",
  "mol",
  "mmol",
  "umol",
  "µmol",
  "nmol",
  "pmol",
  "M",
  "mM",
  "uM",
  "µM",
  "nM",
  "pM",
  "IU",
  "U",
  "kU",
  "MIU",
  "PFU",
  "TCID50",
  "vp",
  "virion",
  "copies",
  "m",
  "cm",
  "mm",
  "um",
  "µm",
  "m2",
  "cm2",
  "mm2",
  "m3",
  "cm3",
  "mm3",
  "Gy",
  "cGy",
  "%",
  "particle",
  "particles",
  "dose",
  "unit",
]);

/** Returns the unknown atoms of a unit string (empty when every atom is known). */
export function unknownUnitAtoms(unit: string): string[] {
  const atoms = unit
    .split(/[*/().\s]+/)
    .filter((a) => a !== "")
    .map((a) => a.replace(/\^?-?\d+$/, "") || "1")
    .map((a) => (/^\d+(e-?\d+)?$/.test(a) ? "1" : a));
  return atoms.filter((a) => !ATOMS.has(a));
}
