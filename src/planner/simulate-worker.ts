/** Worker-thread entry of the planning pool: simulates one candidate on every posterior sample. */
import type { CandidateOutcome, SimulateCandidateInput } from "./simulate-candidate.js";
import { simulatePlanCandidate } from "./simulate-any.js";

export default function run(input: SimulateCandidateInput): CandidateOutcome {
  return simulatePlanCandidate(input);
}
