/**
 * docs/sequencing.md: the clinic's sequencing rules (catalog/sequencing-rules.yaml) re-examined as in-silico trials
 * on the calibrated melanoma population. Each rule is a pair (or trio) of arms that differ only in order or timing,
 * given to the same virtual patients with the same reader noise (one seed for every arm: a paired comparison). The
 * verdict: "supports" when the rule's preferred arm is better and the 95 % CI of the ORR difference or the PFS
 * hazard ratio excludes no effect; "contradicts" when the other arm is better with such a CI; otherwise "cannot
 * judge" — which is also what the model says whenever the mechanism the rule relies on is not in it.
 */
import { populationSimulator } from "../population/arm-simulator.js";
import { compareArms, summarizeArm, type ArmOutcomes } from "../population/trial-outcomes.js";
import { evaluateCourse, type PatientOutcome } from "../population/patient-outcome.js";
import { scanDays } from "../population/scan-schedule.js";
import type { TrialPopulation } from "../population/types.js";
import { loadVpop, shippedVpopFile } from "../population/vpop-file.js";
import type { Protocol, Step } from "../therapy/protocol-schema.js";

const PATIENTS = 400;
const ASSESSMENT = {
  criteria: "recist1.1" as const,
  first_week: 8,
  every_weeks: 8,
  until_week: 48,
  every_weeks_after: 12,
  follow_up_weeks: 104,
  confirm: true,
};

const step = (
  agent: string,
  value: number,
  unit: string,
  days: Step["days"],
  route = "iv",
  extra: Partial<Step> = {},
): Step => ({ agent, dose: { value, unit }, route, days, ...extra }) as Step;
const protocol = (name: string, phases: { start: number; steps: Step[] }[]): Protocol => ({
  name,
  phases: phases.map((p, i) => ({ name: `phase ${i + 1}`, start_day: p.start, steps: p.steps })),
});

const NIVO = (from: number) => ({
  start: from,
  steps: [step("nivolumab", 240, "mg", { every: 14, count: 48 })],
});
const TVEC = (from: number) => ({
  start: from,
  steps: [
    step("talimogene-laherparepvec", 4e6, "PFU", [0], "intratumoral"),
    step("talimogene-laherparepvec", 4e8, "PFU", { every: 14, count: 8, from: 21 }, "intratumoral"),
  ],
});
const SURGERY = { start: 0, steps: [step("surgery", 1, "fraction", [0], "surgical")] };
const TIL = (from: number) => ({
  start: from,
  steps: [
    step("cyclophosphamide", 60, "mg/kg", [0, 1]),
    step("fludarabine", 25, "mg/m2", [2, 3, 4, 5, 6]),
    step("lifileucel", 3e10, "cells", [8]),
    step("aldesleukin", 600000, "IU/kg", [8.5, 8.83, 9.17, 9.5, 9.83, 10.17], "iv"),
  ],
});

interface Rule {
  readonly id: string;
  readonly rule: string;
  readonly population: TrialPopulation;
  /** The arm the rule prefers first. */
  readonly arms: readonly Protocol[];
  readonly mechanism: string;
}

const RULES: readonly Rule[] = [
  {
    id: "virus-before-activation",
    rule: "Oncolytic virus first, then checkpoint blockade (make the tumour visible before activating)",
    population: {
      cancer: "melanoma",
      injectable: true,
      stage: { IIIB: 0.2, IIIC: 0.2, M1a: 0.2, M1b: 0.2, M1c: 0.2 },
    },
    arms: [
      protocol("T-VEC, nivolumab from week 6", [TVEC(0), NIVO(42)]),
      protocol("nivolumab, T-VEC from week 6", [NIVO(0), TVEC(42)]),
      protocol("T-VEC and nivolumab together", [TVEC(0), NIVO(0)]),
    ],
    mechanism:
      "viral lysis raises priming (a_ov) and inflammation in injected lesions (phi_inf); anti-PD-1 lifts the PD-1 block; antiviral immunity clears the virus. Whether checkpoint blockade before the virus speeds viral clearance is not in the model.",
  },
  {
    id: "killer-cells-at-minimal-burden",
    rule: "Killer cells (TIL) at minimal residual disease: debulk first",
    population: { cancer: "melanoma", refractory_to: ["anti-PD-1"] },
    arms: [
      protocol("resection of the largest lesion, then lymphodepletion + TIL + IL-2 from week 4", [
        SURGERY,
        TIL(28),
      ]),
      protocol("lymphodepletion + TIL + IL-2 at full burden", [TIL(0)]),
    ],
    mechanism:
      "ratio-dependent killing: the same number of infused cells meets fewer cancer cells after debulking; resection removes the largest lesion (the locally treated group) only.",
  },
  {
    id: "immunotherapy-after-debulking",
    rule: "Checkpoint blockade after debulking",
    population: { cancer: "melanoma" },
    arms: [
      protocol("resection of the largest lesion, then nivolumab from week 4", [SURGERY, NIVO(28)]),
      protocol("nivolumab at full burden", [NIVO(0)]),
    ],
    mechanism:
      "effector supply saturates in antigen while the burden they must control falls after resection of the largest lesion; the remaining lesions are those RECIST reads.",
  },
];

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)} %`);
const ci = (c: [number | null, number | null]) =>
  `${c[0] === null ? "—" : (100 * c[0]).toFixed(1)} to ${c[1] === null ? "—" : (100 * c[1]).toFixed(1)}`;

async function runArm(
  rule: Rule,
  p: Protocol,
  simulate: ReturnType<typeof populationSimulator>,
): Promise<{ arm: ArmOutcomes; outcomes: PatientOutcome[] }> {
  const days = scanDays(ASSESSMENT);
  const courses = await simulate.simulateArm({
    population: rule.population,
    protocol: p,
    scanDays: days,
    patients: PATIENTS,
    seed: 20261130,
  });
  const outcomes = courses.map((c) =>
    evaluateCourse(c, { criteria: "recist1.1", confirm: true, minSdDays: 42 }),
  );
  return { arm: summarizeArm(p.name, outcomes), outcomes };
}

export async function sequencingReport(): Promise<string> {
  const { vpop } = loadVpop(shippedVpopFile("melanoma"));
  const sim = populationSimulator(vpop, [], 1);
  const lines = [
    "# Sequencing rules on the calibrated model",
    "",
    "<!-- generated by `npm run docs` (src/docs/sequencing-report.ts); do not edit by hand -->",
    "",
    `The clinic's sequencing rules, re-examined as paired in-silico trials on the calibrated melanoma population`,
    `(\`vpops/melanoma.json\`; ${PATIENTS} virtual patients per arm, the same patients and reader noise in every arm;`,
    "RECIST 1.1 with confirmation, scans every 8 weeks to week 48, then every 12 weeks, two years). The verdict is",
    "**supports** when the rule's preferred arm (the first) is better and the 95 % CI of the ORR difference or of the",
    "PFS hazard ratio excludes no effect, **contradicts** when the other arm is better in that sense, and **cannot",
    "judge** otherwise. Research model output, not clinical evidence: every arm here is outside the calibration set,",
    "and combinations were never calibrated. The same rules on the de Pillis-based core model (a reference, not",
    "calibrated) are in [sequencing-core-model.md](sequencing-core-model.md).",
    "",
  ];
  for (const rule of RULES) {
    const runs = [];
    for (const p of rule.arms) runs.push(await runArm(rule, p, sim));
    const first = runs[0];
    lines.push(`## ${rule.rule} (\`${rule.id}\`)`, "", `Mechanism in the model: ${rule.mechanism}`, "");
    lines.push(
      "| arm | ORR (95 % CI) | CR | median PFS | PFS at 12 months |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const r of runs)
      lines.push(
        `| ${r.arm.name} | ${pct(r.arm.ORR.value)} (${ci(r.arm.ORR.ci)}) | ${pct(r.arm.CR.value)} | ${r.arm.median_PFS_months.value === null ? "not reached" : `${r.arm.median_PFS_months.value.toFixed(1)} mo`} | ${pct(r.arm.PFS_12mo.value)} |`,
      );
    lines.push("");
    const verdicts: string[] = [];
    for (const other of runs.slice(1)) {
      const d = compareArms(first.arm, first.outcomes, other.arm, other.outcomes);
      const orrLo = d.ORR.ci[0];
      const orrHi = d.ORR.ci[1];
      const hr = d.PFS_HR;
      const better = (orrLo !== null && orrLo > 0) || (hr.ci[1] !== null && hr.ci[1] < 1);
      const worse = (orrHi !== null && orrHi < 0) || (hr.ci[0] !== null && hr.ci[0] > 1);
      const verdict = better && !worse ? "supports" : worse && !better ? "contradicts" : "cannot judge";
      verdicts.push(verdict);
      lines.push(
        `- ${first.arm.name} vs ${other.arm.name}: ORR difference ${d.ORR.value === null ? "—" : (100 * d.ORR.value).toFixed(1)} points (${ci(d.ORR.ci)}); PFS hazard ratio ${hr.value === null ? "—" : hr.value.toFixed(2)} (${hr.ci[0] === null ? "—" : hr.ci[0].toFixed(2)}–${hr.ci[1] === null ? "—" : hr.ci[1].toFixed(2)}) → **${verdict}**.`,
      );
    }
    lines.push("");
  }
  lines.push(
    "Resection (the largest lesion, as the locally treated group) happens before the baseline scan of these trials:",
    "RECIST reads the lesions that remain, so a debulking arm is not credited with the resected lesion's shrinkage.",
    "",
  );
  return lines.join("\n") + "\n";
}
