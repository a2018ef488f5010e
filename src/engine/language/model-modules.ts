/** A model file's modules: each one's states, parameters, terms added to states and scaled assignments. */
import type { ModuleSpec } from "./model-spec.js";
import { readAssignments, readEquations, readParameters, readStates } from "./model-readers.js";
import { IDENT, Scope } from "./model-scope.js";

const MODULE_FIELDS = [
  "description",
  "sources",
  "states",
  "parameters",
  "assignments",
  "equations",
  "terms",
  "scale",
  "requires",
  "caveats",
  "notes",
];

export function readModules(
  root: Scope,
  raw: unknown,
  backboneStates: ReadonlySet<string>,
  backboneAssignments: ReadonlySet<string>,
): ModuleSpec[] {
  const r = root.r;
  const modules: ModuleSpec[] = [];
  const rec = r.record(raw, ["modules"], false) ?? {};
  /** Names each module declared, so that modules which require it can use them. */
  const declared = new Map<string, string[]>();
  for (const [mn, v] of Object.entries(rec)) {
    const p = ["modules", mn];
    if (!IDENT.test(mn)) r.error(p, `'${mn}' is not a valid module name`, { key: true });
    const m = r.record(v, p, true);
    if (!m) continue;
    r.fields(m, p, MODULE_FIELDS);
    const scope = new Scope(r, root);
    const before = new Set(scope.taken.keys());
    const requiredNames = Array.isArray(m.requires)
      ? m.requires.filter((x): x is string => typeof x === "string")
      : [];
    for (const req of requiredNames) for (const n of declared.get(req) ?? []) scope.known.add(n);
    const states = readStates(scope, m.states, [...p, "states"], false);
    const parameters = readParameters(scope, m.parameters, [...p, "parameters"]);
    const assignments = readAssignments(scope, m.assignments, [...p, "assignments"]);
    const equations = readEquations(scope, m.equations, [...p, "equations"], states, [...p, "states"]);
    const own = new Set(states.map((s) => s.name));
    const terms: ModuleSpec["terms"][number][] = [];
    for (const [sn, tv] of Object.entries(r.record(m.terms, [...p, "terms"], false) ?? {})) {
      const tp = [...p, "terms", sn];
      if (!backboneStates.has(sn) && !own.has(sn))
        r.error(tp, `term for unknown state '${sn}'`, { key: true });
      const items = Array.isArray(tv) ? tv : [tv];
      items.forEach((item, i) => {
        const ip = Array.isArray(tv) ? [...tp, i] : tp;
        const parsed = r.expression(item, ip);
        if (parsed) {
          scope.check(parsed.expr, ip, parsed.text);
          terms.push({ state: sn, ...parsed });
        }
      });
    }
    const scales: ModuleSpec["scales"][number][] = [];
    for (const [an, sv] of Object.entries(r.record(m.scale, [...p, "scale"], false) ?? {})) {
      const sp = [...p, "scale", an];
      if (!backboneAssignments.has(an)) {
        r.error(sp, `'${an}' is not an assignment of the model (scale multiplies one)`, { key: true });
      }
      const parsed = r.expression(sv, sp);
      if (parsed) {
        scope.check(parsed.expr, sp, parsed.text);
        scales.push({ assignment: an, ...parsed });
      }
    }
    const requires = r
      .list(m.requires, [...p, "requires"])
      .map((x, i) => r.string(x, [...p, "requires", i], true));
    for (const [i, req] of requires.entries()) {
      if (!(req in rec)) r.error([...p, "requires", i], `unknown module '${req}'`);
      else if (!declared.has(req)) {
        r.error([...p, "requires", i], `module '${req}' must come before '${mn}' in the file`);
      }
    }
    declared.set(
      mn,
      [...scope.taken.keys()].filter((n) => !before.has(n)),
    );
    modules.push({
      name: mn,
      description: r.string(m.description, [...p, "description"], false),
      sources: r.list(m.sources, [...p, "sources"]).map((s, i) => r.string(s, [...p, "sources", i], true)),
      states,
      parameters,
      assignments,
      equations,
      terms,
      scales,
      requires,
    });
  }
  return modules;
}
