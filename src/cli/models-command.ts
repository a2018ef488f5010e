import { modelPage } from "../docs/model-page.js";
import { builtinModels } from "../models/catalog.js";
import { UsageError, type CliIO } from "./io.js";

/**
 * `immunoplan models`: the built-in models with their size; `immunoplan models NAME`: one model's equations,
 * parameters with sources, variants and modules.
 */
export function runModels(argv: string[], io: CliIO): number {
  const models = builtinModels();
  if (argv.length > 0) {
    const m = models.find((x) => x.name === argv[0]);
    if (!m)
      throw new UsageError(
        `unknown model '${argv[0]}' (built-in models: ${models.map((x) => x.name).join(", ")})`,
      );
    io.out(modelPage(m, []).replace(/\n## Validation\n[\s\S]*$/, "\n") + "\n");
    return 0;
  }
  const width = Math.max(...models.map((m) => m.name.length), 4);
  io.out(`${"name".padEnd(width)}  states  params  modules  description\n`);
  for (const m of models) {
    const desc = m.spec.description.replace(/\s+/g, " ");
    io.out(
      `${m.name.padEnd(width)}  ${String(m.spec.states.length).padStart(6)}  ${String(m.spec.parameters.length).padStart(6)}  ${String(m.spec.modules.length).padStart(7)}  ${desc.length > 90 ? desc.slice(0, 87) + "…" : desc}\n`,
    );
  }
  return 0;
}
