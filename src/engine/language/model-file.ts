/** A model file (YAML or JSON): its top-level fields, read and validated into a ModelSpec. */
import { readDoses } from "./dose-reader.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import type { ModelSpec } from "./model-spec.js";
import { byPosition, openDocument } from "./yaml-reader.js";
import { readModules } from "./model-modules.js";
import {
  readAssignments,
  readEquations,
  readEvents,
  readObservations,
  readParameters,
  readStates,
  readVariants,
} from "./model-readers.js";
import { Scope } from "./model-scope.js";

const TOP_FIELDS = new Set([
  "name",
  "description",
  "time_unit",
  "sources",
  "states",
  "parameters",
  "assignments",
  "equations",
  "doses",
  "events",
  "tumor_state",
  "variants",
  "modules",
  "observations",
  "outputs",
  "notes",
  "references",
  "caveats",
  "version",
]);
const KEPT_FIELDS = ["outputs", "notes", "references", "caveats", "version"];

/** Parses and validates a model file's text (YAML or JSON). Throws ModelError listing every problem. */
export function parseModel(text: string, file = "<model>"): { spec: ModelSpec; warnings: ModelIssue[] } {
  const { reader: r, data } = openDocument(text, file);
  const top = r.record(data, [], true);
  if (!top) throw new ModelError(r.issues);
  for (const k of Object.keys(top))
    if (!TOP_FIELDS.has(k)) r.warn([k], `unknown field '${k}'`, { key: true });

  const name = r.string(top.name, ["name"], true);
  const description = r.string(top.description, ["description"], false);
  const timeUnit = r.string(top.time_unit, ["time_unit"], false, "day");
  const sources = r.list(top.sources, ["sources"]).map((s, i) => r.string(s, ["sources", i], true));

  const scope = new Scope(r);
  const states = readStates(scope, top.states, ["states"], true);
  const parameters = readParameters(scope, top.parameters, ["parameters"]);
  const assignments = readAssignments(scope, top.assignments, ["assignments"]);
  const equations = r.record(top.states, ["states"], false)
    ? readEquations(scope, top.equations, ["equations"], states, ["states"])
    : [];
  const stateNames = new Set(states.map((s) => s.name));
  const doses = readDoses(r, top.doses, ["doses"], stateNames);
  const events = readEvents(scope, top.events, stateNames);
  const modules = readModules(scope, top.modules, stateNames, new Set(assignments.map((a) => a.name)));
  const observations = readObservations(scope, top.observations);
  const variants = readVariants(scope, top.variants, new Set(parameters.map((p) => p.name)), stateNames);
  let tumorState: string | undefined = stateNames.has("T") ? "T" : undefined;
  if (top.tumor_state !== undefined) {
    tumorState = r.string(top.tumor_state, ["tumor_state"], false);
    if (!stateNames.has(tumorState)) r.error(["tumor_state"], `'${tumorState}' is not a state`);
  }

  if (r.hasErrors) throw new ModelError(byPosition(r.issues));
  const extra: Record<string, unknown> = {};
  for (const k of KEPT_FIELDS) if (top[k] !== undefined) extra[k] = top[k];
  return {
    spec: {
      name,
      description,
      timeUnit,
      sources,
      states,
      parameters,
      assignments,
      equations,
      doses,
      events,
      tumorState,
      variants,
      modules,
      activeModules: [],
      observations,
      extra,
    },
    warnings: byPosition(r.issues.filter((i) => i.severity === "warning")),
  };
}
