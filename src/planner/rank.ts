/**
 * Ranking: the predicted outcomes of each candidate with its toxicity and treatment-burden proxies, combined by
 * the clinician's weights, and the probability that a candidate is the best one (lowest burden at the horizon)
 * across the posterior samples.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import { mostellerBsa, type Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { administrations } from "../therapy/validate-protocol.js";
import { planningData } from "./planning-data.js";

export interface ToxicityProxy {
  /** Agents whose label or catalog entry lists cytokine release syndrome. */
  readonly crsAgents: readonly string[];
  readonly highDoseIl2Doses: number;
  readonly lymphodepletion: boolean;
  /** Cytotoxic and lymphodepleting chemotherapy, summed in mg/m² (mg/kg doses converted by the patient's BSA). */
  readonly chemoMgM2: number;
  readonly radiationGy: number;
  readonly score: number;
}

export interface TreatmentBurden {
  readonly clinicDays: number;
  /** Distinct days with an administration outside the clinic stay. */
  readonly outpatientVisits: number;
  readonly score: number;
}

export function toxicityProxy(protocol: Protocol, patient: Patient): ToxicityProxy {
  const scale = planningData().toxicity;
  const bsa = mostellerBsa(patient.height_cm, patient.weight_kg);
  const adm = administrations(protocol, therapyCatalog());
  const crs = new Set<string>();
  let il2 = 0;
  let ld = false;
  let chemo = 0;
  let gy = 0;
  for (const a of adm) {
    if ([...a.agent.toxicities, ...a.agent.cautions].some((t) => /\bCRS\b|cytokine release/i.test(t)))
      crs.add(a.agent.id);
    if (a.agent.id === "aldesleukin") il2++;
    if (a.agent.class === "lymphodepletion") ld = true;
    const { value, unit } = a.spec.dose;
    if (a.agent.modality === "chemotherapy")
      chemo += unit === "mg/m2" ? value : unit === "mg/kg" ? (value * patient.weight_kg) / bsa : value / bsa;
    if (unit === "Gy") gy += value;
  }
  const score =
    crs.size * scale.crs_agent +
    (il2 > 0 ? scale.high_dose_il2 : 0) +
    (ld ? scale.lymphodepletion : 0) +
    chemo / scale.chemo_mg_m2 +
    gy / scale.radiation_gy;
  return {
    crsAgents: [...crs],
    highDoseIl2Doses: il2,
    lymphodepletion: ld,
    chemoMgM2: chemo,
    radiationGy: gy,
    score,
  };
}

export function treatmentBurden(protocol: Protocol): TreatmentBurden {
  const scale = planningData().burden;
  const clinic = protocol.phases
    .filter((p) => p.kind === "clinic")
    .map((p) => ({ from: p.start_day, to: p.start_day + (p.duration_days ?? 0) }));
  const clinicDays = clinic.reduce((s, c) => s + (c.to - c.from), 0);
  const visits = new Set(
    administrations(protocol, therapyCatalog())
      .map((a) => Math.floor(a.day))
      .filter((d) => !clinic.some((c) => d >= c.from && d < c.to)),
  );
  return {
    clinicDays,
    outpatientVisits: visits.size,
    score: clinicDays / scale.clinic_days + visits.size / scale.visits,
  };
}

/**
 * For each candidate, the fraction of posterior samples in which it leaves the lowest burden at the horizon
 * (ties share the sample equally; a failed simulation counts for none).
 */
export function probabilityBest(finals: readonly (readonly number[])[]): number[] {
  const k = finals.length;
  const out = new Array<number>(k).fill(0);
  const s = finals[0]?.length ?? 0;
  for (let j = 0; j < s; j++) {
    let best = Infinity;
    for (let i = 0; i < k; i++) if (finals[i][j] < best) best = finals[i][j];
    if (!Number.isFinite(best)) continue;
    const tied: number[] = [];
    for (let i = 0; i < k; i++) if (Math.abs(finals[i][j] - best) <= 1e-6) tied.push(i);
    for (const i of tied) out[i] += 1 / tied.length / s;
  }
  return out;
}
