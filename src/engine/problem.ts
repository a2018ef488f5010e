/**
 * The engine's view of an initial-value problem y' = f(t, y) + v(t), where v(t) is a piecewise-constant
 * input rate (infusions) and the state may jump at scheduled times (boluses) or on state events.
 * No domain words here: the engine knows states by index.
 */

/** A right-hand side written into preallocated arrays: no allocation per call. */
export interface OdeSystem {
  readonly dimension: number;
  /** dydt = f(t, y) */
  rhs(t: number, y: Float64Array, dydt: Float64Array): void;
  /** Row-major Jacobian J[i*n + j] = d f_i / d y_j. Optional: finite differences are used without it. */
  jacobian?(t: number, y: Float64Array, jac: Float64Array): void;
  /**
   * Row-major indices i·n + j of every entry `jacobian` may set to a non-zero value (every other entry is always
   * 0). Optional; with it the stiff solver factors I/(hγ) − J as a sparse matrix. Share one array between the
   * systems of one model (the symbolic analysis is cached per array).
   */
  readonly jacobianPattern?: Int32Array;
  /** d f / d t, for non-autonomous systems used by Rosenbrock methods. Omit when f does not depend on t. */
  timeDerivative?(t: number, y: Float64Array, dfdt: Float64Array): void;
  /** Names of the states, used in error messages. */
  readonly stateNames?: readonly string[];
}

/** An instantaneous addition to one state at time `at`. */
export interface Bolus {
  readonly kind: "bolus";
  readonly index: number;
  readonly amount: number;
  readonly at: number;
}

/** A constant input rate added to d(state)/dt on [from, to). */
export interface Infusion {
  readonly kind: "infusion";
  readonly index: number;
  readonly rate: number;
  readonly from: number;
  readonly to: number;
}

/** An instantaneous multiplication of one state at time `at` (e.g. a radiotherapy fraction's surviving fraction). */
export interface ScaleDose {
  readonly kind: "scale";
  readonly index: number;
  readonly factor: number;
  readonly at: number;
}

export type Dose = Bolus | Infusion | ScaleDose;

/**
 * A state event: fires when `condition(t, y)` crosses zero in the given direction
 * (-1: from positive to negative, +1: from negative to positive, 0: either).
 * On firing it may set states (`assign`) and/or stop the integration (`terminal`).
 * `once` events fire at most one time per solve.
 */
export interface StateEvent {
  readonly name: string;
  condition(t: number, y: Float64Array): number;
  readonly direction: -1 | 0 | 1;
  readonly assign?: readonly { readonly index: number; readonly value: number }[];
  readonly terminal?: boolean;
  readonly once?: boolean;
}

export interface OdeProblem {
  readonly system: OdeSystem;
  readonly y0: ArrayLike<number>;
  readonly t0: number;
  readonly tEnd: number;
  readonly doses?: readonly Dose[];
  readonly events?: readonly StateEvent[];
  /** States that must never be negative (per index). */
  readonly nonnegative?: ArrayLike<boolean>;
}

export type Method = "auto" | "rodas" | "rodas4" | "rodas5p" | "dopri5";

export interface SolveOptions {
  method?: Method;
  /** Relative tolerance, scalar or per component. Default 1e-6. */
  rtol?: number | ArrayLike<number>;
  /** Absolute tolerance, scalar or per component. Default 1e-6. */
  atol?: number | ArrayLike<number>;
  /** Output times (sorted ascending, inside [t0, tEnd]). Default: `nOut` equally spaced points. */
  times?: ArrayLike<number>;
  /** Number of equally spaced output points including both ends (default 101). */
  nOut?: number;
  /** Maximal number of steps (accepted + rejected) in the whole solve. Default 100000. */
  maxSteps?: number;
  /** Initial step size (0: chosen automatically). */
  h0?: number;
  /** Maximal step size (default: the whole interval). */
  hMax?: number;
  /** Keep dense output over the whole solve, for `solution.at(t)`. Default true. */
  dense?: boolean;
  /** Called about every `progressEvery` steps with the current time. */
  onProgress?: (t: number, t0: number, tEnd: number) => void;
  progressEvery?: number;
}

export interface SolverStats {
  steps: number;
  rejectedSteps: number;
  rhsEvaluations: number;
  jacobianEvaluations: number;
  luFactorizations: number;
  /** Number of switches between the non-stiff and the stiff method (method "auto"). */
  methodSwitches: number;
}

export function emptyStats(): SolverStats {
  return {
    steps: 0,
    rejectedSteps: 0,
    rhsEvaluations: 0,
    jacobianEvaluations: 0,
    luFactorizations: 0,
    methodSwitches: 0,
  };
}

export interface EventRecord {
  readonly name: string;
  readonly t: number;
  readonly state: readonly number[];
  readonly terminal: boolean;
}
