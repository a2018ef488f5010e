export { CompiledModel, expandDoses } from "./compile.js";
export { parseModel, parseDoses, readModelSource } from "./model-file.js";
export { ModelError, formatIssue, type ModelIssue } from "./model-error.js";
export { ExpressionError, parseExpression, parseCondition, type Expr } from "./expression.js";
export type { ModelSpec, StateSpec, ParameterSpec, DoseSpec, EventSpec } from "./model-spec.js";

import { CompiledModel } from "./compile.js";
import { parseModel, readModelSource } from "./model-file.js";
import type { ModelIssue } from "./model-error.js";

/** Reads, validates and compiles a model file. Throws ModelError listing every problem. */
export function loadModel(file: string): { model: CompiledModel; warnings: ModelIssue[] } {
  const { spec, warnings } = parseModel(readModelSource(file), file);
  return { model: new CompiledModel(spec), warnings };
}

/** Validates and compiles model text. */
export function compileModel(
  text: string,
  file = "<model>",
): { model: CompiledModel; warnings: ModelIssue[] } {
  const { spec, warnings } = parseModel(text, file);
  return { model: new CompiledModel(spec), warnings };
}
