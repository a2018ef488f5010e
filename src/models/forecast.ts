/**
 * Forecasts of a patient's later tumor sizes from their first K readings, with the population model as the prior:
 * the patient's conditional mode η̂ and posterior precision P under the population (Laplace approximation), then
 * predictive draws φ = μ + A·η, η ~ N(η̂, P⁻¹), plus the residual error — or, with posterior "importance", η drawn
 * from a Student t (4 df) around η̂ with covariance scale P⁻¹ and weighted by the exact posterior over that
 * proposal (three readings rarely make the posterior normal), the quantiles then weighted. The predicted value is the individual
 * prediction at the mode (IPRED; on the Laleh 2022 validation it is slightly closer to the readings than the
 * predictive median), the 80 % and 95 % intervals the 10–90 % and 2.5–97.5 % quantiles of the draws. Seeded.
 *
 * With `carry` (a time constant T), the patient's deviation from their own curve at the last training reading is
 * carried forward, decaying as e^(−Δt/T) (Δt from that reading), times `carryFraction` φ (1 by default): the
 * deviation holds the reader's error of that one reading, which does not persist, and the kriging predictor with a
 * nugget ν carries (1 − ν) of it; the residual is autocorrelated within a patient
 * (Karlsson, Beal & Sheiner, J Pharmacokinet Biopharm 1995;23:651 — an exponentially decaying residual
 * autocorrelation), as a lesion's readings stay above or below the smooth curve from scan to scan. In every draw
 * the deviation is that draw's (the last reading minus the draw's curve there), so that T = ∞ moves each draw's
 * curve through the last reading; the draws' residual error is added as before.
 *
 * With a population whose residuals are correlated within a patient (nlme's corExp, fitted with the population:
 * Corr(ε_j, ε_k) = (1 − ν)·e^(−|t_j − t_k|/T)), the forecast is the conditional (kriging) prediction given all the
 * patient's training residuals, ŷ(t) = f(φ, t) + r(t)ᵀR⁻¹(y − f(φ, t_train)), with the residual variance of the
 * new reading σ²(1 − r(t)ᵀR⁻¹r(t)); the mode, the Laplace covariance and the importance weights use R too. In every
 * draw the residuals are that draw's own.
 */
import { cholesky, choleskyInverse, choleskySolve } from "../engine/mixed-effects.js";
import { correlationMatrix, forwardSolve, residualCorrelation } from "../engine/mixed-effects-correlation.js";
import { quantileSorted, seededRandom, standardNormal, weightedQuantile } from "../engine/statistics.js";
import type { Series } from "./growth-fit.js";
import {
  mixedModel,
  patientMode,
  residualSd,
  toSubject,
  type PopulationParameters,
} from "./population-fit.js";
import { populationModel } from "./population-models.js";

export interface ForecastReading {
  readonly t: number;
  readonly observed: number;
  readonly predicted: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

export interface PatientForecast {
  readonly id: string;
  readonly train: { t: number; observed: number }[];
  readonly test: ForecastReading[];
}

export interface ForecastSummary {
  readonly patients: number;
  readonly readings: number;
  readonly mae_mm: number;
  readonly median_ae_mm: number;
  readonly coverage80: number | null;
  readonly coverage95: number | null;
}

export interface Split {
  readonly series: Series;
  readonly train: Series;
  readonly test: { t: number; y: number }[];
}

/** Patients with at least `minPoints` readings, split into their first `trainPoints` readings and the rest. */
export function splitSeries(series: readonly Series[], trainPoints: number, minPoints: number): Split[] {
  return series
    .filter((s) => s.t.length >= Math.max(minPoints, trainPoints + 1))
    .map((s) => {
      const order = s.t.map((_, i) => i).sort((a, b) => s.t[a] - s.t[b]);
      const t = order.map((i) => s.t[i]);
      const y = order.map((i) => s.y[i]);
      return {
        series: s,
        train: { id: s.id, t: t.slice(0, trainPoints), y: y.slice(0, trainPoints) },
        test: t.slice(trainPoints).map((ti, k) => ({ t: ti, y: y[trainPoints + k] })),
      };
    });
}

/** Predicted sizes at times `times` for a patient's training readings under a population (the prior). */
export function populationForecast(
  pop: PopulationParameters,
  train: Series,
  test: readonly { t: number; y: number }[],
  opts: {
    draws?: number;
    seed?: number;
    posterior?: "laplace" | "importance";
    carry?: number;
    /** The share of the last deviation that is carried (1 − the nugget; 1 when not given). */
    carryFraction?: number;
  } = {},
): ForecastReading[] {
  const m = populationModel(pop.model);
  const model = mixedModel(m, pop.errorModel, pop.floor);
  const mode = patientMode(pop, train);
  const q = pop.random.length;
  const random = pop.random.map((r) => m.parameters.indexOf(r));
  const Lp = cholesky(mode.precision, q);
  const cov = Lp ? choleskyInverse(Lp, q) : new Float64Array(q * q);
  const Lc = cholesky(cov, q) ?? new Float64Array(q * q);
  const times = Float64Array.from(test, (r) => Math.max(r.t, 0));
  const nDraws = opts.draws ?? 2000;
  const rand = seededRandom(opts.seed ?? 1);
  const draws = test.map(() => new Float64Array(nDraws));
  const phi = new Float64Array(m.parameters.length);
  const out = new Float64Array(times.length);
  const z = new Float64Array(q);
  const log = pop.errorModel !== "constant";
  const lnFloor = Math.log(pop.floor);
  const ipred = new Float64Array(times.length);
  model.predict(Float64Array.from(mode.phi), times, ipred);
  // the carried deviation: the last training reading (on the fit's scale) and the decay of its deviation at each
  // forecast time
  const last = toSubject(train, pop.errorModel, pop.floor);
  const carry = opts.carry;
  if (carry !== undefined && !(carry > 0)) throw new RangeError(`carry: time constant ${carry} is not > 0`);
  const tLast = Float64Array.of(last.t[last.t.length - 1]);
  const yLast = last.y[last.y.length - 1];
  const fraction = opts.carryFraction ?? 1;
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`carryFraction ${fraction} is not in [0, 1]`);
  const decay = Float64Array.from(times, (t) =>
    carry === undefined ? 0 : fraction * Math.exp(-Math.max(t - tLast[0], 0) / carry),
  );
  const fLast = new Float64Array(1);
  const carried = (phi: Float64Array, f: Float64Array) => {
    if (carry === undefined) return;
    model.predict(phi, tLast, fLast);
    const r = yLast - fLast[0];
    for (let j = 0; j < f.length; j++) f[j] += decay[j] * r;
  };
  carried(Float64Array.from(mode.phi), ipred);
  // the kriging weights a_j = R⁻¹r(t_j) of the training residuals and the residual SD factors √(1 − r(t_j)ᵀa_j)
  const corr = pop.correlation;
  if (corr && carry !== undefined)
    throw new RangeError("carry and a residual correlation exclude each other");
  const nTr = last.t.length;
  const LR = corr ? cholesky(correlationMatrix(corr, last.tc ?? last.t), nTr) : null;
  if (corr && !LR) throw new RangeError("forecast: the residual correlation is not positive definite");
  const kriging = test.map((r) => {
    if (!LR || !corr) return null;
    const c = Float64Array.from(last.tc ?? last.t, (tk) => residualCorrelation(corr, r.t - tk));
    const a = Float64Array.from(c);
    choleskySolve(LR, nTr, a);
    let rho = 0;
    for (let k = 0; k < nTr; k++) rho += c[k] * a[k];
    return { a, sd: Math.sqrt(Math.max(1 - rho, 0)) };
  });
  const fTr = new Float64Array(nTr);
  const resid = new Float64Array(nTr);
  /** The draw's training residuals y − f(φ, t_train) into `resid`. */
  const residuals = (phi: Float64Array) => {
    model.predict(phi, last.t, fTr);
    for (let k = 0; k < nTr; k++) resid[k] = last.y[k] - fTr[k];
  };
  const kriged = (phi: Float64Array, f: Float64Array) => {
    if (!LR) return;
    residuals(phi);
    for (let j = 0; j < f.length; j++) {
      const a = kriging[j]!.a;
      let v = 0;
      for (let k = 0; k < nTr; k++) v += a[k] * resid[k];
      f[j] += v;
    }
  };
  const sdFactor = (j: number) => kriging[j]?.sd ?? 1;
  kriged(Float64Array.from(mode.phi), ipred);
  // Importance sampling: draws from a Student t (4 degrees of freedom) around the mode with the Laplace
  // covariance, weighted by the exact posterior (the training readings' likelihood × the population prior) over
  // the proposal; the intervals are weighted quantiles.
  const importance = opts.posterior === "importance";
  const nu = 4;
  const sub = importance ? toSubject(train, pop.errorModel, pop.floor) : null;
  const fTrain = new Float64Array(sub ? sub.t.length : 0);
  const Lo = importance ? cholesky(pop.omega.flat(), q) : null;
  const omegaInv = Lo ? choleskyInverse(Lo, q) : null;
  const logW = new Float64Array(nDraws);
  const eta = new Float64Array(q);
  for (let d = 0; d < nDraws; d++) {
    for (let k = 0; k < q; k++) z[k] = standardNormal(rand);
    let scale = 1;
    if (importance) {
      let chi = 0;
      for (let k = 0; k < nu; k++) chi += standardNormal(rand) ** 2;
      scale = 1 / Math.sqrt(chi / nu);
    }
    phi.set(mode.phi);
    for (let a = 0; a < q; a++) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += Lc[a * q + b] * z[b];
      phi[random[a]] += scale * v;
    }
    if (sub && omegaInv) {
      let zz = 0;
      for (let k = 0; k < q; k++) zz += z[k] * z[k];
      const logQ = (-(nu + q) / 2) * Math.log(1 + (zz * scale * scale) / nu);
      for (let k = 0; k < q; k++) eta[k] = phi[random[k]] - pop.mu[random[k]];
      let logP = 0;
      for (let a = 0; a < q; a++)
        for (let b = 0; b < q; b++) logP -= 0.5 * eta[a] * omegaInv[a * q + b] * eta[b];
      if (LR) {
        // correlated residuals: −½ r̃ᵀr̃/σ² with r̃ = L_R⁻¹r (ln|σ²R| is the same in every draw)
        residuals(phi);
        forwardSolve(LR, nTr, resid);
        for (let k = 0; k < nTr; k++) logP -= 0.5 * (resid[k] / pop.sigma) ** 2;
      } else {
        model.predict(phi, sub.t, fTrain);
        for (let j = 0; j < sub.t.length; j++) {
          const sd = residualSd(pop, fTrain[j], sub.t[j]);
          logP -= 0.5 * ((sub.y[j] - fTrain[j]) / sd) ** 2 + Math.log(sd);
        }
      }
      logW[d] = Number.isFinite(logP) ? logP - logQ : -Infinity;
    }
    model.predict(phi, times, out);
    carried(phi, out);
    kriged(phi, out);
    for (let j = 0; j < times.length; j++) {
      const v = out[j] + sdFactor(j) * residualSd(pop, out[j], times[j]) * standardNormal(rand);
      // on the log scale a reading at or below the floor stands for any reading from 0 to the floor (the fit raised
      // readings of 0 — a lesion that disappeared — to it): a draw there is read as 0, the censored end
      draws[j][d] = log ? (v <= lnFloor ? 0 : Math.exp(v)) : Math.max(v, 0);
    }
  }
  if (importance) {
    let max = -Infinity;
    for (const v of logW) max = Math.max(max, v);
    const w = Float64Array.from(logW, (v) => Math.exp(v - max));
    return test.map((r, j) => ({
      t: r.t,
      observed: r.y,
      predicted: log ? Math.exp(ipred[j]) : Math.max(ipred[j], 0),
      lo80: weightedQuantile(draws[j], w, 0.1),
      hi80: weightedQuantile(draws[j], w, 0.9),
      lo95: weightedQuantile(draws[j], w, 0.025),
      hi95: weightedQuantile(draws[j], w, 0.975),
    }));
  }
  return test.map((r, j) => {
    const s = draws[j].sort();
    return {
      t: r.t,
      observed: r.y,
      predicted: log ? Math.exp(ipred[j]) : Math.max(ipred[j], 0),
      lo80: quantileSorted(s, 0.1),
      hi80: quantileSorted(s, 0.9),
      lo95: quantileSorted(s, 0.025),
      hi95: quantileSorted(s, 0.975),
    };
  });
}

/** Mean and median absolute error and interval coverage over every forecast reading (NaN predictions skipped). */
export function summarizeForecasts(
  patients: readonly { test: readonly ForecastReading[] }[],
): ForecastSummary & { coverage95: number | null } {
  const errors: number[] = [];
  let in80 = 0;
  let in95 = 0;
  let withInterval = 0;
  let n = 0;
  let nPatients = 0;
  for (const p of patients) {
    let counted = false;
    for (const r of p.test) {
      if (!Number.isFinite(r.predicted)) continue;
      counted = true;
      n++;
      errors.push(Math.abs(r.predicted - r.observed));
      if (Number.isFinite(r.lo80) && Number.isFinite(r.hi80)) {
        withInterval++;
        if (r.observed >= r.lo80 && r.observed <= r.hi80) in80++;
        if (r.observed >= r.lo95 && r.observed <= r.hi95) in95++;
      }
    }
    if (counted) nPatients++;
  }
  errors.sort((a, b) => a - b);
  return {
    patients: nPatients,
    readings: n,
    mae_mm: n ? errors.reduce((a, b) => a + b, 0) / n : NaN,
    median_ae_mm: n ? quantileSorted(errors, 0.5) : NaN,
    coverage80: withInterval ? in80 / withInterval : null,
    coverage95: withInterval ? in95 / withInterval : null,
  };
}
