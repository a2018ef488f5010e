/** Worker-thread entry of the planning pool: simulates one candidate on every posterior sample. */
import {
  simulateCandidate,
  type CandidateOutcome,
  type SimulateCandidateInput,
} from "./simulate-candidate.js";

export default function run(input: SimulateCandidateInput): CandidateOutcome {
  return simulateCandidate(input);
}
