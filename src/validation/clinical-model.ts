/**
 * The clinical model's label pharmacokinetics against published values: terminal half-lives derived from the
 * population PK models (clinical-model.md §2.1, [C*]), the ipilimumab label's steady-state trough and the IL-2
 * label's elimination. The trial-level results of the clinical model are in docs/calibration.md.
 */
import { solve } from "../engine/index.js";
import { compileClinical } from "../therapy/compile-clinical.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { builtin } from "./run-model.js";
import { fmt, relCheck, type Check, type ValidationCase } from "./types.js";

const MODEL = "immunoplan-clinical";

function course(
  agent: string,
  value: number,
  unit: string,
  days: Protocol["phases"][0]["steps"][0]["days"],
  weight: number,
) {
  return {
    protocol: {
      name: agent,
      phases: [
        {
          name: "t",
          start_day: 0,
          steps: [{ agent, dose: { value, unit: unit as never }, route: "iv", days }],
        },
      ],
    } as Protocol,
    patient: { id: "ref", weight_kg: weight, height_cm: 175 },
  };
}

/** Plasma concentration (mg/L, or IU/L for IL-2) of the agent's compartment at the given times. */
function concentration(
  p: ReturnType<typeof course>,
  module: string,
  state: string,
  volume: string | null,
  times: number[],
): number[] {
  const inputs = compileClinical(p.protocol, p.patient);
  const model = builtin(MODEL, [module]);
  const par = model.defaultParameters();
  for (const [k, v] of Object.entries(inputs.set)) par[model.parameterIndex(k)] = v;
  const sol = solve(model.problem({ tEnd: times[times.length - 1], parameters: par, doses: inputs.doses }), {
    times,
    rtol: 1e-9,
    atol: 1e-12,
  });
  const i = model.stateIndex(state);
  const v = volume ? par[model.parameterIndex(volume)] : 1;
  return Array.from(sol.times, (_, k) => sol.values[k * model.dimension + i] / v);
}

const halfLife = (c: number[], dt: number) => (Math.LN2 * dt) / Math.log(c[0] / c[1]);

export const CLINICAL_MODEL_CASES: ValidationCase[] = [
  {
    id: "immunoplan-clinical/antibody-half-lives",
    model: MODEL,
    title: "terminal half-lives of the checkpoint antibodies from their population PK",
    source:
      "clinical-model.md §2.1 [C*]: two-compartment algebra on Ahamadi 2017 (pembrolizumab 25.8 d), Bajaj 2017 before the fall of clearance (nivolumab 20.9 d), Feng 2014 (ipilimumab 15.0–16.3 d)",
    setup:
      "one dose at the reference weight of each model; log-linear slope of the plasma concentration between days 80 and 140",
    run(): Check[] {
      const pembro = concentration(
        course("pembrolizumab", 200, "mg", [0], 76.8),
        "pd1",
        "P1",
        "V1_p",
        [80, 140],
      );
      const nivo = concentration(course("nivolumab", 240, "mg", [0], 80), "pd1", "P1", "V1_p", [80, 140]);
      const ipi = concentration(course("ipilimumab", 240, "mg", [0], 80), "ctla4", "C1", "V1_c", [80, 140]);
      const ipiHalf = halfLife(ipi, 60);
      return [
        relCheck("pembrolizumab t½ (days)", halfLife(pembro, 60), 25.8, 0.03),
        relCheck("nivolumab t½ (days)", halfLife(nivo, 60), 20.9, 0.03),
        {
          quantity: "ipilimumab t½ (days)",
          published: "15.0–16.3",
          ours: fmt(ipiHalf),
          tolerance: "inside (±0.05, the range's rounding)",
          pass: ipiHalf >= 14.95 && ipiHalf <= 16.35,
        },
      ];
    },
  },
  {
    id: "immunoplan-clinical/ipilimumab-trough",
    model: MODEL,
    title: "ipilimumab 3 mg/kg every 3 weeks: trough at steady state",
    source:
      "Yervoy label: Cmin,ss 19.4 µg/mL at 3 mg/kg every 3 weeks (clinical-model.md §2.1) [C]; a population mean (CV 38 % on CL)",
    setup: "80 kg; trough before the 4th dose (day 63), which the label says is at steady state by dose 3",
    run: () => [
      relCheck(
        "Cmin before dose 4 (mg/L)",
        concentration(
          course("ipilimumab", 3, "mg/kg", { every: 21, count: 4 }, 80),
          "ctla4",
          "C1",
          "V1_c",
          [0, 62.999],
        )[1],
        19.4,
        0.3,
      ),
    ],
  },
  {
    id: "immunoplan-clinical/il2-elimination",
    model: MODEL,
    title: "high-dose IL-2: peak after a bolus and what is left at the next dose",
    source:
      "Konrad 1990 / Proleukin label [C]: serum level just after an IV bolus ≈ dose / plasma volume; t½ 85 min, ~2 % left at the next dose 8 h later (clinical-model.md §2.3)",
    setup: "600,000 IU/kg at 70 kg into 3 L; concentration at 1 min and 8 h",
    run() {
      const c = concentration(course("aldesleukin", 600000, "IU/kg", [0], 70), "il2", "IL2", null, [
        1 / 1440,
        1 / 3,
      ]);
      return [
        relCheck("peak (IU/L)", c[0], (600000 * 70) / 3, 0.01),
        relCheck("left after 8 h (share of the peak)", c[1] / c[0], 0.02, 0.05),
      ];
    },
  },
];
