import { parseDocumentWith, readModelSource } from "../engine/language/index.js";
import { ProtocolSchema, type Protocol } from "./protocol-schema.js";

/**
 * Parses a protocol document (YAML or JSON) against the schema. Throws a ModelError listing every structural
 * problem with its path (`phases[1].steps[0].dose.unit`) and line.
 */
export function parseProtocol(text: string, file = "<protocol>"): Protocol {
  return parseDocumentWith(ProtocolSchema, text, file);
}

export function loadProtocol(file: string): Protocol {
  return parseProtocol(readModelSource(file), file);
}
