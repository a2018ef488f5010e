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
