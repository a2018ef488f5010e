/** Model text → compiled model, with no file access (usable in a browser worker). */
import { CompiledModel } from "./compile.js";
import { composeModules } from "./compose.js";
import { applyExtension, readExtension } from "./extends.js";
import { ModelError, type ModelIssue } from "./model-error.js";
import { parseModel } from "./model-file.js";

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
    const { spec, warnings } = parseModel((options.read ?? noReader)(baseFile), baseFile);
    const extended = applyExtension(
      spec,
      { ...ext, modules: [...ext.modules, ...(options.modules ?? [])] },
      file,
    );
    return { model: new CompiledModel(extended), warnings };
  }
  const { spec, warnings } = parseModel(text, file);
  return { model: new CompiledModel(composeModules(spec, options.modules ?? [], file)), warnings };
}
