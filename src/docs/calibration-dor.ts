/**
 * The calibration report's table of the published median durations of response a population holds as constraints
 * (`vpop build --dor-targets on`, calibration-targets.ts dorFeature): the share of the observed responders still
 * responding at the published median, under the priors and the calibrated weights (one half asked).
 */
import type { VpopFile } from "../population/vpop-file.js";

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);

export function dorTable(vpop: VpopFile): string[] {
  const dor = vpop.calibration.dor;
  if (dor === undefined) return [];
  if (dor.length === 0)
    return ["No published median duration of response of this population's trials is held.", ""];
  return [
    "Durations of response held by the weights (each published median as half of the observed responders still",
    "responding there; tolerance on the share: the binomial SE among the published responders with the 0.03 floor):",
    "",
    "| trial | arm | median DoR | still responding there, priors | calibrated | tolerance (share) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...dor.map(
      (d) =>
        `| ${d.trial} | ${d.arm} | ${d.published} mo | ${pct(d.prior)} | ${pct(d.calibrated)} | ${d.sigma} (on the ORR's scale) |`,
    ),
    "",
  ];
}
