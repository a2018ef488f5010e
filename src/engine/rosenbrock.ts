import { DENSE_ROSENBROCK, rosenbrockDense, type DenseRecord } from "./dense-record.js";
import { assertFiniteJacobian, invariantZeros, patternEntries, type RowSums } from "./jacobian-pattern.js";
import { luFactor, luSolveFor } from "./lu.js";
import { sparseLuFor, type SparseLu } from "./sparse-lu.js";
import type { OdeSystem, SolverStats } from "./problem.js";
import { tableauArrays, type RosenbrockTableau } from "./rosenbrock-tableaus.js";
import { combineStages, denseCoefficients } from "./stage-combination.js";
import { Stepper, workArrays } from "./stepper.js";

const SAFE = 0.9;

const FAC_MIN = 0.2; // hnew/h ≥ 0.2 (≥ 0.1 on a first-step rejection)
const FAC_MAX = 6; // hnew/h ≤ 6

/**
 * Linearly implicit Rosenbrock–Wanner method (Rodas family) for stiff problems: one Jacobian and one LU
 * factorization per step, an embedded error estimate, Gustafsson's predictive step-size controller and
 * continuous (dense) output. Uses the system's analytic Jacobian when it has one, else forward differences.
 * With the Jacobian's sparsity pattern (`OdeSystem.jacobianPattern`) the iteration matrix is factored as a sparse
 * matrix (sparse-lu.ts; dense partial pivoting whenever a static pivot fails its threshold test).
 */
export class RosenbrockStepper extends Stepper {
  readonly order: number;
  private readonly s: number;
  private readonly gamma: number;
  private readonly A: Float64Array; // s×s, a[i][j]
  private readonly Cm: Float64Array; // s×s, C[i][j]
  private readonly B: Float64Array;
  private readonly cc: Float64Array;
  private readonly dd: Float64Array;
  private readonly Hd: Float64Array; // r×s
  private readonly nDense: number;
  private readonly K: Float64Array; // s×n stage vectors
  /** Views of the rows of K. */
  private readonly Krows: Float64Array[];
  /** See TableauArrays. */
  private readonly incremental: Uint8Array;
  /** Scratch for combineStages: coefficients and stage offsets. */
  private readonly coef: Float64Array;
  private readonly coefOffset: Int32Array;
  private readonly f0: Float64Array;
  private readonly dfdt: Float64Array;
  private readonly ytmp: Float64Array;
  private readonly rhs: Float64Array;
  private readonly jac: Float64Array;
  private readonly w: Float64Array;
  private readonly pivots: Int32Array;
  /** luSolve unrolled for this n (the dense fallback's solves). */
  private readonly denseSolve: ReturnType<typeof luSolveFor>;
  private readonly dense: Float64Array; // (nDense)×n
  private readonly fdTmp: Float64Array;
  /** Sparse LU of the iteration matrix (null: dense), its compact storage, the entries J may set, row sums. */
  private readonly sparse: SparseLu | null;
  private readonly luS: Float64Array;
  private readonly nzStart: Int32Array;
  private readonly nzCol: Int32Array;
  private readonly nzIdx: Int32Array;
  private readonly rowSumsOf: RowSums;
  /** J has entries outside the pattern (difference columns replaced non-finite analytic ones). */
  private offPattern = false;
  private readonly rowSum: Float64Array;
  /** atol + rtol·|y| at the Jacobian's point: the states' magnitudes for the sparse pivot test and the norm. */
  private readonly colScale: Float64Array;
  /** Factorizations where a static pivot failed its threshold test and the dense LU was used. */
  sparseFallbacks = 0;
  /** States fixed at exactly 0 for this step (see markInvariantZeros): the first nFrozen entries. */
  private readonly frozen: Int32Array;
  private nFrozen = 0;
  private readonly autonomous: boolean;
  private jacobianCurrent = false;
  private hAcc = 0;
  private errAcc = 0;
  private accepted = 0;
  private rejectedLast = false;
  /** ‖J‖∞ · h of the last step: a cheap measure of stiffness, used by "auto" to switch back. */
  stiffnessRatio = 0;

  constructor(
    system: OdeSystem,
    rtol: Float64Array,
    atol: Float64Array,
    stats: SolverStats,
    readonly tableau: RosenbrockTableau,
  ) {
    super(system, rtol, atol, stats);
    const n = this.n;
    const s = tableau.stages;
    this.s = s;
    this.order = tableau.order;
    this.gamma = tableau.gamma;
    const c = tableauArrays(tableau);
    this.A = c.A;
    this.Cm = c.Cm;
    this.B = c.B;
    this.cc = c.cc;
    this.dd = c.dd;
    this.nDense = c.nDense;
    this.Hd = c.Hd;
    this.incremental = c.incremental;
    const pattern = system.jacobian ? system.jacobianPattern : undefined;
    this.sparse = pattern ? sparseLuFor(n, pattern) : null;
    const { f, i } = workArrays(
      [s * n, s + 1, n, n, n, n, n * n, n * n, this.nDense * n, n, this.sparse?.size ?? 0, n, n],
      [s + 1, n, n],
    );
    this.K = f[0];
    this.coef = f[1];
    this.f0 = f[2];
    this.dfdt = f[3];
    this.ytmp = f[4];
    this.rhs = f[5];
    this.jac = f[6];
    this.w = f[7];
    this.dense = f[8];
    this.fdTmp = f[9];
    this.luS = f[10];
    this.rowSum = f[11];
    this.colScale = f[12];
    this.coefOffset = i[0];
    this.pivots = i[1];
    this.frozen = i[2];
    this.denseSolve = luSolveFor(n);
    this.Krows = Array.from({ length: s }, (_, st) => this.K.subarray(st * n, (st + 1) * n));
    this.autonomous = system.timeDerivative === undefined;
    // entries the Jacobian may set (all of them without a pattern)
    const nz = patternEntries(n, pattern ?? null);
    this.nzStart = nz.start;
    this.nzCol = nz.col;
    this.nzIdx = nz.idx;
    this.rowSumsOf = nz.rowSums;
  }

  start(t0: number, tBound: number, h0: number): void {
    this.t = t0;
    this.tOld = t0;
    this.tBound = tBound;
    this.f(t0, this.y, this.f0);
    this.checkFinite(t0, this.y, this.f0);
    this.h = h0 > 0 ? Math.min(h0, tBound - t0) : this.initialStep(this.f0, this.ytmp, this.rhs);
    this.jacobianCurrent = false;
    this.accepted = 0;
    this.rejectedLast = false;
    this.hAcc = 0;
    this.errAcc = 0;
  }

  /**
   * ‖J(t, y)‖∞ at a given point (an upper bound of the spectral radius), for stiffness tests while another
   * method is active. Uses this stepper's Jacobian workspace.
   */
  jacobianNormAt(t: number, y: Float64Array): number {
    const saveT = this.t;
    this.t = t;
    this.y.set(y);
    if (!this.system.jacobian) this.f(t, this.y, this.f0);
    this.evaluateJacobian();
    this.t = saveT;
    this.jacobianCurrent = false;
    return this.jacNorm;
  }

  private evaluateJacobian(): void {
    const n = this.n;
    const t = this.t;
    const y = this.y;
    const J = this.jac;
    this.stats.jacobianEvaluations++;
    // ‖D⁻¹ J D‖∞ with D = diag(atol + rtol·|y|): invariant to the states' units, and still ≥ the
    // spectral radius (a similarity transform keeps the eigenvalues); its row sums double as the finiteness check
    // of J (entries outside the pattern are 0): a non-finite entry makes its row sum non-finite
    const sk = this.colScale;
    for (let i = 0; i < n; i++) sk[i] = this.atol[i] + this.rtol[i] * Math.abs(y[i]);
    const rowSum = this.rowSum;
    this.offPattern = false;
    if (this.system.jacobian) this.system.jacobian(t, y, J);
    else for (let j = 0; j < n; j++) this.differenceColumn(j);
    // Σ_j |J_ij|·sk_j over the pattern into rowSum (sk = colScale); false when one of them is not finite
    if (!this.rowSumsOf(J, sk, rowSum)) {
      // an infinite partial derivative (e.g. x^λ with λ < 1 at x = 0) is replaced by a difference quotient
      if (this.system.jacobian) {
        for (let j = 0; j < n; j++) {
          for (let i = 0; i < n; i++) {
            if (!Number.isFinite(J[i * n + j])) {
              this.f(t, y, this.f0);
              this.differenceColumn(j);
              this.offPattern = true;
              break;
            }
          }
        }
      }
      assertFiniteJacobian(J, n, t, y, this.system.stateNames);
      this.rowSumsOf(J, sk, rowSum);
    }
    if (!this.autonomous) this.system.timeDerivative!(t, y, this.dfdt);
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const row = rowSum[i] / sk[i];
      if (row > norm) norm = row;
    }
    this.jacNorm = norm;
    this.jacobianCurrent = true;
  }

  private jacNorm = 0;

  /**
   * A state that is exactly 0, with f_i = 0 and no coupling to the others (J_ij = 0, j ≠ i), stays 0 exactly
   * (e.g. an eliminated tumor: dT/dt ∝ T). The linear solves would otherwise leave rounding noise of the size
   * of the other states in it, which a growing state could amplify into a spurious regrowth.
   */
  private markInvariantZeros(): void {
    // entries outside the pattern are 0, unless difference columns were written into J
    const entries = this.offPattern ? null : { start: this.nzStart, col: this.nzCol, idx: this.nzIdx };
    this.nFrozen = invariantZeros(this.y, this.f0, this.jac, this.n, entries, this.frozen);
  }

  /** Column j of the Jacobian by a forward difference (f0 must hold f(t, y)). */
  private differenceColumn(j: number): void {
    const n = this.n;
    const y = this.y;
    const f1 = this.fdTmp;
    const yj = y[j];
    const delta = Math.sqrt(2.220446049250313e-16 * Math.max(1e-5, Math.abs(yj)));
    y[j] = yj + delta;
    this.f(this.t, y, f1);
    y[j] = yj;
    const inv = 1 / delta;
    for (let i = 0; i < n; i++) this.jac[i * n + j] = (f1[i] - this.f0[i]) * inv;
  }

  step(): void {
    const n = this.n;
    const s = this.s;
    const y = this.y;
    const { K, A, Cm, cc, dd, B, ytmp, w, jac, pivots, f0, dfdt } = this;
    const stats = this.stats;
    if (!this.jacobianCurrent) {
      this.evaluateJacobian();
      this.markInvariantZeros();
    }
    for (;;) {
      const hmin = this.minStep();
      const h = this.clampStep(this.h);
      const last = this.lastInSegment;
      if (h < hmin) this.underflow(h);
      const t = this.t;
      const fac = 1 / (h * this.gamma);
      stats.luFactorizations++;
      const sparse = this.sparse;
      const luS = this.luS;
      let sparseStep = false;
      if (sparse) {
        sparseStep = sparse.loadFactor(jac, fac, luS, this.colScale);
        if (!sparseStep) this.sparseFallbacks++;
      }
      if (!sparseStep) {
        for (let i = 0; i < n * n; i++) w[i] = -jac[i];
        for (let i = 0; i < n; i++) w[i * n + i] += fac;
        if (!luFactor(w, n, pivots)) {
          stats.rejectedSteps++;
          this.h = h * 0.25;
          continue;
        }
      }
      const invH = 1 / h;
      const incremental = this.incremental;
      // the non-zero coefficients of a combination of stages and their stages' offsets in K
      const cf = this.coef;
      const co = this.coefOffset;
      for (let st = 0; st < s; st++) {
        // stage st is solved in place in its row of K
        const kst = this.Krows[st];
        if (st === 0) {
          kst.set(f0);
        } else {
          const ar = st * s;
          if (incremental[st]) {
            // stiffly accurate tableaus: this stage's argument is the previous one's plus its stage
            const ko = (st - 1) * n;
            for (let i = 0; i < n; i++) ytmp[i] += K[ko + i];
          } else {
            let m = 0;
            for (let j = 0; j < st; j++) {
              const a = A[ar + j];
              if (a === 0) continue;
              cf[m] = a;
              co[m++] = j * n;
            }
            combineStages(ytmp, y, K, cf, co, m, n);
          }
          this.f(st === s - 1 || cc[st] === 1 ? (last ? this.tBound : t + h) : t + cc[st] * h, ytmp, kst);
          let m = 0;
          for (let j = 0; j < st; j++) {
            const c = Cm[ar + j] * invH;
            if (c === 0) continue;
            cf[m] = c;
            co[m++] = j * n;
          }
          combineStages(kst, kst, K, cf, co, m, n);
        }
        if (!this.autonomous && dd[st] !== 0) {
          const hd = h * dd[st];
          for (let i = 0; i < n; i++) kst[i] += hd * dfdt[i];
        }
        if (sparseStep) sparse!.solve(luS, kst);
        else this.denseSolve(w, pivots, kst);
        for (let q = 0; q < this.nFrozen; q++) kst[this.frozen[q]] = 0;
      }
      // new solution into ytmp, error estimate = last stage
      const ke = (s - 1) * n;
      if (incremental[s]) {
        for (let i = 0; i < n; i++) ytmp[i] += K[ke + i];
      } else {
        let m = 0;
        for (let j = 0; j < s; j++) {
          const b = B[j];
          if (b === 0) continue;
          cf[m] = b;
          co[m++] = j * n;
        }
        combineStages(ytmp, y, K, cf, co, m, n);
      }
      const err = this.errorNorm(this.Krows[s - 1], y, ytmp);
      const expo = 1 / this.order;
      if (!(err <= 1)) {
        stats.rejectedSteps++;
        const f = Number.isFinite(err)
          ? Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, Math.pow(err, expo) / SAFE))
          : 10;
        this.h = this.accepted === 0 ? h * 0.1 : h / f;
        this.rejectedLast = true;
        continue;
      }
      stats.steps++;
      let facc = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, Math.pow(err, expo) / SAFE));
      if (this.accepted > 0) {
        let facgus = ((this.hAcc / h) * Math.pow((err * err) / this.errAcc, expo)) / SAFE;
        facgus = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, facgus));
        facc = Math.max(facc, facgus);
      }
      this.hAcc = h;
      this.errAcc = Math.max(1e-2, err);
      let hNew = h / facc;
      if (this.rejectedLast) hNew = Math.min(hNew, h);
      this.rejectedLast = false;
      this.accepted++;
      // dense output coefficients are computed from the stages only when an output or the record needs them
      this.denseStale = true;
      this.stiffnessRatio = h * this.jacNorm;
      this.yOld.set(y);
      y.set(ytmp);
      this.tOld = t;
      this.t = last ? this.tBound : t + h;
      this.hLast = h;
      this.h = hNew;
      this.jacobianCurrent = false;
      // f at the new point, for the next step (and its finiteness check)
      if (this.t < this.tBound) this.refreshDerivative();
      return;
    }
  }

  /** Recomputes f at the current state (after a step, or after the driver changed the state). */
  refreshDerivative(): void {
    this.f(this.t, this.y, this.f0);
    this.checkFinite(this.t, this.y, this.f0);
    this.jacobianCurrent = false;
  }

  /** Dense output coefficients D_r = Σ_j H[r][j] k_j of the last step (the stages stay until the next step). */
  private denseStale = true;
  private ensureDense(): void {
    if (!this.denseStale) return;
    denseCoefficients(this.dense, this.Hd, this.K, this.nDense, this.s, this.n);
    this.denseStale = false;
  }

  recordDense(record: DenseRecord): void {
    this.ensureDense();
    const n = this.n;
    const r = this.nDense;
    const o = record.reserve(this.tOld, this.t, DENSE_ROSENBROCK, r, (2 + r) * n);
    record.buf.set(this.yOld, o);
    record.buf.set(this.y, o + n);
    record.buf.set(this.dense, o + 2 * n);
  }

  stateChanged(): void {
    this.refreshDerivative();
  }

  interpolate(t: number, out: Float64Array): void {
    this.ensureDense();
    const h = this.t - this.tOld;
    const th = h === 0 ? 1 : (t - this.tOld) / h;
    rosenbrockDense(th, this.yOld, 0, this.y, 0, this.dense, 0, this.nDense, this.n, out);
  }
}
