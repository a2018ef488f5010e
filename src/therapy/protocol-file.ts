import { ModelError, parseYamlDocument, readModelSource, type ModelIssue } from "../engine/language/index.js";
import { ProtocolSchema, type Protocol } from "./protocol-schema.js";

export function pathText(p: readonly (string | number)[]): string {
  return p.map((x, i) => (typeof x === "number" ? `[${x}]` : i === 0 ? x : `.${x}`)).join("");
}

/**
 * Parses a protocol document (YAML or JSON) against the schema. Throws a ModelError listing every structural
 * problem with its path (`phases[1].steps[0].dose.unit`) and line.
 */
export function parseProtocol(text: string, file = "<protocol>"): Protocol {
  const { doc, lines, data } = parseYamlDocument(text, file);
  const r = ProtocolSchema.safeParse(data);
  if (r.success) return r.data;
  const issues: ModelIssue[] = r.error.issues.map((iss) => {
    const p = iss.path as (string | number)[];
    let node: { range?: [number, number, number] } | undefined;
    for (let k = p.length; k >= 0 && !node?.range; k--) node = doc.getIn(p.slice(0, k), true) as typeof node;
    const lp = node?.range ? lines.linePos(node.range[0]) : undefined;
    return {
      file,
      path: pathText(p),
      line: lp?.line,
      column: lp?.col,
      message: iss.message,
      severity: "error",
    };
  });
  throw new ModelError(issues);
}

export function loadProtocol(file: string): Protocol {
  return parseProtocol(readModelSource(file), file);
}
