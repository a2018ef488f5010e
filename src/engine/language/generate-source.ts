/**
 * The JavaScript source generated for a model: the right-hand side with its analytic Jacobian (and ∂f/∂t when
 * the model uses t), the event conditions and the observations, each a factory bound to a parameter vector.
 */
import { emit } from "./codegen.js";
import type { Expr } from "./expression.js";
import type { ModelSpec } from "./model-spec.js";
import { add, differentiate, expandMacros, isZero, mentions, mul, ONE, ZERO } from "./symbolic.js";

/** Internal name of d(assignment k)/d(variable j) inside the Jacobian (not expressible in the language). */
const dRef = (k: number, j: number): Expr => ({ kind: "name", name: `#d${k}_${j}` });

export interface Generated {
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

export function generate(spec: ModelSpec): Generated {
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

export function conditionSource(spec: ModelSpec, g: Expr): string {
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

export function observerSource(spec: ModelSpec): string {
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
