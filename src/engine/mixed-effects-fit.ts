/**
 * Maximum-likelihood fit of a nonlinear mixed-effects model (mixed-effects.ts) by the Lindstrom–Bates algorithm,
 * the method of R's nlme (Lindstrom & Bates, Biometrics 1990;46:673; Pinheiro & Bates 2000, §7.2), a first-order
 * conditional estimation: alternate
 *
 * 1. the conditional modes η̂_i of every subject at the current (μ, Ω, σ) (penalized nonlinear least squares);
 * 2. the linearization of the model there, w_i = y_i − f(φ̂_i) + J_i·φ̂_i ≈ J_i·μ + Z_i·η_i + ε_i (J = ∂f/∂φ,
 *    Z its random-effect columns), and the maximum-likelihood fit of that linear mixed model (linear-mixed.ts):
 *    Ω and σ by BFGS, μ by generalized least squares,
 *
 * until the estimates stop moving. The objective is −2 log-likelihood of the final linear mixed model (nlme's
 * logLik); standard errors of μ from (Σ JᵀV⁻¹J)⁻¹, of the random-effect SDs and σ from the Hessian of that
 * objective (delta method), as nlme's apVar. An optional within-subject residual correlation (nlme's
 * `correlation = corExp(form = ~ t | id)`, mixed-effects-correlation.ts) is estimated with Ω and σ in the linear
 * mixed step, and the conditional modes use it.
 */
import {
  correlationFromTheta,
  correlationParameters,
  correlationToTheta,
  type CorrelationValues,
  type ResidualCorrelation,
} from "./mixed-effects-correlation.js";
import { levenbergMarquardt } from "./least-squares.js";
import {
  choleskyFromPacked,
  choleskyParameters,
  LinearMixedObjective,
  omegaFromPacked,
  packOmega,
  type LinearizedSubject,
} from "./linear-mixed.js";
import {
  cholesky,
  choleskyInverse,
  linearize,
  logDetFromCholesky,
  ModeSolver,
  type ConditionalMode,
  type MixedModel,
  type MixedSubject,
} from "./mixed-effects.js";
import { centralHessian, minimizeBfgs } from "./quasi-newton.js";

export interface MixedFitOptions {
  /** Indices of the components of φ that carry a random effect (default: all). */
  readonly random?: readonly number[];
  readonly covariance?: "diagonal" | "full";
  /** Starting φ of the naive pooled least-squares fit (bounded to ±4 around it) that starts μ. */
  readonly start: readonly number[];
  /** Starting SD of every random effect (default 0.5). */
  readonly omegaSd?: number;
  /**
   * Start the iteration at these estimates instead of the naive pooled fit (e.g. a full-Ω fit from the diagonal
   * fit of the same model, which it nests): μ (length p), Ω (q × q over the random components) and σ. κ and the
   * correlation still start from their defaults.
   */
  readonly initial?: {
    readonly mu: readonly number[];
    readonly omega: readonly (readonly number[])[];
    readonly sigma: number;
  };
  /** Starting κ of the model's residual variance function (default 1). */
  readonly kappa?: number;
  /** Within-subject residual correlation (none by default). */
  readonly correlation?: ResidualCorrelation;
  /** Starting range T of the correlation (default: twice the median time between a subject's readings). */
  readonly range?: number;
  readonly maxIterations?: number;
  /**
   * Per random component, the SD below which its variance is taken to have gone to the boundary (0): from the 10th
   * iteration on, the iteration stops there without converging and names the component in `collapsed` (a
   * component whose variance runs to 0 cannot converge: its log-Cholesky parameter runs to −∞). 0 or absent: never.
   */
  readonly boundarySd?: readonly number[];
  /** Called after every Lindstrom–Bates iteration (diagnostics). */
  readonly onIteration?: (info: {
    iteration: number;
    objective: number;
    change: number;
    mu: Float64Array;
    theta: Float64Array;
  }) => void;
}

export interface MixedFitResult {
  readonly mu: number[];
  readonly muSe: number[];
  readonly random: number[];
  readonly omega: number[][];
  readonly omegaSd: number[];
  readonly omegaSdSe: number[];
  readonly correlation: number[][];
  readonly sigma: number;
  readonly sigmaSe: number;
  /** κ of the residual variance σ²·(1 + κ²h(f)²) and its standard error (0 and NaN when homoscedastic). */
  readonly kappa: number;
  readonly kappaSe: number;
  /** The residual correlation's range T and nugget ν with standard errors (null without a correlation). */
  readonly residualCorrelation: (CorrelationValues & { rangeSe: number; nuggetSe: number }) | null;
  /** −2 log-likelihood, AIC, BIC (n = number of observations), number of estimated parameters. */
  readonly objective: number;
  readonly aic: number;
  readonly bic: number;
  readonly parameters: number;
  readonly observations: number;
  readonly modes: ConditionalMode[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Random components (indices into `random`) whose SD went below `boundarySd`, where the iteration stopped. */
  readonly collapsed: number[];
  /** Stopped early without converging: STALL_WINDOW iterations in a row each moved a parameter by > STALL_CHANGE. */
  readonly stalled: boolean;
}

/** The stall rule of the Lindstrom–Bates iteration: after STALL_AFTER iterations, STALL_WINDOW in a row > STALL_CHANGE. */
export const STALL_AFTER = 60;
export const STALL_WINDOW = 20;
export const STALL_CHANGE = 1e-2;

export function fitMixedEffects(
  model: MixedModel,
  subjects: readonly MixedSubject[],
  opts: MixedFitOptions,
): MixedFitResult {
  const p = model.p;
  const random = Int32Array.from(opts.random ?? Array.from({ length: p }, (_, k) => k));
  const q = random.length;
  const full = opts.covariance === "full";
  const nChol = choleskyParameters(q, full);
  const heteroscedastic = model.varianceShape !== undefined;
  const corrKind = opts.correlation;
  if (corrKind && heteroscedastic)
    throw new RangeError("mixed-effects fit: a residual correlation needs a homoscedastic error model");
  const atCorr = nChol + (heteroscedastic ? 2 : 1);
  const nTheta = atCorr + correlationParameters(corrKind);
  const dim = p + nTheta;
  const nObs = subjects.reduce((a, s) => a + s.t.length, 0);
  const maxN = Math.max(...subjects.map((s) => s.t.length));
  if (subjects.length < 2 || nObs <= dim)
    throw new RangeError(`mixed-effects fit: ${nObs} observations cannot identify ${dim} parameters`);
  const solver = new ModeSolver(model, random, maxN);
  const f = new Float64Array(maxN);
  const fh = new Float64Array(maxN);

  const init = opts.initial;
  if (init && (init.mu.length !== p || init.omega.length !== q || init.omega.some((r) => r.length !== q)))
    throw new RangeError(`mixed-effects fit: initial estimates of the wrong size (μ ${p}, Ω ${q} × ${q})`);
  // naive pooled fit (all η = 0) for the starting μ and σ, unless initial estimates are given
  const pooled = init
    ? null
    : levenbergMarquardt(
        {
          m: nObs,
          residuals: (phi, r) => {
            let o = 0;
            for (const s of subjects) {
              const fi = f.subarray(0, s.t.length);
              model.predict(phi, s.t, fi);
              for (let j = 0; j < s.t.length; j++) r[o++] = s.y[j] - fi[j];
            }
          },
          // within e^±4 of the start: a pooled curve may flatten a component away (a rate → 0) that patients have
          lower: opts.start.map((x) => x - 4),
          upper: opts.start.map((x) => x + 4),
        },
        opts.start,
      );
  const mu = Float64Array.from(pooled ? pooled.theta : init!.mu);
  // σ: the pooled fit's residual SD halved (the random effects take part of it), or the initial σ
  const sigma0 = pooled ? Math.max(Math.sqrt(pooled.ssr / nObs) / 2, 1e-6) : init!.sigma;
  const sd0 = opts.omegaSd ?? 0.5;
  const omega0 = init
    ? Float64Array.from({ length: q * q }, (_, k) => init.omega[Math.floor(k / q)][k % q])
    : Float64Array.from({ length: q * q }, (_, k) => (k % (q + 1) === 0 ? sd0 * sd0 : 0));
  const theta = Float64Array.from([
    ...packOmega(omega0, q, full),
    Math.log(sigma0),
    ...(heteroscedastic ? [Math.log(opts.kappa ?? 1)] : []),
    ...(corrKind ? correlationToTheta(corrKind, opts.range ?? defaultRange(subjects)) : []),
  ]);
  const etas = subjects.map(() => new Float64Array(q));
  let modes: ConditionalMode[] = [];
  const phi = new Float64Array(p);

  /** Conditional modes at the current (μ, θ); returns the Laplace (FOCE) objective Σ of the subjects' parts. */
  const stepModes = (): number => {
    const L = choleskyFromPacked(theta, 0, q, full); // Ω = LLᵀ, positive definite by construction
    const pop = {
      mu,
      omegaInv: choleskyInverse(L, q),
      logDetOmega: logDetFromCholesky(L, q),
      sigma: Math.exp(theta[nChol]),
      kappa: heteroscedastic ? Math.exp(theta[nChol + 1]) : 0,
      ...(corrKind ? { correlation: correlationFromTheta(theta, atCorr, corrKind) } : {}),
    };
    modes = subjects.map((s, i) => solver.solve(s, pop, etas[i]));
    modes.forEach((m, i) => etas[i].set(m.eta));
    return modes.reduce((a, m) => a + m.objective, 0);
  };
  const linearized = (): LinearizedSubject[] =>
    subjects.map((s, i) => {
      phi.set(mu);
      for (let k = 0; k < q; k++) phi[random[k]] += etas[i][k];
      return linearize(model, s, phi, f, fh);
    });

  const maxIt = opts.maxIterations ?? 200;
  let converged = false;
  const collapsed: number[] = [];
  let stalled = false;
  const recent = new Float64Array(STALL_WINDOW).fill(Infinity);
  let it = 0;
  stepModes();
  // Relaxed fixed-point iteration: the step to the linear mixed model's estimates is scaled by α, halved (down to
  // 1/64) whenever the step reverses the previous one. Undamped, the alternation can settle into a cycle between
  // two states (seen on a full-Ω Gompertz fit of Laleh 2022); damping keeps the fixed point and removes the cycle.
  let alpha = 1;
  const step = new Float64Array(p + nTheta);
  const prevStep = new Float64Array(p + nTheta);
  for (; it < maxIt; it++) {
    const obj = new LinearMixedObjective(linearized(), p, random, full, heteroscedastic, corrKind);
    const opt = minimizeBfgs((x) => obj.value(x), theta, {
      gtol: 1e-7,
      ftol: 1e-13,
      maxIterations: 300,
      maxStep: 1,
    });
    obj.value(opt.x);
    let muChange = 0;
    for (let k = 0; k < p; k++) muChange = Math.max(muChange, Math.abs(obj.mu[k] - mu[k]));
    // the Gauss–Newton step of μ is cut to at most 1 per component (nlme halves its PNLS steps likewise)
    const cut = muChange > 1 ? 1 / muChange : 1;
    let change = 0;
    let dot = 0;
    for (let k = 0; k < p; k++) step[k] = cut * (obj.mu[k] - mu[k]);
    for (let k = 0; k < nTheta; k++) step[p + k] = opt.x[k] - theta[k];
    for (let k = 0; k < step.length; k++) {
      change = Math.max(change, Math.abs(step[k]));
      dot += step[k] * prevStep[k];
    }
    if (dot < 0) alpha = Math.max(alpha / 2, 1 / 64);
    prevStep.set(step);
    for (let k = 0; k < p; k++) mu[k] += alpha * step[k];
    for (let k = 0; k < nTheta; k++) theta[k] += alpha * step[p + k];
    stepModes();
    opts.onIteration?.({ iteration: it, objective: opt.value, change, mu, theta });
    if (change < 1e-6) {
      converged = true;
      it++;
      break;
    }
    // a stall: 20 iterations in a row still moving a parameter by more than 0.01 after 60 (the Laleh 2022 fits
    // that converge take 24–29 iterations; the ones that do not wander with steps of ~1 until the limit)
    recent[it % STALL_WINDOW] = change;
    if (it >= STALL_AFTER - 1 && Math.min(...recent) > STALL_CHANGE) {
      stalled = true;
      it++;
      break;
    }
    if (opts.boundarySd && it >= 9) {
      const om = omegaFromPacked(theta, 0, q, full);
      for (let k = 0; k < q; k++) if (Math.sqrt(om[k * q + k]) < (opts.boundarySd[k] ?? 0)) collapsed.push(k);
      if (collapsed.length) {
        it++;
        break;
      }
    }
  }
  // the final state: modes and linearization at the estimates (the modes are already there)
  const final = new LinearMixedObjective(linearized(), p, random, full, heteroscedastic, corrKind);
  const objective = final.value(theta);
  const info = Float64Array.from(final.information);
  const Linfo = cholesky(info, p);
  const muSe = Linfo
    ? Array.from({ length: p }, (_, j) => Math.sqrt(choleskyInverse(Linfo, p)[j * p + j]))
    : new Array<number>(p).fill(NaN);
  const omega = omegaFromPacked(theta, 0, q, full);
  const sd = Array.from({ length: q }, (_, i) => Math.sqrt(omega[i * q + i]));
  const correlation = sd.map((si, i) => sd.map((sj, j) => omega[i * q + j] / (si * sj)));
  // SEs of the SDs and σ: Cov(θ) = 2·H⁻¹ of the −2 log L, delta method
  let omegaSdSe = new Array<number>(q).fill(NaN);
  let sigmaSe = NaN;
  let kappaSe = NaN;
  let rangeSe = NaN;
  let nuggetSe = NaN;
  const H = centralHessian((x) => final.value(x), theta, 1e-4);
  const LH = cholesky(H, nTheta);
  if (LH) {
    const inv = choleskyInverse(LH, nTheta);
    const derived = (g: (x: Float64Array) => number): number => {
      const grad = new Float64Array(nTheta);
      const w = Float64Array.from(theta);
      for (let j = 0; j < nTheta; j++) {
        const h = 1e-6 * Math.max(1, Math.abs(theta[j]));
        w[j] = theta[j] + h;
        const a = g(w);
        w[j] = theta[j] - h;
        grad[j] = (a - g(w)) / (2 * h);
        w[j] = theta[j];
      }
      let v = 0;
      for (let i = 0; i < nTheta; i++)
        for (let j = 0; j < nTheta; j++) v += grad[i] * 2 * inv[i * nTheta + j] * grad[j];
      return Math.sqrt(v);
    };
    omegaSdSe = sd.map((_, k) => derived((x) => Math.sqrt(omegaFromPacked(x, 0, q, full)[k * q + k])));
    sigmaSe = derived((x) => Math.exp(x[nChol]));
    if (heteroscedastic) kappaSe = derived((x) => Math.exp(x[nChol + 1]));
    if (corrKind) {
      rangeSe = derived((x) => correlationFromTheta(x, atCorr, corrKind).range);
      if (corrKind === "exp-nugget")
        nuggetSe = derived((x) => correlationFromTheta(x, atCorr, corrKind).nugget);
    }
  }
  final.value(theta);
  return {
    mu: Array.from(mu),
    muSe,
    random: Array.from(random),
    omega: Array.from({ length: q }, (_, i) => Array.from(omega.subarray(i * q, i * q + q))),
    omegaSd: sd,
    omegaSdSe,
    correlation,
    sigma: Math.exp(theta[nChol]),
    sigmaSe,
    kappa: heteroscedastic ? Math.exp(theta[nChol + 1]) : 0,
    kappaSe,
    residualCorrelation: corrKind
      ? { ...correlationFromTheta(theta, atCorr, corrKind), rangeSe, nuggetSe }
      : null,
    objective,
    aic: objective + 2 * dim,
    bic: objective + dim * Math.log(nObs),
    parameters: dim,
    observations: nObs,
    modes,
    iterations: it,
    converged,
    collapsed,
    stalled,
  };
}

/** The conditional mode (and posterior precision) of a new subject under a fitted population. */
export function conditionalMode(
  model: MixedModel,
  subject: MixedSubject,
  pop: {
    mu: readonly number[];
    omega: readonly (readonly number[])[];
    sigma: number;
    random: readonly number[];
    kappa?: number;
    correlation?: CorrelationValues;
  },
): ConditionalMode {
  const q = pop.random.length;
  const flat = pop.omega.flat();
  // a fitted Ω may be singular to rounding (a correlation of ±1): a 1e-10 relative jitter on its diagonal
  let jitter = 0;
  for (let i = 0; i < q; i++) jitter = Math.max(jitter, flat[i * q + i]);
  const L =
    cholesky(flat, q) ??
    cholesky(
      flat.map((v, k) => (k % (q + 1) === 0 ? v + 1e-10 * jitter : v)),
      q,
    );
  if (!L) throw new RangeError("population: Ω is not positive definite");
  const solver = new ModeSolver(model, Int32Array.from(pop.random), Math.max(1, subject.t.length));
  return solver.solve(
    subject,
    {
      mu: Float64Array.from(pop.mu),
      omegaInv: choleskyInverse(L, q),
      logDetOmega: logDetFromCholesky(L, q),
      sigma: pop.sigma,
      kappa: pop.kappa ?? 0,
      ...(pop.correlation ? { correlation: pop.correlation } : {}),
    },
    new Float64Array(q),
  );
}

/** The FOCE objective (−2 log-likelihood) of subjects at given population parameters. */
export function foceObjective(
  model: MixedModel,
  subjects: readonly MixedSubject[],
  pop: {
    mu: readonly number[];
    omega: readonly (readonly number[])[];
    sigma: number;
    random: readonly number[];
    kappa?: number;
    correlation?: CorrelationValues;
  },
): number {
  return subjects.reduce((a, s) => a + conditionalMode(model, s, pop).objective, 0);
}

/** Twice the median time between consecutive readings of a subject (the starting range of a correlation). */
export function defaultRange(subjects: readonly MixedSubject[]): number {
  const gaps: number[] = [];
  for (const s of subjects) {
    const t = s.tc ?? s.t;
    for (let j = 1; j < t.length; j++) if (t[j] > t[j - 1]) gaps.push(t[j] - t[j - 1]);
  }
  gaps.sort((a, b) => a - b);
  return gaps.length ? 2 * gaps[Math.floor(gaps.length / 2)] : 1;
}
