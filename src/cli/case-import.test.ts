import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "./io.js";
import { runCli } from "./main.js";

function run(args: string[], cwd: string) {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, cwd };
  return { code: runCli(args, io), out, err };
}

describe("immunoplan case import / export", () => {
  it("a file that is not a FHIR Bundle exits 2 with a message naming the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-case-"));
    writeFileSync(
      path.join(dir, "case.json"),
      JSON.stringify({ id: "x", patient: { source: { kind: "manual" } } }),
    );
    writeFileSync(path.join(dir, "patient.json"), JSON.stringify({ resourceType: "Patient", id: "p" }));
    writeFileSync(path.join(dir, "list.json"), "[1, 2]");
    const a = run(["case", "import", "case.json"], dir);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/case\.json: not a FHIR Bundle/);
    expect(a.out).toBe("");
    expect(run(["case", "import", "patient.json"], dir).err).toMatch(/resourceType is 'Patient'/);
    expect(run(["case", "import", "list.json"], dir).code).toBe(2);
  });

  it("export then import of the shipped case keeps its imaging, labs and treatments", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-case-"));
    const example = path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json");
    expect(run(["case", "export", example, "--out", "b.json"], dir).code).toBe(0);
    const r = run(["case", "import", "b.json", "--id", "back"], dir);
    expect(r.code).toBe(0);
    const back = JSON.parse(r.out) as { imaging: unknown[]; labs: { name: string }[] };
    const orig = JSON.parse(readFileSync(example, "utf8")) as typeof back;
    expect(back.imaging.length).toBe(orig.imaging.length);
    expect(back.labs.map((l) => l.name)).toEqual(orig.labs.map((l) => l.name));
  });
});
