/**
 * From a case to a ranked, explained set of personalized candidate protocols: evaluate the case, fit the core
 * model to the patient's own scans (posterior samples), generate the candidates the evaluation and the
 * sequencing rules allow, simulate each on every sample (in parallel), rank by the clinician's weights and
 * explain the best ones step by step, with the model's prediction with and without each step.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import { evaluateCase, type Evaluation } from "../clinic/evaluate.js";
import { caseTumorTypes } from "../clinic/tumor-types.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { stepDays } from "../therapy/protocol-schema.js";
import {
  candidateBuilder,
  generateCandidates,
  KILLER_MODALITY,
  type Candidate,
  type CandidateDesign,
} from "./candidates.js";
import type { ClinicalSample } from "./clinical-personalize.js";
import { personalizeCase, type ParameterSample, type Personalization } from "./personalize.js";
import {
  clinicalCannotKnow,
  clinicalNadir,
  clinicalPersonalization,
  type ClinicalPlanInfo,
} from "./plan-clinical.js";
import { burdenTailFlag, clinicalSafeguards } from "./plan-safeguards.js";
import { planningData, type RankingWeights } from "./planning-data.js";
import { simulateAll } from "./pool.js";
import {
  probabilityBest,
  toxicityProxy,
  treatmentBurden,
  type ToxicityProxy,
  type TreatmentBurden,
} from "./rank.js";
import { candidateScore } from "./score.js";
import { INDEPENDENCE_ASSUMPTION } from "./toxicity-risk.js";
import { BAND_QUANTILES, MILESTONES, type CandidateOutcome } from "./simulate-candidate.js";

export const PLAN_DISCLAIMER =
  "Decision support from research models, not a medical decision: the clinician decides. The predictions come from a mechanistic tumor–immune model with published and assumed parameters, calibrated on published trials where a calibrated population of the cancer type exists and updated by this patient's scans; they carry the uncertainty shown and more that the model cannot know.";

export interface PlanOptions {
  /** Evaluation date and the plan's day 0 (ISO). Default today. */
  readonly date?: string;
  readonly samples?: number;
  readonly maxCandidates?: number;
  readonly horizon?: number;
  readonly weights?: RankingWeights;
  readonly threads?: number;
  readonly seed?: number;
  /** How many candidates are explained in full (the recommendation and the best alternatives). Default 3. */
  readonly explain?: number;
  readonly mcmc?: { readonly warmup?: number; readonly draws?: number };
  /** Virtual patients drawn from the conditioned prior of the clinical model (default 1,000). */
  readonly priorDraws?: number;
  /** The calibrated population to use instead of the shipped one of the case's cancer type. */
  readonly vpopFile?: string;
  /** Use the de Pillis-based core model even when the cancer type has a calibrated population. */
  readonly coreModel?: boolean;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface OutcomeSummary {
  readonly samples: number;
  readonly failures: number;
  /** P(no progression) at 6 and 12 months. */
  readonly pControl: readonly number[];
  readonly pElimination: readonly number[];
  readonly medianTtpDays: number | null;
  /** Median log10 tumor cells at the horizon. */
  readonly medianFinalLog10: number;
  /** Clinical model: P(best change of the sum of diameters ≤ −30 %) and P(complete response) within the horizon. */
  readonly pResponse?: number;
  readonly pComplete?: number;
}

export interface RankedCandidate {
  readonly rank: number;
  readonly id: string;
  readonly name: string;
  readonly design: CandidateDesign;
  readonly protocol: Protocol;
  readonly outcome: OutcomeSummary;
  readonly pBest: number;
  readonly toxicity: ToxicityProxy;
  readonly burden: TreatmentBurden;
  readonly score: number;
  readonly warnings: readonly string[];
  /** Burden bands (log10 cells at `days`, quantiles 5/25/50/75/95 %), kept for the explained candidates. */
  readonly bands?: {
    readonly days: readonly number[];
    readonly quantiles: readonly (readonly number[])[];
    /** Clinical model: the sum of diameters of the target lesions (mm), same quantiles. */
    readonly sld?: readonly (readonly number[])[];
  };
}

export interface StepExplanation {
  readonly component: "debulking" | "virus" | "checkpoint" | "il2" | "killers" | "maintenance";
  readonly clinicStep: string;
  readonly agents: readonly {
    readonly id: string;
    readonly name: string;
    readonly dose: string;
    readonly route: string;
    readonly days: readonly number[];
  }[];
  readonly targets: string;
  readonly source: string;
  readonly eligibility: { readonly verdict: string; readonly reasons: readonly string[] };
  /** The model's prediction without this step (null when that design breaks a rule). */
  readonly without: (OutcomeSummary & { readonly id: string }) | null;
}

export interface CandidateExplanation {
  readonly id: string;
  readonly steps: readonly StepExplanation[];
  readonly modelNotes: readonly string[];
  readonly cannotKnow: readonly string[];
}

/** The tumor burden on day 0: the evaluation's estimate from the scans, and the personalized model's start. */
export interface StartBurden {
  /** The latest scan on or before the plan's date, read as `evaluate` reads it (src/clinic/evaluate.ts caseBurden). */
  readonly scan: Evaluation["burden"];
  /** Tumor cells on day 0 in the personalized model (posterior median and 95 % interval). */
  readonly model: { readonly median: number; readonly lower95: number; readonly upper95: number };
  /** Whether the model's median agrees with the scan (within a factor of 10, or under the detection bound). */
  readonly consistent: boolean;
  readonly message: string;
}

/** A factor 10 in cells is a factor 2.15 in diameter [assumption: beyond it the two estimates disagree]. */
export const BURDEN_AGREEMENT_FACTOR = 10;

export function startBurden(scan: Evaluation["burden"], model: StartBurden["model"]): StartBurden {
  const m = model.median.toExponential(2);
  if (scan.cells === null)
    return { scan, model, consistent: true, message: `no measured scan: the model starts at ${m} cells` };
  const s = scan.cells.toExponential(2);
  const consistent =
    scan.window === "below detection"
      ? model.median <= scan.cells
      : model.median <= scan.cells * BURDEN_AGREEMENT_FACTOR &&
        model.median >= scan.cells / BURDEN_AGREEMENT_FACTOR;
  const reading =
    scan.window === "below detection"
      ? `below imaging detection (at most ~${s} cells) on ${scan.date}`
      : `~${s} cells (${scan.window}) on ${scan.date}`;
  return {
    scan,
    model,
    consistent,
    message: consistent
      ? `Tumor burden on day 0: the scans say ${reading}; the model starts at ${m} cells (median), in agreement.`
      : `Tumor burden disagrees: the scans say ${reading}, the personalized model starts at ${m} cells (median; 95 % ${model.lower95.toExponential(1)}–${model.upper95.toExponential(1)}) — its predictions start from a burden the latest scan does not show; read the ranking with that in mind.`,
  };
}

export interface Plan {
  readonly kind: "immunoplan-plan";
  readonly version: 1;
  readonly caseId: string;
  readonly date: string;
  readonly disclaimer: string;
  readonly evaluation: {
    readonly missing: readonly string[];
    readonly eligibility: Evaluation["eligibility"];
    readonly burden: Evaluation["burden"];
  };
  readonly personalization: Omit<Personalization, "samples"> & { readonly samples: number };
  /** One burden estimate for day 0: the evaluation's reading of the scans, and whether the model agrees. */
  readonly startBurden: StartBurden;
  /** The case's tumor types (catalog/tumor-types.yaml): they select the trial rates of the toxicity estimate. */
  readonly tumorTypes: readonly string[];
  readonly horizonDays: number;
  readonly milestonesDays: readonly number[];
  readonly bandQuantiles: readonly number[];
  readonly weights: RankingWeights;
  readonly weightsSource: string;
  readonly scoreFormula: string;
  readonly toxicitySource: string;
  readonly burdenSource: string;
  readonly candidatesConsidered: number;
  readonly candidates: readonly RankedCandidate[];
  readonly recommended: string | null;
  readonly explanations: readonly CandidateExplanation[];
  readonly rejected: readonly { readonly name: string; readonly problems: readonly string[] }[];
  readonly excludedModalities: readonly { readonly modality: string; readonly reason: string }[];
  readonly notes: readonly string[];
  readonly simulations: number;
  /** The posterior samples (parameter values and the state on day 0), for re-simulating edited protocols. */
  readonly samples: readonly ParameterSample[];
  /** Which model made the predictions: the calibrated clinical model, or the core model (no calibrated population). */
  readonly model?: "clinical" | "core";
  /** The clinical model's personalization, safeguards and prior sensitivity. */
  readonly clinical?: ClinicalPlanInfo;
  /** The clinical model's posterior samples (the patient on day 0), for re-simulating edited protocols. */
  readonly clinicalSamples?: readonly ClinicalSample[];
  /** Warnings every page and report that shows the plan repeats (posterior not converged, prior-only decisive parameters). */
  readonly flags?: readonly string[];
}

export function summarizeOutcome(o: CandidateOutcome): OutcomeSummary {
  const finite = o.finalLog10.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    samples: o.samples,
    failures: o.failures.length,
    pControl: o.pControl,
    pElimination: o.pElimination,
    medianTtpDays: o.medianTtp,
    medianFinalLog10: finite.length ? finite[Math.floor(finite.length / 2)] : NaN,
    ...(o.pResponse !== undefined ? { pResponse: o.pResponse, pComplete: o.pComplete } : {}),
  };
}

const COMPONENTS: readonly StepExplanation["component"][] = [
  "debulking",
  "virus",
  "checkpoint",
  "il2",
  "killers",
  "maintenance",
];

function present(d: CandidateDesign, c: StepExplanation["component"]): boolean {
  switch (c) {
    case "debulking":
      return d.debulking !== "none";
    case "virus":
      return d.virus;
    case "checkpoint":
      return d.activation === "checkpoint" || d.activation === "checkpoint+il2";
    case "il2":
      return d.activation === "il2" || d.activation === "checkpoint+il2";
    case "killers":
      return d.killers !== "none";
    case "maintenance":
      return d.maintenance;
  }
}

/** The design without one component (maintenance goes with the checkpoint inhibitor). */
function without(d: CandidateDesign, c: StepExplanation["component"]): CandidateDesign {
  switch (c) {
    case "debulking":
      return { ...d, debulking: "none" };
    case "virus":
      return { ...d, virus: false, gapDays: 0 };
    case "checkpoint":
      return {
        ...d,
        activation: d.activation === "checkpoint+il2" ? "il2" : "none",
        maintenance: false,
        gapDays: d.activation === "checkpoint+il2" ? d.gapDays : 0,
      };
    case "il2":
      return {
        ...d,
        activation: d.activation === "checkpoint+il2" ? "checkpoint" : "none",
        gapDays: d.activation === "checkpoint+il2" ? d.gapDays : 0,
      };
    case "killers":
      return { ...d, killers: "none", killerTiming: "nadir" };
    case "maintenance":
      return { ...d, maintenance: false };
  }
}

const MODALITY_OF: Record<
  Exclude<StepExplanation["component"], "killers">,
  (d: CandidateDesign) => string
> = {
  debulking: (d) => d.debulking,
  virus: () => "oncolytic-virus",
  checkpoint: () => "checkpoint-inhibitor",
  il2: () => "cytokine",
  maintenance: () => "checkpoint-inhibitor",
};

export function stepAgents(protocol: Protocol, c: StepExplanation["component"]): StepExplanation["agents"] {
  const catalog = therapyCatalog();
  const modalities: Record<StepExplanation["component"], (id: string, intent?: string) => boolean> = {
    debulking: (_id, intent) => intent?.startsWith("debulking") ?? false,
    virus: (id) => catalog.agents.get(id)?.modality === "oncolytic-virus",
    checkpoint: (id, intent) => id === "pembrolizumab" && intent === "immune activation",
    il2: (id, intent) => id === "aldesleukin" && intent === "immune activation",
    killers: (_id, intent) =>
      intent === "elimination of residual cells" || intent === "ADCC" || (intent?.includes("TIL") ?? false),
    maintenance: (_id, intent) => intent?.startsWith("maintenance") ?? false,
  };
  return protocol.phases.flatMap((ph) =>
    ph.steps
      .filter((s) => modalities[c](s.agent, s.intent))
      .map((s) => ({
        id: s.agent,
        name: catalog.agents.get(s.agent)?.name ?? s.agent,
        dose: `${s.dose.value} ${s.dose.unit}`,
        route: s.route,
        days: stepDays(ph, s),
      })),
  );
}

/** What the model cannot know, for this case and candidate. */
function cannotKnow(p: Personalization, ev: Evaluation, notes: readonly string[]): string[] {
  const out = [
    "The immune parameters are the published de Pillis 2006 values (patient 9), not this patient's: tumor sizes cannot identify them.",
    `Antigenicity, suppression and tolerance are drawn from wide priors (${p.posterior
      .filter((x) => !x.informedByData)
      .map((x) => `${x.name} ${x.prior}`)
      .join("; ")}): the spread of the predictions reflects them.`,
    "The model has one tumor compartment: it cannot see new lesions, sites the drugs do not reach (e.g. the brain), resistance mutations or antigen loss.",
    "The tumor inactivates NK and CD8+ cells by mass action (de Pillis 2006, calibrated on tumors of 1e6–1e9 cells): at clinical burdens immune therapies alone do little until the burden falls — a property of the model that this patient's data cannot test.",
    `Toxicity is not simulated: the probability of grade ≥ 3 adverse events comes from the label and trial rates of the agents (in those trials' patients, not this patient's), ${INDEPENDENCE_ASSUMPTION}.`,
    `${p.observations.length} scan(s) of untreated growth were used; the growth-rate interval is ${p.posterior[0].lower95.toPrecision(2)}–${p.posterior[0].upper95.toPrecision(2)} per day.`,
  ];
  const missing = ev.checklist.filter((i) => i.status !== "present");
  if (missing.length)
    out.push(`Records missing or outdated: ${missing.map((i) => `${i.what} (${i.status})`).join("; ")}.`);
  for (const n of notes) if (/not represented|assumption/i.test(n)) out.push(`Model note: ${n}`);
  return out;
}

/** Agents of the candidates whose grade ≥ 3 rate is not in the catalog: their candidates' figures are lower bounds. */
function unknownToxicityNote(tox: readonly ToxicityProxy[]): string[] {
  const ids = [...new Set(tox.flatMap((t) => t.unknownAgents ?? []))];
  if (!ids.length) return [];
  const names = ids.map((id) => therapyCatalog().agents.get(id)?.name ?? id);
  return [
    `No sourced grade ≥ 3 adverse-event rate, or only a floor (treatment-related deaths), for ${names.join(", ")} (catalog/adverse-events.yaml): the toxicity probability of a candidate that gives them is a lower bound ("≥").`,
  ];
}

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
  const clinical = opts.coreModel ? null : clinicalPersonalization(c, personalOpts);
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
    warnings: s.cand.warnings.map((w) => `${w.message}${w.rule ? ` [${w.rule}]` : ""}`),
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
      )
    : undefined;
  const flags = [
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
      ...(clinicalInfo?.sensitivity ? [clinicalInfo.sensitivity.message] : []),
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
    flags,
  };
}
