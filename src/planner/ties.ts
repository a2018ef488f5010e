/**
 * Ties within Monte Carlo error: whether a candidate's score can be told apart from the first choice's at the
 * posterior's size. Every candidate is simulated on the SAME posterior samples (common random numbers), so the
 * comparison is paired: for candidate B against the first choice A, sample j contributes
 *
 *   d_j = w_control·(controlA_j − controlB_j) + w_elimination·(elimA_j − elimB_j)
 *
 * (control = no progression by the last milestone, elimination = eliminated by it: the per-sample indicators whose
 * means are the P(control) and P(elimination) of the score). Toxicity and burden are deterministic per candidate:
 * they shift the difference by a constant without adding Monte Carlo error. The score difference D = score(A) −
 * score(B) has the Monte Carlo standard error SE = sd(d) / √n_eff, with sd the sample standard deviation (n − 1
 * denominator) over the samples both candidates simulated and
 *
 *   n_eff = min(paired samples, the posterior's effective sample size)
 *
 * [Immunoplan assumption: the posterior is drawn by resampling importance weights (or by thinning MCMC draws), and a
 * resampled duplicate carries no information its original did not; the Kish ESS (or the MCMC ESS) is the
 * information content]. B is tied with the first choice when |D| ≤ 1.96·SE (a 95 % two-sided interval of the
 * difference contains 0). When the two candidates' outcomes agree on every sample, the sample SD is 0 but the
 * efficacy difference is not known to be 0: its 95 % bound from the rule of three, (|w_control| + |w_elimination|)·
 * 3/n_eff, stands for 1.96·SE, so a toxicity or burden difference smaller than that bound is a tie (until
 * 2026-12-01 such a pair was "separated" by toxicity alone: 0.005 ± 0.000). Each candidate is compared with the
 * first choice alone, without a correction for multiple comparisons: "tied" means "not distinguishable from the
 * first choice at this posterior size", not "equivalent".
 *
 * No imports: the web app's re-ranking with the clinician's weights uses this file as it is (as score.ts).
 */

/** Per-sample outcome flags: controlled (no progression by the last milestone), eliminated by it. */
export const CONTROLLED = 1;
export const ELIMINATED = 2;
/** The character of a sample whose simulation failed (left out of the paired comparison). */
export const FAILED_SAMPLE = "x";
/** The two-sided 95 % normal quantile: |D| ≤ TIE_Z·SE is a tie. */
export const TIE_Z = 1.96;

/**
 * A candidate's outcome on each posterior sample, one character per sample in the samples' order: "0" neither,
 * "1" controlled, "2" eliminated, "3" both (the CONTROLLED | ELIMINATED bits), "x" failed. One byte per sample:
 * compact in memory, across worker threads and in the plan's JSON.
 */
export function sampleOutcomeChar(failed: boolean, controlled: boolean, eliminated: boolean): string {
  return failed ? FAILED_SAMPLE : String((controlled ? CONTROLLED : 0) | (eliminated ? ELIMINATED : 0));
}

export interface ScoreWeightsForTies {
  readonly control: number;
  readonly elimination: number;
}

export interface ScoreDifference {
  /** score(first choice) − score(this candidate). */
  readonly value: number;
  /** Its Monte Carlo standard error (sd of the paired differences / √n_eff). */
  readonly se: number;
  /** |value| ≤ 1.96·se (or both 0): not distinguishable from the first choice at this posterior size. */
  readonly tiedWithFirst: boolean;
}

/**
 * The score difference of the first choice over a candidate and its Monte Carlo standard error, from the two
 * candidates' per-sample outcomes (sampleOutcomeChar strings over the same samples) and scores. `ess` is the
 * posterior's effective sample size (Infinity when every sample is an independent draw). Null when fewer than
 * two samples succeeded for both, or the strings do not cover the same samples.
 */
export function scoreDifference(
  first: { readonly score: number; readonly sampleOutcomes: string },
  other: { readonly score: number; readonly sampleOutcomes: string },
  w: ScoreWeightsForTies,
  ess: number,
): ScoreDifference | null {
  const a = first.sampleOutcomes;
  const b = other.sampleOutcomes;
  if (a.length !== b.length) return null;
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let j = 0; j < a.length; j++) {
    if (a[j] === FAILED_SAMPLE || b[j] === FAILED_SAMPLE) continue;
    const fa = a.charCodeAt(j) - 48;
    const fb = b.charCodeAt(j) - 48;
    const control = (fa & CONTROLLED ? 1 : 0) - (fb & CONTROLLED ? 1 : 0);
    const elimination = (fa & ELIMINATED ? 1 : 0) - (fb & ELIMINATED ? 1 : 0);
    const d = w.control * control + w.elimination * elimination;
    // Welford's update of the mean and the sum of squared deviations
    n++;
    const delta = d - mean;
    mean += delta / n;
    m2 += delta * (d - mean);
  }
  if (n < 2) return null;
  const sd = Math.sqrt(Math.max(0, m2) / (n - 1));
  const nEff = Math.min(n, ess > 0 ? ess : n);
  let se = sd / Math.sqrt(nEff);
  // no discordant sample: the sample SD is 0, but the efficacy difference is only known to be small. A discordant
  // sample moves d by at most |w_control| + |w_elimination|, and with none among n_eff the 95 % upper bound of the
  // discordance rate is 3/n_eff (the rule of three; Hanley & Lippman-Hand, JAMA 1983;249:1743-5): the bound is
  // expressed as a standard error (bound / 1.96) so that the tie rule and the reports read it as any other
  if (m2 === 0 && mean === 0) se = ((Math.abs(w.control) + Math.abs(w.elimination)) * 3) / nEff / TIE_Z;
  const value = first.score - other.score;
  // rounding of the scores (sums of weighted probabilities) must not split identical candidates
  const zero = Math.abs(value) <= 1e-12;
  return { value: zero ? 0 : value, se, tiedWithFirst: zero || Math.abs(value) <= TIE_Z * se };
}

/**
 * The line near the first choice: "the first choice is not distinguishable from N other candidates at this posterior
 * size", or that its score differs from every other candidate's by more than the Monte Carlo error.
 */
export function tiesSentence(tied: number, nEff: number): string {
  if (tied <= 0)
    return `The first choice's score differs from every other candidate's by more than ${TIE_Z} Monte Carlo standard errors of the paired difference (${Math.round(nEff)} effective samples).`;
  return `The first choice is not distinguishable from ${tied} other candidate${tied === 1 ? "" : "s"} at this posterior size (${Math.round(nEff)} effective samples): their score differences from it lie within ${TIE_Z} Monte Carlo standard errors of the paired difference, so their order among them is not determined by the model.`;
}

/** A difference as the reports print it: "0.030 ± 0.040" (the ± is 1.96 standard errors). */
export function differenceText(d: ScoreDifference): string {
  return `${d.value.toFixed(3)} ± ${(TIE_Z * d.se).toFixed(3)}`;
}

/** The samples of a per-sample string that succeeded (failures left out). */
export function succeededSamples(sampleOutcomes: string): number {
  let n = 0;
  for (let j = 0; j < sampleOutcomes.length; j++) if (sampleOutcomes[j] !== FAILED_SAMPLE) n++;
  return n;
}

/**
 * Every ranked candidate's score difference from the first choice (`firstId`), the candidates tied with it (ranking
 * order) and the n_eff of the comparison; null when the first choice has no per-sample outcomes. One home for the
 * plan (plan-ties.ts) and the web app's re-ranking with the clinician's weights.
 */
export function differencesFromFirst(
  ranked: readonly { readonly id: string; readonly score: number; readonly sampleOutcomes?: string }[],
  firstId: string | null,
  w: ScoreWeightsForTies,
  ess: number,
): { differences: Map<string, ScoreDifference>; tied: string[]; nEff: number } | null {
  const first = ranked.find((c) => c.id === firstId);
  if (!first?.sampleOutcomes) return null;
  const differences = new Map<string, ScoreDifference>();
  for (const c of ranked) {
    if (c.id === first.id || c.sampleOutcomes === undefined) continue;
    const d = scoreDifference(
      { score: first.score, sampleOutcomes: first.sampleOutcomes },
      { score: c.score, sampleOutcomes: c.sampleOutcomes },
      w,
      ess,
    );
    if (d) differences.set(c.id, d);
  }
  return {
    differences,
    tied: ranked.filter((c) => differences.get(c.id)?.tiedWithFirst).map((c) => c.id),
    nEff: Math.min(succeededSamples(first.sampleOutcomes), ess),
  };
}

/** A ranking's cell "vs the first choice": "first choice", "tied: 0.030 ± 0.040", "0.120 ± 0.031" or "". */
export function vsFirstText(isFirst: boolean, d: ScoreDifference | null | undefined): string {
  if (isFirst) return "first choice";
  return d ? `${d.tiedWithFirst ? "tied: " : ""}${differenceText(d)}` : "";
}
