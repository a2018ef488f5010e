import { describe, expect, it } from "vitest";
import { ModelError } from "./model-error.js";
import { z } from "zod";
import { checkSchema, openDocument, parseYamlDocument } from "./yaml-reader.js";

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

describe("checkSchema", () => {
  it("says a missing field is required, with its type, instead of zod's 'received undefined'", () => {
    const schema = z.object({ source: z.string(), patients: z.number(), arms: z.array(z.string()) }).strict();
    const { reader, data } = openDocument("source: s\n", "doc.yaml");
    expect(checkSchema(schema, data, reader)).toBeUndefined();
    const messages = reader.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain("patients: is required (a number)");
    expect(messages).toContain("arms: is required (an array)");
  });

  it("keeps zod's message for a value of the wrong type", () => {
    const { reader, data } = openDocument("patients: many\n", "doc.yaml");
    checkSchema(z.object({ patients: z.number() }), data, reader);
    expect(reader.issues[0].message).toMatch(/expected number, received string/);
  });
});
