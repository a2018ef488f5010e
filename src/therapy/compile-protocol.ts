import type { DoseSpec } from "../engine/language/index.js";
import { survivingFraction } from "../models/radiotherapy.js";
import type { Agent } from "./catalog-schema.js";
import { therapyCatalog, type TherapyCatalog } from "./catalog.js";
import { absoluteAmount } from "./dose-amount.js";
import { mostellerBsa, type Patient } from "./patient.js";
import type { Protocol } from "./protocol-schema.js";
import { administrations } from "./validate-protocol.js";

/** One administration as the model sees it. */
export interface ModelInput {
  readonly day: number;
  readonly agent: string;
  readonly path: string;
  /** The dose as written, and as an absolute amount for this patient. */
  readonly dose: string;
  readonly absolute: string;
  /** What enters the model (empty when the agent is not represented). */
  readonly doses: readonly DoseSpec[];
}

export interface CompiledProtocol {
  readonly protocol: Protocol;
  readonly patient: Patient;
  readonly bsa: number;
  readonly modules: readonly string[];
  readonly doses: readonly DoseSpec[];
  /** Parameter values the agents need (e.g. allogeneic rejection). */
  readonly set: Readonly<Record<string, number>>;
  readonly inputs: readonly ModelInput[];
  /** Assumptions and agents the model does not represent, in words. */
  readonly notes: readonly string[];
  readonly phases: readonly { readonly name: string; readonly from: number; readonly to: number }[];
}

/** Modules of the core model that own each state a dose can enter. */
const STATE_MODULE: Record<string, string> = {
  Aicb: "checkpoint",
  V: "virus",
  Nd: "nk_transfer",
  Amab: "adcc",
  CT: "car_t",
  Vac: "vaccine",
};

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0)
    ? x.toExponential(3)
    : String(+x.toPrecision(4));
}

/** Converts one administration into model doses (see the agent's model.conversion in catalog/agents.yaml). */
function convert(
  agent: Agent,
  value: number,
  unit: string,
  day: number,
  p: Patient,
  bsa: number,
  notes: Set<string>,
  fieldFraction?: number,
): DoseSpec[] {
  const m = agent.model;
  const { amount, unit: absUnit } = absoluteAmount(value, unit, p, bsa);
  const label = agent.id;
  switch (m.conversion) {
    case "antibody":
      // mg over the distribution volume → plasma concentration (mg/L); IgG kinetics in the module
      return [{ kind: "bolus", state: m.state!, amount: amount / m.volume_L!, at: day, label }];
    case "il2":
      return [{ kind: "bolus", state: m.state!, amount: amount / m.volume_L!, at: day, label }];
    case "cells":
    case "vaccine":
    case "virus":
      return [{ kind: "bolus", state: m.state!, amount, at: day, label }];
    case "chemo": {
      // mg/m² → drug units; mg/kg doses are first expressed per m² for this patient
      const mgPerM2 = unit === "mg/m2" ? value : amount / bsa;
      return [{ kind: "bolus", state: m.state!, amount: mgPerM2 / m.mg_m2_per_unit!, at: day, label }];
    }
    case "radiation": {
      // only the burden in the field is irradiated: the tumor keeps (1 − f) + f·SF of its cells
      const inField = fieldFraction ?? 1;
      const sf = 1 - inField * (1 - survivingFraction(m.alpha ?? 0, m.beta ?? 0, amount));
      const lymphSf = survivingFraction(m.lymphocyte_alpha ?? 0, m.lymphocyte_beta ?? 0, amount);
      const field = m.lymphocyte_field_fraction ?? 0;
      const lymph = 1 - field * (1 - lymphSf);
      notes.add(
        `radiotherapy: tumor surviving fraction ${fmt(sf)} per ${fmt(amount)} Gy fraction (α = ${m.alpha}/Gy, β = ${m.beta}/Gy²${inField < 1 ? `; ${fmt(inField * 100)} % of the burden in the field` : ""}); lymphocytes × ${fmt(lymph)} (${field * 100} % in the field) [K]`,
      );
      return [
        { kind: "scale", state: "T", factor: sf, at: day, label },
        ...["N", "L", "C"].map((s): DoseSpec => ({ kind: "scale", state: s, factor: lymph, at: day, label })),
      ];
    }
    case "surgery":
      return [{ kind: "scale", state: "T", factor: Math.max(0, 1 - amount), at: day, label }];
    case "none":
      notes.add(
        `${agent.name} is not represented in the core model${agent.model_note ? `: ${agent.model_note}` : ""}`,
      );
      return [];
  }
  void absUnit;
}

/**
 * Turns a protocol into inputs of the Immunoplan core model for one patient: doses in model units, the modules
 * the agents need and the parameters they set. Unit conversions use the patient's weight and body-surface area
 * (Mosteller); the assumptions are listed in `notes`.
 */
export function compileProtocol(
  protocol: Protocol,
  patient: Patient,
  catalog: TherapyCatalog = therapyCatalog(),
): CompiledProtocol {
  const bsa = mostellerBsa(patient.height_cm, patient.weight_kg);
  const notes = new Set<string>();
  const modules = new Set<string>();
  const set: Record<string, number> = {};
  const inputs: ModelInput[] = [];
  for (const a of administrations(protocol, catalog)) {
    const { value, unit } = a.spec.dose;
    const modality = catalog.modalities.get(a.agent.modality);
    if (modality?.module) modules.add(modality.module);
    for (const mod of a.agent.model.modules ?? []) modules.add(mod);
    if (a.agent.model.state && STATE_MODULE[a.agent.model.state])
      modules.add(STATE_MODULE[a.agent.model.state]);
    for (const [k, v] of Object.entries(a.agent.model.set ?? {})) {
      if (k in set && set[k] !== v)
        notes.add(
          `${a.agent.name} sets ${k} = ${v}, but an earlier agent set ${set[k]}: the later value is used for the whole run`,
        );
      set[k] = v;
    }
    if (a.agent.model_note) notes.add(`${a.agent.name}: ${a.agent.model_note}`);
    const doses = convert(a.agent, value, unit, a.day, patient, bsa, notes, a.spec.field_fraction);
    const abs = absoluteAmount(value, unit, patient, bsa);
    inputs.push({
      day: a.day,
      agent: a.agent.id,
      path: a.path,
      dose: `${fmt(value)} ${unit}`,
      absolute: `${fmt(abs.amount)} ${abs.unit}`,
      doses,
    });
  }
  if ([...modules].some((m) => m === "checkpoint" || m === "adcc")) {
    notes.add(
      "antibodies: mg over a 6 L distribution volume gives the plasma concentration in mg/L; elimination and receptor occupancy are the module's (EC50/K_D are Immunoplan assumptions to be fitted)",
    );
  }
  const phases = protocol.phases.map((ph) => {
    const last = Math.max(
      ph.start_day,
      ...inputs.filter((x) => x.path.startsWith(`phases[${protocol.phases.indexOf(ph)}]`)).map((x) => x.day),
    );
    return {
      name: ph.name,
      from: ph.start_day,
      to: ph.duration_days !== undefined ? ph.start_day + ph.duration_days : last + 1,
    };
  });
  return {
    protocol,
    patient,
    bsa,
    modules: [...modules].sort(),
    doses: inputs.flatMap((x) => x.doses),
    set,
    inputs,
    notes: [...notes],
    phases,
  };
}
