/**
 * A safeguard on the ranking: when the first choice's toxicity figure is a lower bound (an agent without a sourced
 * grade ≥ 3 rate, or only a floor: toxicity-risk.ts) and it ranks above candidates that the model predicts to
 * control or eliminate the tumour at least as well mainly because their toxicity figures are higher, the order rests
 * on missing data — an agent of unknown toxicity counts as harmless in the score — and the plan says so.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import type { ToxicityProxy } from "./rank.js";
import type { ScoreWeights } from "./score.js";

export interface RankedForToxicity {
  readonly id: string;
  readonly name: string;
  readonly outcome: { readonly pControl: readonly number[]; readonly pElimination: readonly number[] };
  readonly tox: Pick<ToxicityProxy, "score" | "lowerBound" | "unknownAgents">;
  readonly score: number;
}

/** Efficacy part of the score at the horizon (w_control·control + w_elimination·elimination). */
const efficacy = (r: RankedForToxicity, w: ScoreWeights) =>
  w.control * (r.outcome.pControl.at(-1) ?? 0) + w.elimination * (r.outcome.pElimination.at(-1) ?? 0);

/**
 * The flag, or none: `ranked` in rank order (the "none" candidate may be among them: it is skipped), `first` the id
 * of the first choice.
 */
export function toxicityOrderFlag(
  ranked: readonly RankedForToxicity[],
  first: string | null,
  w: ScoreWeights,
): string[] {
  const i0 = ranked.findIndex((r) => r.id === first);
  if (i0 < 0 || w.toxicity <= 0) return [];
  const f = ranked[i0];
  if (!f.tox.lowerBound) return [];
  const e0 = efficacy(f, w);
  const below = ranked
    .map((r, i) => ({ r, rank: i + 1 }))
    .filter(
      ({ r }, i) =>
        i > i0 &&
        r.id !== "none" &&
        efficacy(r, w) >= e0 - 1e-12 &&
        r.tox.score > f.tox.score &&
        // the toxicity terms account for most of the gap in score (treatment burden for the rest)
        w.toxicity * (r.tox.score - f.tox.score) >= 0.5 * (f.score - r.score) - 1e-12,
    );
  if (!below.length) return [];
  const names = f.tox.unknownAgents.map((a) => therapyCatalog().agents.get(a)?.name ?? a);
  const shown = below
    .slice(0, 3)
    .map(({ r, rank }) => `#${rank} ${r.name}`)
    .join("; ");
  return [
    `The first choice (${f.name}) ranks above ${below.length} candidate(s) that the model predicts to control and eliminate the tumour at least as well (${shown}${below.length > 3 ? "; …" : ""}) mainly by its lower toxicity figure, and that figure is a lower bound: no sourced grade ≥ 3 rate${f.tox.unknownAgents.length ? ` (or only a floor) for ${names.join(", ")}` : ""}. The order among them rests on missing toxicity data, not on evidence that the first choice is safer.`,
  ];
}
