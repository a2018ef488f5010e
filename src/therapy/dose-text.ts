/**
 * A dose as people read it ("4e8 PFU", "200 mg") — shared by the reports and the web app (no imports: the browser
 * bundle uses it as it is).
 */
export function doseText(d: { readonly value: number; readonly unit: string }): string {
  const v = d.value;
  if (!Number.isFinite(v)) return `– ${d.unit}`;
  if (Math.abs(v) >= 1e5) {
    const [m, e] = v.toExponential().split("e");
    return `${+Number(m).toPrecision(4)}e${Number(e)} ${d.unit}`;
  }
  return `${+v.toPrecision(6)} ${d.unit}`;
}

const UNIT_WORDS: Readonly<Record<string, string>> = {
  "mg/kg": "mg per kg of body weight",
  "mg/m2": "mg per m² of body surface",
  "ug/m2": "µg per m² of body surface",
  "IU/kg": "IU per kg of body weight",
  "IU/m2": "IU per m² of body surface",
  "cells/kg": "cells per kg of body weight",
  PFU: "PFU (virus units)",
  AUC: "AUC (dosed by kidney function)",
  fraction: "of the tumour",
};

/**
 * A dose in plain language for the patient's copy ("40 million PFU (virus units)", "600,000 IU per kg of body
 * weight", "200 mg"): numbers in words from a million up, thousands separated, units spelled out.
 */
export function plainDoseText(d: { readonly value: number; readonly unit: string }): string {
  const v = d.value;
  const unit = UNIT_WORDS[d.unit] ?? d.unit;
  if (!Number.isFinite(v)) return `– ${unit}`;
  const scales: [number, string][] = [
    [1e12, "trillion"],
    [1e9, "billion"],
    [1e6, "million"],
  ];
  for (const [s, word] of scales) if (Math.abs(v) >= s) return `${+(v / s).toPrecision(3)} ${word} ${unit}`;
  const n = +v.toPrecision(6);
  return `${n.toLocaleString("en-US", { maximumFractionDigits: 3 })} ${unit}`;
}
