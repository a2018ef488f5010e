import { describe, expect, it } from "vitest";
import { ModelError } from "./model-error.js";
import { parseYamlDocument } from "./yaml-reader.js";

describe("parseYamlDocument", () => {
  it("reports an unknown tag as an error with its line, instead of printing a warning", () => {
    try {
      parseYamlDocument("name: x\nvalue: !secret 3\n", "doc.yaml");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      const issue = (e as ModelError).issues[0];
      expect(issue).toMatchObject({ file: "doc.yaml", line: 2, severity: "error" });
      expect(issue.message).toMatch(/Unresolved tag: !secret/);
    }
  });

  it("reads plain documents", () => {
    expect(parseYamlDocument("a: 1\nb: [2, 3]\n", "d.yaml").data).toEqual({ a: 1, b: [2, 3] });
  });
});
