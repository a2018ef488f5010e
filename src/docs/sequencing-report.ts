/**
 * docs/sequencing.md: the clinic's sequencing rules (catalog/sequencing-rules.yaml) re-examined as in-silico trials
 * on the calibrated melanoma population. Each rule is a pair (or trio) of arms that differ only in order or timing,
 * given to the same virtual patients with the same reader noise (one seed for every arm: a paired comparison). The
 * verdict: "supports" when the rule's preferred arm is better and the 95 % CI of the ORR difference or the PFS
 * hazard ratio excludes no effect; "contradicts" when the other arm is better with such a CI; otherwise "cannot
 * judge" — which is also what the model says whenever the mechanism the rule relies on is not in it.
 */
import { independentAction } from "../population/independent-action.js";
import { runOnPopulation } from "../population/population-run.js";
import type { TrialPopulation } from "../population/types.js";
import type { Protocol, Step } from "../therapy/protocol-schema.js";

const PATIENTS = 400;

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

/** Combinations set against independent drug action of their parts (the same patients in the three arms). */
const COMBINATIONS: readonly {
  name: string;
  population: TrialPopulation;
  arms: readonly [Protocol, Protocol, Protocol];
}[] = [
  {
    name: "nivolumab + ipilimumab, untreated melanoma",
    population: { cancer: "melanoma" },
    arms: [
      protocol("nivolumab 240 mg every 2 weeks", [NIVO(0)]),
      protocol("ipilimumab 3 mg/kg every 3 weeks × 4", [
        { start: 0, steps: [step("ipilimumab", 3, "mg/kg", { every: 21, count: 4 })] },
      ]),
      protocol(
        "nivolumab 1 mg/kg + ipilimumab 3 mg/kg every 3 weeks × 4, then nivolumab 240 mg every 2 weeks",
        [
          {
            start: 0,
            steps: [
              step("nivolumab", 1, "mg/kg", { every: 21, count: 4 }, "iv", { combination_reason: "label" }),
              step("ipilimumab", 3, "mg/kg", { every: 21, count: 4 }, "iv", { combination_reason: "label" }),
            ],
          },
          { start: 84, steps: [step("nivolumab", 240, "mg", { every: 14, count: 42 })] },
        ],
      ),
    ],
  },
  {
    name: "T-VEC + nivolumab, melanoma with injectable lesions",
    population: RULES[0].population,
    arms: [
      protocol("T-VEC", [TVEC(0)]),
      protocol("nivolumab", [NIVO(0)]),
      protocol("T-VEC and nivolumab together", [TVEC(0), NIVO(0)]),
    ],
  },
];
const IDA_PATIENTS = 800;

async function independentActionSection(): Promise<string[]> {
  const lines = [
    "## Combinations against independent drug action",
    "",
    "A combination acts by *independent drug action* (IDA) when each patient does as well as with the better of its",
    "drugs alone, and no better. Palmer, Izar, Hwangbo and Sorger (Clin Cancer Res 2022;28:368) predicted the",
    "progression-free survival of 13 phase III trials of immune-checkpoint-inhibitor combinations (4,173 patients)",
    "from the monotherapies by IDA (Pearson r = 0.98) and found no evidence of additivity or synergy; Plana, Palmer",
    "and Sorger (Cancer Discov 2022;12:606) review the same for other practice-changing combinations. Below, each",
    `combination and its two monotherapies are given to the same ${IDA_PATIENTS} virtual patients (same reader noise),`,
    "and the combination's response rate is set against IDA on those patients: the share responding to one",
    "monotherapy or the other (with the model's own correlation between them), and the uncorrelated",
    "1 − (1 − a)(1 − b).",
    "",
    "| combination | ORR A | ORR B | ORR A + B | IDA, same patients | IDA, uncorrelated | responders to A + B among non-responders to A and to B |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const excess: string[] = [];
  for (const c of COMBINATIONS) {
    const run = await pairedRun(c.arms, c.population, IDA_PATIENTS);
    const r = independentAction(run.outcomes[0], run.outcomes[1], run.outcomes[2]);
    lines.push(
      `| ${c.name} | ${pct(r.orrA)} | ${pct(r.orrB)} | ${pct(r.orrCombination)} | ${pct(r.orrIda)} | ${pct(r.orrIdaUncorrelated)} | ${pct(r.synergyShare)} |`,
    );
    excess.push(`${c.name}: ${(100 * (r.orrCombination - r.orrIda)).toFixed(1)} points`);
  }
  lines.push(
    "",
    `**The model's combinations exceed independent action** (${excess.join("; ")} above IDA on the same patients):`,
    "in the model, PD-1 blockade (less exhaustion), CTLA-4 blockade (more priming) and viral lysis (antigen release",
    "and inflammation) act on one chain of effector supply and killing, so their effects multiply, and patients whom",
    "neither drug alone would shrink respond to both. No combination trial is in the calibration set, and the phase",
    "III evidence above shows no such synergy. **Read every combination figure of this model — `trial simulate`,",
    "`run`/`compare`, and the planner's combination candidates — as optimistic by about that much.** Not corrected:",
    "a structural change (e.g. saturating the shared effector chain) would need combination data to calibrate it.",
    "",
  );
  return lines;
}

/** Protocols given to the same melanoma virtual patients (one seed for every arm and every section: paired). */
const pairedRun = (protocols: readonly Protocol[], population: TrialPopulation, patients: number) =>
  runOnPopulation({ cancer: "melanoma", protocols, population, patients, seed: 20261130, threads: 1 });

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)} %`);
const ci = (c: [number | null, number | null]) =>
  `${c[0] === null ? "—" : (100 * c[0]).toFixed(1)} to ${c[1] === null ? "—" : (100 * c[1]).toFixed(1)}`;

export async function sequencingReport(): Promise<string> {
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
    const run = await pairedRun(rule.arms, rule.population, PATIENTS);
    const first = run.arms[0];
    lines.push(`## ${rule.rule} (\`${rule.id}\`)`, "", `Mechanism in the model: ${rule.mechanism}`, "");
    lines.push(
      "| arm | ORR (95 % CI) | CR | median PFS | PFS at 12 months |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const a of run.arms)
      lines.push(
        `| ${a.name} | ${pct(a.ORR.value)} (${ci(a.ORR.ci)}) | ${pct(a.CR.value)} | ${a.median_PFS_months.value === null ? "not reached" : `${a.median_PFS_months.value.toFixed(1)} mo`} | ${pct(a.PFS_12mo.value)} |`,
      );
    lines.push("");
    const verdicts: string[] = [];
    for (const d of run.differences) {
      const orrLo = d.ORR.ci[0];
      const orrHi = d.ORR.ci[1];
      const hr = d.PFS_HR;
      const better = (orrLo !== null && orrLo > 0) || (hr.ci[1] !== null && hr.ci[1] < 1);
      const worse = (orrHi !== null && orrHi < 0) || (hr.ci[0] !== null && hr.ci[0] > 1);
      const verdict = better && !worse ? "supports" : worse && !better ? "contradicts" : "cannot judge";
      verdicts.push(verdict);
      lines.push(
        `- ${first.name} vs ${d.versus}: ORR difference ${d.ORR.value === null ? "—" : (100 * d.ORR.value).toFixed(1)} points (${ci(d.ORR.ci)}); PFS hazard ratio ${hr.value === null ? "—" : hr.value.toFixed(2)} (${hr.ci[0] === null ? "—" : hr.ci[0].toFixed(2)}–${hr.ci[1] === null ? "—" : hr.ci[1].toFixed(2)}) → **${verdict}**.`,
      );
    }
    lines.push("");
  }
  lines.push(
    "Resection (the largest lesion, as the locally treated group) happens before the baseline scan of these trials:",
    "RECIST reads the lesions that remain, so a debulking arm is not credited with the resected lesion's shrinkage.",
    "",
  );
  lines.push(...(await independentActionSection()));
  return lines.join("\n") + "\n";
}
