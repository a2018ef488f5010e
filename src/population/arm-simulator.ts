/**
 * The arm simulator of in-silico trials on a calibrated virtual population: an arm's patients are drawn (with
 * replacement, in proportion to their calibrated weight) from the population's patients that the arm's
 * population fields enrol (src/population/eligibility.ts), simulated under the arm's protocol on the clinical
 * model and measured at the trial's scans with fresh reader noise.
 */
import { kishEss, seededRandom } from "../engine/statistics.js";
import { carriedStates, enrol, type PoolMember } from "./eligibility.js";
import { trialPatientPretreated } from "./line-of-therapy.js";
import { carryOf, runBatches } from "./simulate-batch.js";
import type { ArmSimulator, CancerType, SimulateArmRequest, SimulatedCourse } from "./types.js";
import { sampleVirtualPatient } from "./virtual-patient.js";
import { loadVpop, shippedVpopFile, VpopError, type VpopFile } from "./vpop-file.js";

export interface PopulationArmSimulator extends ArmSimulator {
  readonly vpop: VpopFile;
  readonly warnings: readonly string[];
}

/** Draws k indices with probabilities ∝ p (cumulative sums and binary search; seeded). */
export function drawWeighted(p: ArrayLike<number>, k: number, rand: () => number): number[] {
  const cum = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) cum[i] = s += p[i];
  if (!(s > 0)) return [];
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const u = rand() * s;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out.push(lo);
  }
  return out;
}

/** Below this effective sample size of the enrolled weights, an arm's figures rest on few distinct patients. */
export const FEW_PATIENTS_ESS = 50;

/**
 * A warning when the enrolled patients' weights p have an effective sample size (Σp)² / Σp² below FEW_PATIENTS_ESS
 * (say, PD-L1 ≥ 50 % in melanoma, 0.4 % of the population): the arm draws its patients again and again from a few
 * virtual patients, so its confidence intervals, computed on the drawn patients, are too narrow.
 */
export function fewPatientsNote(p: ArrayLike<number>): string | null {
  const ess = kishEss(p);
  if (ess === 0 || ess >= FEW_PATIENTS_ESS) return null;
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) n++;
  return `the eligible virtual patients (${n} of the population) have an effective sample size of ${ess.toFixed(1)}: the arm's figures rest on few distinct patients drawn again and again, and its confidence intervals are too narrow`;
}

export function populationSimulator(
  vpop: VpopFile,
  warnings: string[] = [],
  threads?: number,
): PopulationArmSimulator {
  const pool: PoolMember[] = vpop.patients.map((p) => ({
    covariates: sampleVirtualPatient(vpop.cancer, p.seed).covariates,
    refractory: p.refractory,
    ...(p.carry ? { carry: p.carry } : {}),
  }));
  const weights = vpop.patients.map((p) => p.weight);
  return {
    vpop,
    warnings,
    async simulateArm(req: SimulateArmRequest): Promise<SimulatedCourse[]> {
      if (req.population.cancer !== vpop.cancer)
        throw new VpopError(
          `the virtual population is of ${vpop.cancer}, the trial of ${req.population.cancer}`,
        );
      const { factor, notes, excludedBy } = enrol(pool, req.population, weights);
      for (const n of notes) if (!warnings.includes(n)) warnings.push(n);
      const p = factor.map((f, i) => f * weights[i]);
      const few = fewPatientsNote(p);
      if (few && !warnings.includes(few)) warnings.push(few);
      const rand = seededRandom(req.seed);
      const drawn = drawWeighted(p, req.patients, rand);
      if (drawn.length === 0) throw new VpopError(nobodyEnrolled(vpop.cancer, pool, req, excludedBy));
      const days = [0, ...req.scanDays.filter((d) => d > 0)];
      const [result] = await runBatches(
        [
          {
            cancer: vpop.cancer,
            seeds: drawn.map((i) => vpop.patients[i].seed),
            noiseSeeds: drawn.map(() => Math.floor(rand() * 2 ** 31)),
            ids: drawn.map((i, k) => `p${k + 1}-vp${i}`),
            protocol: req.protocol,
            days,
            settings: { criteria: "recist1.1", confirm: false },
            courses: true,
            pretreated: drawn.map((i) =>
              trialPatientPretreated(req.population.prior_lines, pool[i].covariates.prior_lines),
            ),
            ...carryOf(drawn.map((i) => carriedStates(pool[i], req.population))),
          },
        ],
        { threads, onProgress: req.onProgress },
      );
      return result.courses ?? [];
    },
  };
}

/** Why an arm enrols nobody: the population fields that admit no virtual patient, with what the patients are. */
function nobodyEnrolled(
  cancer: string,
  pool: readonly PoolMember[],
  req: SimulateArmRequest,
  excludedBy: readonly string[],
): string {
  const pop = req.population;
  const stages = [...new Set(pool.map((m) => m.covariates.stage))].join(", ");
  const say = (f: string): string => {
    if (f === "stage")
      return `population.stage [${(pop.stage as readonly string[]).join(", ")}] covers none of them (their stages: ${stages})`;
    if (f.startsWith("refractory_to: "))
      return `population.refractory_to '${f.slice(15)}': none of them progressed on it in their reference regimen`;
    const v = (pop as unknown as Record<string, unknown>)[f];
    return `population.${f} ${JSON.stringify(v)} admits none of them`;
  };
  const why = excludedBy.length
    ? excludedBy.map(say).join("; ")
    : pop.stage && !Array.isArray(pop.stage)
      ? `no stage of the distribution population.stage (${Object.keys(pop.stage).join(", ")}) covers an eligible patient (their stages: ${stages}), or the criteria together exclude every one`
      : "the population's criteria together exclude every one";
  return `no virtual patient of ${cancer} fits the trial population: ${why}`;
}

/** The simulator for a cancer type: a given population file, or the shipped one (vpops/<cancer>.json). */
export async function armSimulatorFor(
  cancer: CancerType,
  vpopFile?: string,
  threads?: number,
): Promise<PopulationArmSimulator> {
  const { vpop, warnings } = loadVpop(vpopFile ?? shippedVpopFile(cancer));
  if (vpop.cancer !== cancer)
    throw new VpopError(`${vpopFile}: a population of ${vpop.cancer}, not of ${cancer}`);
  return populationSimulator(vpop, warnings, threads);
}
