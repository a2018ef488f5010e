/**
 * The direction of two-arm ORR differences, for docs/calibration.md: the published difference against the
 * simulated one, both arms read alike — at the read (data cut, criteria, reviewer) the published pair was — so
 * that a first report's difference is not set against the whole follow-up's. A pair of arms whose ORRs were not
 * published at one read is not judged.
 */
import { readLabel } from "../population/published-read.js";
import type { TrialResult } from "../population/trial-run.js";

export interface DirectionCheck {
  readonly arm: string;
  readonly versus: string;
  readonly published: number;
  /** The simulated difference at the published pair's read; null when an arm has no simulated value. */
  readonly simulated: number | null;
  readonly right: boolean;
}

/** Every two-arm difference whose ORRs the trial published, with the simulated difference read alike. */
export function directionChecks(
  runs: readonly Pick<TrialResult, "comparisons" | "differences">[],
): DirectionCheck[] {
  return runs.flatMap((r) =>
    r.differences.flatMap((d) => {
      const pub = r.comparisons.filter((c) => c.endpoint === "ORR" && c.published !== null);
      const key = (c: (typeof pub)[number]) => `${readLabel(c)}|${c.central_review ? "central" : ""}`;
      const pair = pub
        .filter((a) => a.arm === d.arm)
        .map((a) => ({ a, b: pub.find((b) => b.arm === d.versus && key(b) === key(a)) }))
        .find((p) => p.b !== undefined);
      if (!pair || !pair.b) return [];
      const { a, b } = pair;
      const simulated = a.simulated !== null && b.simulated !== null ? a.simulated - b.simulated : null;
      const published = a.published! - b.published!;
      return [
        {
          arm: d.arm,
          versus: d.versus,
          published,
          simulated,
          right: simulated !== null && Math.sign(simulated) === Math.sign(published),
        },
      ];
    }),
  );
}

/** "7 of 8 (wrong: A vs B: +0.19 points, published -0.80)" */
export function orrDirections(runs: readonly Pick<TrialResult, "comparisons" | "differences">[]): string {
  const checks = directionChecks(runs);
  const wrong = checks.filter((c) => !c.right);
  const pts = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(2)}`;
  const named = wrong.map(
    (c) =>
      `${c.arm} vs ${c.versus}: ${c.simulated === null ? "no simulated value" : `${pts(c.simulated)} points`}, published ${pts(c.published)}`,
  );
  return `${checks.length - wrong.length} of ${checks.length}${named.length ? ` (wrong: ${named.join("; ")})` : ""}`;
}
