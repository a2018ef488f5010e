/**
 * The protocol of a candidate design: the steps of the clinic stay, the outpatient virus course and the
 * maintenance (their days), and the phases they are given in.
 */
import type { CaseRecord } from "../clinic/case-schema.js";
import type { Phase, Protocol, Step } from "../therapy/protocol-schema.js";
import {
  adccAntibodies,
  checkpointAgent,
  largestLesionShare,
  step,
  TVEC,
  TVEC_COURSE_DAYS,
  TVEC_FIRST_PFU,
  virusAgent,
} from "./candidate-agents.js";
import type { CandidateDesign } from "./candidate-types.js";

/** Length of the clinic stay in days (DEVELOPERS.md: about two weeks in clinic). */
export const CLINIC_DAYS = 14;
/** First day of outpatient maintenance. */
export const MAINTENANCE_START = 28;
/** Pembrolizumab 200 mg every 3 weeks: the next dose no earlier (catalog/sequencing-rules.yaml label-dosing-interval). */
const LABEL_INTERVAL_DAYS = 21;

const h8 = (from: number, n: number) => Array.from({ length: n }, (_, k) => +(from + k / 3).toFixed(2));

export interface Layout {
  readonly clinic: Step[];
  /** Outpatient injections of a virus course that continues after the stay (T-VEC every 2 weeks). */
  readonly virusCourse: Step[];
  readonly virusCourseStart: number;
  readonly maintenance: Step[];
  readonly killerDay: number | null;
  readonly lastClinicDay: number;
}

/** The steps of a design; `killerDay` is the day killer cells are given (from the nadir or the stay's end). */
export function layout(d: CandidateDesign, c: CaseRecord, killerDay: number | null): Layout {
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

export function toProtocol(l: Layout, name = "prefix"): Protocol {
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
