import { readFileSync } from "node:fs";
import { ModelError } from "./model-error.js";

/** Reads a file as text, turning I/O failures into a ModelError that names the file (Node only). */
export function readModelSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new ModelError([{ file, path: "", message: why, severity: "error" }]);
  }
}
