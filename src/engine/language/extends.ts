import { parse } from "yaml";
import { composeModules } from "./compose.js";
import { ModelError } from "./model-error.js";
import type { ModelSpec } from "./model-spec.js";

/**
 * A model file may extend another model instead of defining one:
 *
 *   extends: immunoplan-core
 *   name: my-protocol-model
 *   modules: [virus, checkpoint]      # a YAML list selects modules
 *   set: { tolerance: 2 }             # parameter values
 *   initial: { T: 2e7 }               # initial values
 *
 * Returns the base model's name and the edits, or null for an ordinary model file.
 */
export interface Extension {
  readonly base: string;
  readonly name?: string;
  readonly description?: string;
  readonly modules: readonly string[];
  readonly set: Readonly<Record<string, number>>;
  readonly initial: Readonly<Record<string, number>>;
}

const FIELDS = new Set(["extends", "name", "description", "modules", "set", "initial", "sources", "notes"]);

export function readExtension(text: string, file: string): Extension | null {
  // a document without the word cannot have the key (and most models do not extend another: no second parse)
  if (!text.includes("extends")) return null;
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100, logLevel: "error" });
  } catch {
    return null; // not readable as YAML here: the ordinary reader reports it with its position
  }
  if (!data || typeof data !== "object" || Array.isArray(data) || !("extends" in data)) return null;
  const d = data as Record<string, unknown>;
  const fail = (path: string, message: string): never => {
    throw new ModelError([{ file, path, message, severity: "error" }]);
  };
  if (typeof d.extends !== "string" || d.extends === "") fail("extends", "must name the model to extend");
  for (const k of Object.keys(d))
    if (!FIELDS.has(k)) fail(k, `unknown field '${k}' in a model that extends another`);
  const modules = d.modules === undefined ? [] : d.modules;
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === "string"))
    fail("modules", "must be a list of module names");
  const numbers = (field: "set" | "initial"): Record<string, number> => {
    const v = d[field];
    if (v === undefined) return {};
    if (!v || typeof v !== "object" || Array.isArray(v))
      return fail(field, "must be a mapping of names to numbers");
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== "number" || !Number.isFinite(x))
        fail(`${field}.${k}`, `must be a finite number, not ${JSON.stringify(x)}`);
    }
    return v as Record<string, number>;
  };
  return {
    base: d.extends as string,
    name: typeof d.name === "string" ? d.name : undefined,
    description: typeof d.description === "string" ? d.description : undefined,
    modules: modules as string[],
    set: numbers("set"),
    initial: numbers("initial"),
  };
}

/** Applies an extension to its (parsed) base model. */
export function applyExtension(base: ModelSpec, ext: Extension, file: string): ModelSpec {
  const composed = composeModules(base, ext.modules, file);
  const paramNames = new Set(composed.parameters.map((p) => p.name));
  const stateNames = new Set(composed.states.map((s) => s.name));
  const issues = [
    ...Object.keys(ext.set)
      .filter((k) => !paramNames.has(k))
      .map((k) => ({
        file,
        path: `set.${k}`,
        message: `unknown parameter '${k}' of ${base.name}`,
        severity: "error" as const,
      })),
    ...Object.keys(ext.initial)
      .filter((k) => !stateNames.has(k))
      .map((k) => ({
        file,
        path: `initial.${k}`,
        message: `unknown state '${k}' of ${base.name}`,
        severity: "error" as const,
      })),
  ];
  if (issues.length) throw new ModelError(issues);
  return {
    ...composed,
    name: ext.name ?? composed.name,
    description: ext.description ?? composed.description,
    parameters: composed.parameters.map((p) =>
      p.name in ext.set
        ? { ...p, value: ext.set[p.name], source: `${file} (was ${p.value}: ${p.source})` }
        : p,
    ),
    states: composed.states.map((s) => (s.name in ext.initial ? { ...s, initial: ext.initial[s.name] } : s)),
  };
}
