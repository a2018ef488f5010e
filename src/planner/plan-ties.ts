/**
 * The plan's ties within Monte Carlo error (ties.ts): every candidate's score difference from the first choice with
 * its Monte Carlo standard error, and which candidates the first choice cannot be told apart from at the
 * posterior's size.
 */
import type { RankingWeights } from "./planning-data.js";
import {
  differenceText,
  differencesFromFirst,
  tiesSentence,
  TIE_Z,
  vsFirstText,
  type ScoreDifference,
} from "./ties.js";

export interface PlanTies {
  /** The candidate compared with (the plan's first choice, `recommended`). */
  readonly firstChoice: string;
  /** The posterior's effective sample size: n_eff = min(paired samples, ess) (ties.ts); the sample count when unknown. */
  readonly ess: number;
  /** |difference| ≤ z·SE is a tie. */
  readonly z: number;
  /** The candidates whose score lies within z Monte Carlo standard errors of the first choice's (ranking order). */
  readonly tiedWithFirst: readonly string[];
  /** One line near the first choice: how many candidates it cannot be told apart from, or that it can from all. */
  readonly message: string;
  readonly method: string;
}

export const TIES_METHOD = `Candidates are compared with the first choice on the same posterior samples (paired): the Monte Carlo standard error of a score difference is the standard deviation of the per-sample differences of w_control·control + w_elimination·elimination at 12 months, divided by √n_eff with n_eff = min(samples, the posterior's effective sample size) [Immunoplan assumption: resampled duplicates carry no new information]; toxicity and burden are the same on every sample and add no Monte Carlo error. When the two candidates' outcomes agree on every sample, the rule-of-three bound (w_control + w_elimination)·3/n_eff on the efficacy difference stands for ${TIE_Z} standard errors. A candidate is tied with the first choice when |difference| ≤ ${TIE_Z} standard errors.`;

/**
 * The posterior's effective sample size: the smallest ESS of its parameters (the clinical model's importance
 * sampling gives one Kish ESS to all; the core model's MCMC one per parameter), Infinity when none is known.
 */
export function posteriorEss(p: { readonly posterior: readonly { readonly ess: number }[] }): number {
  const known = p.posterior.map((x) => x.ess).filter((x) => Number.isFinite(x) && x > 0);
  return known.length ? Math.min(...known) : Infinity;
}

/** The score differences of every ranked candidate from the first choice, and the plan's ties. */
export function planTies(
  ranked: readonly { readonly id: string; readonly score: number; readonly sampleOutcomes?: string }[],
  firstId: string | null,
  weights: RankingWeights,
  ess: number,
): { readonly differences: ReadonlyMap<string, ScoreDifference>; readonly ties: PlanTies | null } {
  const r = differencesFromFirst(ranked, firstId, weights, ess);
  if (!r) return { differences: new Map(), ties: null };
  const first = ranked.find((c) => c.id === firstId)!;
  return {
    differences: r.differences,
    ties: {
      firstChoice: first.id,
      // finite for the JSON: with no ESS known, every sample counts
      ess: Number.isFinite(ess) ? ess : first.sampleOutcomes!.length,
      z: TIE_Z,
      tiedWithFirst: r.tied,
      message: tiesSentence(r.tied.length, r.nEff),
      method: TIES_METHOD,
    },
  };
}

/** A ranked candidate as the ties' texts read it. */
interface TieRow {
  readonly id: string;
  readonly rank: number;
  readonly name: string;
  readonly scoreDifference?: ScoreDifference;
}

/**
 * A ranking's cell "vs the first choice": "first choice", "tied: 0.030 ± 0.040" or "0.120 ± 0.031" (the score
 * difference of the first choice over the candidate ± 1.96 Monte Carlo standard errors), "" without the data.
 */
export function tieCell(plan: { readonly ties?: PlanTies }, c: TieRow): string {
  return plan.ties ? vsFirstText(c.id === plan.ties.firstChoice, c.scoreDifference) : "";
}

/** The line near the first choice, and one line per candidate tied with it (ranking order). */
export function tieLines(plan: {
  readonly ties?: PlanTies;
  readonly candidates: readonly TieRow[];
}): string[] {
  const t = plan.ties;
  if (!t) return [];
  const byId = new Map(plan.candidates.map((c) => [c.id, c]));
  return [
    t.message,
    ...t.tiedWithFirst.flatMap((id) => {
      const c = byId.get(id);
      return c?.scoreDifference
        ? [
            `#${c.rank} ${c.name} — tied with the first choice within Monte Carlo error (score difference ${differenceText(c.scoreDifference)})`,
          ]
        : [];
    }),
  ];
}
