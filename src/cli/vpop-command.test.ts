import { describe, expect, it } from "vitest";
import { loadVpop, shippedVpopFile } from "../population/vpop-file.js";
import {
  coverageLine,
  essWarning,
  MIN_POPULATION_ESS,
  refractoryLine,
  runVpopCommand,
} from "./vpop-command.js";
import type { CliIO } from "./io.js";
import { calibrationMethod, LEGACY_NOISE_DRAWS } from "../population/calibration-targets.js";

describe("immunoplan vpop build: the effective sample size", () => {
  it("warns when the weights leave fewer effective patients than a conditioned prior needs, and says how many to sample", () => {
    const { vpop } = loadVpop(shippedVpopFile("melanoma"));
    // the shipped melanoma population (14,000 plausible patients) is above the floor
    expect(vpop.calibration.effective_sample_size).toBeGreaterThanOrEqual(MIN_POPULATION_ESS);
    expect(essWarning(vpop)).toBeNull();
    // the same weights on 4,000 patients with half the effective patients: the warning scales the population up
    const thin = {
      ...vpop,
      plausible: 4000,
      calibration: { ...vpop.calibration, effective_sample_size: 133 },
    };
    const w = essWarning(thin)!;
    expect(w).toMatch(/^melanoma: .* effective sample size of 133 of 4000 plausible patients/);
    expect(w).toMatch(/--plausible 7000 would give 200$/);
  });
});

describe("immunoplan vpop show", () => {
  it("lists the calibration, the left-out predictions and this population's out-of-sample error", async () => {
    let out = "";
    const io = {
      cwd: process.cwd(),
      out: (s: string) => (out += s),
      err: () => undefined,
    } as unknown as CliIO;
    expect(await runVpopCommand(["show", shippedVpopFile("melanoma")], io)).toBe(0);
    expect(out).toMatch(/^virtual population: melanoma, \d+ plausible patients/);
    expect(out).toContain("leave one trial out: trial | arm | endpoint | published | predicted");
    expect(out).toMatch(
      /out-of-sample error of this population's left-out trials .*: ORR SD \d+\.\d points over \d+ left-out figures/,
    );
  });

  it("says which classes the patients are refractory to, and which carry a state from their progression", () => {
    const line = refractoryLine(loadVpop(shippedVpopFile("prostate-cancer")).vpop);
    expect(line).toMatch(
      /androgen-receptor pathway inhibitor \d+\.\d % \(carrying Aar from the progression\)/,
    );
    expect(line).toMatch(/chemotherapy \d+\.\d %;/);
    expect(refractoryLine(loadVpop(shippedVpopFile("melanoma")).vpop)).not.toContain("androgen");
  });

  it("says which agents its trials give (renal cell carcinoma: IL-2 calibrated, VEGFR/mTOR inhibitors by hand)", () => {
    const line = coverageLine(loadVpop(shippedVpopFile("renal-cell-carcinoma")).vpop);
    expect(line).toMatch(
      /^agents its trials give: calibration aldesleukin; label or hand-set trials .*sunitinib/,
    );
    expect(line).not.toMatch(/nivolumab/);
  });
});

describe("immunoplan vpop build: the readings' options", () => {
  const io = { cwd: process.cwd(), out: () => undefined, err: () => undefined } as unknown as CliIO;
  const build = (...extra: string[]) =>
    runVpopCommand(
      [
        "build",
        "--cancer",
        "melanoma",
        "--out",
        "/tmp/never-written.json",
        ...extra,
        "--calibrate",
        "trials/calibration/optim.yaml",
      ],
      io,
    );

  it("refuses a number of readings that is not a whole number from 1 to 100, naming the option", async () => {
    await expect(build("--noise-draws", "0")).rejects.toThrow(/^--noise-draws: '0' is not a number in 1–100/);
    await expect(build("--noise-draws", "2.5")).rejects.toThrow(/^--noise-draws: a whole number/);
    await expect(build("--noise-draws", "many")).rejects.toThrow(/^--noise-draws: 'many'/);
  });

  it("refuses a scan timing other than drawn or expected", async () => {
    await expect(build("--scan-timing", "sometimes")).rejects.toThrow(
      /^--scan-timing: 'drawn' or 'expected' \('sometimes'\)/,
    );
  });

  it("refuses a median-bounds switch other than on or off", async () => {
    await expect(build("--median-bounds", "yes")).rejects.toThrow(
      /^--median-bounds: 'on' or 'off' \('yes'\)/,
    );
  });

  it("refuses a dor-targets switch other than on or off", async () => {
    await expect(build("--dor-targets", "1")).rejects.toThrow(/^--dor-targets: 'on' or 'off' \('1'\)/);
  });

  it("reads the shipped populations' readings: melanoma twelve (rebuilt 2026-12-07), the others six (NSCLC and LBCL rebuilt with six on 2026-12-07 for the DoR targets)", () => {
    const mel = loadVpop(shippedVpopFile("melanoma")).vpop.calibration;
    expect(mel.noise_draws).toBe(12);
    expect(mel.scan_timing).toBe("drawn");
    expect(mel.method).toMatch(/mean over 12 draws/);
    const c = loadVpop(shippedVpopFile("nsclc")).vpop.calibration;
    expect(c.noise_draws ?? LEGACY_NOISE_DRAWS).toBe(6);
    expect(c.scan_timing ?? "drawn").toBe("drawn");
    // KEYNOTE-024's doublet duration of response is held (2026-12-07); its share lands near one half
    expect(c.dor?.map((d) => d.arm)).toEqual(["platinum doublet"]);
    expect(Math.abs(c.dor![0].calibrated! - 0.5)).toBeLessThan(0.02);
    expect(calibrationMethod(12, true)).toMatch(
      /mean over 12 draws .*expectation over the scan's visit window$/,
    );
    expect(calibrationMethod(6, false)).not.toMatch(/visit window/);
  });
});
