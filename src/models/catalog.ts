import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadModel,
  parseModel,
  readModelSource,
  type LoadOptions,
  type ModelSpec,
} from "../engine/language/index.js";

/** The repository's `models/` directory (same relative place from src/ and from dist/). */
export const MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../models");

export interface BuiltinModel {
  readonly name: string;
  readonly file: string;
  readonly spec: ModelSpec;
}

/** Every model shipped in models/*.yaml, parsed (not compiled). */
export function builtinModels(): BuiltinModel[] {
  if (!existsSync(MODELS_DIR)) return [];
  return readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".json"))
    .sort()
    .map((f) => {
      const file = path.join(MODELS_DIR, f);
      const { spec } = parseModel(readModelSource(file), file);
      return { name: spec.name, file, spec };
    });
}

/** A model file path for MODEL: an existing path, or the name of a built-in model. */
export function resolveModelPath(model: string): string {
  if (existsSync(model)) return model;
  for (const ext of [".yaml", ".json"]) {
    const f = path.join(MODELS_DIR, model + ext);
    if (existsSync(f) && !model.includes("/") && !model.includes("\\")) return f;
  }
  return model;
}

/** Loads a model by path or built-in name. */
export function loadModelByName(model: string, options: LoadOptions = {}): ReturnType<typeof loadModel> {
  return loadModel(resolveModelPath(model), { resolve: resolveModelPath, ...options });
}

/** Dose files shipped beside the models (models/doses/*.yaml). */
export function resolveDosePath(file: string): string {
  if (existsSync(file)) return file;
  const f = path.join(MODELS_DIR, "doses", file.endsWith(".yaml") ? file : file + ".yaml");
  return existsSync(f) && !file.includes("/") ? f : file;
}
