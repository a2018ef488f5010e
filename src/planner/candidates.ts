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
import { agentFitsCase } from "../clinic/tumor-types.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { compileProtocol } from "../therapy/compile-protocol.js";
import type { Patient } from "../therapy/patient.js";
import type { Phase, Protocol, Step } from "../therapy/protocol-schema.js";
import { validateProtocol, type ProtocolProblem } from "../therapy/validate-protocol.js";
import type { ParameterSample } from "./personalize.js";
import { applySample, coreModel } from "./simulate-candidate.js";

export type Debulking = "none" | "chemotherapy" | "radiotherapy";
export type Activation = "none" | "checkpoint" | "il2" | "checkpoint+il2";
export type Killers = "none" | "nk-allogeneic" | "nk-autologous" | "donor-adcc" | "til";
export type KillerTiming = "nadir" | "end-of-stay";

export interface CandidateDesign {
  readonly debulking: Debulking;
  readonly virus: boolean;
  readonly activation: Activation;
  /** Days from the last virus dose to immune activation (only with both). */
  readonly gapDays: number;
  readonly killers: Killers;
  readonly killerTiming: KillerTiming;
  readonly maintenance: boolean;
}

export interface Candidate {
  readonly id: string;
  readonly name: string;
  readonly design: CandidateDesign;
  readonly protocol: Protocol;
  /** Warnings of the sequencing rules (errors exclude a candidate). */
  readonly warnings: readonly ProtocolProblem[];
  /** Day the killer cells are given, and the predicted median burden then (null without killer cells). */
  readonly killerDay: number | null;
}

export interface CandidateSet {
  readonly candidates: readonly Candidate[];
  /** Designs enumerated before the limit and the rules. */
  readonly considered: number;
  readonly rejected: readonly { readonly name: string; readonly problems: readonly string[] }[];
  /** Modalities left out, with the evaluation's reasons. */
  readonly excludedModalities: readonly { readonly modality: string; readonly reason: string }[];
  readonly notes: readonly string[];
}

export interface CandidateOptions {
  readonly maxCandidates?: number;
  readonly seed?: number;
  /** The sample whose course sets the killer-cell day "at the predicted nadir". */
  /** The sample whose predicted nadir sets the killer-cell day, or a function that predicts that day. */
  readonly representative: ParameterSample | NadirPredictor;
}

/** Length of the clinic stay in days (DEVELOPERS.md: about two weeks in clinic). */
export const CLINIC_DAYS = 14;
/** First day of outpatient maintenance. */
export const MAINTENANCE_START = 28;
/** Pembrolizumab 200 mg every 3 weeks: the next dose no earlier (catalog/sequencing-rules.yaml label-dosing-interval). */
const LABEL_INTERVAL_DAYS = 21;

export const KILLER_MODALITY: Record<Exclude<Killers, "none">, string> = {
  "nk-allogeneic": "nk-cell-therapy",
  "nk-autologous": "nk-cell-therapy",
  "donor-adcc": "donor-killer-cells",
  til: "til",
};

function usualDose(agentId: string, unit?: string): { value: number; unit: Step["dose"]["unit"] } {
  const a = therapyCatalog().agents.get(agentId);
  if (!a) throw new Error(`planner: agent '${agentId}' is not in the therapy catalog`);
  const d = (unit ? a.doses.find((x) => x.unit === unit) : undefined) ?? a.doses[0];
  return { value: d.usual, unit: d.unit };
}

const step = (agent: string, route: string, days: number[], extra: Partial<Step> = {}): Step => ({
  agent,
  dose: usualDose(agent, extra.dose?.unit),
  route,
  days,
  ...extra,
});

/** Antibodies with ADCC whose target is documented on the tumor (a biomarker naming the target). */
export function adccAntibodies(c: CaseRecord): string[] {
  const text = c.biomarkers
    .filter((b) => b.value === undefined || !/negative|absent|wild/i.test(String(b.value)))
    .map((b) => `${b.name} ${b.code.display ?? ""}`)
    .join(" ");
  return [...therapyCatalog().agents.values()]
    .filter((a) => a.modality === "monoclonal-antibody")
    .filter((a) => a.targets.some((t) => new RegExp(`\\b${t}\\b`, "i").test(text)))
    .map((a) => a.id);
}

export const TVEC = "talimogene-laherparepvec";

/** The oncolytic virus: T-VEC where its label fits the tumor type (melanoma), the investigational virus otherwise. */
export function virusAgent(c: CaseRecord): string {
  return agentFitsCase(therapyCatalog().agents.get(TVEC)!, c) ? TVEC : "oncolytic-virus-investigational";
}

/** The checkpoint inhibitor whose label fits the tumor type (or a tumor-agnostic biomarker), or null. */
export function checkpointAgent(c: CaseRecord): string | null {
  const a = therapyCatalog().agents.get("pembrolizumab")!;
  return agentFitsCase(a, c) ? a.id : null;
}

/**
 * T-VEC as labelled (catalog/agents.yaml): up to 4 mL of 1e6 PFU/mL first, up to 4 mL of 1e8 PFU/mL three weeks
 * later, then every 2 weeks; continued for at least 6 months (the course ends on day `TVEC_COURSE_DAYS`).
 */
export const TVEC_FIRST_PFU = 4e6;
export const TVEC_COURSE_DAYS = 182;

/**
 * The share of the tumor burden in the largest measured lesion of the latest scan (spheres of the measured
 * diameters): what one SBRT field holds.
 */
export function largestLesionShare(c: CaseRecord): number {
  const latest = [...c.imaging]
    .filter((im) => im.lesions.some((l) => l.diameterMm !== undefined && l.diameterMm > 0))
    .sort((a, b) => b.date.localeCompare(a.date))[0];
  if (!latest) return 1;
  const v = latest.lesions.filter((l) => (l.diameterMm ?? 0) > 0).map((l) => l.diameterMm! ** 3);
  const total = v.reduce((a, b) => a + b, 0);
  return Math.max(...v) / total;
}

const h8 = (from: number, n: number) => Array.from({ length: n }, (_, k) => +(from + k / 3).toFixed(2));

interface Layout {
  readonly clinic: Step[];
  /** Outpatient injections of a virus course that continues after the stay (T-VEC every 2 weeks). */
  readonly virusCourse: Step[];
  readonly virusCourseStart: number;
  readonly maintenance: Step[];
  readonly killerDay: number | null;
  readonly lastClinicDay: number;
}

/** The steps of a design; `killerDay` is the day killer cells are given (from the nadir or the stay's end). */
function layout(d: CandidateDesign, c: CaseRecord, killerDay: number | null): Layout {
  const clinic: Step[] = [];
  let day = 0;
  if (d.debulking === "chemotherapy") {
    clinic.push(step("chemotherapy-debulking", "iv", [0], { infusion_hours: 1, intent: "debulking" }));
    day = 3;
  } else if (d.debulking === "radiotherapy") {
    clinic.push(
      step("radiotherapy", "external-beam", [0, 2, 4], {
        dose: { value: 8, unit: "Gy" },
        field_fraction: +largestLesionShare(c).toFixed(3),
        intent: "debulking (SBRT 3 × 8 Gy to the largest lesion)",
      }),
    );
    day = 5;
  }
  const virusCourse: Step[] = [];
  let virusCourseStart = 0;
  if (d.virus) {
    const v = virusAgent(c);
    if (v === TVEC) {
      clinic.push(
        step(v, "intratumoral", [day], {
          dose: { value: TVEC_FIRST_PFU, unit: "PFU" },
          intent: "tumor visibility (first T-VEC injection, up to 4 mL of 1e6 PFU/mL)",
        }),
      );
      virusCourseStart = day + 21;
      virusCourse.push(
        step(v, "intratumoral", [], {
          days: { every: 14, until: TVEC_COURSE_DAYS - virusCourseStart },
          intent:
            "tumor visibility (T-VEC up to 4 mL of 1e8 PFU/mL 3 weeks after the first, then every 2 weeks)",
        }),
      );
      day += d.gapDays;
    } else {
      clinic.push(step(v, "intratumoral", [day, day + 2, day + 4], { intent: "tumor visibility" }));
      day += 4 + d.gapDays;
    }
  }
  const icb = checkpointAgent(c) ?? "pembrolizumab";
  if (d.activation === "checkpoint" || d.activation === "checkpoint+il2") {
    clinic.push(step(icb, "iv", [day], { infusion_hours: 0.5, intent: "immune activation" }));
  }
  if (d.activation === "il2" || d.activation === "checkpoint+il2") {
    clinic.push(
      step("aldesleukin", "iv", h8(day + 1, 6), { infusion_hours: 0.25, intent: "immune activation" }),
    );
  }
  let last = Math.max(0, ...clinic.flatMap((s) => (Array.isArray(s.days) ? s.days : [])));
  if (d.killers !== "none" && killerDay !== null) {
    const k = killerDay;
    const timing = d.killerTiming === "nadir" ? { when: "minimal-burden" as const } : {};
    if (d.killers === "til") {
      clinic.push(
        step("cyclophosphamide", "iv", [k - 7, k - 6], {
          dose: { value: 60, unit: "mg/kg" },
          intent: "lymphodepletion before TIL",
        }),
        step("fludarabine", "iv", [k - 5, k - 4, k - 3, k - 2, k - 1], {
          dose: { value: 25, unit: "mg/m2" },
          combination_reason: "fludarabine with cyclophosphamide is the TIL lymphodepletion regimen",
          intent: "lymphodepletion before TIL",
        }),
        step("lifileucel", "iv", [k], { ...timing, intent: "elimination of residual cells" }),
        step("aldesleukin", "iv", h8(k + 0.5, 6), {
          infusion_hours: 0.25,
          intent: "IL-2 support of the TIL",
          ...(d.activation === "il2" || d.activation === "checkpoint+il2"
            ? { notes: "second IL-2 course (TIL support)" }
            : {}),
        }),
      );
    } else if (d.killers === "donor-adcc") {
      const ab = adccAntibodies(c)[0];
      clinic.push(
        step("donor-killer-cells", "iv", [k], { ...timing, intent: "elimination of residual cells" }),
        step(ab, "iv", [k], {
          infusion_hours: 4,
          combination_reason: "antibody that aims the donor killer cells (ADCC)",
          intent: "ADCC",
        }),
      );
    } else {
      const agent = d.killers === "nk-allogeneic" ? "nk-cells-allogeneic" : "nk-cells-autologous";
      clinic.push(step(agent, "iv", [k, k + 7], { ...timing, intent: "elimination of residual cells" }));
    }
    last = Math.max(last, ...clinic.flatMap((s) => (Array.isArray(s.days) ? s.days : [])));
  }
  const maintenance: Step[] = [];
  if (d.maintenance) {
    maintenance.push(
      step(icb, "iv", [], {
        dose: { value: 400, unit: "mg" },
        days: { every: 42, until: 365 - MAINTENANCE_START },
        infusion_hours: 0.5,
        intent: "maintenance every 6 weeks",
      }),
    );
  }
  return { clinic, virusCourse, virusCourseStart, maintenance, killerDay, lastClinicDay: last };
}

function toProtocol(l: Layout, name = "prefix"): Protocol {
  const phases: Phase[] = [
    {
      name: "clinic stay",
      kind: "clinic",
      start_day: 0,
      duration_days: Math.max(CLINIC_DAYS, Math.ceil(l.lastClinicDay) + 1),
      steps: l.clinic,
    },
  ];
  if (l.virusCourse.length)
    phases.push({
      name: "T-VEC course (outpatient)",
      kind: "outpatient",
      start_day: l.virusCourseStart,
      steps: l.virusCourse,
    });
  if (l.maintenance.length) {
    // the first maintenance dose waits for the label interval after the clinic's dose of the same antibody
    const agent = l.maintenance[0].agent;
    const lastDose = Math.max(
      -Infinity,
      ...l.clinic
        .filter((s) => s.agent === agent && Array.isArray(s.days))
        .flatMap((s) => s.days as number[]),
    );
    phases.push({
      name: "outpatient maintenance",
      kind: "maintenance",
      start_day: Math.max(
        MAINTENANCE_START,
        Math.ceil(l.lastClinicDay) + 7,
        Number.isFinite(lastDose) ? lastDose + LABEL_INTERVAL_DAYS : 0,
      ),
      steps: l.maintenance,
    });
  }
  return {
    name,
    description: "Generated by the Immunoplan planner from the case's evaluation (decision support).",
    phases,
  };
}

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
/** Predicts the day (0–21) of the smallest tumor after a protocol's first steps. */
export type NadirPredictor = (prefix: Protocol, patient: Patient) => number;

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
