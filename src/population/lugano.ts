/**
 * CT-based response of the Lugano classification (Cheson BD et al., J Clin Oncol 2014;32:3059–68, Table 3),
 * time point by time point, with one documented simplification: the simulator reports one diameter per lesion
 * (LDi), so each lesion's product of perpendicular diameters (PPD) is taken as LDi² — the short axis is
 * assumed to scale with the long axis. Up to six target lesions (the baseline's targets).
 *
 * - CR: every target node LDi ≤ 15 mm and every extranodal target gone, non-targets absent, no new lesion;
 * - PR: sum of PPD (SPD) ≥ 50 % below baseline;
 * - PD: a new lesion, unequivocal progression of a non-target, or one target lesion with LDi > 15 mm whose PPD
 *   rose ≥ 50 % from its own nadir and whose LDi rose ≥ 5 mm (nadir LDi ≤ 20 mm) or ≥ 10 mm (> 20 mm);
 * - SD otherwise; NE when a target was not measured.
 * The metabolic (PET) response is not modelled.
 */
import type { Assessment, OverallResponse } from "../clinic/recist.js";

export interface LuganoTimepoint {
  readonly date: string;
  readonly overall: OverallResponse;
  /** Sum of products (mm², LDi² per lesion). */
  readonly spd: number | null;
  readonly changeFromBaselinePct: number | null;
}

export function luganoTimepoints(assessments: readonly Assessment[]): LuganoTimepoint[] {
  if (assessments.length === 0) return [];
  const baseline = assessments[0];
  const targets = baseline.lesions.filter((l) => l.role === "target").slice(0, 6);
  const nonTargetIds = baseline.lesions.filter((l) => l.role === "non-target").map((l) => l.lesionId);
  const nadir = new Map<string, number>(); // LDi at the lesion's nadir
  for (const t of targets) nadir.set(t.lesionId, t.diameterMm ?? NaN);
  const baseSpd = targets.reduce((s, t) => s + (t.diameterMm ?? NaN) ** 2, 0);
  const out: LuganoTimepoint[] = [];
  for (let k = 1; k < assessments.length; k++) {
    const a = assessments[k];
    const ld = targets.map(
      (t) => a.lesions.find((l) => l.lesionId === t.lesionId && l.role === "target")?.diameterMm,
    );
    const measured = ld.every((d) => d !== undefined && Number.isFinite(d));
    let lesionPd = false;
    targets.forEach((t, i) => {
      const d = ld[i];
      const n = nadir.get(t.lesionId)!;
      if (d === undefined || !Number.isFinite(d) || !Number.isFinite(n)) return;
      const grew = n > 0 ? d * d >= 1.5 * n * n : d > 0;
      if (d > 15 && grew && d - n >= (n <= 20 ? 5 : 10)) lesionPd = true;
    });
    const nonTargets = nonTargetIds.map((id) =>
      a.lesions.find((l) => l.lesionId === id && l.role === "non-target"),
    );
    const ntPd = nonTargets.some(
      (m) => m?.state === "unequivocal-progression" || m?.state === "further-increase",
    );
    const newLesion = a.lesions.some((l) => l.role === "new" && l.state !== "absent");
    const spd: number | null = measured ? ld.reduce<number>((s, d) => s + (d ?? 0) ** 2, 0) : null;
    const change = spd !== null && baseSpd > 0 ? Math.round(((spd - baseSpd) / baseSpd) * 1e5) / 1e3 : null;
    let overall: OverallResponse;
    if (newLesion || ntPd || lesionPd) overall = "PD";
    else if (!measured) overall = "NE";
    else {
      const targetsGone = targets.every((t, i) => (t.nodal ? ld[i]! <= 15 : ld[i]! === 0));
      const ntGone = nonTargets.every((m) => m?.state === "absent");
      if (targetsGone && ntGone) overall = "CR";
      else if (change !== null && change <= -50) overall = "PR";
      else if (targets.length === 0) overall = ntGone ? "CR" : "NON-CR/NON-PD";
      else overall = "SD";
    }
    out.push({ date: a.date, overall, spd, changeFromBaselinePct: change });
    targets.forEach((t, i) => {
      const d = ld[i];
      if (d !== undefined && Number.isFinite(d) && d < nadir.get(t.lesionId)!) nadir.set(t.lesionId, d);
    });
  }
  return out;
}
