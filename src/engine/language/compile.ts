import type { Dose, OdeProblem, OdeSystem, StateEvent } from "../problem.js";
import { emit } from "./codegen.js";
import type { Expr } from "./expression.js";
import type { DoseSpec, ModelSpec } from "./model-spec.js";
import { add, differentiate, expandMacros, isZero, mentions, mul, ONE, ZERO } from "./symbolic.js";

/** Generated functions are bound to a parameter vector: `create(p)` returns the system. */
type SystemFactory = (p: Float64Array) => OdeSystem;
type ConditionFactory = (p: Float64Array) => (t: number, y: Float64Array) => number;
type ObserverFactory = (p: Float64Array) => (t: number, y: Float64Array, out: Float64Array) => void;

/** Internal name of d(assignment k)/d(variable j) inside the Jacobian (not expressible in the language). */
const dRef = (k: number, j: number): Expr => ({ kind: "name", name: `#d${k}_${j}` });

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

  /** The published parameter values, as a fresh vector. */
  defaultParameters(): Float64Array {
    return Float64Array.from(this.spec.parameters.map((p) => p.value));
  }

  defaultInitialState(): Float64Array {
    return Float64Array.from(this.spec.states.map((s) => s.initial));
  }

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

interface Generated {
  source: string;
  usesTime: boolean;
}

/** Maps the language's names to generated identifiers. */
function namer(spec: ModelSpec): (name: string) => string {
  const states = new Map(spec.states.map((s, i) => [s.name, `y${i}`]));
  const params = new Map(spec.parameters.map((p, i) => [p.name, `p${i}`]));
  const assigns = new Map(spec.assignments.map((a, i) => [a.name, `a${i}`]));
  return (name: string): string => {
    if (name === "t") return "t";
    const id = states.get(name) ?? params.get(name) ?? assigns.get(name);
    if (id) return id;
    if (name.startsWith("#q")) return name.slice(1);
    const m = /^#d(\d+)_(\d+|t)$/.exec(name);
    if (m) return `d${m[1]}_${m[2]}`;
    throw new Error(`internal: unresolved name '${name}'`);
  };
}

function prelude(spec: ModelSpec, used: Set<string>): string {
  const lines: string[] = [];
  spec.states.forEach((s, i) => used.has(s.name) && lines.push(`const y${i} = y[${i}];`));
  spec.parameters.forEach((p, i) => used.has(p.name) && lines.push(`const p${i} = p[${i}];`));
  return lines.join("\n");
}

function usedNames(exprs: readonly Expr[]): Set<string> {
  const used = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case "name":
        used.add(e.name);
        break;
      case "neg":
        walk(e.arg);
        break;
      case "bin":
        walk(e.left);
        walk(e.right);
        break;
      case "call":
        e.args.forEach(walk);
        break;
      case "cond":
        walk(e.test);
        walk(e.then);
        walk(e.otherwise);
        break;
    }
  };
  exprs.forEach(walk);
  return used;
}

function generate(spec: ModelSpec): Generated {
  const id = namer(spec);
  const n = spec.states.length;
  const assigns = spec.assignments.map((a) => expandMacros(a.expr));
  const eqs = spec.equations.map((e) => expandMacros(e.expr));
  const usesTime = [...assigns, ...eqs].some((e) => mentions(e, "t"));
  const assignIndex = new Map(spec.assignments.map((a, i) => [a.name, i]));

  // right-hand side
  const rhsUsed = usedNames([...assigns, ...eqs]);
  const rhs = [
    prelude(spec, rhsUsed),
    ...assigns.map((a, k) => `const a${k} = ${emit(a, id)};`),
    ...eqs.map((e, i) => `dy[${i}] = ${emit(e, id)};`),
  ].join("\n");

  // Chain rule with shared partials: each assignment's and each equation's partial derivatives with respect to
  // the names it mentions directly are emitted once (locals q…); the derivative of assignment k with respect to
  // variable j is then Σ_m ∂a_k/∂a_m · d(a_m)/dj + ∂a_k/∂j, so no derivative expression is repeated per column
  // (before, ∂a_k/∂a_m was rebuilt and re-evaluated for every state j it depends on)
  const stateSet = new Set(spec.states.map((st) => st.name));
  const partialLines: string[] = [];
  const partialsOf = (e: Expr, tag: string): { name: string; q: Expr }[] => {
    const out: { name: string; q: Expr }[] = [];
    for (const name of usedNames([e])) {
      if (!(stateSet.has(name) || assignIndex.has(name) || name === "t")) continue;
      const q = differentiate(e, (nm) => (nm === name ? ONE : ZERO));
      if (isZero(q)) continue;
      if (q.kind === "num" || q.kind === "name") out.push({ name, q });
      else {
        const local = `q${tag}_${id(name)}`;
        partialLines.push(`const ${local} = ${emit(q, id)};`);
        out.push({ name, q: { kind: "name", name: `#${local}` } });
      }
    }
    return out;
  };
  const assignPartials = assigns.map((a, k) => partialsOf(a, `a${k}`));
  const eqPartials = eqs.map((e, i) => partialsOf(e, `e${i}`));

  // derivatives with respect to variable j (a state index, or "t"), chained through the assignments
  const derivatives = (wrt: string, j: number | "t"): { lines: string[]; deqs: Expr[] } => {
    const nonzero = new Set<number>();
    const lines: string[] = [];
    const chain = (parts: { name: string; q: Expr }[]): Expr => {
      let d: Expr = ZERO;
      for (const { name, q } of parts) {
        if (name === wrt) d = add(d, q);
        else {
          const m = assignIndex.get(name);
          if (m !== undefined && nonzero.has(m)) d = add(d, mul(q, dRef(m, j as number)));
        }
      }
      return d;
    };
    assignPartials.forEach((parts, k) => {
      const d = chain(parts);
      if (!isZero(d)) {
        nonzero.add(k);
        lines.push(`const d${k}_${j} = ${emit(d, id)};`);
      }
    });
    return { lines, deqs: eqPartials.map(chain) };
  };

  const jacLines: string[] = [];
  const jacExprs: Expr[] = [];
  const entries: string[] = [];
  const pattern: number[] = [];
  spec.states.forEach((s, j) => {
    const { lines, deqs } = derivatives(s.name, j);
    jacLines.push(...lines);
    deqs.forEach((d, i) => {
      if (!isZero(d)) {
        entries.push(`J[${i * n + j}] = ${emit(d, id)};`);
        pattern.push(i * n + j);
        jacExprs.push(d);
      }
    });
  });
  const jacUsed = usedNames([...assigns, ...jacExprs]);
  // derivative locals can reference assignment values, so keep every assignment the Jacobian needs
  const jac = [
    prelude(spec, new Set([...jacUsed, ...rhsUsed])),
    ...assigns.map((a, k) => `const a${k} = ${emit(a, id)};`),
    ...partialLines,
    ...jacLines,
    `J.fill(0);`,
    ...entries,
  ].join("\n");

  let dfdt = "";
  if (usesTime) {
    const { lines, deqs } = derivatives("t", "t");
    dfdt = [
      prelude(spec, rhsUsed),
      ...assigns.map((a, k) => `const a${k} = ${emit(a, id)};`),
      ...partialLines,
      ...lines,
      ...deqs.map((d, i) => `dfdt[${i}] = ${emit(d, id)};`),
    ].join("\n");
  }

  const names = JSON.stringify(spec.states.map((s) => s.name));
  // the entries the Jacobian sets (every other one is 0), one array shared by all systems of the model
  const source = `"use strict";
const jacobianPattern = Int32Array.from(${JSON.stringify(pattern.sort((a, b) => a - b))});
return function createSystem(p) {
  return {
    dimension: ${n},
    stateNames: ${names},
    jacobianPattern,
    rhs(t, y, dy) {
${indent(rhs)}
    },
    jacobian(t, y, J) {
${indent(jac)}
    },${usesTime ? `\n    timeDerivative(t, y, dfdt) {\n${indent(dfdt)}\n    },` : ""}
  };
};`;
  return { source, usesTime };
}

function conditionSource(spec: ModelSpec, g: Expr): string {
  const id = namer(spec);
  const e = expandMacros(g);
  const used = usedNames([e, ...spec.assignments.map((a) => a.expr)]);
  return `"use strict";
return function (p) {
  return function condition(t, y) {
${indent([prelude(spec, used), ...spec.assignments.map((a, k) => `const a${k} = ${emit(expandMacros(a.expr), id)};`), `return ${emit(e, id)};`].join("\n"))}
  };
};`;
}

function observerSource(spec: ModelSpec): string {
  const id = namer(spec);
  const exprs = spec.observations.map((o) => expandMacros(o.expr));
  const used = usedNames([...exprs, ...spec.assignments.map((a) => a.expr)]);
  const body = [
    prelude(spec, used),
    ...spec.assignments.map((a, k) => `const a${k} = ${emit(expandMacros(a.expr), id)};`),
    ...exprs.map((e, j) => `out[${j}] = ${emit(e, id)};`),
  ].join("\n");
  return `"use strict";
return function (p) {
  return function observe(t, y, out) {
${indent(body)}
  };
};`;
}

function indent(s: string): string {
  return s
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => "      " + l)
    .join("\n");
}
