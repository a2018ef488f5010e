/**
 * The six classical models of Laleh et al. 2022 (PLoS Comput Biol 18:e1009822) fitted per patient to the first K
 * readings, as the paper did: volume V = 0.52·LD³ normalized by 0.52·(228 mm)³, time in weeks (⌈day/7⌉, 0.1 at or
 * before treatment start), V at the first reading fitted, least squares with a constant error. With K readings and
 * K or more parameters the bounds and the starts (a general model from its nested model's fit) pick the fit.
 * Prediction intervals: linearized, s²·(JᵀJ)⁻¹ with s² = SSR/(n − k) and Student's t on n − k degrees of freedom;
 * none when n ≤ k (no residual degrees of freedom).
 */
import { studentTQuantile } from "../engine/student-t.js";
import { leastSquaresGrowth, type Series } from "./growth-fit.js";
import { growthModel } from "./growth-models.js";
import type { ForecastReading } from "./forecast.js";

/** Laleh 2022's six models, by our names (exponential, logistic, classic/general Bertalanffy, classic/general Gompertz). */
export const LALEH_MODELS = [
  "exponential",
  "logistic",
  "bertalanffy-classic",
  "von-bertalanffy",
  "gompertz-classic",
  "gompertz-general",
] as const;

const NORM = 0.52 * 228 ** 3;
export const lalehVolume = (ld: number) => (0.52 * ld ** 3) / NORM;
export const lalehDiameter = (v: number) => Math.cbrt((Math.max(v, 0) * NORM) / 0.52);
export const lalehWeeks = (day: number) => (day <= 0 ? 0.1 : Math.ceil(day / 7));

/** One classical model's forecast of the test readings from the training readings (sizes in mm, days). */
export function classicalForecast(
  modelName: string,
  train: Series,
  test: readonly { t: number; y: number }[],
): ForecastReading[] {
  const model = growthModel(modelName);
  const s: Series = { id: train.id, t: train.t.map(lalehWeeks), y: train.y.map(lalehVolume) };
  let res;
  try {
    res = leastSquaresGrowth(model, s, {
      fitV0: true,
      errorModel: { kind: "constant", alpha: 0 },
      starts: 4,
      allowUnderdetermined: true,
    });
  } catch {
    return test.map((r) => ({
      t: r.t,
      observed: r.y,
      predicted: NaN,
      lo80: NaN,
      hi80: NaN,
      lo95: NaN,
      hi95: NaN,
    }));
  }
  const { g, fit } = res;
  const k = fit.theta.length;
  const dof = s.t.length - k;
  const s2 = dof > 0 ? fit.ssr / dof : NaN;
  const t80 = dof > 0 ? studentTQuantile(0.9, dof) : NaN;
  const t95 = dof > 0 ? studentTQuantile(0.975, dof) : NaN;
  const theta = Float64Array.from(fit.theta);
  return test.map((r) => {
    const tw = lalehWeeks(r.t);
    const v = g.predict(theta, tw);
    let se = NaN;
    if (dof > 0) {
      // gradient of V(t) by central differences, then gᵀ·Cov·g + s²
      const grad = new Float64Array(k);
      const w = Float64Array.from(theta);
      for (let j = 0; j < k; j++) {
        const h = 1e-6 * Math.max(Math.abs(theta[j]), 1e-6);
        w[j] = theta[j] + h;
        const a = g.predict(w, tw);
        w[j] = theta[j] - h;
        grad[j] = (a - g.predict(w, tw)) / (2 * h);
        w[j] = theta[j];
      }
      let var_ = s2;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) var_ += grad[a] * fit.covariance[a][b] * grad[b];
      se = Math.sqrt(var_);
    }
    return {
      t: r.t,
      observed: r.y,
      predicted: lalehDiameter(v),
      lo80: lalehDiameter(v - t80 * se),
      hi80: lalehDiameter(v + t80 * se),
      lo95: lalehDiameter(v - t95 * se),
      hi95: lalehDiameter(v + t95 * se),
    };
  });
}
