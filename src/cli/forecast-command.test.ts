import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import type { CliIO } from "./io.js";
import { runCli } from "./main.js";

function run(args: string[], cwd: string) {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, cwd };
  const code = runCli(args, io);
  return { code, out, err };
}

/**
 * 40 synthetic patients in the Laleh 2022 S6 format (PatientID unique within StudyArm, TreatmentDay, the longest
 * diameter with text readings), Gompertz courses y∞·(y0/y∞)^exp(−ωt) with log-normal variability and 10 % noise.
 */
function synthetic(dir: string): string {
  const rand = seededRandom(3);
  const lines = ["source_file,PatientID,TreatmentDay,TargetLesionLongDiam_mm,StudyArm"];
  for (let i = 0; i < 40; i++) {
    const y0 = 35 * Math.exp(0.4 * standardNormal(rand));
    const yinf = 25 * Math.exp(0.6 * standardNormal(rand));
    const w = 0.01 * Math.exp(0.4 * standardNormal(rand));
    const arm = `Study_${1 + (i % 2)}_Arm_1`;
    const days = [-7, 42, 84, 126, 168, 210, 252, 294];
    days.forEach((d, j) => {
      const t = Math.max(d, 0);
      let v = (yinf * Math.pow(y0 / yinf, Math.exp(-w * t)) * Math.exp(0.1 * standardNormal(rand))).toFixed(
        0,
      );
      if (i === 0 && j === 4) v = "NOT EVALUABLE";
      if (i === 1 && j === 6) v = "TOO SMALL TO MEASURE";
      lines.push(`study${1 + (i % 2)}.xlsx,${1000 + (i >> 1)},${d},${v},${arm}`);
    });
  }
  const file = path.join(dir, "s6.csv");
  writeFileSync(file, lines.join("\r\n") + "\r\n");
  return file;
}

describe("immunoplan forecast", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "forecast-"));
  synthetic(dir);

  it("prints the JSON of the issue: patients (train, test with intervals), summary, the six baselines", () => {
    const r = run(
      [
        "forecast",
        "--data",
        "s6.csv",
        "--train-points",
        "3",
        "--min-points",
        "6",
        "--hold-out-column",
        "source_file",
        "--json",
      ],
      dir,
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    // compound id: PatientID within StudyArm, so 40 patients (20 ids × 2 arms)
    expect(j.patients).toHaveLength(40);
    const p = j.patients[0];
    expect(Object.keys(p)).toEqual(["id", "train", "test"]);
    expect(p.train).toHaveLength(3);
    expect(p.test).toHaveLength(4); // 8 readings, one NOT EVALUABLE
    for (const x of j.patients.flatMap((q: { test: object[] }) => q.test)) {
      expect(Object.keys(x)).toEqual(["t", "observed", "predicted", "lo80", "hi80", "lo95", "hi95"]);
      expect(x.lo95).toBeLessThanOrEqual(x.lo80);
      expect(x.lo80).toBeLessThanOrEqual(x.hi80);
      expect(x.hi80).toBeLessThanOrEqual(x.hi95);
    }
    expect(j.patients[1].test.some((x: { observed: number }) => x.observed === 5)).toBe(true);
    expect(Object.keys(j.summary)).toEqual([
      "patients",
      "readings",
      "mae_mm",
      "median_ae_mm",
      "coverage80",
      "coverage95",
    ]);
    expect(j.summary.readings).toBe(40 * 5 - 1);
    // 10 % noise on ~30 mm: a calibrated forecast errs by a few mm and its 80 % intervals hold most readings
    expect(j.summary.mae_mm).toBeLessThan(6);
    expect(j.summary.coverage80).toBeGreaterThan(0.6);
    expect(j.summary.coverage80).toBeLessThan(0.95);
    expect(j.baselines.map((b: { model: string }) => b.model)).toEqual([
      "exponential",
      "logistic",
      "bertalanffy-classic",
      "von-bertalanffy",
      "gompertz-classic",
      "gompertz-general",
    ]);
    for (const b of j.baselines) {
      expect(Object.keys(b).slice(0, 4)).toEqual(["model", "mae_mm", "median_ae_mm", "coverage80"]);
      // a classical fit may have no finite prediction at a reading (the curve blows up): counted apart
      expect(b.readings).toBeGreaterThan(0.8 * j.summary.readings);
      expect(b.readings).toBeLessThanOrEqual(j.summary.readings);
    }
  }, 120_000);

  it("a population fitted by 'fit --population --json' is a prior for 'forecast --population'", () => {
    const fit = run(["fit", "--population", "--model", "gompertz", "--data", "s6.csv", "--json"], dir);
    expect(fit.code).toBe(0);
    const pop = JSON.parse(fit.out);
    expect(pop.subjects).toBe(40);
    expect(pop.individuals).toHaveLength(40);
    expect(Object.keys(pop.fixedEffects)).toEqual(["y0", "yinf", "omega"]);
    expect(pop.fixedEffects.y0.value).toBeGreaterThan(25);
    expect(pop.fixedEffects.y0.value).toBeLessThan(45);
    expect(pop.aic).toBeCloseTo(pop.objective + 2 * pop.parameters, 6);
    writeFileSync(path.join(dir, "pop.json"), fit.out);
    const r = run(
      ["forecast", "--data", "s6.csv", "--train-points", "3", "--population", "pop.json", "--json"],
      dir,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.patients).toBe(40);
  }, 120_000);

  it("a population with a variance function (--error-model log-time, combined) carries κ to the forecast", () => {
    for (const model of ["log-time", "combined"]) {
      const fit = run(
        ["fit", "--population", "--model", "gompertz", "--data", "s6.csv", "--error-model", model, "--json"],
        dir,
      );
      expect(fit.code).toBe(0);
      const pop = JSON.parse(fit.out);
      expect(pop.population.errorModel).toBe(model);
      expect(pop.population.kappa).toBeGreaterThan(0);
      expect(pop.residual.kappa.value).toBe(pop.population.kappa);
      // one more parameter than the plain log model
      expect(pop.parameters).toBe(3 + 3 + 1 + 1);
      writeFileSync(path.join(dir, `pop-${model}.json`), fit.out);
      const r = run(
        [
          "forecast",
          "--data",
          "s6.csv",
          "--train-points",
          "3",
          "--population",
          `pop-${model}.json`,
          "--json",
        ],
        dir,
      );
      expect(r.code).toBe(0);
      for (const x of JSON.parse(r.out).patients.flatMap((q: { test: object[] }) => q.test)) {
        expect(x.lo95).toBeLessThanOrEqual(x.lo80);
        expect(x.hi80).toBeLessThanOrEqual(x.hi95);
      }
    }
    writeFileSync(
      path.join(dir, "pop-nokappa.json"),
      JSON.stringify({
        model: "gompertz",
        errorModel: "combined",
        mu: [3.5, 3.2, -4.4],
        random: ["y0"],
        omega: [[0.3]],
        sigma: 0.1,
      }),
    );
    expect(
      run(["forecast", "--data", "s6.csv", "--train-points", "3", "--population", "pop-nokappa.json"], dir)
        .err,
    ).toMatch(/'kappa'/);
  }, 120_000);

  it("--model A,B stacks candidates; the JSON names each fold's weights from its inner cross-validation", () => {
    const r = run(
      [
        "forecast",
        "--data",
        "s6.csv",
        "--train-points",
        "3",
        "--min-points",
        "6",
        "--hold-out-column",
        "source_file",
        "--model",
        "gompertz,bertalanffy-classic",
        "--json",
      ],
      dir,
    );
    expect(r.err).toBe("");
    const j = JSON.parse(r.out);
    expect(j.summary.readings).toBe(40 * 5 - 1);
    expect(j.stack.map((s: { group: string }) => s.group).sort()).toEqual(["study1.xlsx", "study2.xlsx"]);
    for (const s of j.stack) {
      expect(s.candidates).toEqual(["gompertz/full/log", "bertalanffy-classic (per patient)"]);
      expect(Math.abs(s.weights[0] + s.weights[1] - 1)).toBeLessThan(1e-12);
      // one training study of 20 patients: 3 folds of patients, too few for weights (the population alone)
      expect(s.folds).toBe("patients");
      expect(s.too_few_patients).toBe(true);
      expect(s.weights).toEqual([1, 0]);
    }
    expect(
      run(["forecast", "--data", "s6.csv", "--train-points", "3", "--model", "gompertz,nope"], dir).err,
    ).toMatch(/--model: 'nope' is not a population model nor a classical model/);
  }, 120_000);

  it("the default carries the last deviation forward, its time constant named in the JSON; 'analog' stacks", () => {
    const args = ["forecast", "--data", "s6.csv", "--train-points", "3", "--min-points", "6"];
    const j = JSON.parse(run([...args, "--hold-out-column", "source_file", "--json"], dir).out);
    expect(j.stack).toHaveLength(2);
    for (const s of j.stack) {
      expect(s.candidates).toHaveLength(1);
      expect(s.candidates[0]).toMatch(
        /^gompertz\/full\/log\/carry \(time constant (none|∞|\d+)(, share carried 0\.\d+)?\)$/,
      );
      expect(s.weights).toEqual([1]);
      // one training study of 20 patients: too few for the inner cross-validation, nothing carried
      expect(s.too_few_patients).toBe(true);
      expect(s.candidates[0]).toBe("gompertz/full/log/carry (time constant none)");
    }
    const a = run([...args, "--hold-out-column", "source_file", "--model", "gompertz,analog", "--json"], dir);
    expect(a.err).toBe("");
    const k = JSON.parse(a.out);
    expect(k.stack[0].candidates).toEqual(["gompertz/full/log", "analog (nearest courses)"]);
    expect(k.summary.readings).toBe(40 * 5 - 1);
    expect(run([...args, "--model", "gompertz/full/log/keep"], dir).err).toMatch(/--model: .*not 'carry'/);
  }, 120_000);

  it("bad input: a clear message naming the option or file and line, exit code 2", () => {
    expect(run(["forecast", "--data", "s6.csv"], dir)).toMatchObject({ code: 2 });
    expect(run(["forecast", "--data", "s6.csv"], dir).err).toMatch(/--train-points/);
    expect(
      run(["forecast", "--data", "s6.csv", "--train-points", "3", "--posterior", "mcmc"], dir).err,
    ).toMatch(/--posterior: 'mcmc' is not importance or laplace/);
    expect(run(["forecast", "--data", "nope.csv", "--train-points", "3"], dir).err).toMatch(
      /nope.csv: cannot read/,
    );
    writeFileSync(path.join(dir, "bad.csv"), "id,time,value\n1,0,10\n1,5,big\n");
    expect(run(["forecast", "--data", "bad.csv", "--train-points", "1"], dir).err).toMatch(
      /bad.csv:3: value 'big'/,
    );
    writeFileSync(path.join(dir, "pop-bad.json"), '{"model":"gompertz","mu":[1]}');
    expect(
      run(["forecast", "--data", "s6.csv", "--train-points", "3", "--population", "pop-bad.json"], dir).err,
    ).toMatch(/pop-bad.json: 'mu' is not 3 numbers/);
    expect(
      run(
        ["forecast", "--data", "s6.csv", "--train-points", "3", "--model", "gompertz", "--population", "p"],
        dir,
      ).err,
    ).toMatch(/exclude each other/);
  });
});
