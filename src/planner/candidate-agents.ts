/**
 * The agents a candidate gives for one case: a step at the agent's usual label dose, the ADCC antibodies,
 * virus and checkpoint inhibitor whose labels or targets fit the case, T-VEC's labelled course, and the share
 * of the burden one SBRT field holds.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { agentFitsCase } from "../clinic/tumor-types.js";
import { therapyCatalog } from "../therapy/catalog.js";
import type { Step } from "../therapy/protocol-schema.js";

export function usualDose(agentId: string, unit?: string): { value: number; unit: Step["dose"]["unit"] } {
  const a = therapyCatalog().agents.get(agentId);
  if (!a) throw new Error(`planner: agent '${agentId}' is not in the therapy catalog`);
  const d = (unit ? a.doses.find((x) => x.unit === unit) : undefined) ?? a.doses[0];
  return { value: d.usual, unit: d.unit };
}

export const step = (agent: string, route: string, days: number[], extra: Partial<Step> = {}): Step => ({
  agent,
  dose: usualDose(agent, extra.dose?.unit),
  route,
  days,
  ...extra,
});

/** Antibodies with ADCC whose target is documented on the tumor (a biomarker naming the target). */
export function adccAntibodies(c: CaseRecord): string[] {
  const text = c.biomarkers
    .filter((b) => b.value === undefined || !/negative|absent|wild/i.test(String(b.value)))
    .map((b) => `${b.name} ${b.code.display ?? ""}`)
    .join(" ");
  return [...therapyCatalog().agents.values()]
    .filter((a) => a.modality === "monoclonal-antibody")
    .filter((a) => a.targets.some((t) => new RegExp(`\\b${t}\\b`, "i").test(text)))
    .map((a) => a.id);
}

export const TVEC = "talimogene-laherparepvec";

/** The oncolytic virus: T-VEC where its label fits the tumor type (melanoma), the investigational virus otherwise. */
export function virusAgent(c: CaseRecord): string {
  return agentFitsCase(therapyCatalog().agents.get(TVEC)!, c) ? TVEC : "oncolytic-virus-investigational";
}

/** The checkpoint inhibitor whose label fits the tumor type (or a tumor-agnostic biomarker), or null. */
export function checkpointAgent(c: CaseRecord): string | null {
  const a = therapyCatalog().agents.get("pembrolizumab")!;
  return agentFitsCase(a, c) ? a.id : null;
}

/**
 * T-VEC as labelled (catalog/agents.yaml): up to 4 mL of 1e6 PFU/mL first, up to 4 mL of 1e8 PFU/mL three weeks
 * later, then every 2 weeks; continued for at least 6 months (the course ends on day `TVEC_COURSE_DAYS`).
 */
export const TVEC_FIRST_PFU = 4e6;
export const TVEC_COURSE_DAYS = 182;

/**
 * The share of the tumor burden in the largest measured lesion of the latest scan (spheres of the measured
 * diameters): what one SBRT field holds.
 */
export function largestLesionShare(c: CaseRecord): number {
  const latest = [...c.imaging]
    .filter((im) => im.lesions.some((l) => l.diameterMm !== undefined && l.diameterMm > 0))
    .sort((a, b) => b.date.localeCompare(a.date))[0];
  if (!latest) return 1;
  const v = latest.lesions.filter((l) => (l.diameterMm ?? 0) > 0).map((l) => l.diameterMm! ** 3);
  const total = v.reduce((a, b) => a + b, 0);
  return Math.max(...v) / total;
}
