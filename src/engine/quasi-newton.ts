/**
 * Unconstrained minimization by BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 6.1) with a
 * backtracking Armijo line search and central-difference gradients, and the central-difference Hessian used for
 * standard errors. For smooth objectives of a few dozen variables whose gradient is not available in closed form.
 */

export type Objective = (x: Float64Array) => number;

export interface BfgsOptions {
  readonly maxIterations?: number;
  /** Stop when the largest |gradient component| × max(1, |x|) is below this. Default 1e-5. */
  readonly gtol?: number;
  /** Stop when the objective decreased by less than ftol·(1 + |f|) in three successive iterations. Default 1e-10. */
  readonly ftol?: number;
  /** Relative step of the central differences. Default 1e-5. */
  readonly step?: number;
  /** The largest change of any variable in one step (default: unlimited). */
  readonly maxStep?: number;
  /** Called with every accepted iterate (before its gradient is computed). */
  readonly onAccept?: (x: Float64Array, value: number) => void;
}

export interface BfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/** Central-difference gradient of f at x into g; returns the number of evaluations (2n). */
export function centralGradient(f: Objective, x: Float64Array, g: Float64Array, step = 1e-5): number {
  const w = Float64Array.from(x);
  for (let j = 0; j < x.length; j++) {
    const h = step * Math.max(1, Math.abs(x[j]));
    w[j] = x[j] + h;
    const fp = f(w);
    w[j] = x[j] - h;
    const fm = f(w);
    w[j] = x[j];
    g[j] = (fp - fm) / (2 * h);
  }
  return 2 * x.length;
}

/** Central-difference Hessian (n × n, row-major, symmetrized) of f at x. */
export function centralHessian(f: Objective, x: Float64Array, step = 1e-4): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const w = Float64Array.from(x);
  const f0 = f(x);
  const h = Float64Array.from(x, (v) => step * Math.max(1, Math.abs(v)));
  for (let i = 0; i < n; i++) {
    w[i] = x[i] + h[i];
    const fp = f(w);
    w[i] = x[i] - h[i];
    const fm = f(w);
    w[i] = x[i];
    H[i * n + i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (const [si, sj] of [
        [1, 1],
        [-1, -1],
        [1, -1],
        [-1, 1],
      ]) {
        w[i] = x[i] + si * h[i];
        w[j] = x[j] + sj * h[j];
        s += si * sj * f(w);
      }
      w[i] = x[i];
      w[j] = x[j];
      H[i * n + j] = H[j * n + i] = s / (4 * h[i] * h[j]);
    }
  }
  return H;
}

export function minimizeBfgs(f: Objective, x0: ArrayLike<number>, opts: BfgsOptions = {}): BfgsResult {
  const n = x0.length;
  const maxIt = opts.maxIterations ?? 500;
  const gtol = opts.gtol ?? 1e-5;
  const ftol = opts.ftol ?? 1e-10;
  const step = opts.step ?? 1e-5;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const gNew = new Float64Array(n);
  const xNew = new Float64Array(n);
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  const yv = new Float64Array(n);
  const Hy = new Float64Array(n);
  const Hinv = new Float64Array(n * n);
  const identity = () => {
    Hinv.fill(0);
    for (let i = 0; i < n; i++) Hinv[i * n + i] = 1;
  };
  identity();
  let fx = f(x);
  let evaluations = 1;
  if (!Number.isFinite(fx)) throw new RangeError("BFGS: the objective is not finite at the start point");
  evaluations += centralGradient(f, x, g, step);
  let converged = false;
  let small = 0;
  let it = 0;
  let firstStep = true;
  for (; it < maxIt; it++) {
    let gmax = 0;
    for (let j = 0; j < n; j++) gmax = Math.max(gmax, Math.abs(g[j]) * Math.max(1, Math.abs(x[j])));
    if (gmax < gtol) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= Hinv[i * n + j] * g[j];
      d[i] = v;
    }
    let slope = 0;
    for (let j = 0; j < n; j++) slope += d[j] * g[j];
    if (!(slope < 0)) {
      identity(); // not a descent direction: restart from steepest descent
      for (let j = 0; j < n; j++) d[j] = -g[j];
      slope = 0;
      for (let j = 0; j < n; j++) slope += d[j] * g[j];
    }
    // the first step of steepest descent is scaled to move by at most 0.1 per variable
    let alpha = 1;
    let dmax = 0;
    for (let j = 0; j < n; j++) dmax = Math.max(dmax, Math.abs(d[j]));
    if (firstStep) alpha = dmax > 0.1 ? 0.1 / dmax : 1;
    else if (opts.maxStep !== undefined && dmax > opts.maxStep) alpha = opts.maxStep / dmax;
    let fNew = NaN;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++, alpha *= 0.5) {
      for (let j = 0; j < n; j++) xNew[j] = x[j] + alpha * d[j];
      fNew = f(xNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * alpha * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      converged = gmax < 100 * gtol; // no further decrease along the direction: at the attainable minimum
      break;
    }
    firstStep = false;
    opts.onAccept?.(xNew, fNew);
    evaluations += centralGradient(f, xNew, gNew, step);
    let sy = 0;
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j] - x[j];
      yv[j] = gNew[j] - g[j];
      sy += s[j] * yv[j];
    }
    const decrease = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    small = decrease < ftol * (1 + Math.abs(fx)) ? small + 1 : 0;
    if (small >= 3) {
      converged = true;
      it++;
      break;
    }
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += Hinv[i * n + j] * yv[j];
        Hy[i] = v;
        yHy += yv[i] * v;
      }
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          Hinv[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
  }
  return { x, value: fx, gradient: g, iterations: it, evaluations, converged };
}
