/**
 * Units and sizes as people read them (shared by the web app, reports and the CLI; no Node imports): UCUM codes
 * pretty-printed ("10*9/L" → "×10⁹/L", "uL" → "µL", "mm[Hg]" → "mmHg", "1" → nothing), file sizes in B/kB/MB.
 */

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
  "-": "⁻",
};
const sup = (s: string) => [...s].map((c) => SUPERSCRIPT[c] ?? c).join("");

/** A UCUM unit code for display: "" for the dimensionless "1"; powers of ten, micro, brackets and exponents. */
export function formatUnit(unit: string | null | undefined): string {
  if (unit === null || unit === undefined) return "";
  const u = unit.trim();
  if (u === "1" || u === "{ratio}" || u === "") return "";
  return (
    u
      // annotations: {cells}/uL → cells/µL, mL/min/{1.73_m2} → mL/min/1.73 m2
      .replace(/\{([^}]*)\}/g, (_, a: string) => a.replace(/_/g, " "))
      // 10*9/L, 10^9/L → ×10⁹/L
      .replace(/(^|[^\d.])10[*^](-?\d+)/g, (_, pre: string, e: string) => `${pre}×10${sup(e)}`)
      // micro: uL, ug, umol, um, us, ukat → µ… (U/L, units, stays)
      .replace(/(^|[^A-Za-z])u(?=(L|l|g|mol|m|s|kat|eq|IU)\b|mol|kat)/g, "$1µ")
      // bracketed UCUM atoms: mm[Hg] → mmHg, [iU] / [IU] → IU, [in_i] → in
      .replace(/\[iU\]|\[IU\]/g, "IU")
      .replace(/\[([A-Za-z]+)(_[a-z]+)?\]/g, "$1")
      .replace(/^Cel$/, "°C")
      // exponents on units: m2 → m², mm3 → mm³ (not digits that are values, such as 1.73)
      .replace(/([A-Za-zµ])(-?\d)\b/g, (_, l: string, e: string) => `${l}${sup(e)}`)
      .replace(/\./g, (m, i: number, s: string) =>
        /\d/.test(s[i - 1] ?? "") && /\d/.test(s[i + 1] ?? "") ? m : "·",
      )
  );
}

/** A number with its unit: "0.663" (no unit 1), "5.2 ×10⁹/L", "60 %". */
export function formatQuantity(value: string | number, unit: string | null | undefined): string {
  const u = formatUnit(unit);
  return u ? `${value} ${u}` : String(value);
}

/** A file size: 684 B, 68.4 kB, 1.2 MB (1 kB = 1,000 bytes, as file managers show it). */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let x = bytes / 1000;
  let i = 0;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x >= 100 ? Math.round(x) : x >= 10 ? x.toFixed(1).replace(/\.0$/, "") : x.toFixed(2).replace(/\.?0+$/, "")} ${units[i]}`;
}
