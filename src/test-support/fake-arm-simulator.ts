/**
 * A deterministic arm simulator for tests of the trial machinery: patient k of an arm responds (targets −50 %
 * from the first scan on, never progresses) when k is a multiple of `every` (2 for protocols whose name contains
 * "strong", else 3); the others grow 30 % per scan and progress at scan 1 + (k mod 4). Every outcome is known in
 * advance, so the aggregation, Kaplan–Meier and comparisons can be checked exactly.
 */
import type { LesionMeasurement } from "../clinic/recist.js";
import type { ArmSimulator, SimulateArmRequest, SimulatedCourse } from "../population/types.js";

export function responds(k: number, protocolName: string): boolean {
  return k % (protocolName.includes("strong") ? 2 : 3) === 0;
}

/** Index (1-based, among the scans after baseline) of the progression scan of a non-responder. */
export const progressionScan = (k: number) => 1 + (k % 4);

export const fakeArmSimulator: ArmSimulator = {
  async simulateArm(req: SimulateArmRequest): Promise<SimulatedCourse[]> {
    const out: SimulatedCourse[] = [];
    for (let k = 0; k < req.patients; k++) {
      const r = responds(k, req.protocol.name);
      const size = (i: number) =>
        i === 0 ? 40 : r ? 20 : i >= progressionScan(k) ? 40 * 1.3 ** (i - progressionScan(k) + 1) : 40;
      const days = [0, ...req.scanDays];
      const scans = days.map((day, i) => {
        const lesions: LesionMeasurement[] = [
          { lesionId: "T1", role: "target", nodal: false, diameterMm: size(i) / 2 },
          { lesionId: "T2", role: "target", nodal: false, diameterMm: size(i) / 2 },
        ];
        return { day, lesions };
      });
      out.push({
        id: `p${k}`,
        covariates: { cancer: req.population.cancer },
        scans,
        trueSumMm: days.map((_, i) => size(i)),
      });
      req.onProgress?.(k + 1, req.patients);
    }
    return out;
  },
};
