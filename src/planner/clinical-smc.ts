/**
 * When importance sampling from the smoothed prior leaves too few effective patients (the scans single out a kind
 * of patient the prior rarely draws), the posterior is sampled again by sequential Monte Carlo (engine/tempered-smc.ts):
 * the prior draws already simulated are the first particles; the likelihood of the scans is brought in by degrees
 * (β from 0 to 1), and at each degree every patient is moved by Metropolis steps within its member's kernel of the
 * smoothed prior (smoothed-prior.ts), each step a new simulation of the patient's history. The moves find the
 * patients near the favoured ones that explain the scans better, instead of resting on one or two draws.
 */
import { standardNormal } from "../engine/statistics.js";
import { temperedSmc, type SmcParticle, type SmcStage } from "../engine/tempered-smc.js";
import type { VirtualPatient } from "../population/virtual-patient.js";
import type { HistoryRun } from "./history-likelihood.js";
import type { SmoothedPrior } from "./smoothed-prior.js";

/** Particles of the sequential Monte Carlo [Immunoplan choice: 400; with 3 moves a stage ~1,200 simulations]. */
export const SMC_PARTICLES = 400;
/** Metropolis moves per particle and stage [Immunoplan choice]. */
export const SMC_MOVES = 3;
/** Simulations the sequential Monte Carlo may spend before it stops short of the posterior [Immunoplan choice]. */
export const SMC_MAX_SIMULATIONS = 30_000;

export interface PriorDraw {
  /** Index of the member of the conditioned prior whose kernel the draw came from. */
  readonly member: number;
  /** The draw on the kernel's transformed scale. */
  readonly y: Float64Array;
  /** Its simulation through the history, or null when the solver failed. */
  readonly run: HistoryRun | null;
}

export interface SmcPosterior {
  /** Equally weighted posterior patients. */
  readonly runs: HistoryRun[];
  readonly stages: SmcStage[];
  readonly simulations: number;
  readonly complete: boolean;
  /** Distinct patients among the final particles. */
  readonly distinct: number;
  readonly particles: number;
}

export async function smcPosterior(
  /** Simulates patients through the history (in parallel where it can), null where the solver failed. */
  simulate: (patients: readonly VirtualPatient[]) => Promise<(HistoryRun | null)[]>,
  members: readonly VirtualPatient[],
  kernel: SmoothedPrior,
  draws: readonly PriorDraw[],
  useNewLesions: boolean,
  rand: () => number,
  opts: { particles?: number; moves?: number; maxSimulations?: number } = {},
): Promise<SmcPosterior> {
  const logLik = (r: HistoryRun | null) =>
    !r || (useNewLesions && r.newLesion) || !Number.isFinite(r.ll) ? -Infinity : r.ll;
  const centers = new Map<number, Float64Array>();
  const center = (m: number) => {
    let c = centers.get(m);
    if (!c) centers.set(m, (c = kernel.center(members[m])));
    return c;
  };
  const initial: SmcParticle<HistoryRun>[] = draws.map((d) => ({
    component: d.member,
    y: d.y,
    logPrior: kernel.logKernel(center(d.member), d.y),
    logLik: logLik(d.run),
    payload: d.run,
  }));
  const res = await temperedSmc<HistoryRun>(
    {
      logPrior: (m, y) => kernel.logKernel(center(m), y),
      evaluate: async (points) => {
        const runs = await simulate(points.map((p) => kernel.decode(members[p.component], p.y)));
        return runs.map((run) => (run ? { logLik: logLik(run), payload: run } : null));
      },
      center,
      // coordinates the kernel never moves for some member stay put for all (their scale is 0)
      scale: kernel.scale,
    },
    initial,
    {
      particles: opts.particles ?? SMC_PARTICLES,
      moves: opts.moves ?? SMC_MOVES,
      maxEvaluations: opts.maxSimulations ?? SMC_MAX_SIMULATIONS,
      rand,
      normal: standardNormal,
    },
  );
  const runs = res.particles.map((p) => p.payload!).filter((r) => r !== null);
  return {
    runs,
    stages: res.stages,
    simulations: res.evaluations,
    complete: res.complete,
    // each particle holds its own simulation: the last stage's distinct particles are the distinct patients
    distinct: res.stages.at(-1)?.distinct ?? 0,
    particles: res.particles.length,
  };
}
