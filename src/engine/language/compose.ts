import { namesIn, type Expr } from "./expression.js";
import { ModelError } from "./model-error.js";
import type { AssignmentSpec, ModelSpec } from "./model-spec.js";

const mulExpr = (a: Expr, b: Expr): Expr => ({ kind: "bin", op: "*", left: a, right: b });
const addExpr = (a: Expr, b: Expr): Expr => ({ kind: "bin", op: "+", left: a, right: b });

/**
 * Composes a backbone model with some of its modules: module states, parameters and assignments are added,
 * module terms are added to equations (d(state)/dt += term) and module scale factors multiply assignments.
 * With no modules the spec is returned unchanged, so the backbone's results stay identical bit for bit.
 */
export function composeModules(spec: ModelSpec, names: readonly string[], file = spec.name): ModelSpec {
  if (names.length === 0) return spec;
  const byName = new Map(spec.modules.map((m) => [m.name, m]));
  const chosen: string[] = [];
  const visit = (n: string, via?: string): void => {
    if (chosen.includes(n)) return;
    const m = byName.get(n);
    if (!m) {
      const known = spec.modules.map((x) => x.name).join(", ") || "none";
      throw new ModelError([
        {
          file,
          path: "modules",
          message: `unknown module '${n}'${via ? ` (required by '${via}')` : ""}; modules of ${spec.name}: ${known}`,
          severity: "error",
        },
      ]);
    }
    for (const r of m.requires) visit(r, n);
    chosen.push(n);
  };
  for (const n of names) visit(n);
  // keep the file's module order, whatever order they were asked in
  const modules = spec.modules.filter((m) => chosen.includes(m.name));

  const assignments: AssignmentSpec[] = spec.assignments.map((a) => {
    let { expr, text } = a;
    for (const m of modules) {
      for (const s of m.scales) {
        if (s.assignment !== a.name) continue;
        expr = mulExpr(expr, s.expr);
        text = `(${text}) * (${s.text})`;
      }
    }
    return { name: a.name, expr, text };
  });
  for (const m of modules) assignments.push(...m.assignments);

  const equations = spec.equations.map((e) => ({ ...e }));
  for (const m of modules) equations.push(...m.equations.map((e) => ({ ...e })));
  for (const m of modules) {
    for (const term of m.terms) {
      const i = equations.findIndex((e) => e.state === term.state);
      const e = equations[i];
      equations[i] = { state: e.state, expr: addExpr(e.expr, term.expr), text: `${e.text} + (${term.text})` };
    }
  }

  return {
    ...spec,
    states: [...spec.states, ...modules.flatMap((m) => m.states)],
    parameters: [...spec.parameters, ...modules.flatMap((m) => m.parameters)],
    assignments: orderAssignments(assignments, file),
    equations,
    activeModules: modules.map((m) => m.name),
  };
}

/** Orders assignments so each comes after the ones it uses, keeping the given order where free. */
function orderAssignments(list: readonly AssignmentSpec[], file: string): AssignmentSpec[] {
  const index = new Map(list.map((a, i) => [a.name, i]));
  const deps = list.map((a) =>
    [...namesIn(a.expr)].filter((n) => index.has(n) && n !== a.name).map((n) => index.get(n)!),
  );
  const done = new Array<boolean>(list.length).fill(false);
  const out: AssignmentSpec[] = [];
  while (out.length < list.length) {
    const next = list.findIndex((_, i) => !done[i] && deps[i].every((d) => done[d]));
    if (next < 0) {
      const stuck = list.filter((_, i) => !done[i]).map((a) => a.name);
      throw new ModelError([
        {
          file,
          path: "assignments",
          message: `assignments depend on each other in a cycle: ${stuck.join(", ")}`,
          severity: "error",
        },
      ]);
    }
    done[next] = true;
    out.push(list[next]);
  }
  // a self-reference (x: x * f) is a cycle too
  for (const a of list) {
    if (namesIn(a.expr).has(a.name)) {
      throw new ModelError([
        { file, path: `assignments.${a.name}`, message: `'${a.name}' refers to itself`, severity: "error" },
      ]);
    }
  }
  return out;
}
