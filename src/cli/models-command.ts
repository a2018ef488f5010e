import { builtinModels } from "../models/catalog.js";
import type { CliIO } from "./io.js";

/** `immunoplan models`: the built-in models with their size and first source. */
export function runModels(_argv: string[], io: CliIO): number {
  const models = builtinModels();
  const width = Math.max(...models.map((m) => m.name.length), 4);
  io.out(`${"name".padEnd(width)}  states  params  description\n`);
  for (const m of models) {
    const desc = m.spec.description.replace(/\s+/g, " ");
    io.out(
      `${m.name.padEnd(width)}  ${String(m.spec.states.length).padStart(6)}  ${String(m.spec.parameters.length).padStart(6)}  ${desc.length > 100 ? desc.slice(0, 97) + "…" : desc}\n`,
    );
  }
  return 0;
}
