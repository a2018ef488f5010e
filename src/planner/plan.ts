/**
 * From a case to a ranked, explained set of personalized candidate protocols: evaluate the case, fit the core
 * model to the patient's own scans (posterior samples), generate the candidates the evaluation and the
 * sequencing rules allow, simulate each on every sample (in parallel), rank by the clinician's weights and
 * explain the best ones step by step, with the model's prediction with and without each step.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { evaluateCase } from "../clinic/evaluate.js";
import { caseTumorTypes, tumorTypes as tumorTypeData } from "../clinic/tumor-types.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import {
  candidateBuilder,
  generateCandidates,
  KILLER_MODALITY,
  type Candidate,
  type CandidateDesign,
} from "./candidates.js";
import { personalizeCase } from "./personalize.js";
import { clinicalCannotKnow, clinicalNadir, clinicalPersonalization } from "./plan-clinical.js";
import { COMPONENTS, MODALITY_OF, present, stepAgents, without } from "./plan-explain.js";
import { cannotKnow, unknownToxicityNote } from "./plan-notes.js";
import { toxicityOrderFlag } from "./toxicity-order.js";
import {
  burdenTailFlag,
  calibrationEvidenceFlag,
  candidateEvidence,
  ppcFlag,
  clinicalSafeguards,
} from "./plan-safeguards.js";
import { planTies, posteriorEss } from "./plan-ties.js";
import {
  summarizeOutcome,
  type CandidateExplanation,
  type Plan,
  type PlanOptions,
  type RankedCandidate,
  type StepExplanation,
} from "./plan-types.js";
import { planningData } from "./planning-data.js";
import { simulateAll } from "./pool.js";
import { probabilityBest, toxicityProxy, treatmentBurden } from "./rank.js";
import { candidateScore } from "./score.js";
import { BAND_QUANTILES, MILESTONES } from "./simulate-candidate.js";
import { startBurden } from "./start-burden.js";

// the plan's types and helpers, importable from here as before the split
export type {
  CandidateExplanation,
  OutcomeSummary,
  Plan,
  PlanOptions,
  RankedCandidate,
  StepExplanation,
} from "./plan-types.js";
export { summarizeOutcome } from "./plan-types.js";
export { stepAgents } from "./plan-explain.js";
export { BURDEN_AGREEMENT_FACTOR, startBurden, type StartBurden } from "./start-burden.js";

export const PLAN_DISCLAIMER =
  "Decision support from research models, not a medical decision: the clinician decides. The predictions come from a mechanistic tumor–immune model with published and assumed parameters, calibrated on published trials where a calibrated population of the cancer type exists and updated by this patient's scans; they carry the uncertainty shown and more that the model cannot know.";

export async function planCase(c: CaseRecord, opts: PlanOptions = {}): Promise<Plan> {
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const horizon = opts.horizon ?? 365;
  const data = planningData();
  const { source: weightsSource, ...defaults } = data.weights;
  const weights = opts.weights ?? defaults;
  const ev = evaluateCase(c, date);
  opts.onProgress?.("fitting the patient's model", 0, 1);
  const personalOpts = {
    startDate: date,
    samples: opts.samples ?? 100,
    seed: opts.seed ?? 1,
    draws: opts.priorDraws,
    vpopFile: opts.vpopFile,
  };
  const clinical = opts.coreModel
    ? null
    : await clinicalPersonalization(c, { ...personalOpts, threads: opts.threads, signal: opts.signal });
  const pers =
    clinical?.pers ??
    personalizeCase(c, {
      startDate: date,
      samples: opts.samples ?? 100,
      seed: opts.seed ?? 1,
      warmup: opts.mcmc?.warmup,
      draws: opts.mcmc?.draws,
    });
  opts.onProgress?.("fitting the patient's model", 1, 1);
  // the sample with the median burden on the start day sets the killer-cell days
  const byBurden = [...pers.samples].sort((a, b) => (a.initial.T ?? 0) - (b.initial.T ?? 0));
  const representative = clinical
    ? clinicalNadir(clinical.clin.samples)
    : byBurden[Math.floor(byBurden.length / 2)];
  const set = generateCandidates(ev, c, pers.patient, {
    representative,
    maxCandidates: opts.maxCandidates,
    seed: opts.seed,
  });
  const input = (protocol: Protocol, samples = clinical?.clin.samples) => ({
    protocol,
    patient: pers.patient,
    samples: pers.samples,
    ...(samples ? { clinical: samples } : {}),
    horizon,
  });
  const outcomes = await simulateAll(
    set.candidates.map((x) => input(x.protocol)),
    {
      threads: opts.threads,
      signal: opts.signal,
      onProgress: (d, t) => opts.onProgress?.("simulating candidates", d, t),
    },
  );
  const pBest = probabilityBest(outcomes.map((o) => o.finalLog10));
  const tumorTypes = caseTumorTypes(c);
  const scored = set.candidates.map((cand, i) => {
    const tox = toxicityProxy(cand.protocol, pers.patient, tumorTypes);
    const burden = treatmentBurden(cand.protocol);
    return {
      cand,
      outcome: outcomes[i],
      tox,
      burden,
      pBest: pBest[i],
      score: candidateScore(outcomes[i], tox, burden, weights),
    };
  });
  // best score first; ties (common when many candidates control every sample) go to the lower toxicity
  scored.sort((a, b) => b.score - a.score || a.tox.score - b.tox.score || a.cand.id.localeCompare(b.cand.id));
  const nExplain = Math.min(opts.explain ?? 3, scored.length);
  const treated = scored.filter((s) => s.cand.id !== "none");
  const explained = treated.slice(0, nExplain);
  const reference = scored.find((s) => s.cand.id === "none");
  // the candidates the first choice cannot be told apart from at this posterior's size (paired samples)
  const { differences, ties } = planTies(
    scored.map((s) => ({ id: s.cand.id, score: s.score, sampleOutcomes: s.outcome.sampleOutcomes })),
    explained[0]?.cand.id ?? null,
    weights,
    posteriorEss(pers),
  );
  // ablations: each explained candidate without each of its steps
  const build = candidateBuilder(c, pers.patient, representative);
  const byId = new Map(scored.map((s) => [s.cand.id, s.outcome]));
  const ablations: { of: string; component: StepExplanation["component"]; cand: Candidate | null }[] = [];
  for (const e of explained)
    for (const comp of COMPONENTS)
      if (present(e.cand.design, comp)) {
        const r = build(without(e.cand.design, comp));
        ablations.push({ of: e.cand.id, component: comp, cand: "errors" in r ? null : r });
      }
  const toRun = [
    ...new Map(
      ablations.filter((a) => a.cand && !byId.has(a.cand.id)).map((a) => [a.cand!.id, a.cand!]),
    ).values(),
  ];
  const extra = await simulateAll(
    toRun.map((x) => input(x.protocol)),
    {
      threads: opts.threads,
      signal: opts.signal,
      onProgress: (d, t) => opts.onProgress?.("explaining the best candidates", d, t),
    },
  );
  toRun.forEach((x, i) => byId.set(x.id, extra[i]));
  const eligibility = new Map(ev.eligibility.map((e) => [e.modality, e]));
  const explanations: CandidateExplanation[] = explained.map((e) => {
    const compiled = compileProtocol(e.cand.protocol, pers.patient);
    const steps = ablations
      .filter((a) => a.of === e.cand.id)
      .map((a): StepExplanation => {
        const purpose = data.purposes[a.component]!;
        const modality =
          a.component === "killers"
            ? KILLER_MODALITY[e.cand.design.killers as Exclude<CandidateDesign["killers"], "none">]
            : MODALITY_OF[a.component](e.cand.design);
        const el = eligibility.get(modality);
        const o = a.cand ? byId.get(a.cand.id) : undefined;
        return {
          component: a.component,
          clinicStep: purpose.step,
          agents: stepAgents(e.cand.protocol, a.component),
          targets: purpose.targets,
          source: purpose.source,
          eligibility: {
            verdict: el?.verdict ?? "suitable",
            reasons: el?.reasons.length
              ? el.reasons.map((r) => `${r.reason} [${r.rule}; ${r.source}]`)
              : ["no evaluation rule advises against it for this case"],
          },
          without: a.cand && o ? { id: a.cand.id, ...summarizeOutcome(o) } : null,
        };
      });
    return {
      id: e.cand.id,
      steps,
      modelNotes: compiled.notes,
      cannotKnow: clinical
        ? clinicalCannotKnow(clinical.clin, ev, compiled.notes)
        : cannotKnow(pers, ev, compiled.notes),
    };
  });
  const evidence = candidateEvidence(
    clinical?.clin.prior.file,
    scored.map((s) => s.cand),
  );
  const keepBands = new Set([...explained.map((e) => e.cand.id), "none"]);
  const candidates: RankedCandidate[] = scored.map((s, i) => ({
    rank: i + 1,
    id: s.cand.id,
    name: s.cand.name,
    design: s.cand.design,
    protocol: s.cand.protocol,
    outcome: summarizeOutcome(s.outcome),
    pBest: s.pBest,
    toxicity: s.tox,
    burden: s.burden,
    score: s.score,
    ...(differences.has(s.cand.id) ? { scoreDifference: differences.get(s.cand.id) } : {}),
    ...(s.outcome.sampleOutcomes !== undefined ? { sampleOutcomes: s.outcome.sampleOutcomes } : {}),
    warnings: s.cand.warnings.map((w) => `${w.message}${w.rule ? ` [${w.rule}]` : ""}`),
    ...(evidence?.has(s.cand.id) ? { evidence: evidence.get(s.cand.id) } : {}),
    ...(keepBands.has(s.cand.id)
      ? {
          bands: {
            days: s.outcome.days,
            quantiles: s.outcome.bands,
            ...(s.outcome.sldBands ? { sld: s.outcome.sldBands } : {}),
          },
        }
      : {}),
  }));
  const { samples, ...personalization } = pers;
  const start = startBurden(ev.burden, pers.burdenAtStart);
  const first = explained[0];
  const clinicalInfo = clinical
    ? await clinicalSafeguards(
        c,
        clinical.clin,
        personalOpts,
        explained.slice(0, 3),
        input,
        weights,
        opts,
        first?.outcome,
        differences,
      )
    : undefined;
  const flags = [
    ...coreModelFlag(clinical !== null, opts.coreModel === true, tumorTypes),
    ...(pers.converged
      ? []
      : [
          `The personalization did not converge (${pers.convergence ?? "R-hat ≥ 1.1"}): read every figure with caution.`,
        ]),
    ...(clinicalInfo?.priorOnlyDecisive.length
      ? [
          `The first choice's outcome is decided by ${clinicalInfo.priorOnlyDecisive.join(", ")}, which the patient's scans did not inform: the prior alone sets them.`,
        ]
      : []),
    ...(clinicalInfo?.sensitivity?.changed ? [clinicalInfo.sensitivity.message] : []),
    ...burdenTailFlag(clinicalInfo),
    ...ppcFlag(clinicalInfo),
    ...calibrationEvidenceFlag(
      treated.map((s) => s.cand),
      evidence,
    ),
    ...toxicityOrderFlag(
      scored.map((x) => ({
        id: x.cand.id,
        name: x.cand.name,
        outcome: x.outcome,
        tox: x.tox,
        score: x.score,
      })),
      explained[0]?.cand.id ?? null,
      weights,
    ),
    ...ev.findings.map((f) => `The record: ${f.what} — ${f.detail}.`),
  ];
  return {
    kind: "immunoplan-plan",
    version: 1,
    caseId: c.id,
    date,
    disclaimer: PLAN_DISCLAIMER,
    evaluation: {
      missing: ev.checklist.filter((i) => i.status !== "present").map((i) => `${i.what}: ${i.detail}`),
      eligibility: ev.eligibility,
      burden: ev.burden,
    },
    personalization: {
      ...personalization,
      samples: clinical ? clinical.clin.samples.length : samples.length,
    },
    startBurden: start,
    tumorTypes,
    horizonDays: horizon,
    milestonesDays: [...MILESTONES],
    bandQuantiles: [...BAND_QUANTILES],
    weights,
    weightsSource,
    scoreFormula:
      "score = w_control·P(control at 12 months) + w_elimination·P(elimination at 12 months) − w_toxicity·P(grade ≥ 3 adverse event) − w_burden·burden score",
    toxicitySource: data.toxicity.source,
    burdenSource: data.burden.source,
    candidatesConsidered: set.considered,
    candidates,
    recommended: explained[0]?.cand.id ?? null,
    explanations,
    rejected: set.rejected,
    excludedModalities: set.excludedModalities,
    notes: [
      ...flags,
      // a changed first choice is among the flags already (listed first): not twice
      ...(clinicalInfo?.sensitivity && !flags.includes(clinicalInfo.sensitivity.message)
        ? [clinicalInfo.sensitivity.message]
        : []),
      start.message,
      ...(clinicalInfo?.population ? [clinicalInfo.population.message] : []),
      ...set.notes,
      ...unknownToxicityNote(scored.map((x) => x.tox)),
      ...(reference
        ? [
            `Without treatment the model predicts P(control at 12 months) = ${reference.outcome.pControl[1].toFixed(2)} and a median time to progression of ${reference.outcome.medianTtp ?? "> " + horizon} days.`,
          ]
        : []),
    ],
    simulations:
      (set.candidates.length + toRun.length) *
      (clinical ? clinical.clin.samples.length : pers.samples.length),
    samples,
    model: clinical ? "clinical" : "core",
    ...(clinicalInfo ? { clinical: clinicalInfo, clinicalSamples: clinical!.clin.samples } : {}),
    ...(ties ? { ties } : {}),
    flags,
  };
}

/**
 * Said first on every page of a plan the core model made: its figures are not calibrated on any trial (the clinical
 * model needs a calibrated population of the case's cancer type; catalog/tumor-types.yaml, vpops/).
 */
export function coreModelFlag(calibrated: boolean, asked: boolean, types: readonly string[]): string[] {
  if (calibrated) return [];
  const note =
    "the de Pillis-based reference model, calibrated on no trial: read them as a mechanism to explore, not as response or control probabilities.";
  if (asked) return [`These figures come from the core model, as asked: ${note}`];
  const names = types.map((id) => tumorTypeData().types.find((t) => t.id === id)?.name ?? id);
  return [
    `No calibrated virtual population exists for ${names.length ? names.join(", ") : "this case's cancer type (not recognised from its diagnosis)"}: these figures come from the core model, ${note}`,
  ];
}
