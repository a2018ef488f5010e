/**
 * What stands behind a simulated arm: for each agent with a modelled effect, whether a trial of the same cancer
 * type set or checked it — a calibration trial of the population (its weights aim at the trial's numbers), a label
 * trial on which its module was set by hand or checked (trials/labels/, and trials/calibration/ files the weights do
 * not use, such as Parkhurst 2011's NK cells), an agent of its class in one of those, or nothing
 * (its effect then comes from the priors and the other cancer types' calibration) — and whether its combination of
 * classes was in any of those trials. The prediction intervals measure the model's error on trials like the
 * calibration's (model-error.ts); an arm outside them may be wrong by more, which this says.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { therapyCatalog, type TherapyCatalog } from "../therapy/catalog.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { loadTrial, type Trial } from "./trial-file.js";
import { VPOPS_DIR, type VpopFile } from "./vpop-file.js";

const ROOT = path.dirname(VPOPS_DIR);
const LABELS_DIR = path.join(ROOT, "trials", "labels");
const CALIBRATION_DIR = path.join(ROOT, "trials", "calibration");

export type EvidenceBasis = "calibration" | "label-trial" | "class" | "none";

export interface AgentEvidence {
  readonly agent: string;
  readonly class: string;
  readonly basis: EvidenceBasis;
  /** The trials that give the agent (or, for basis "class", an agent of its class) in this cancer type. */
  readonly trials: string[];
}

export interface ArmEvidence {
  readonly arm: string;
  readonly agents: AgentEvidence[];
  /** The arm combines classes that no calibration or label trial combined (null: one class only). */
  readonly untested_combination: string[] | null;
  /** True when some agent has basis "none" or the combination is untested: a prediction beyond the calibration. */
  readonly extrapolated: boolean;
  /** Why the arm is beyond the calibration (empty when it is not). */
  readonly reasons: string[];
  readonly note: string;
}

interface EvidenceArm {
  readonly trial: string;
  readonly agents: ReadonlySet<string>;
  readonly classes: ReadonlySet<string>;
}

/** Agents of a protocol with an effect in the clinical model (supportive drugs and placebo left out). */
export function activeAgents(protocol: Protocol, catalog: TherapyCatalog): string[] {
  const ids = new Set<string>();
  for (const ph of protocol.phases)
    for (const st of ph.steps) {
      const a = catalog.agents.get(st.agent);
      if (a?.clinical && a.clinical.input !== "none") ids.add(st.agent);
    }
  return [...ids];
}

const cache = new Map<string, EvidenceArm[]>();

function armsOf(trial: Trial, catalog: TherapyCatalog): EvidenceArm[] {
  return trial.arms.map((arm) => {
    const agents = activeAgents(arm.protocol, catalog);
    return {
      trial: trial.document.name,
      agents: new Set(agents),
      classes: new Set(agents.map((a) => catalog.agents.get(a)!.class)),
    };
  });
}

function readTrial(file: string): Trial | null {
  try {
    return loadTrial(file);
  } catch {
    return null; // a file that does not read is no evidence (its own checks report it)
  }
}

/** The arms of the population's calibration trials and of the label trials of its cancer type (cached). */
function evidenceArms(
  vpop: VpopFile,
  catalog: TherapyCatalog,
): { calibration: EvidenceArm[]; label: EvidenceArm[] } {
  const key = `${vpop.cancer}\u0000${vpop.calibration.trials.map((t) => t.file).join("|")}`;
  const calKey = `cal:${key}`;
  const labKey = `lab:${key}`;
  if (!cache.has(calKey))
    cache.set(
      calKey,
      vpop.calibration.trials.flatMap((t) => {
        const trial = readTrial(path.resolve(ROOT, t.file));
        return trial ? armsOf(trial, catalog) : [];
      }),
    );
  if (!cache.has(labKey)) {
    const weighted = new Set(vpop.calibration.trials.map((t) => path.resolve(ROOT, t.file)));
    const files = [LABELS_DIR, CALIBRATION_DIR].flatMap((dir) => {
      try {
        return readdirSync(dir)
          .filter((f) => /\.(ya?ml|json)$/.test(f))
          .map((f) => path.join(dir, f))
          .filter((f) => !weighted.has(f));
      } catch {
        return []; // no trial files next to this build
      }
    });
    cache.set(
      labKey,
      files.flatMap((f) => {
        const trial = readTrial(f);
        return trial && trial.document.population.cancer === vpop.cancer ? armsOf(trial, catalog) : [];
      }),
    );
  }
  return { calibration: cache.get(calKey)!, label: cache.get(labKey)! };
}

const trialsWith = (arms: readonly EvidenceArm[], pred: (a: EvidenceArm) => boolean) => [
  ...new Set(arms.filter(pred).map((a) => a.trial)),
];

/** The evidence behind each arm of a trial simulated on a population. */
export function armEvidence(
  arms: readonly { name: string; protocol: Protocol }[],
  vpop: VpopFile,
  catalog: TherapyCatalog = therapyCatalog(),
): ArmEvidence[] {
  const { calibration, label } = evidenceArms(vpop, catalog);
  const all = [...calibration, ...label];
  return arms.map((arm) => {
    const agents: AgentEvidence[] = activeAgents(arm.protocol, catalog).map((agent) => {
      const cls = catalog.agents.get(agent)!.class;
      const cal = trialsWith(calibration, (a) => a.agents.has(agent));
      if (cal.length) return { agent, class: cls, basis: "calibration", trials: cal };
      const lab = trialsWith(label, (a) => a.agents.has(agent));
      if (lab.length) return { agent, class: cls, basis: "label-trial", trials: lab };
      const byClass = trialsWith(all, (a) => a.classes.has(cls));
      if (byClass.length) return { agent, class: cls, basis: "class", trials: byClass };
      return { agent, class: cls, basis: "none", trials: [] };
    });
    const classes = [...new Set(agents.map((a) => a.class))];
    const combined = classes.length > 1 && all.some((a) => classes.every((c) => a.classes.has(c)));
    const untested = classes.length > 1 && !combined ? classes : null;
    const none = agents.filter((a) => a.basis === "none");
    const parts: string[] = [];
    if (none.length)
      parts.push(
        `${none.map((a) => `${a.agent} (${a.class})`).join(", ")}: no calibration or label trial of ${vpop.cancer} gives ${none.length > 1 ? "them or their classes" : "it or its class"} — the effect comes from the priors and the other cancer types' calibration`,
      );
    if (untested)
      parts.push(
        `the combination ${untested.join(" + ")} is in no calibration or label trial of ${vpop.cancer}: where measured, the model's combinations exceeded independent drug action (docs/sequencing.md): it may be optimistic`,
      );
    const extrapolated = parts.length > 0;
    const byClass = agents.filter((a) => a.basis === "class");
    const classNote = byClass.length
      ? `; by class only: ${byClass.map((a) => `${a.agent} as ${a.class} (${a.trials.join("; ")})`).join(", ")} — differences between agents of a class are not modelled`
      : "";
    return {
      arm: arm.name,
      agents,
      untested_combination: untested,
      extrapolated,
      reasons: parts,
      note: extrapolated
        ? `beyond the calibration: ${parts.join("; ")}; the prediction interval measures the error on trials like the calibration's and may be too narrow here${classNote}`
        : agents.length
          ? `within the calibration: every agent (or its class) and their combination are in calibration or label trials of this cancer type${classNote}`
          : "no agent with a modelled effect (untreated course)",
    };
  });
}

/** The evidence of a trial's arms when its simulator draws from a virtual population (else nothing). */
export function simulatorEvidence(
  trial: Pick<Trial, "arms">,
  simulator: object,
): { evidence?: ArmEvidence[] } {
  const vpop = (simulator as { vpop?: VpopFile }).vpop;
  return vpop?.calibration ? { evidence: armEvidence(trial.arms, vpop) } : {};
}

/** The agents a population's trials give: in its calibration trials, and (only) in its label or hand-set trials. */
export function populationCoverage(
  vpop: VpopFile,
  catalog: TherapyCatalog = therapyCatalog(),
): { calibration: string[]; label: string[] } {
  const { calibration, label } = evidenceArms(vpop, catalog);
  const cal = new Set(calibration.flatMap((a) => [...a.agents]));
  const lab = new Set(label.flatMap((a) => [...a.agents]).filter((a) => !cal.has(a)));
  return { calibration: [...cal].sort(), label: [...lab].sort() };
}
