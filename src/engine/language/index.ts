export { CompiledModel, expandDoses } from "./compile.js";
export { composeModules } from "./compose.js";
export { parseModel } from "./model-file.js";
export { parseDoses } from "./dose-reader.js";
export {
  readModelSource,
  parseYamlDocument,
  parseDocumentWith,
  checkSchema,
  openDocument,
  type SchemaLike,
} from "./yaml-reader.js";
export { ModelError, formatIssue, type ModelIssue } from "./model-error.js";
export { ExpressionError, parseExpression, parseCondition, type Expr } from "./expression.js";
export type {
  ModelSpec,
  StateSpec,
  ParameterSpec,
  DoseSpec,
  EventSpec,
  ModuleSpec,
  VariantSpec,
  ObservationSpec,
} from "./model-spec.js";

import { CompiledModel } from "./compile.js";
import { composeModules } from "./compose.js";
import { applyExtension, readExtension } from "./extends.js";
import { ModelError } from "./model-error.js";
import { parseModel } from "./model-file.js";
import { readModelSource } from "./yaml-reader.js";
import type { ModelIssue } from "./model-error.js";

export interface LoadOptions {
  /** Modules of the model to switch on (see the model file's `modules`). */
  readonly modules?: readonly string[];
  /** Finds the file of a model named by `extends:` (the model catalog provides it). */
  readonly resolve?: (name: string) => string;
}

/** Reads, validates and compiles a model file. Throws ModelError listing every problem. */
export function loadModel(
  file: string,
  options: LoadOptions = {},
): { model: CompiledModel; warnings: ModelIssue[] } {
  return compileModel(readModelSource(file), file, options);
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
    const { spec, warnings } = parseModel(readModelSource(baseFile), baseFile);
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
