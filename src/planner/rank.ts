/**
 * Ranking: the predicted outcomes of each candidate with its probability of grade ≥ 3 toxicity and its
 * treatment-burden proxy, combined by
 * the clinician's weights, and the probability that a candidate is the best one (lowest burden at the horizon)
 * across the posterior samples.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { administrations } from "../therapy/validate-protocol.js";
import { planningData } from "./planning-data.js";
import { toxicityRisk, type ToxicityRisk } from "./toxicity-risk.js";

/**
 * The toxicity of a candidate: the probability of grade ≥ 3 adverse events from its agents' label and trial rates
 * (src/planner/toxicity-risk.ts); `score` — what the clinician's toxicity weight acts on — is that probability.
 */
export interface ToxicityProxy extends ToxicityRisk {
  readonly score: number;
}

export interface TreatmentBurden {
  readonly clinicDays: number;
  /** Distinct days with an administration outside the clinic stay. */
  readonly outpatientVisits: number;
  readonly score: number;
}

export function toxicityProxy(
  protocol: Protocol,
  _patient?: Patient,
  tumorTypes: readonly string[] = [],
): ToxicityProxy {
  const risk = toxicityRisk(protocol, tumorTypes);
  return { ...risk, score: risk.pAny };
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
