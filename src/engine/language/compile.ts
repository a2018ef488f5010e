import type { Dose, OdeProblem, OdeSystem, StateEvent } from "../problem.js";
import { conditionSource, generate, observerSource } from "./generate-source.js";
import type { DoseSpec, ModelSpec } from "./model-spec.js";

/** Generated functions are bound to a parameter vector: `create(p)` returns the system. */
type SystemFactory = (p: Float64Array) => OdeSystem;
type ConditionFactory = (p: Float64Array) => (t: number, y: Float64Array) => number;
type ObserverFactory = (p: Float64Array) => (t: number, y: Float64Array, out: Float64Array) => void;

/**
 * A model compiled into fast, allocation-free JavaScript: right-hand side, analytic Jacobian (by symbolic
 * differentiation) and, for models that use t, ∂f/∂t. Parameters live in a Float64Array, so changing
 * them (`--set`, fitting) needs no recompilation.
 */
export class CompiledModel {
  readonly stateNames: readonly string[];
  readonly parameterNames: readonly string[];
  readonly usesTime: boolean;
  /** The generated source, for inspection and debugging. */
  readonly source: string;
  private readonly factory: SystemFactory;
  private readonly conditionFactories: readonly ConditionFactory[];
  private readonly observerFactory: ObserverFactory;
  readonly observationNames: readonly string[];

  constructor(readonly spec: ModelSpec) {
    this.stateNames = spec.states.map((s) => s.name);
    this.parameterNames = spec.parameters.map((p) => p.name);
    const gen = generate(spec);
    this.usesTime = gen.usesTime;
    this.source = gen.source;
    this.factory = new Function(gen.source)() as SystemFactory;
    this.observationNames = spec.observations.map((o) => o.name);
    this.observerFactory = new Function(observerSource(spec))() as ObserverFactory;
    this.conditionFactories = spec.events.map(
      (ev) => new Function(conditionSource(spec, ev.condition.g))() as ConditionFactory,
    );
  }

  get dimension(): number {
    return this.stateNames.length;
  }

  stateIndex(name: string): number {
    return this.stateNames.indexOf(name);
  }

  parameterIndex(name: string): number {
    return this.parameterNames.indexOf(name);
  }

  /** The published parameter values, as a fresh vector (a copy of one built on first use: the spec is not edited). */
  defaultParameters(): Float64Array {
    this.parameterValues ??= Float64Array.from(this.spec.parameters.map((p) => p.value));
    return this.parameterValues.slice();
  }

  defaultInitialState(): Float64Array {
    this.initialValues ??= Float64Array.from(this.spec.states.map((s) => s.initial));
    return this.initialValues.slice();
  }

  private parameterValues: Float64Array | undefined;
  private initialValues: Float64Array | undefined;

  /** The ODE system bound to a parameter vector (kept by reference: later changes to `p` take effect). */
  system(p: Float64Array = this.defaultParameters()): OdeSystem {
    const g = this.factory(p);
    // one object shape for every model: the generated literal has a hidden class of its own per model, and the
    // solver's call sites, seeing a new one with each model, deoptimized again and again (37 models in a plan)
    return {
      dimension: g.dimension,
      stateNames: g.stateNames,
      jacobianPattern: g.jacobianPattern,
      rhs: g.rhs,
      jacobian: g.jacobian,
      timeDerivative: g.timeDerivative,
    };
  }

  /** Index of the tumor-burden state (model field `tumor_state`, default T), or -1. */
  get tumorIndex(): number {
    return this.spec.tumorState ? this.stateIndex(this.spec.tumorState) : -1;
  }

  /** Parameters and initial state of a named variant (e.g. another patient), on top of the defaults. */
  variant(name: string): { parameters: Float64Array; y0: Float64Array } {
    const v = this.spec.variants.find((x) => x.name === name);
    if (!v) {
      const names = this.spec.variants.map((x) => x.name);
      throw new RangeError(
        `unknown variant '${name}' of ${this.spec.name} (variants: ${names.join(", ") || "none"})`,
      );
    }
    const parameters = this.defaultParameters();
    const y0 = this.defaultInitialState();
    for (const p of v.parameters) parameters[this.parameterIndex(p.name)] = p.value;
    for (const s of v.initial) y0[this.stateIndex(s.state)] = s.value;
    return { parameters, y0 };
  }

  /** The observation functions (volume, diameter, PSA, …) bound to a parameter vector. */
  observer(
    p: Float64Array = this.defaultParameters(),
  ): (t: number, y: Float64Array, out: Float64Array) => void {
    return this.observerFactory(p);
  }

  /** Observations at every output time of a solution: one Float64Array per observation. */
  observe(
    times: ArrayLike<number>,
    values: ArrayLike<number>,
    p: Float64Array = this.defaultParameters(),
  ): Float64Array[] {
    const n = this.dimension;
    const k = this.observationNames.length;
    const f = this.observer(p);
    const y = new Float64Array(n);
    const o = new Float64Array(k);
    const out = this.observationNames.map(() => new Float64Array(times.length));
    for (let i = 0; i < times.length; i++) {
      for (let j = 0; j < n; j++) y[j] = values[i * n + j];
      f(times[i], y, o);
      for (let j = 0; j < k; j++) out[j][i] = o[j];
    }
    return out;
  }

  /** State events of the model file, bound to a parameter vector. */
  events(p: Float64Array = this.defaultParameters()): StateEvent[] {
    return this.spec.events.map((ev, i) => ({
      name: ev.name,
      condition: this.conditionFactories[i](p),
      direction: ev.condition.direction,
      assign: ev.set.map((s) => ({ index: this.stateIndex(s.state), value: s.value })),
      terminal: ev.stop,
      once: ev.once,
    }));
  }

  /** Expands dose specifications (repeats included) into the engine's doses. */
  doses(specs: readonly DoseSpec[] = this.spec.doses): Dose[] {
    return expandDoses(specs, this.stateNames);
  }

  nonnegative(): boolean[] {
    return this.spec.states.map((s) => s.nonnegative);
  }

  /** An initial-value problem for this model over [t0, tEnd]. */
  problem(opts: {
    tEnd: number;
    t0?: number;
    parameters?: Float64Array;
    y0?: ArrayLike<number>;
    doses?: readonly DoseSpec[];
    events?: boolean;
  }): OdeProblem {
    const p = opts.parameters ?? this.defaultParameters();
    return {
      system: this.system(p),
      y0: opts.y0 ?? this.defaultInitialState(),
      t0: opts.t0 ?? 0,
      tEnd: opts.tEnd,
      doses: this.doses(opts.doses ?? this.spec.doses),
      events: opts.events === false ? [] : this.events(p),
      nonnegative: this.nonnegative(),
    };
  }
}

export function expandDoses(specs: readonly DoseSpec[], stateNames: readonly string[]): Dose[] {
  const out: Dose[] = [];
  for (const d of specs) {
    const index = stateNames.indexOf(d.state);
    if (index < 0) throw new Error(`dose to unknown state '${d.state}'`);
    const first = d.kind === "infusion" ? d.from : d.at;
    for (const start of repeatTimes(first, d.every, d.count, d.until)) {
      if (d.kind === "infusion") {
        out.push({ kind: "infusion", index, rate: d.rate, from: start, to: start + (d.to - d.from) });
      } else if (d.kind === "scale") {
        out.push({ kind: "scale", index, factor: d.factor, at: start });
      } else {
        out.push({ kind: "bolus", index, amount: d.amount, at: start });
      }
    }
  }
  return out;
}

/** Start times of a dose repeated `every` for `count` times or until `until` (inclusive). */
function repeatTimes(first: number, every?: number, count?: number, until?: number): number[] {
  if (every === undefined) return [first];
  const n = count ?? Math.floor((until! - first) / every + 1e-9) + 1;
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = first + k * every;
    if (until !== undefined && t > until + 1e-12 * Math.abs(until)) break;
    times.push(t);
  }
  return times;
}
