/**
 * A check of the calibrated melanoma population that no calibration target constrains: how the response to
 * anti-PD-1 falls with the baseline tumour burden. Joseph RW, et al. Clin Cancer Res 2018;24:4960 (KEYNOTE-001,
 * 583 melanoma patients with measurable disease, central RECIST 1.1; shared/research/trials.md §11.1 [C]): ORR 44 %
 * below and 23 % above the median baseline sum of target-lesion diameters (10.2 cm), a ratio of 1.9. The levels are
 * not comparable (KEYNOTE-001 mixed ipilimumab-pretreated and naive patients, central review); the ratio is.
 */
import path from "node:path";
import { median } from "../engine/statistics.js";
import { isResponder, type PatientOutcome } from "../population/patient-outcome.js";
import { runOnPopulation } from "../population/population-run.js";
import { sampleVirtualPatient } from "../population/virtual-patient.js";
import { loadVpop, shippedVpopFile } from "../population/vpop-file.js";
import { loadProtocol } from "../therapy/protocol-file.js";

export interface BurdenSplit {
  readonly splitMm: number;
  readonly below: { readonly n: number; readonly orr: number };
  readonly above: { readonly n: number; readonly orr: number };
  /** ORR below ÷ ORR above (Infinity when nobody above isResponder). */
  readonly ratio: number;
  /** 95 % CI of the ratio (delta method on ln ratio, two binomials). */
  readonly ci: readonly [number, number];
}

/** 95 % CI of a ratio of two binomial proportions p1/p2 on n1 and n2 patients (delta method on the log). */
export function ratioCi(p1: number, n1: number, p2: number, n2: number): [number, number] {
  const se = Math.sqrt((1 - p1) / (n1 * p1) + (1 - p2) / (n2 * p2));
  const r = p1 / p2;
  return [r * Math.exp(-1.96 * se), r * Math.exp(1.96 * se)];
}

/** ORR below and at-or-above a split of the baseline sum of diameters (default: the patients' own median). */
export function orrByBurden(
  outcomes: readonly PatientOutcome[],
  sldMm: readonly number[],
  splitMm?: number,
): BurdenSplit {
  if (outcomes.length !== sldMm.length || outcomes.length < 2)
    throw new RangeError("orrByBurden needs one baseline sum per outcome (at least two patients)");
  const split = splitMm ?? median(sldMm);
  let nb = 0;
  let rb = 0;
  let na = 0;
  let ra = 0;
  outcomes.forEach((o, i) => {
    if (sldMm[i] < split) {
      nb++;
      if (isResponder(o)) rb++;
    } else {
      na++;
      if (isResponder(o)) ra++;
    }
  });
  const below = { n: nb, orr: nb ? rb / nb : NaN };
  const above = { n: na, orr: na ? ra / na : NaN };
  return {
    splitMm: split,
    below,
    above,
    ratio: below.orr / above.orr,
    ci: ratioCi(below.orr, below.n, above.orr, above.n),
  };
}

/** Where a model ratio lies against the published ratio's 95 % CI, in words. */
export function verdict(where: string, x: BurdenSplit, pubCi: readonly [number, number]): string {
  const r = x.ratio.toFixed(2);
  const ci = `${pubCi[0].toFixed(2)}–${pubCi[1].toFixed(2)}`;
  if (x.ratio >= pubCi[0] && x.ratio <= pubCi[1])
    return `${where} the model's ratio ${r} lies inside KEYNOTE-001's interval (${ci}).`;
  return `${where} the model's ratio ${r} lies **${x.ratio > pubCi[1] ? "above" : "below"}** KEYNOTE-001's interval (${ci}): the model's response falls ${x.ratio > pubCi[1] ? "more" : "less"} steeply with burden than the trial's.`;
}

export const KEYNOTE001_BURDEN = {
  below: 0.44,
  above: 0.23,
  medianMm: 102,
  patients: 583,
  source: "Joseph RW, et al. Clin Cancer Res 2018;24:4960 (KEYNOTE-001 melanoma; trials.md §11.1 [C])",
};

/** The section of docs/calibration.md: pembrolizumab on the calibrated melanoma population, ORR by burden. */
export async function burdenCheckSection(root: string, patients = 4000): Promise<string[]> {
  const file = shippedVpopFile("melanoma");
  const protocolFile = path.join(root, "trials", "protocols", "pembrolizumab-10mgkg-q3w.yaml");
  const protocol = loadProtocol(protocolFile);
  const run = await runOnPopulation({ cancer: "melanoma", protocols: [protocol], patients, seed: 1 });
  const { vpop } = loadVpop(file);
  const outcomes = run.outcomes[0];
  // patients are drawn with replacement: each virtual patient is regenerated once
  const sldOf = new Map<number, number>();
  const sld = outcomes.map((o) => {
    const i = Number(o.id.split("-vp")[1]);
    if (!sldOf.has(i))
      sldOf.set(i, sampleVirtualPatient(vpop.cancer, vpop.patients[i].seed).covariates.sld_mm);
    return sldOf.get(i)!;
  });
  const own = orrByBurden(outcomes, sld);
  const at102 = orrByBurden(outcomes, sld, KEYNOTE001_BURDEN.medianMm);
  const p = (x: number) => `${(100 * x).toFixed(1)} %`;
  const k = KEYNOTE001_BURDEN;
  const published = k.below / k.above;
  const half = Math.round(k.patients / 2);
  const pubCi = ratioCi(k.below, half, k.above, half);
  const r = (x: BurdenSplit) => `${x.ratio.toFixed(2)} (${x.ci[0].toFixed(2)}–${x.ci[1].toFixed(2)})`;
  const pub = `${published.toFixed(2)} (${pubCi[0].toFixed(2)}–${pubCi[1].toFixed(2)})`;
  return [
    "## A check no target constrains: response and baseline burden",
    "",
    `${KEYNOTE001_BURDEN.source}: ORR ${p(KEYNOTE001_BURDEN.below)} below and ${p(KEYNOTE001_BURDEN.above)} above`,
    `the median baseline sum of target diameters (${KEYNOTE001_BURDEN.medianMm} mm), a ratio of ${pub} (95 % CI`,
    `computed here from two halves of ${k.patients} patients; the paper's own interval is not in trials.md).`,
    "No calibration target is stratified by burden, so the model's gradient is a prediction. Pembrolizumab",
    `10 mg/kg every 3 weeks on ${patients.toLocaleString("en-US")} patients of the calibrated melanoma population (seed 1,`,
    "the standard assessment of `immunoplan run`, investigator-read). The levels are not comparable (KEYNOTE-001",
    "mixed ipilimumab-pretreated and naive patients and read centrally); the ratio is.",
    "",
    "| split of the baseline sum | below: ORR (patients) | above: ORR (patients) | ratio (95 % CI) | KEYNOTE-001 |",
    "| --- | --- | --- | --- | --- |",
    `| the population's median, ${own.splitMm.toFixed(0)} mm | ${p(own.below.orr)} (${own.below.n}) | ${p(own.above.orr)} (${own.above.n}) | ${r(own)} | ${pub} |`,
    `| KEYNOTE-001's median, ${at102.splitMm} mm | ${p(at102.below.orr)} (${at102.below.n}) | ${p(at102.above.orr)} (${at102.above.n}) | ${r(at102)} | ${pub} |`,
    "",
    `${verdict(`At the population's own median (${own.splitMm.toFixed(0)} mm)`, own, pubCi)} ${verdict(`At KEYNOTE-001's median (${at102.splitMm} mm)`, at102, pubCi)}`,
    "",
    "The planner conditions a patient's prior on the baseline sum of diameters, so this gradient is what moves a",
    "personalized response rate away from the trial's. It is checked here for anti-PD-1 only: for TIL and other cell",
    "therapies (a fixed cell dose against the tumour's cells) the model's gradient is steeper and no published",
    "figure was found to check it.",
    "",
  ];
}
