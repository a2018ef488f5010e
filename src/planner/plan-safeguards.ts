/**
 * The modeller's safeguards of a plan on the clinical model: which parameters decide the first choice (and
 * whether the scans informed them), and the prior sensitivity line — the first choices simulated again on a
 * posterior made from the widened prior (every plausible patient of the population, uncalibrated weights, no
 * condition from the record) and ranked by the same score.
 */
import { armEvidence } from "../population/arm-evidence.js";
import { loadVpop } from "../population/vpop-file.js";
import type { CaseRecord } from "../clinic/case-schema.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import type { ClinicalPersonalization, ClinicalSample } from "./clinical-personalize.js";
import {
  decisiveOf,
  widenedPersonalization,
  type ClinicalPlanInfo,
  type PriorSensitivity,
} from "./plan-clinical.js";
import type { RankingWeights } from "./planning-data.js";
import { patientsLikeThis } from "./patients-like-this.js";
import { simulateAll } from "./pool.js";
import type { ToxicityProxy, TreatmentBurden } from "./rank.js";
import { candidateScore } from "./score.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { differenceText, scoreDifference, type ScoreDifference } from "./ties.js";

interface Scored {
  readonly cand: { readonly id: string; readonly name: string; readonly protocol: Protocol };
  readonly outcome: CandidateOutcome;
  readonly tox: ToxicityProxy;
  readonly burden: TreatmentBurden;
  readonly score: number;
}

/** Posterior draws of the widened prior (fewer than the plan's: it answers one question) [Immunoplan choice]. */
const WIDENED_DRAWS = 400;

export async function clinicalSafeguards(
  c: CaseRecord,
  clin: ClinicalPersonalization,
  personalOpts: { startDate: string; samples?: number; seed?: number; vpopFile?: string },
  top: readonly Scored[],
  input: (protocol: Protocol, samples?: readonly ClinicalSample[]) => SimulateCandidateInput,
  weights: RankingWeights,
  opts: {
    threads?: number;
    signal?: AbortSignal;
    onProgress?: (stage: string, done: number, total: number) => void;
  },
  firstOutcome: CandidateOutcome | undefined,
  /** Each candidate's score difference from the first choice on the plan's posterior (plan-ties.ts). */
  differences: ReadonlyMap<string, ScoreDifference> = new Map(),
): Promise<ClinicalPlanInfo> {
  const { samples: _s, ...rest } = clin;
  void _s;
  const decisive = firstOutcome
    ? decisiveOf(clin, firstOutcome.finalLog10)
    : { decisive: [], priorOnlyDecisive: [] };
  let sensitivity: PriorSensitivity | null = null;
  if (top.length > 0) {
    const wide = await widenedPersonalization(c, {
      ...personalOpts,
      draws: WIDENED_DRAWS,
      threads: opts.threads,
      signal: opts.signal,
    });
    if (wide) {
      const outcomes = await simulateAll(
        top.map((t) => input(t.cand.protocol, wide.samples)),
        {
          threads: opts.threads,
          signal: opts.signal,
          onProgress: (d, t) => opts.onProgress?.("prior sensitivity", d, t),
        },
      );
      const compared = top.map((t, i) => ({
        id: t.cand.id,
        score: t.score,
        widenedScore: candidateScore(outcomes[i], t.tox, t.burden, weights),
      }));
      const best = [...compared].sort((a, b) => b.widenedScore - a.widenedScore)[0];
      const changed = best.id !== top[0].cand.id;
      const name = (id: string) => top.find((t) => t.cand.id === id)!.cand.name;
      const widened = `every one of the ${wide.prior.plausible} plausible ${wide.prior.cancer} patients with equal weights (the priors before calibration) and no condition from the record (posterior ESS ${Math.round(wide.ess)})`;
      // a change to a candidate the first choice was tied with is within the ranking's Monte Carlo error
      const calibrated = changed ? differences.get(best.id) : undefined;
      const widenedTiedWithFirst = calibrated?.tiedWithFirst ?? false;
      const bi = top.findIndex((t) => t.cand.id === best.id);
      const onWidened =
        changed && outcomes[0].sampleOutcomes !== undefined && outcomes[bi].sampleOutcomes !== undefined
          ? scoreDifference(
              { score: compared[0].widenedScore, sampleOutcomes: outcomes[0].sampleOutcomes },
              { score: best.widenedScore, sampleOutcomes: outcomes[bi].sampleOutcomes },
              weights,
              wide.ess,
            )
          : null;
      const why = priorChangeReason(name(top[0].cand.id), name(best.id), calibrated, onWidened);
      sensitivity = {
        widened,
        ess: wide.ess,
        compared,
        firstChoice: top[0].cand.id,
        widenedFirstChoice: best.id,
        changed,
        ...(changed ? { widenedTiedWithFirst, widenedScoreDifference: onWidened } : {}),
        message: changed
          ? `Prior sensitivity: with the prior widened to ${widened}, the first choice changes from ${name(top[0].cand.id)} to ${name(best.id)} (among the ${top.length} best)${why}`
          : `Prior sensitivity: with the prior widened to ${widened}, the first choice (${name(top[0].cand.id)}) stays first among the ${top.length} best.`,
      };
    }
  }
  const population =
    top.length > 0
      ? await patientsLikeThis(
          c,
          personalOpts.startDate,
          top.map((t) => t.cand),
          {
            vpopFile: personalOpts.vpopFile,
            threads: opts.threads,
          },
        )
      : null;
  return { ...rest, ...decisive, sensitivity, population };
}

/**
 * How the prior sensitivity line reads a changed first choice (the text after "the first choice changes from A to
 * B (among the k best)"): a change is Monte Carlo noise when A and B are tied within Monte Carlo error on both the
 * calibrated and the widened posterior (ties.ts); otherwise the ranking depends on the calibrated prior. The score
 * differences (A − B, ± 1.96 Monte Carlo standard errors) are given either way.
 */
export function priorChangeReason(
  first: string,
  widenedFirst: string,
  calibrated: ScoreDifference | undefined,
  onWidened: ScoreDifference | null,
): string {
  const withinNoise = (calibrated?.tiedWithFirst ?? false) && (onWidened?.tiedWithFirst ?? true);
  const detail = [
    calibrated ? `calibrated posterior ${differenceText(calibrated)}` : "",
    onWidened ? `widened posterior ${differenceText(onWidened)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  if (withinNoise)
    return `. ${widenedFirst} is tied with ${first} within Monte Carlo error on both posteriors (score difference ${detail}): the change lies within the ranking's Monte Carlo error and does not by itself show that the ranking depends on the calibrated prior.`;
  const split = calibrated?.tiedWithFirst
    ? "; tied on the calibrated posterior, separated on the widened one"
    : "";
  return `: the ranking depends on the calibrated prior${detail ? ` (score difference of ${first} over ${widenedFirst}, ± 1.96 Monte Carlo standard errors: ${detail}${split})` : ""}.`;
}

/** A tail of the calibration population's baseline burden beyond which the plan says it extrapolates [Immunoplan choice]. */
export const BURDEN_TAIL = 0.1;

/**
 * A flag when the patient's baseline sum of diameters lies in a tail of the calibrated population's: the model's
 * effects depend strongly on burden (effector-to-target ratio), and the trials constrained them only on average.
 */
export function burdenTailFlag(info: Pick<ClinicalPlanInfo, "prior"> | undefined): string[] {
  const b = info?.prior.burden;
  if (!b || !Number.isFinite(b.percentile)) return [];
  if (b.percentile >= BURDEN_TAIL && b.percentile <= 1 - BURDEN_TAIL) return [];
  const share = Math.round((b.percentile < BURDEN_TAIL ? 1 - b.percentile : b.percentile) * 100);
  return [
    `The patient's sum of diameters at the first scan used (${b.sldMm} mm) is ${b.percentile < BURDEN_TAIL ? "smaller" : "larger"} than that of ${share} % of the calibrated population: the predicted effects rest on the model's dependence on tumour burden (effector-to-target ratio), which the trials constrained only on average.`,
  ];
}

/**
 * A posterior predictive check that failed: the patient's own later scans the model does not reproduce (the
 * observed sum of diameters outside the posterior's 90 % band widened by the reader's limits of agreement). The
 * figures then rest on a model that does not explain this patient's course, and every page that shows the plan
 * says so.
 */
export function ppcFlag(info: Pick<ClinicalPlanInfo, "ppc"> | undefined): string[] {
  const missed = info?.ppc.scans.filter((s) => !s.inside) ?? [];
  if (missed.length === 0) return [];
  const mm = (x: number) => `${Math.round(x * 10) / 10} mm`;
  const list = missed
    .map(
      (s) =>
        `${s.date}: ${mm(s.observedSldMm)} observed, ${mm(s.median)} predicted (90 %: ${mm(s.lower90)}–${mm(s.upper90)})`,
    )
    .join("; ");
  return [
    `The model does not reproduce ${missed.length === 1 ? "one of the patient's scans" : `${missed.length} of the patient's scans`} (posterior predictive check: ${list}): the posterior's figures rest on a course the model does not explain.`,
  ];
}

/**
 * The first choice beyond the calibration (population/arm-evidence.ts): an agent that no calibration or label trial
 * of the case's cancer type gives, or a combination of classes none of them combined — with the best-ranked
 * candidate that lies within it, if any. `ranked`: the treated candidates, first choice first; `evidence`: theirs
 * (candidateEvidence).
 */
export function calibrationEvidenceFlag(
  ranked: readonly { id: string; name: string }[],
  evidence: ReadonlyMap<string, { extrapolated: boolean; reasons: readonly string[] }> | null,
): string[] {
  const first = ranked[0] && evidence?.get(ranked[0].id);
  if (!first?.extrapolated) return [];
  const k = ranked.findIndex((c) => evidence!.get(c.id)?.extrapolated === false);
  const within =
    k > 0
      ? ` Within the calibration, the best-ranked candidate is #${k + 1}: ${ranked[k].name}.`
      : " No candidate lies within the calibration.";
  return [
    `The first choice (${ranked[0].name}) lies beyond the calibration: ${first.reasons.join("; ")}. Its figures extrapolate the model beyond the trials that checked it.${within}`,
  ];
}

/** Per candidate id, whether it lies beyond the calibration of the case's cancer type and why (null: no population). */
export function candidateEvidence(
  vpopFile: string | undefined,
  candidates: readonly { id: string; name: string; protocol: Protocol }[],
): Map<string, { extrapolated: boolean; reasons: string[] }> | null {
  if (!vpopFile) return null;
  const { vpop } = loadVpop(vpopFile);
  const evidence = armEvidence(candidates, vpop);
  // an untreated course (no agent with a modelled effect) has nothing to stand behind
  return new Map(
    candidates.flatMap((c, i) =>
      evidence[i].agents.length
        ? [[c.id, { extrapolated: evidence[i].extrapolated, reasons: evidence[i].reasons }] as const]
        : [],
    ),
  );
}
