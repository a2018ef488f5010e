/** Why a solve failed. */
export type SolverFailure =
  "step-size-underflow" | "non-finite-derivative" | "too-many-steps" | "singular-matrix" | "invalid-problem";

/**
 * A typed solver failure: says why, at which time and in which state.
 * `state` is a copy of the last accepted (or initial) state; `names` labels it when known.
 */
export class SolverError extends Error {
  override readonly name = "SolverError";
  constructor(
    readonly failure: SolverFailure,
    readonly t: number,
    readonly state: readonly number[],
    detail: string,
    readonly names?: readonly string[],
  ) {
    super(`${failure} at t = ${formatNumber(t)}: ${detail}; state ${describeState(state, names)}`);
  }
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(8).replace(/\.?0+(e|$)/, "$1") : String(x);
}

export function describeState(state: readonly number[], names?: readonly string[]): string {
  return "{" + state.map((v, i) => `${names?.[i] ?? `y[${i}]`} = ${formatNumber(v)}`).join(", ") + "}";
}
