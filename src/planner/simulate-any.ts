/** A candidate simulated on the plan's posterior samples: the clinical model's when the plan has them, else the core model's. */
import {
  simulateCandidate,
  type CandidateOutcome,
  type SimulateCandidateInput,
} from "./simulate-candidate.js";
import { simulateClinicalCandidate } from "./simulate-clinical-candidate.js";

export function simulatePlanCandidate(input: SimulateCandidateInput): CandidateOutcome {
  return input.clinical
    ? simulateClinicalCandidate({ ...input, clinical: input.clinical })
    : simulateCandidate(input);
}
