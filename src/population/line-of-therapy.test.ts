import { describe, expect, it } from "vitest";
import { lineFactors, trialPatientPretreated, withLineOfTherapy } from "./line-of-therapy.js";
import { sampleNumber, vpopPriors } from "./priors.js";
import { sampleVirtualPatient } from "./virtual-patient.js";

describe("line of therapy and the driver pathways", () => {
  const pri = vpopPriors().targeted;
  const shift = sampleNumber(pri.line_of_therapy.shift_sd.dist, () => 0.5);

  it("shifts a pathway only across its reference line, by the shift times the pathway's own spread", () => {
    const pre = lineFactors(true);
    const naive = lineFactors(false);
    // ALK was set on first-line patients: pretreated ones are less sensitive, naive ones as set
    const sdAlk = sampleNumber(pri.alk_sensitivity_sd.dist, () => 0.5);
    expect(pre.alk).toBeCloseTo(Math.exp(-shift * sdAlk), 12);
    expect(naive.alk).toBe(1);
    // RET was set on pretreated patients: naive ones are more sensitive
    const sdRet = sampleNumber(pri.ret_sensitivity_sd.dist, () => 0.5);
    expect(naive.ret).toBeCloseTo(Math.exp(shift * sdRet), 12);
    expect(pre.ret).toBe(1);
    expect(shift).toBeGreaterThan(0);
    // pathways without a line effect are absent
    expect(pre.vegfr).toBeUndefined();
    expect(naive.parp).toBeUndefined();
  });

  it("scales the virtual patient's driver sensitivities and nothing else", () => {
    const vp = sampleVirtualPatient("nsclc", 12345);
    const pre = withLineOfTherapy(vp, true);
    expect(pre.targeted!.alk).toBeCloseTo(vp.targeted!.alk * lineFactors(true).alk!, 12);
    expect(pre.targeted!.vegfr).toBe(vp.targeted!.vegfr);
    expect(pre.targeted!.adaptation).toBe(vp.targeted!.adaptation);
    expect(pre.parameters).toBe(vp.parameters);
    expect(pre.lesions).toBe(vp.lesions);
  });

  it("reads a trial patient's line from the trial's allowed prior lines, nearest the patient's own", () => {
    expect(trialPatientPretreated([0], 2)).toBe(false);
    expect(trialPatientPretreated([1, 2, 3], 0)).toBe(true);
    expect(trialPatientPretreated([0, 1], 0)).toBe(false);
    expect(trialPatientPretreated([0, 1], 1)).toBe(true);
    expect(trialPatientPretreated([0, 1], 2)).toBe(true);
    expect(trialPatientPretreated([0, 2], 1)).toBe(false); // a tie: the lower
    expect(trialPatientPretreated(undefined, 0)).toBe(false);
    expect(trialPatientPretreated([], 1)).toBe(true);
  });
});
