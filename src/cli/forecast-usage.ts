/** The usage text of `immunoplan forecast` (--help), naming the models it offers. */
import { growthModels } from "../models/growth-models.js";
import { populationModels } from "../models/population-models.js";

export const FORECAST_USAGE = `usage: immunoplan forecast --data FILE.csv --train-points K [--min-points M]
                      [--model M | --population FILE.json] [--population-from TRAIN.csv] [--hold-out-column C]
                      [--id-column A[,B]] [--time-column C] [--value-column C] [--time-unit U]
                      [--covariance full|diagonal]
                      [--error-model log|combined|log-time|constant] [--posterior importance|laplace]
                      [--intervals model|recalibrated]
                      [--seed S] [--json]
  For every patient with at least M readings (default K + 1), fits the first K readings and predicts every later
  reading with 80 % and 95 % prediction intervals, beside the six classical models of Laleh 2022 fitted per
  patient on the same K readings. The prior of a patient is a population model (nonlinear mixed effects):
  --population FILE (the JSON of 'immunoplan fit --population --json'), fitted now from --population-from
  TRAIN.csv, or fitted for each value of --hold-out-column on the patients of the other values (leave one group
  out, e.g. --hold-out-column source_file for leave-one-study-out); otherwise on the data's own training readings
  (the first K readings of the forecast patients and all readings of the others — no later reading). --model is a
  population model (${populationModels()
    .map((m) => m.name)
    .join(
      ", ",
    )}; default gompertz, full covariance — --covariance diagonal —, residual error on ln y — --error-model), or a classical model fitted per patient without a prior
  (${growthModels()
    .map((m) => m.name)
    .join(", ")}).
  The intervals are quantiles of the patient's posterior predictive distribution, by importance sampling of the
  exact posterior (default) or its Laplace approximation (--posterior laplace). With a stack (the default),
  --intervals recalibrated scales them on the log scale by split conformal prediction on the inner
  cross-validation's forecasts, one scale per level and horizon (default; docs/forecasting.md); when those are
  folds of patients calibrating a forecast of other patients (a single other group, --population-from) the
  intervals are only widened, never narrowed; --intervals model keeps the posterior predictive quantiles.
  --model A,B,… (population models, each model[/full|diagonal[/error model]]) stacks their forecasts: weighted
  geometric mean of the point forecasts and quantiles, weights chosen by an inner cross-validation on the
  training patients only (leave one value of --hold-out-column out within the training studies; otherwise 3 folds
  of patients), never on the patients forecast. A population candidate model/full/log/carry carries the patient's
  deviation at the last training reading forward, its time constant and the share carried (1, 0.75, 0.5 or 0.25)
  chosen by the same inner cross-validation;
  model/full/log/exp (or /exp-nugget) fits the population with residuals correlated within a patient (nlme's
  corExp, range estimated by maximum likelihood) and forecasts by the conditional prediction given all the
  patient's training residuals;
  'analog' forecasts from the nearest training courses. Without --model and --population: gompertz/full/log/carry.
  Readings: TOO SMALL TO MEASURE = 5 mm (RECIST 1.1), NOT EVALUABLE or empty = no reading (docs/forecasting.md).
  Columns: named by the options, else found by their usual names (PatientID, Subject ID, TreatmentDay, Time_weeks,
  SLD_mm, sum of diameters, …); the time is read in days unless the column's name states weeks, months, years or
  hours (or --time-unit days|weeks|months|years|hours says so); a value column whose name ends in cm is read as cm.`;
