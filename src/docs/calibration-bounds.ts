/**
 * The calibration report's table of the medians' CI ends held as one-sided constraints (population/calibrate.ts,
 * calibration-targets.ts medianBounds): where the priors and the calibrated weights leave PFS at each end.
 */
import { BOUND_SIGMA } from "../population/calibration-targets.js";
import type { VpopFile } from "../population/vpop-file.js";

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);

export function boundsTable(vpop: VpopFile): string[] {
  const bounds = vpop.calibration.bounds;
  if (bounds === undefined) return [];
  if (bounds.length === 0)
    return ["No published median of this population's trials has a CI to hold it in.", ""];
  return [
    "Medians held inside their published CIs: PFS at least 50 % at the CI's lower end, at most 50 % at its upper end",
    `(one-sided constraints, tolerance ${BOUND_SIGMA}; 'held': up to one tolerance on the wrong side; the scan's day read as its expectation over the visit window):`,
    "",
    "| trial | arm | median (95 % CI) | end | PFS there, priors | calibrated | held |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...bounds.map((b) => {
      const ci = b.ci ? `${b.ci[0]}–${b.ci[1] ?? "NR"}` : "";
      // held: on the asked side of 50 %, up to one tolerance
      const miss =
        b.calibrated === null ? null : b.side === "lower" ? 0.5 - b.calibrated : b.calibrated - 0.5;
      const held = miss === null ? "—" : miss <= b.sigma ? "yes" : "**no**";
      return `| ${b.trial} | ${b.arm} | ${b.published} mo (${ci}) | ${b.side}, ${b.at_months} mo | ${pct(b.prior)} | ${pct(b.calibrated)} | ${held} |`;
    }),
    "",
  ];
}
