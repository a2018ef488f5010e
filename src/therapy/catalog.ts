import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { checkSchema, ModelError, openDocument, type ModelIssue } from "../engine/language/index.js";
import {
  AgentSchema,
  ModalitySchema,
  RouteSchema,
  RuleSchema,
  type Agent,
  type Modality,
  type Route,
  type Rule,
  type Selector,
} from "./catalog-schema.js";

/** The repository's `catalog/` directory (same relative place from src/ and dist/). */
export const CATALOG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../catalog");

export interface TherapyCatalog {
  readonly routes: ReadonlyMap<string, Route>;
  readonly modalities: ReadonlyMap<string, Modality>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly rules: readonly Rule[];
}

/** Reads a YAML list and validates every item, reporting problems by file, line and path. */
function readList<T>(file: string, schema: z.ZodType<T>, issues: ModelIssue[]): T[] {
  let opened;
  try {
    opened = openDocument(readFileSync(file, "utf8"), file);
  } catch (e) {
    if (e instanceof ModelError) {
      issues.push(...e.issues);
      return [];
    }
    throw e;
  }
  const { reader, data } = opened;
  if (!Array.isArray(data)) {
    issues.push({ file, path: "", message: "must be a list", severity: "error" });
    return [];
  }
  const out: T[] = [];
  data.forEach((item, i) => {
    const value = checkSchema(schema, item, reader, [i]);
    if (value !== undefined) out.push(value);
  });
  issues.push(...reader.issues);
  return out;
}

/** Loads and cross-checks the therapy catalog; throws a ModelError listing every problem. */
export function loadCatalog(dir: string = CATALOG_DIR): TherapyCatalog {
  const issues: ModelIssue[] = [];
  const f = (name: string) => path.join(dir, name);
  const routes = readList(f("routes.yaml"), RouteSchema, issues);
  const modalities = readList(f("modalities.yaml"), ModalitySchema, issues);
  const agents = readList(f("agents.yaml"), AgentSchema, issues);
  const rules = readList(f("sequencing-rules.yaml"), RuleSchema, issues);
  const routeIds = new Set(routes.map((r) => r.id));
  const modalityIds = new Set(modalities.map((m) => m.id));
  const classes = new Set(agents.map((a) => a.class));
  const seen = new Set<string>();
  agents.forEach((a, i) => {
    const bad = (p: string, message: string) =>
      issues.push({ file: f("agents.yaml"), path: `[${i}].${p}`, message, severity: "error" });
    if (seen.has(a.id)) bad("id", `duplicate agent id '${a.id}'`);
    seen.add(a.id);
    if (!modalityIds.has(a.modality)) bad("modality", `unknown modality '${a.modality}'`);
    a.routes.forEach((r, j) => routeIds.has(r) || bad(`routes[${j}]`, `unknown route '${r}'`));
    if (a.model.conversion !== "none" && !a.model.state)
      bad("model.state", "a model state is required unless conversion is none");
    if (a.model.conversion === "antibody" && !a.model.volume_L)
      bad("model.volume_L", "antibodies need a distribution volume");
    if (a.model.conversion === "il2" && !a.model.volume_L)
      bad("model.volume_L", "IL-2 needs a distribution volume");
    if (a.model.conversion === "chemo" && !a.model.mg_m2_per_unit)
      bad("model.mg_m2_per_unit", "chemotherapy needs mg/m² per model unit");
  });
  const checkSelector = (s: Selector | undefined, where: string, i: number) => {
    for (const m of s?.modalities ?? [])
      if (!modalityIds.has(m))
        issues.push({
          file: f("sequencing-rules.yaml"),
          path: `[${i}].${where}`,
          message: `unknown modality '${m}'`,
          severity: "error",
        });
    for (const c of s?.classes ?? [])
      if (!classes.has(c))
        issues.push({
          file: f("sequencing-rules.yaml"),
          path: `[${i}].${where}`,
          message: `no agent has class '${c}'`,
          severity: "error",
        });
  };
  rules.forEach((r, i) => {
    checkSelector(r.first, "first", i);
    checkSelector(r.then, "then", i);
    checkSelector(r.applies_to, "applies_to", i);
    checkSelector(r.after, "after", i);
    (r.intervals ?? []).forEach((iv, j) =>
      iv.agents.forEach((id, k) => {
        if (!seen.has(id))
          issues.push({
            file: f("sequencing-rules.yaml"),
            path: `[${i}].intervals[${j}].agents[${k}]`,
            message: `unknown agent '${id}'`,
            severity: "error",
          });
      }),
    );
    if (r.kind === "interval" && !r.intervals?.length)
      issues.push({
        file: f("sequencing-rules.yaml"),
        path: `[${i}].intervals`,
        message: "an interval rule needs at least one interval",
        severity: "error",
      });
  });
  if (issues.length) throw new ModelError(issues);
  return {
    routes: new Map(routes.map((r) => [r.id, r])),
    modalities: new Map(modalities.map((m) => [m.id, m])),
    agents: new Map(agents.map((a) => [a.id, a])),
    rules,
  };
}

let cached: TherapyCatalog | null = null;
/** The shipped catalog, loaded once. */
export function therapyCatalog(): TherapyCatalog {
  cached ??= loadCatalog();
  return cached;
}

export function matches(agent: Agent, s: Selector | undefined): boolean {
  if (!s) return false;
  return (s.modalities ?? []).includes(agent.modality) || (s.classes ?? []).includes(agent.class);
}
