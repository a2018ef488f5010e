import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom, standardNormal } from "../engine/statistics.js";
import { populationForecast } from "./forecast.js";
import type { Series } from "./growth-fit.js";
import { fitPopulation } from "./population-fit.js";
import { populationModel, toNatural, toPhi } from "./population-models.js";

/**
 * Recovery of a within-patient residual correlation (nlme's corExp): Gompertz patients whose residuals on ln y are
 * an Ornstein–Uhlenbeck process of range T (Corr = e^(−Δt/T)) plus, optionally, independent noise (the nugget ν
 * of the variance), 150 patients with readings every 42 days — the fit must recover T, ν and σ. The rate ω has no
 * random effect here (simulated and fitted): a patient's own ω and a long-range residual both bend a patient's
 * course, and with a random ω the fit of one simulated population (seed 21) put ω's SD at 0 and T at 227 ± 146
 * days (two other seeds: 90 ± 19 and 105 ± 24) — T is then weakly identified, as the standard error says.
 */
function simulate(range: number, nugget: number, sigma: number, patients: number, seed: number): Series[] {
  const m = populationModel("gompertz");
  const mu = toPhi(m, [40, 25, 0.01]);
  const sd = [0.4, 0.3, 0];
  const rand = seededRandom(seed);
  const t = Float64Array.from({ length: 9 }, (_, j) => 42 * j);
  const out = new Float64Array(t.length);
  return Array.from({ length: patients }, (_, i) => {
    const phi = Float64Array.from(mu, (v, k) => v + sd[k] * standardNormal(rand));
    m.logSize(phi, t, out);
    let ou = standardNormal(rand);
    const y = Array.from(out, (v, j) => {
      if (j > 0) {
        const rho = Math.exp(-(t[j] - t[j - 1]) / range);
        ou = rho * ou + Math.sqrt(1 - rho * rho) * standardNormal(rand);
      }
      const eps = sigma * (Math.sqrt(1 - nugget) * ou + Math.sqrt(nugget) * standardNormal(rand));
      return Math.exp(v + eps);
    });
    return { id: `p${i}`, t: Array.from(t), y };
  });
}

const RANDOM = ["y0", "yinf"];

describe("population fit with residuals correlated within a patient (corExp)", () => {
  it("recovers the range T (no nugget) and σ, and beats the independent fit's likelihood", () => {
    const series = simulate(100, 0, 0.12, 150, 21);
    const fit = fitPopulation("gompertz", series, { correlation: "exp", floor: 0.5, random: RANDOM });
    expect(fit.converged).toBe(true);
    const c = fit.residual.correlation!;
    // T within 25 % (its standard error here ≈ 8 %) and within 3 of its standard errors
    expect(Math.abs(c.range / 100 - 1)).toBeLessThan(0.25);
    expect(Math.abs(c.range - 100)).toBeLessThan(3 * c.rangeSe);
    expect(Math.abs(fit.residual.sigma / 0.12 - 1)).toBeLessThan(0.15);
    const est = toNatural(populationModel("gompertz"), fit.population.mu);
    expect(Math.abs(est[0] / 40 - 1)).toBeLessThan(0.1);
    expect(Math.abs(est[1] / 25 - 1)).toBeLessThan(0.1);
    const independent = fitPopulation("gompertz", series, { floor: 0.5, random: RANDOM });
    // one more parameter, a likelihood-ratio far beyond χ²₁'s 99.9 % point (10.8)
    expect(independent.objective - fit.objective).toBeGreaterThan(10.8);
  });

  it("recovers T and the nugget ν with a nugget", () => {
    const fit = fitPopulation("gompertz", simulate(150, 0.3, 0.15, 150, 22), {
      correlation: "exp-nugget",
      floor: 0.5,
      random: RANDOM,
    });
    const c = fit.residual.correlation!;
    expect(Math.abs(c.range / 150 - 1)).toBeLessThan(0.35);
    expect(Math.abs(c.nugget - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(fit.residual.sigma / 0.15 - 1)).toBeLessThan(0.15);
  });

  it("on independent noise the range comes out short (correlation at the 42-day spacing < 0.1)", () => {
    const fit = fitPopulation("gompertz", simulate(1e-3, 0, 0.12, 150, 23), {
      correlation: "exp",
      floor: 0.5,
      random: RANDOM,
    });
    expect(Math.exp(-42 / fit.residual.correlation!.range)).toBeLessThan(0.1);
  });

  it("the forecast conditions on the training residuals: a patient above their curve stays above", () => {
    const fit = fitPopulation("gompertz", simulate(100, 0, 0.12, 150, 21), {
      correlation: "exp",
      floor: 0.5,
      random: RANDOM,
    });
    const pop = fit.population;
    const m = populationModel("gompertz");
    const f = new Float64Array(4);
    m.logSize(Float64Array.from(pop.mu), Float64Array.from([0, 42, 84, 126]), f);
    // a typical patient whose three readings lie 20 % above the typical curve, the last one 30 % above
    const y = [1.2, 1.2, 1.3].map((k, j) => k * Math.exp(f[j]));
    const train = { id: "x", t: [0, 42, 84], y };
    const test = [{ t: 126, y: Math.exp(f[3]) }];
    const withR = populationForecast(pop, train, test, { draws: 400 })[0];
    const without = populationForecast({ ...pop, correlation: undefined }, train, test, { draws: 400 })[0];
    // with the correlation the next reading is expected further above the curve than by the patient's η alone
    expect(withR.predicted).toBeGreaterThan(without.predicted);
    expect(withR.predicted).toBeLessThan(1.3 * Math.exp(f[3]));
    expect(withR.lo80).toBeLessThan(withR.predicted);
    expect(withR.hi80).toBeGreaterThan(withR.predicted);
  });
});

const PEER = path.resolve(import.meta.dirname, "population-correlation.peer.R");
const hasNlme = spawnSync("Rscript", ["-e", "library(nlme)"], { stdio: "ignore" }).status === 0;

/** 60 Gompertz patients, 8 readings 42 ± 10 days apart, OU residual (T = 80 days) plus 20 % independent noise. */
function peerData(): Series[] {
  const m = populationModel("gompertz");
  const mu = toPhi(m, [40, 25, 0.01]);
  const rand = seededRandom(5);
  return Array.from({ length: 60 }, (_, i) => {
    const phi = Float64Array.from(mu, (v, k) => v + [0.4, 0.3, 0][k] * standardNormal(rand));
    const t = Float64Array.from({ length: 8 }, (_, j) => 42 * j + (j ? Math.round(20 * rand() - 10) : 0));
    const out = new Float64Array(8);
    m.logSize(phi, t, out);
    let ou = standardNormal(rand);
    const y = Array.from(out, (v, j) => {
      if (j > 0) {
        const r = Math.exp(-(t[j] - t[j - 1]) / 80);
        ou = r * ou + Math.sqrt(1 - r * r) * standardNormal(rand);
      }
      return Math.exp(v + 0.12 * (Math.sqrt(0.8) * ou + Math.sqrt(0.2) * standardNormal(rand)));
    });
    return { id: `p${i}`, t: Array.from(t), y };
  });
}

/**
 * Agreement with R nlme (corCAR1, the corExp family without a nugget; population-correlation.peer.R). Recorded on
 * 2026-11-30 (nlme 3.1, Debian r-cran-nlme): μ = (3.792687, 3.132064, −4.555390), SDs (0.424304, 0.278349),
 * σ = 0.104699, T = 36.9497 days, −2 log L = −502.590 (−482.957 with independent residuals). Rerun when R and
 * nlme are installed (.ci/run installs them).
 */
describe.skipIf(!hasNlme)("corExp population fit agrees with R nlme", () => {
  it("fixed effects, SDs, σ, T and −2 log L", () => {
    const series = peerData();
    const dir = mkdtempSync(path.join(tmpdir(), "corexp-peer-"));
    const file = path.join(dir, "data.csv");
    writeFileSync(
      file,
      ["id,t,ly", ...series.flatMap((s) => s.t.map((t, j) => `${s.id},${t},${Math.log(s.y[j])}`))].join(
        "\n",
      ) + "\n",
    );
    const peer = JSON.parse(
      execFileSync("Rscript", [PEER, file], { encoding: "utf8", timeout: 120_000 }),
    ) as { mu: number[]; sd: number[]; sigma: number; range: number; m2ll: number };
    const fit = fitPopulation("gompertz", series, { correlation: "exp", random: RANDOM, floor: 1e-9 });
    fit.population.mu.forEach((v, k) => expect(Math.abs(v - peer.mu[k]), `μ${k}`).toBeLessThan(1e-3));
    expect(Math.abs(fit.randomEffects.y0.sd / peer.sd[0] - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.randomEffects.yinf.sd / peer.sd[1] - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.residual.sigma / peer.sigma - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.residual.correlation!.range / peer.range - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.objective - peer.m2ll)).toBeLessThan(0.05);
  });
});
