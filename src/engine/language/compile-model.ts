/** Model text → compiled model, with no file access (usable in a browser worker). */
import { CompiledModel } from "./compile.js";
import { composeModules } from "./compose.js";
import { applyExtension, readExtension } from "./extends.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import { parseModel } from "./model-file.js";
import type { ModelSpec } from "./model-spec.js";

export interface LoadOptions {
  /** Modules of the model to switch on (see the model file's `modules`). */
  readonly modules?: readonly string[];
  /** Finds the file of a model named by `extends:` (the model catalog provides it). */
  readonly resolve?: (name: string) => string;
  /** Reads a model file named by `resolve` (Node: readModelSource). */
  readonly read?: (file: string) => string;
}

const noReader = (file: string): string => {
  throw new ModelError([
    { file, path: "", message: "no file reader to load the base model", severity: "error" },
  ]);
};

/**
 * Parsed model files, by file name and text: a model compiled with many module sets (the clinical model in the
 * planner: one compilation per set of agents) is read from YAML once. Specs are never modified after parsing
 * (composition and extension build new ones), so sharing them is safe.
 */
const parsed = new Map<string, { spec: ModelSpec; warnings: ModelIssue[] }>();
const PARSED_MAX = 16;

function parseModelCached(text: string, file: string): { spec: ModelSpec; warnings: ModelIssue[] } {
  const key = `${file}\u0000${text}`;
  let r = parsed.get(key);
  if (!r) {
    r = parseModel(text, file);
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, r);
  }
  return { spec: r.spec, warnings: [...r.warnings] };
}

/** Validates and compiles model text, with the selected modules composed in. */
export function compileModel(
  text: string,
  file = "<model>",
  options: LoadOptions = {},
): { model: CompiledModel; warnings: ModelIssue[] } {
  const ext = readExtension(text, file);
  if (ext) {
    if (!options.resolve) {
      throw new ModelError([
        {
          file,
          path: "extends",
          message: "this model extends another, but no model catalog was given to find it",
          severity: "error",
        },
      ]);
    }
    const baseFile = options.resolve(ext.base);
    const { spec, warnings } = parseModelCached((options.read ?? noReader)(baseFile), baseFile);
    const extended = applyExtension(
      spec,
      { ...ext, modules: [...ext.modules, ...(options.modules ?? [])] },
      file,
    );
    return { model: new CompiledModel(extended), warnings };
  }
  const { spec, warnings } = parseModelCached(text, file);
  return { model: new CompiledModel(composeModules(spec, options.modules ?? [], file)), warnings };
}
