/**
 * Extracts what the mCODE STU4 profiles require (cardinality ≥ 1, fixed and pattern values) from the published
 * package, for the export tests (fhir-validate.ts). Run once when the package changes:
 *
 *   npm pack hl7.fhir.us.mcode@4.0.0 && tar xzf hl7.fhir.us.mcode-4.0.0.tgz
 *   npx tsx src/test-support/extract-mcode-profiles.ts package > src/test-support/mcode-stu4-profiles.json
 *
 * (The package cannot be an npm dependency: it depends on hl7.fhir.r4.core, which is not on the npm registry.)
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface Element {
  id: string;
  min?: number;
  max?: string;
  [k: string]: unknown;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: extract-mcode-profiles.ts PACKAGE_DIR");
const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
  name: string;
  version: string;
};
const out: Record<string, unknown> = {};
for (const f of readdirSync(dir)
  .filter((x) => /^StructureDefinition-mcode-.*\.json$/.test(x))
  .sort()) {
  const sd = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as {
    url: string;
    type: string;
    kind: string;
    derivation?: string;
    snapshot?: { element: Element[] };
  };
  if (sd.kind !== "resource" || !sd.snapshot) continue;
  const elements = sd.snapshot.element
    .map((e) => {
      const fixed = Object.keys(e).filter((k) => /^(fixed|pattern)[A-Z]/.test(k));
      const required = (e.min ?? 0) >= 1;
      if (!required && !fixed.length) return null;
      if (e.id === sd.type) return null;
      return {
        id: e.id,
        min: e.min ?? 0,
        ...(fixed.length
          ? { value: e[fixed[0]], kind: fixed[0].startsWith("fixed") ? "fixed" : "pattern" }
          : {}),
      };
    })
    .filter((x) => x !== null);
  out[sd.url] = { type: sd.type, elements };
}
process.stdout.write(
  JSON.stringify({ package: `${pkg.name}@${pkg.version}`, license: "CC0-1.0", profiles: out }, null, 1) +
    "\n",
);
