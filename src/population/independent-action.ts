/**
 * Independent drug action (IDA) of a combination on paired virtual patients: a patient treated with A + B is
 * expected to do as well as with the better of A and B alone, nothing more (Bliss independence at the patient
 * level). Palmer AC, Izar B, Hwangbo H, Sorger PK (Clin Cancer Res 2022;28:368) found the progression-free survival
 * of 13 phase III trials of immune-checkpoint-inhibitor combinations (4,173 patients) predicted by IDA from the
 * monotherapies (Pearson r = 0.98), with no evidence of additivity or synergy; Plana, Palmer & Sorger (Cancer
 * Discov 2022;12:606) review the same for other practice-changing combinations. A model whose combination responses
 * exceed IDA on the same patients has synergy that no combination trial has shown.
 */
import { isResponder, type PatientOutcome } from "./patient-outcome.js";

export interface IndependentAction {
  readonly patients: number;
  /** Objective response rates of the two monotherapies and of the combination. */
  readonly orrA: number;
  readonly orrB: number;
  readonly orrCombination: number;
  /** IDA on the same patients: the share responding to A or to B (the model's own correlation between them). */
  readonly orrIda: number;
  /** IDA with uncorrelated responses, 1 − (1 − a)(1 − b) (the upper bound of IDA when responses correlate ≥ 0). */
  readonly orrIdaUncorrelated: number;
  /** Of the patients responding to neither monotherapy, the share responding to the combination (synergy). */
  readonly synergyShare: number;
  /** Of the patients responding to a monotherapy, the share not responding to the combination (antagonism). */
  readonly antagonismShare: number;
}

/** IDA of a combination from three arms given to the same patients, in the same order. */
export function independentAction(
  a: readonly PatientOutcome[],
  b: readonly PatientOutcome[],
  combination: readonly PatientOutcome[],
): IndependentAction {
  const n = a.length;
  if (n === 0 || b.length !== n || combination.length !== n)
    throw new RangeError("independent action needs three arms of the same patients (paired, equal sizes)");
  let ra = 0;
  let rb = 0;
  let rc = 0;
  let either = 0;
  let neither = 0;
  let neitherC = 0;
  let eitherNotC = 0;
  for (let i = 0; i < n; i++) {
    if (a[i].id !== b[i].id || a[i].id !== combination[i].id)
      throw new RangeError(
        `patient ${i}: the arms are not paired (${a[i].id}, ${b[i].id}, ${combination[i].id})`,
      );
    const x = isResponder(a[i]);
    const y = isResponder(b[i]);
    const z = isResponder(combination[i]);
    if (x) ra++;
    if (y) rb++;
    if (z) rc++;
    if (x || y) {
      either++;
      if (!z) eitherNotC++;
    } else {
      neither++;
      if (z) neitherC++;
    }
  }
  const orrA = ra / n;
  const orrB = rb / n;
  return {
    patients: n,
    orrA,
    orrB,
    orrCombination: rc / n,
    orrIda: either / n,
    orrIdaUncorrelated: 1 - (1 - orrA) * (1 - orrB),
    synergyShare: neither ? neitherC / neither : 0,
    antagonismShare: either ? eitherNotC / either : 0,
  };
}
