/**
 * Outcomes of a trial arm from its patients' outcomes: best-overall-response counts; ORR (CR + PR), CR, PR and
 * DCR (CR + PR + SD + NON-CR/NON-PD) with exact Clopper–Pearson intervals; the durable response rate; PFS by
 * Kaplan–Meier (median with the Brookmeyer–Crowley interval, landmarks with Greenwood log-log intervals, the
 * curve); the waterfall. Between two arms: differences of proportions (Newcombe's hybrid score interval, from
 * Wilson intervals), the difference of median PFS and the PFS hazard ratio (Cox, Efron ties, Wald interval).
 */
import { coxHazardRatio, type HazardRatio } from "./cox.js";
import { kaplanMeier, medianSurvival, survivalAt, survivalCurve, type KaplanMeier } from "./kaplan-meier.js";
import { BOR_CATEGORIES, type Bor, type PatientOutcome } from "./patient-outcome.js";
import type { SurvivalOutcome } from "./overall-survival.js";
import { clopperPearson, wilson } from "./statistics.js";

/** Days per month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;

export interface Estimate {
  readonly value: number | null;
  readonly ci: [number | null, number | null];
  /**
   * 95 % prediction interval of what the published trial (its own number of patients) would report: the
   * simulation's CI widened by the model's leave-one-trial-out error (model-error.ts). ORR, CR and PFS only.
   */
  readonly pi?: [number | null, number | null];
}

export interface PfsPoint {
  readonly months: number;
  readonly pfs: number;
  readonly lower: number;
  readonly upper: number;
  readonly at_risk: number;
}

export interface ArmOutcomes {
  readonly name: string;
  readonly patients: number;
  readonly ORR: Estimate;
  readonly CR: Estimate;
  readonly PR: Estimate;
  readonly DCR: Estimate;
  readonly DRR: Estimate;
  /** Best-overall-response counts. */
  readonly bor: Record<Bor, number>;
  readonly median_PFS_months: Estimate;
  readonly PFS_6mo: Estimate;
  readonly PFS_12mo: Estimate;
  /** Best % change of the target-lesion sum per patient, sorted from the largest increase to the deepest fall. */
  readonly waterfall: number[];
  readonly pfs_curve: PfsPoint[];
  readonly progression_events: number;
  /**
   * Duration of response (Kaplan–Meier over the responders, from the first scan showing CR or PR to progression,
   * censored at the last scan): its median; null without responders or when not reached.
   */
  readonly median_DOR_months: Estimate;
  /**
   * Overall survival (overall-survival.ts: drawn from each patient's tumour dynamics by a model set on the
   * calibration trials' survival), censored at `OS_follow_up_months`. Absent when not simulated.
   */
  readonly median_OS_months?: Estimate;
  readonly OS_12mo?: Estimate;
  readonly OS_24mo?: Estimate;
  readonly OS_follow_up_months?: number;
  readonly deaths?: number;
  readonly os_curve?: PfsPoint[];
}

/** Overall survival of an arm censored at a follow-up (days). */
export function osKaplanMeier(
  deaths: readonly SurvivalOutcome[],
  followUpDays: FollowUp,
  level = 0.95,
): KaplanMeier {
  return kaplanMeier(
    deaths.map((d) => {
      const fu = followUpOf(followUpDays, d.id);
      return { time: Math.min(d.deathDay, fu) / DAYS_PER_MONTH, event: d.deathDay <= fu };
    }),
    level,
  );
}

/** A follow-up (days): the same for every patient, or each patient's own (staggered enrolment at a data cut). */
export type FollowUp = number | ((id: string) => number);
const followUpOf = (f: FollowUp, id: string): number => (typeof f === "number" ? f : f(id));

/** The OS hazard ratio of a against b (Cox, Efron ties), both censored at a follow-up (days). */
export function osHazardRatio(
  a: readonly SurvivalOutcome[],
  b: readonly SurvivalOutcome[],
  followUpDays: FollowUp,
  level = 0.95,
): HazardRatio | null {
  const row = (d: SurvivalOutcome, x: 0 | 1) => {
    const fu = followUpOf(followUpDays, d.id);
    return { time: Math.min(d.deathDay, fu), event: d.deathDay <= fu, x };
  };
  return coxHazardRatio([...a.map((d) => row(d, 1)), ...b.map((d) => row(d, 0))], { level });
}

const curve = (km: KaplanMeier): PfsPoint[] =>
  survivalCurve(km).map((p) => ({
    months: r4(p.time)!,
    pfs: r4(p.survival)!,
    lower: r4(p.lower)!,
    upper: r4(p.upper)!,
    at_risk: p.atRisk,
  }));

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);
const proportion = (x: number, n: number, level: number): Estimate => {
  if (n === 0) return { value: null, ci: [null, null] };
  const [lo, hi] = clopperPearson(x, n, level);
  return { value: r4(x / n), ci: [r4(lo), r4(hi)] };
};

export function pfsKaplanMeier(outcomes: readonly PatientOutcome[], level = 0.95): KaplanMeier {
  return kaplanMeier(
    outcomes.map((o) => ({ time: o.pfsDays / DAYS_PER_MONTH, event: o.progressed })),
    level,
  );
}

/** Duration of response of the responders (CR or PR with a response day), months, by Kaplan–Meier. */
export function dorKaplanMeier(outcomes: readonly PatientOutcome[], level = 0.95): KaplanMeier {
  const responders = outcomes.filter(
    (o): o is PatientOutcome & { responseDays: number } =>
      (o.bor === "CR" || o.bor === "PR") && typeof o.responseDays === "number",
  );
  return kaplanMeier(
    responders.map((o) => ({
      time: Math.max(0, o.pfsDays - o.responseDays) / DAYS_PER_MONTH,
      event: o.progressed,
    })),
    level,
  );
}

/** PFS at a landmark (months) with its interval. */
export function pfsAt(km: KaplanMeier, months: number): Estimate {
  const s = survivalAt(km, months);
  return { value: r4(s.value), ci: [r4(s.ci[0]), r4(s.ci[1])] };
}

export function summarizeArm(
  name: string,
  outcomes: readonly PatientOutcome[],
  level = 0.95,
  survival?: { readonly deaths: readonly SurvivalOutcome[]; readonly followUpDays: number },
): ArmOutcomes {
  const n = outcomes.length;
  const bor = Object.fromEntries(BOR_CATEGORIES.map((c) => [c, 0])) as Record<Bor, number>;
  for (const o of outcomes) bor[o.bor]++;
  const km = pfsKaplanMeier(outcomes, level);
  const med = medianSurvival(km);
  const dorKm = dorKaplanMeier(outcomes, level);
  const dor = dorKm.n > 0 ? medianSurvival(dorKm) : { value: null, ci: [null, null] as const };
  return {
    name,
    patients: n,
    ORR: proportion(bor.CR + bor.PR, n, level),
    CR: proportion(bor.CR, n, level),
    PR: proportion(bor.PR, n, level),
    DCR: proportion(bor.CR + bor.PR + bor.SD + bor["NON-CR/NON-PD"], n, level),
    DRR: proportion(outcomes.filter((o) => o.durable).length, n, level),
    bor,
    median_PFS_months: { value: r4(med.value), ci: [r4(med.ci[0]), r4(med.ci[1])] },
    PFS_6mo: pfsAt(km, 6),
    PFS_12mo: pfsAt(km, 12),
    waterfall: outcomes
      .map((o) => o.bestChangePct)
      .filter((x): x is number => x !== null)
      .map((x) => Math.round(x * 10) / 10)
      .sort((a, b) => b - a),
    pfs_curve: curve(km),
    progression_events: km.events,
    median_DOR_months: { value: r4(dor.value), ci: [r4(dor.ci[0]), r4(dor.ci[1])] },
    ...(survival ? osSummary(survival.deaths, survival.followUpDays, level) : {}),
  };
}

function osSummary(deaths: readonly SurvivalOutcome[], followUpDays: number, level: number) {
  const km = osKaplanMeier(deaths, followUpDays, level);
  const med = medianSurvival(km);
  return {
    median_OS_months: { value: r4(med.value), ci: [r4(med.ci[0]), r4(med.ci[1])] } as Estimate,
    OS_12mo: pfsAt(km, 12),
    OS_24mo: pfsAt(km, 24),
    OS_follow_up_months: r4(followUpDays / DAYS_PER_MONTH)!,
    deaths: km.events,
    os_curve: curve(km),
  };
}

/** Newcombe's hybrid score interval (method 10) of p1 − p2 from Wilson intervals. */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, level = 0.95): Estimate {
  if (n1 === 0 || n2 === 0) return { value: null, ci: [null, null] };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1, level);
  const [l2, u2] = wilson(x2, n2, level);
  const d = p1 - p2;
  return {
    value: r4(d),
    ci: [
      r4(d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
      r4(d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)),
    ],
  };
}

export interface ArmDifference {
  readonly arm: string;
  readonly versus: string;
  readonly ORR: Estimate;
  readonly CR: Estimate;
  readonly DCR: Estimate;
  /** Difference of the medians (months); null when either is not reached. */
  readonly median_PFS_months: number | null;
  /** Hazard ratio of progression, `arm` against `versus` (Cox, Efron ties); null when not estimable. */
  readonly PFS_HR: Estimate & { method: string };
  /** Hazard ratio of death (the survival model's), `arm` against `versus`; absent when survival is not simulated. */
  readonly OS_HR?: Estimate;
}

export function hazardRatio(
  a: readonly PatientOutcome[],
  b: readonly PatientOutcome[],
  level = 0.95,
): HazardRatio | null {
  return coxHazardRatio(
    [
      ...a.map((o) => ({ time: o.pfsDays, event: o.progressed, x: 1 as const })),
      ...b.map((o) => ({ time: o.pfsDays, event: o.progressed, x: 0 as const })),
    ],
    { level },
  );
}

export function compareArms(
  arm: ArmOutcomes,
  a: readonly PatientOutcome[],
  versus: ArmOutcomes,
  b: readonly PatientOutcome[],
  level = 0.95,
  survival?: {
    readonly a: readonly SurvivalOutcome[];
    readonly b: readonly SurvivalOutcome[];
    readonly followUpDays: number;
  },
): ArmDifference {
  const count = (o: readonly PatientOutcome[], cats: readonly Bor[]) =>
    o.filter((x) => cats.includes(x.bor)).length;
  const diff = (cats: readonly Bor[]) =>
    newcombeDifference(count(a, cats), a.length, count(b, cats), b.length, level);
  const hr = hazardRatio(a, b, level);
  const ma = arm.median_PFS_months.value;
  const mb = versus.median_PFS_months.value;
  return {
    arm: arm.name,
    versus: versus.name,
    ORR: diff(["CR", "PR"]),
    CR: diff(["CR"]),
    DCR: diff(["CR", "PR", "SD", "NON-CR/NON-PD"]),
    median_PFS_months: ma !== null && mb !== null ? r4(ma - mb) : null,
    PFS_HR: {
      value: hr ? r4(hr.value) : null,
      ci: hr ? [r4(hr.ci[0]), r4(hr.ci[1])] : [null, null],
      method: "Cox partial likelihood, Efron ties, Newton–Raphson; Wald interval",
    },
    ...(survival ? { OS_HR: osHr(osHazardRatio(survival.a, survival.b, survival.followUpDays, level)) } : {}),
  };
}

const osHr = (hr: HazardRatio | null): Estimate => ({
  value: hr ? r4(hr.value) : null,
  ci: hr ? [r4(hr.ci[0]), r4(hr.ci[1])] : [null, null],
});
