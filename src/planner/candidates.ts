/**
 * Candidate protocols for one case: the clinic's sequence (debulking → tumor visibility → immune activation →
 * killer cells at minimal burden → maintenance) with each step's choice and timing varied, restricted to the
 * modalities the evaluation finds suitable (or suitable with caution), at the agents' usual label doses, and
 * kept only when the sequencing rules raise no error.
 */
import { solve } from "../engine/solve.js";
import { seededRandom } from "../engine/statistics.js";
import type { CaseRecord } from "../clinic/case-schema.js";
import type { Evaluation } from "../clinic/evaluate.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Patient } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import { adccAntibodies, checkpointAgent } from "./candidate-agents.js";
import { CLINIC_DAYS, layout, toProtocol } from "./candidate-layout.js";
import type {
  Activation,
  Candidate,
  CandidateDesign,
  CandidateOptions,
  CandidateSet,
  Debulking,
  Killers,
  NadirPredictor,
} from "./candidate-types.js";
import type { ParameterSample } from "./personalize.js";
import { applySample, coreModel } from "./simulate-candidate.js";

// the candidates' types, agents and layout constants, importable from here as before the split
export type {
  Activation,
  Candidate,
  CandidateDesign,
  CandidateOptions,
  CandidateSet,
  Debulking,
  KillerTiming,
  Killers,
  NadirPredictor,
} from "./candidate-types.js";
export {
  adccAntibodies,
  checkpointAgent,
  largestLesionShare,
  TVEC,
  TVEC_COURSE_DAYS,
  TVEC_FIRST_PFU,
  virusAgent,
} from "./candidate-agents.js";
export { CLINIC_DAYS, MAINTENANCE_START } from "./candidate-layout.js";

export const KILLER_MODALITY: Record<Exclude<Killers, "none">, string> = {
  "nk-allogeneic": "nk-cell-therapy",
  "nk-autologous": "nk-cell-therapy",
  "donor-adcc": "donor-killer-cells",
  til: "til",
};

const ACTIVATION_WORDS: Record<Activation, string> = {
  none: "",
  checkpoint: "pembrolizumab",
  il2: "high-dose IL-2",
  "checkpoint+il2": "pembrolizumab + high-dose IL-2",
};
const KILLER_WORDS: Record<Killers, string> = {
  none: "",
  "nk-allogeneic": "allogeneic NK cells",
  "nk-autologous": "autologous NK cells",
  "donor-adcc": "donor killer cells + ADCC antibody",
  til: "TIL after lymphodepletion",
};

export function designName(d: CandidateDesign, killerDay: number | null, atNadir = false): string {
  const parts: string[] = [];
  if (d.debulking !== "none") parts.push(d.debulking === "chemotherapy" ? "chemotherapy" : "SBRT");
  if (d.virus) parts.push("oncolytic virus");
  if (d.activation !== "none")
    parts.push(`${ACTIVATION_WORDS[d.activation]}${d.virus ? ` (${d.gapDays} d after the virus)` : ""}`);
  if (d.killers !== "none")
    parts.push(`${KILLER_WORDS[d.killers]} on day ${killerDay}${atNadir ? " (predicted nadir)" : ""}`);
  if (d.maintenance) parts.push("pembrolizumab maintenance");
  return parts.length ? parts.join(" → ") : "no treatment";
}

export function designId(d: CandidateDesign): string {
  const code = [
    { none: "", chemotherapy: "CT", radiotherapy: "RT" }[d.debulking],
    d.virus ? "OV" : "",
    { none: "", checkpoint: "ICI", il2: "IL2", "checkpoint+il2": "ICI+IL2" }[d.activation] +
      (d.virus && d.activation !== "none" ? `+${d.gapDays}d` : ""),
    d.killers === "none"
      ? ""
      : `${{ "nk-allogeneic": "NKa", "nk-autologous": "NKo", "donor-adcc": "DKC", til: "TIL" }[d.killers]}@${d.killerTiming}`,
    d.maintenance ? "M" : "",
  ].filter(Boolean);
  return code.length ? code.join("-") : "none";
}

/** Day of the lowest burden in the first 21 days of the prefix (without killer cells), on one sample. */
function predictedNadir(prefix: Protocol, patient: Patient, sample: ParameterSample): number {
  const compiled = compileProtocol(prefix, patient);
  const model = coreModel(compiled.modules);
  const p = model.defaultParameters();
  const y0 = new Float64Array(model.dimension);
  applySample(model, model.defaultParameters(), sample, compiled.set, p, y0);
  const times = Float64Array.from({ length: 22 }, (_, i) => i);
  const sol = solve(model.problem({ tEnd: 21, parameters: p, y0, doses: compiled.doses }), {
    times,
    rtol: 1e-5,
    atol: 1e-6,
    dense: false,
    maxSteps: 200_000,
  });
  const iT = model.tumorIndex;
  let best = 0;
  for (let i = 1; i < times.length; i++)
    if (sol.values[i * model.dimension + iT] < sol.values[best * model.dimension + iT]) best = i;
  return best;
}

/** Every design the evaluation allows, before the limit. */
export function enumerateDesigns(
  evaluation: Evaluation,
  c: CaseRecord,
): {
  designs: CandidateDesign[];
  excluded: { modality: string; reason: string }[];
} {
  const verdict = new Map(evaluation.eligibility.map((e) => [e.modality, e]));
  const excluded: { modality: string; reason: string }[] = [];
  const ok = (modality: string): boolean => {
    const e = verdict.get(modality);
    if (!e || e.verdict !== "not-recommended") return true;
    excluded.push({ modality, reason: e.reasons.map((r) => r.reason).join("; ") });
    return false;
  };
  const debulk: Debulking[] = ["none"];
  if (ok("chemotherapy")) debulk.push("chemotherapy");
  if (ok("radiotherapy")) debulk.push("radiotherapy");
  const virus = ok("oncolytic-virus") ? [false, true] : [false];
  let checkpoint = ok("checkpoint-inhibitor");
  if (checkpoint && !checkpointAgent(c)) {
    checkpoint = false;
    excluded.push({
      modality: "checkpoint-inhibitor",
      reason:
        "no checkpoint inhibitor the planner uses (pembrolizumab) is labelled for this tumor type or a biomarker it documents (MSI-H/dMMR, TMB-H)",
    });
  }
  const il2 = ok("cytokine");
  const activation: Activation[] = ["none"];
  if (checkpoint) activation.push("checkpoint");
  if (il2) activation.push("il2");
  if (checkpoint && il2) activation.push("checkpoint+il2");
  const killers: Killers[] = ["none"];
  if (ok("nk-cell-therapy")) killers.push("nk-allogeneic", "nk-autologous");
  if (ok("donor-killer-cells")) {
    if (adccAntibodies(c).length) killers.push("donor-adcc");
    else
      excluded.push({
        modality: "donor-killer-cells",
        reason: "no ADCC antibody target (CD20, HER2, GD2, …) is documented among the biomarkers",
      });
  }
  if (ok("til") && ok("chemotherapy")) killers.push("til");
  const designs: CandidateDesign[] = [];
  for (const debulking of debulk)
    for (const v of virus)
      for (const act of activation)
        for (const gapDays of v && act !== "none" ? [3, 7] : [0])
          for (const k of killers)
            for (const killerTiming of k === "none"
              ? (["nadir"] as const)
              : (["nadir", "end-of-stay"] as const))
              for (const maintenance of act.startsWith("checkpoint") ? [false, true] : [false])
                designs.push({
                  debulking,
                  virus: v,
                  activation: act,
                  gapDays,
                  killers: k,
                  killerTiming,
                  maintenance,
                });
  return { designs, excluded };
}

/**
 * Builds candidates from designs for one case: the killer-cell day from the predicted nadir of the steps before
 * them (cached per prefix), the protocol, and the sequencing rules' verdict (errors reject the design).
 */
export function candidateBuilder(
  c: CaseRecord,
  patient: Patient,
  representative: ParameterSample | NadirPredictor,
): (d: CandidateDesign) => Candidate | { name: string; errors: string[] } {
  const nadirOf: NadirPredictor =
    typeof representative === "function"
      ? representative
      : (prefix, p) => predictedNadir(prefix, p, representative);
  const nadirCache = new Map<string, number>();
  return (d) => {
    let killerDay: number | null = null;
    let atNadir = false;
    if (d.killers !== "none") {
      const prefix = layout({ ...d, killers: "none", maintenance: false }, c, null);
      const minDay = d.killers === "til" ? 7 : 1;
      let target = CLINIC_DAYS - 2;
      if (d.killerTiming === "nadir") {
        const key = designId({ ...d, killers: "none", killerTiming: "nadir", maintenance: false });
        let nadir = nadirCache.get(key);
        if (nadir === undefined) {
          nadir = prefix.clinic.length ? nadirOf(toProtocol(prefix), patient) : 0;
          nadirCache.set(key, nadir);
        }
        target = nadir;
      }
      // killer cells come after the steps before them (the clinic's sequence), lymphodepletion 7 days before TIL
      killerDay = Math.max(minDay, prefix.clinic.length ? Math.ceil(prefix.lastClinicDay) + 1 : 1, target);
      atNadir = d.killerTiming === "nadir" && killerDay === target;
    }
    const name = designName(d, killerDay, atNadir);
    const protocol = toProtocol(layout(d, c, killerDay), name);
    const problems = validateProtocol(protocol);
    const errors = problems.filter((p) => p.severity === "error");
    if (errors.length) return { name, errors: errors.map((e) => `${e.path}: ${e.message}`) };
    return {
      id: designId(d),
      name,
      design: d,
      protocol,
      warnings: problems.filter((p) => p.severity === "warning"),
      killerDay,
    };
  };
}

/**
 * Generates the candidates: every allowed design (a seeded sample of them when there are more than
 * `maxCandidates`, default 200), the killer cells placed at the predicted nadir of the steps before them or at
 * the end of the stay, each checked against the sequencing rules.
 */
export function generateCandidates(
  evaluation: Evaluation,
  c: CaseRecord,
  patient: Patient,
  opts: CandidateOptions,
): CandidateSet {
  const { designs, excluded } = enumerateDesigns(evaluation, c);
  const max = opts.maxCandidates ?? 200;
  const notes: string[] = [];
  let chosen = designs;
  if (designs.length > max) {
    // keep the untreated reference and a seeded sample of the rest (Fisher–Yates)
    const rand = seededRandom(opts.seed ?? 1);
    const rest = designs.slice(1);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    chosen = [designs[0], ...rest.slice(0, max - 1)];
    notes.push(
      `${designs.length} designs are allowed; a seeded sample of ${max} was simulated (allow more candidates to simulate all: --max-candidates on the command line, maxCandidates in the API)`,
    );
  }
  const build = candidateBuilder(c, patient, opts.representative);
  const candidates: Candidate[] = [];
  const rejected: { name: string; problems: string[] }[] = [];
  for (const d of chosen) {
    const r = build(d);
    if ("errors" in r) rejected.push({ name: r.name, problems: r.errors });
    else candidates.push(r);
  }
  return { candidates, considered: designs.length, rejected, excludedModalities: excluded, notes };
}
