/**
 * Overall survival in an in-silico trial: the follow-up at which it is read and each published OS figure's
 * simulated value (median_OS_months, OS_<n>mo, OS_HR), from each arm's simulated deaths (overall-survival.ts).
 * Shared by the trial run (trial-run.ts) and the survival model's fit (survival-fit.ts).
 */
import { medianSurvival } from "./kaplan-meier.js";
import type { SurvivalModel, SurvivalOutcome } from "./overall-survival.js";
import type { Trial } from "./trial-file.js";
import { patientCutDay } from "./patient-outcome.js";
import { DAYS_PER_MONTH, osHazardRatio, osKaplanMeier, pfsAt, type FollowUp } from "./trial-outcomes.js";
import { LANDMARK, type PublishedEndpoint } from "./trial-schema.js";

/** Each arm's simulated deaths and the follow-up (days) at which overall survival is read. */
export interface SurvivalRead {
  readonly deaths: ReadonlyMap<string, readonly SurvivalOutcome[]>;
  readonly followUpDays: number;
  /** Enrolment period (days, assessment.accrual_weeks): a figure at a data cut censors each patient at its own. */
  readonly accrualDays?: number;
}

/** Overall survival's follow-up (days) where nothing else sets it: the survival model's default (5 years). */
export const defaultOsFollowUpDays = (model: SurvivalModel): number => model.follow_up_weeks * 7;

/**
 * The trial's OS follow-up (days): `assessment.os_follow_up_weeks`, else the model's default or just past the
 * latest published OS landmark, whichever is later.
 */
export function osFollowUpDays(trial: Trial, model: SurvivalModel): number {
  const weeks = trial.document.assessment.os_follow_up_weeks;
  if (weeks) return weeks * 7;
  const landmarkDays = trial.published.map((p) => {
    const lm = LANDMARK.exec(p.endpoint);
    return lm && lm[1] === "OS" ? Number(lm[2]) * DAYS_PER_MONTH + 1 : 0;
  });
  return Math.max(defaultOsFollowUpDays(model), ...landmarkDays);
}

/** A published OS figure's simulated value, censored at its data cut or else at the read's follow-up. */
export function survivalValue(
  p: PublishedEndpoint,
  names: readonly string[],
  os: SurvivalRead,
): { value: number | null; ci: [number | null, number | null] | null } {
  const cut = p.data_cut_weeks !== undefined ? p.data_cut_weeks * 7 : undefined;
  const fu: FollowUp =
    cut === undefined
      ? os.followUpDays
      : os.accrualDays
        ? (id: string) => patientCutDay(id, { cutDay: cut, accrualDays: os.accrualDays })
        : cut;
  const pooled = names.flatMap((n) => os.deaths.get(n) ?? []);
  if (pooled.length === 0) return { value: null, ci: null };
  if (p.endpoint === "OS_HR") {
    const hr = p.versus !== undefined ? osHazardRatio(pooled, os.deaths.get(p.versus) ?? [], fu) : null;
    return hr ? { value: hr.value, ci: hr.ci } : { value: null, ci: null };
  }
  const km = osKaplanMeier(pooled, fu);
  if (p.endpoint === "median_OS_months") {
    const m = medianSurvival(km);
    return { value: m.value, ci: [m.ci[0], m.ci[1]] };
  }
  const lm = LANDMARK.exec(p.endpoint);
  if (lm && lm[1] === "OS") return pfsAt(km, Number(lm[2]));
  return { value: null, ci: null };
}
