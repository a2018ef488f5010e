export { CompiledModel, expandDoses } from "./compile.js";
export { composeModules } from "./compose.js";
export { parseModel } from "./model-file.js";
export { parseDoses } from "./dose-reader.js";
export { readModelSource } from "./model-source.js";
export {
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

import type { CompiledModel } from "./compile.js";
import { compileModel, type LoadOptions } from "./compile-model.js";
import { readModelSource } from "./model-source.js";
import type { ModelIssue } from "./model-error.js";

export { compileModel, type LoadOptions } from "./compile-model.js";

/** Reads, validates and compiles a model file. Throws ModelError listing every problem. */
export function loadModel(
  file: string,
  options: LoadOptions = {},
): { model: CompiledModel; warnings: ModelIssue[] } {
  return compileModel(readModelSource(file), file, { read: readModelSource, ...options });
}
