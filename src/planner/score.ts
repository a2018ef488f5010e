/**
 * The ranking score of a candidate — one home for the server's ranking and the web app's re-ranking with the
 * clinician's weights (no imports: the browser bundle uses it as it is).
 */
export interface ScoreWeights {
  readonly control: number;
  readonly elimination: number;
  readonly toxicity: number;
  readonly burden: number;
}

/** Score = w_control·P(control, 12 mo) + w_elimination·P(elimination, 12 mo) − w_toxicity·tox − w_burden·burden. */
export function candidateScore(
  o: { readonly pControl: readonly number[]; readonly pElimination: readonly number[] },
  tox: { readonly score: number },
  burden: { readonly score: number },
  w: ScoreWeights,
): number {
  const last = o.pControl.length - 1;
  return (
    w.control * o.pControl[last] +
    w.elimination * o.pElimination[last] -
    w.toxicity * tox.score -
    w.burden * burden.score
  );
}
