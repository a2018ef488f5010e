/**
 * The treatments a case record says were given, as a protocol the clinical model can simulate between the first
 * scan the posterior uses and the plan's day 0. Records rarely give doses: each agent is given at its usual label
 * regimen (HISTORY_REGIMENS, from catalog/agents.yaml `doses[].schedule`) on the days of the record's start and
 * end dates [assumption: the usual regimen was given throughout]. Treatments without a date, without an agent of
 * the catalog or without a regimen here are not simulated, and the plan says so.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { treatmentAgents } from "../clinic/evaluate.js";
import { daysBetween } from "../clinic/recist.js";
import type { Protocol } from "../therapy/protocol-schema.js";

interface Regimen {
  readonly value: number;
  readonly unit: "mg" | "mg/kg" | "mg/m2" | "AUC";
  readonly route: string;
  /** Days of one cycle (relative to its start) and the cycle length. */
  readonly cycleDays: readonly number[];
  readonly every: number;
  /** Most cycles given (e.g. ipilimumab × 4). */
  readonly maxCycles?: number;
}

const q = (value: number, unit: Regimen["unit"], every: number, maxCycles?: number): Regimen => ({
  value,
  unit,
  route: "iv",
  cycleDays: [0],
  every,
  maxCycles,
});

/** Usual label regimens (catalog/agents.yaml `doses[].schedule`; the flat doses of the current labels). */
export const HISTORY_REGIMENS: Readonly<Record<string, Regimen>> = {
  pembrolizumab: q(200, "mg", 21),
  nivolumab: q(240, "mg", 14),
  cemiplimab: q(350, "mg", 21),
  atezolizumab: q(1200, "mg", 21),
  durvalumab: q(1500, "mg", 28),
  avelumab: q(800, "mg", 14),
  ipilimumab: q(3, "mg/kg", 21, 4),
  dacarbazine: q(1000, "mg/m2", 21),
  temozolomide: { value: 150, unit: "mg/m2", route: "oral", cycleDays: [0, 1, 2, 3, 4], every: 28 },
  docetaxel: q(75, "mg/m2", 21),
  carboplatin: q(5, "AUC", 21),
  cisplatin: q(75, "mg/m2", 21),
  pemetrexed: q(500, "mg/m2", 21),
  paclitaxel: q(175, "mg/m2", 21),
  doxorubicin: q(60, "mg/m2", 21),
};

export interface HistoryProtocol {
  /** The protocol on the simulation's days (day 0 = `from`), or null when nothing is simulated. */
  readonly protocol: Protocol | null;
  /** What was simulated, in words. */
  readonly simulated: readonly string[];
  /** Treatments in the window that could not be simulated, with the reason. */
  readonly notSimulated: readonly string[];
}

/** The record's treatments between `from` (inclusive) and `to` (exclusive), ISO dates. */
export function historyProtocol(c: CaseRecord, from: string, to: string): HistoryProtocol {
  const span = daysBetween(from, to);
  const steps: Protocol["phases"][number]["steps"] = [];
  const simulated: string[] = [];
  const notSimulated: string[] = [];
  for (const t of c.treatments) {
    if (t.kind !== "medication") continue;
    if (!t.start) {
      notSimulated.push(`${t.name}: no start date`);
      continue;
    }
    const s = Math.max(0, daysBetween(from, t.start));
    const e = Math.min(span, t.end ? daysBetween(from, t.end) : span);
    if (s >= span || e < 0 || e < s) continue; // outside the window
    const agents = treatmentAgents(t);
    if (agents.length === 0) {
      notSimulated.push(`${t.name}: no agent of the catalog`);
      continue;
    }
    for (const a of agents) {
      const r = HISTORY_REGIMENS[a.id];
      if (!r) {
        notSimulated.push(`${t.name}: no usual regimen of ${a.name} to simulate`);
        continue;
      }
      // cycles from the treatment's start (before the window too: only those inside it are given)
      const first = daysBetween(from, t.start);
      const days: number[] = [];
      for (let k = 0; r.maxCycles === undefined || k < r.maxCycles; k++) {
        const c0 = first + k * r.every;
        if (c0 > e) break;
        for (const d of r.cycleDays) if (c0 + d >= 0 && c0 + d <= e && c0 + d < span) days.push(c0 + d);
      }
      if (!days.length) continue;
      steps.push({
        agent: a.id,
        dose: { value: r.value, unit: r.unit },
        route: r.route,
        days,
        intent: "treatment history",
      });
      simulated.push(
        `${a.name} ${r.value} ${r.unit} every ${r.every} days (${days.length} dose(s) from ${t.start}${t.end ? ` to ${t.end}` : ""}; the record gives no dose: usual label regimen) [assumption]`,
      );
    }
  }
  return {
    protocol: steps.length
      ? { name: "treatment history", phases: [{ name: "history", start_day: 0, steps }] }
      : null,
    simulated,
    notSimulated,
  };
}
