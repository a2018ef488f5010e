/**
 * The approved plan is the plan: the candidate the clinician approved, with the protocol as approved (days and
 * doses possibly edited) and the model's prediction for that protocol — re-simulated on the plan's posterior
 * samples when it was edited. Every report, page and export of an approved plan is made from this, never from the
 * stored candidate alone.
 */
import { candidateScore } from "./score.js";
import type { CandidateExplanation, Plan, RankedCandidate } from "./plan.js";
import { stepAgents, summarizeOutcome } from "./plan.js";
import { toxicityProxy, treatmentBurden } from "./rank.js";
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import type { Protocol } from "../therapy/protocol-schema.js";

export interface ApprovedCandidate extends RankedCandidate {
  /** Whether the clinician changed the generated protocol (then the prediction was simulated again). */
  readonly edited: boolean;
  /** The generated candidate it was made from. */
  readonly basedOn: string;
}

/** What to simulate for an edited protocol: the plan's own patient, posterior samples and horizon. */
export function approvedSimulationInput(plan: Plan, protocol: Protocol): SimulateCandidateInput {
  return {
    protocol,
    patient: plan.personalization.patient,
    samples: plan.samples,
    ...(plan.clinicalSamples ? { clinical: plan.clinicalSamples } : {}),
    horizon: plan.horizonDays,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The approved candidate. `protocol` is the protocol as approved (null or equal to the candidate's: not edited);
 * `outcome` is its simulation on the plan's samples, required when the protocol was edited.
 */
export function approvedCandidate(
  plan: Plan,
  chosen: string,
  protocol: Protocol | null,
  outcome: CandidateOutcome | null,
): ApprovedCandidate {
  const c = plan.candidates.find((k) => k.id === chosen);
  if (!c) throw new Error(`chosen: no candidate '${chosen}' in this plan`);
  if (!protocol || same(protocol, c.protocol)) return { ...c, edited: false, basedOn: c.id };
  if (!outcome) throw new Error("an edited protocol needs its simulated outcome");
  // plans made before issue 14 have no tumor types: the agents' general rates
  const toxicity = toxicityProxy(protocol, plan.personalization.patient, plan.tumorTypes ?? []);
  const burden = treatmentBurden(protocol);
  const summary = summarizeOutcome(outcome);
  // the generated candidate's per-sample outcomes and score difference from the first choice do not hold for the
  // edited protocol (its per-sample outcomes are its own simulation's)
  const { scoreDifference: _difference, sampleOutcomes: _outcomes, ...generated } = c;
  return {
    ...generated,
    ...(outcome.sampleOutcomes !== undefined ? { sampleOutcomes: outcome.sampleOutcomes } : {}),
    name: `${c.name} — edited on approval`,
    protocol,
    outcome: summary,
    toxicity,
    burden,
    score: candidateScore(summary, toxicity, burden, plan.weights),
    // the chance of being the best sample by sample needs every candidate's outcome: not compared again
    pBest: NaN,
    bands: { days: outcome.days, quantiles: outcome.bands },
    edited: true,
    basedOn: c.id,
  };
}

export const EDITED_NOTE =
  "The clinician edited this protocol on approval: its prediction was simulated again on the same posterior samples; the predictions 'without' each step were made for the generated protocol, before the edits.";

/**
 * The plan document as approved, for the clinician's report: the approved candidate in place of the generated
 * one (protocol, prediction, figures, the agents of each explained step) and first in the list of explanations.
 */
export function approvedPlanDocument(plan: Plan, approved: ApprovedCandidate): Plan {
  const candidates = plan.candidates.map((c) => (c.id === approved.basedOn ? approved : c));
  const explanations: CandidateExplanation[] = plan.explanations
    .map((x) =>
      x.id !== approved.basedOn || !approved.edited
        ? x
        : {
            ...x,
            steps: x.steps.map((s) => ({ ...s, agents: stepAgents(approved.protocol, s.component) })),
            cannotKnow: [EDITED_NOTE, ...x.cannotKnow],
          },
    )
    .sort((a, b) => Number(b.id === approved.basedOn) - Number(a.id === approved.basedOn));
  return { ...plan, candidates, explanations, recommended: approved.basedOn };
}
