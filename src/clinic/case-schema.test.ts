import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CaseSchema, caseJsonSchema } from "./case-schema.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("case record schema", () => {
  it("the published JSON Schema matches the zod schema", () => {
    const file = path.join(ROOT, "schemas/case.schema.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(caseJsonSchema())));
  });

  it("the JSON Schema requires what the zod schema requires and names every section of the record", () => {
    const s = caseJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(s.required).toEqual(expect.arrayContaining(["id", "patient"]));
    for (const k of [
      "cancers",
      "biomarkers",
      "performance",
      "labs",
      "imaging",
      "pathology",
      "treatments",
      "conditions",
      "documents",
    ])
      expect(Object.keys(s.properties)).toContain(k);
  });

  it("the example case is valid and unknown fields are rejected with their path", () => {
    const c = JSON.parse(readFileSync(path.join(ROOT, "examples/cases/nsclc-synthetic.json"), "utf8"));
    expect(CaseSchema.safeParse(c).success).toBe(true);
    const bad = CaseSchema.safeParse({ ...c, labs: [{ ...c.labs[0], valeu: 3 }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(["labs", 0]);
  });
});
