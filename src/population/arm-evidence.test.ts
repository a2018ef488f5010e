import { describe, expect, it } from "vitest";
import type { Protocol } from "../therapy/protocol-schema.js";
import { armEvidence } from "./arm-evidence.js";
import { loadVpop, shippedVpopFile } from "./vpop-file.js";

const step = (agent: string, value: number, unit: string) => ({
  agent,
  dose: { value, unit },
  route: "iv",
  days: { every: 21, count: 4 },
});
const arm = (name: string, ...steps: ReturnType<typeof step>[]) => ({
  name,
  protocol: { name, phases: [{ name: "t", start_day: 0, steps }] } as unknown as Protocol,
});

describe("the evidence behind a simulated arm", () => {
  const melanoma = loadVpop(shippedVpopFile("melanoma")).vpop;
  const rcc = loadVpop(shippedVpopFile("renal-cell-carcinoma")).vpop;

  it("names the calibration trials of an agent, an agent known by class only, and a combination never calibrated", () => {
    const [nivo, cemi, combo, prednisone] = armEvidence(
      [
        arm("nivolumab", step("nivolumab", 3, "mg/kg")),
        arm("cemiplimab", step("cemiplimab", 350, "mg")),
        arm("nivo + ipi", step("nivolumab", 1, "mg/kg"), step("ipilimumab", 3, "mg/kg")),
        arm("prednisone", step("prednisone", 5, "mg")),
      ],
      melanoma,
    );
    expect(nivo.agents[0].basis).toBe("calibration");
    expect(nivo.agents[0].trials.some((t) => /CheckMate 067/.test(t))).toBe(true);
    expect(nivo.extrapolated).toBe(false);
    expect(cemi.agents[0]).toMatchObject({ agent: "cemiplimab", class: "anti-PD-1", basis: "class" });
    expect(cemi.extrapolated).toBe(false);
    expect(cemi.note).toMatch(/by class only: cemiplimab as anti-PD-1/);
    expect(combo.untested_combination).toEqual(["anti-PD-1", "anti-CTLA-4"]);
    expect(combo.extrapolated).toBe(true);
    expect(combo.note).toMatch(/independent drug action/);
    expect(prednisone.agents).toEqual([]); // no modelled effect
  });

  it("flags an agent whose class no trial of the cancer type gives (nivolumab in renal cell carcinoma)", () => {
    const [nivo, sunitinib] = armEvidence(
      [arm("nivolumab", step("nivolumab", 3, "mg/kg")), arm("sunitinib", step("sunitinib", 50, "mg"))],
      rcc,
    );
    expect(nivo.agents[0].basis).toBe("none");
    expect(nivo.extrapolated).toBe(true);
    expect(nivo.note).toMatch(/no calibration or label trial of renal-cell-carcinoma gives it or its class/);
    expect(sunitinib.agents[0].basis).toBe("label-trial");
    expect(sunitinib.extrapolated).toBe(false);
  });
});
