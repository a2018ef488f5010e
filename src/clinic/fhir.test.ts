import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CaseRecord } from "./case-schema.js";
import { exportBundle } from "./fhir-export.js";
import { importBundle, MAX_ENTRIES } from "./fhir-import.js";

const DATA = path.resolve(import.meta.dirname, "../../../shared/research/data");
const json = (f: string) => JSON.parse(readFileSync(f, "utf8")) as unknown;
const JENNY = path.join(DATA, "mcode-stu4-ig-examples/Bundle-mcode-patient-bundle-jenny-m.json");

function allJsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? allJsonFiles(p) : f.endsWith(".json") ? [p] : [];
  });
}

/** Every source of a record, by where it sits (e.g. "labs[2]"). */
function sources(c: CaseRecord): Record<string, unknown> {
  const out: [string, unknown][] = [];
  const walk = (x: unknown, at: string): void => {
    if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${at}[${i}]`));
    else if (x && typeof x === "object")
      for (const [k, v] of Object.entries(x)) {
        if (k === "source") out.push([at, v]);
        else walk(v, at ? `${at}.${k}` : k);
      }
  };
  walk(c, "");
  return Object.fromEntries(out);
}

/** The content of a case without sources (which name the resources they came from). */
function content(c: CaseRecord): unknown {
  const strip = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(strip)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([k, v]) => k !== "source" && v !== undefined)
              .map(([k, v]) => [k, strip(v)]),
          )
        : x;
  const s = strip(c) as Record<string, unknown>;
  delete s.id;
  delete s.documents;
  delete s.pathology;
  s.imaging = c.imaging.flatMap((im) => im.lesions.map((l) => ({ date: im.date, mm: l.diameterMm })));
  return s;
}

describe("FHIR R4 / mCODE import", () => {
  it("reads the full 'Jenny M' bundle into a case and reports what it ignored", () => {
    const { case: c, report } = importBundle(json(JENNY), "jenny");
    expect(c.patient).toMatchObject({
      name: "Jenny M",
      sex: "female",
      birthDate: "1965-01-01",
      source: { kind: "fhir", ref: "Patient/cancer-patient-jenny-m" },
    });
    expect(c.cancers).toHaveLength(1);
    expect(c.cancers[0]).toMatchObject({
      role: "primary",
      code: { code: "353431000119107" },
      histology: { code: "82711006" },
    });
    expect(c.staging.map((s) => `${s.kind} ${s.item}`)).toEqual([
      "clinical stage-group",
      "clinical T",
      "clinical N",
      "clinical M",
    ]);
    expect(c.performance).toEqual([
      {
        scale: "ECOG",
        value: 0,
        date: "2018-04-12",
        source: { kind: "fhir", ref: "Observation/ecog-performance-status-jenny-m" },
      },
    ]);
    expect(c.weights[0].kg).toBeCloseTo(70.3, 1);
    expect(c.biomarkers.map((b) => b.value)).toContain("Positive");
    expect(c.treatments.map((t) => t.kind).sort()).toEqual([
      "medication",
      "medication",
      "medication",
      "medication",
      "radiotherapy",
      "surgery",
    ]);
    expect(c.imaging[0].lesions[0].diameterMm).toBe(25);
    expect(report.invalid).toEqual([]);
    expect(report.ignored.map((i) => i.ref)).toContain(
      "Organization/us-core-organization-physician-services-inc",
    );
    expect(report.read.length + report.ignored.length).toBe(40);
  });

  it("reads every example of shared/research/data without a crash, and with no invalid entries", () => {
    const files = [
      ...allJsonFiles(path.join(DATA, "mcode-stu4-ig-examples")),
      ...allJsonFiles(path.join(DATA, "mcode-trial-matching-patients")),
      ...allJsonFiles(path.join(DATA, "mcode-extraction-framework-fixtures")),
    ];
    expect(files.length).toBeGreaterThan(150);
    let read = 0;
    for (const f of files) {
      const { report } = importBundle(json(f), path.basename(f));
      read += report.read.length;
      const fhirLike = (() => {
        const d = json(f) as { resourceType?: unknown };
        return typeof d?.resourceType === "string";
      })();
      if (fhirLike) expect(report.invalid, f).toEqual([]);
    }
    expect(read).toBeGreaterThan(120);
  });

  it("trial-matching patients: primary and secondary cancers and tumor markers", () => {
    const { case: c } = importBundle(
      json(path.join(DATA, "mcode-trial-matching-patients/TrialMatching_Patient01.json")),
      "tm1",
    );
    expect(c.cancers.map((x) => x.role)).toEqual(["primary", "secondary", "secondary", "secondary"]);
    expect(c.biomarkers.map((b) => b.code.code)).toEqual(expect.arrayContaining(["40556-3", "40557-1"]));
  });

  it("export → import round-trips the case content", () => {
    const { case: c1 } = importBundle(json(JENNY), "jenny");
    const bundle = exportBundle(c1);
    expect(bundle.resourceType).toBe("Bundle");
    const { case: c2, report } = importBundle(JSON.parse(JSON.stringify(bundle)), "jenny");
    expect(report.invalid).toEqual([]);
    expect(content(c2)).toEqual(content(c1));
    // and the sources survive (the Bundle's Provenance): still the resources of Jenny's own Bundle
    expect(c2.staging[0].source).toEqual(c1.staging[0].source);
    expect(c2.staging[0].source.ref).toMatch(/^Observation\//);
    expect(c2.staging[0].source.ref).not.toMatch(/^Observation\/tnm-jenny-/);
    expect(sources(c2)).toEqual(sources(c1));
  });

  it("malformed and hostile bundles give a report, never a crash", () => {
    expect(importBundle(null, "x").report.invalid[0].message).toMatch(/not a FHIR Bundle/);
    expect(importBundle({ resourceType: "Bundle", entry: "nope" }, "x").report.invalid[0]).toMatchObject({
      path: "entry",
      message: "must be a list",
    });
    const huge = { resourceType: "Bundle", entry: new Array(MAX_ENTRIES + 1).fill({}) };
    expect(importBundle(huge, "x").report.invalid[0].message).toMatch(/more than 20000/);
    const r = importBundle(
      {
        resourceType: "Bundle",
        entry: [
          {
            resource: {
              resourceType: "Observation",
              id: "e1",
              code: { coding: [{ system: "http://loinc.org", code: "89247-1" }] },
              valueInteger: 9,
            },
          },
          {
            resource: {
              resourceType: "Observation",
              id: "w1",
              code: { coding: [{ code: "29463-7" }] },
              valueQuantity: { value: "heavy" },
            },
          },
          { resource: { resourceType: "Patient", id: "p", birthDate: 1965 } },
          { resource: { resourceType: "Condition", id: "c" } },
          { nothing: true },
        ],
      },
      "x",
    );
    expect(r.report.invalid.map((i) => `${i.ref} ${i.path}`)).toEqual([
      "Observation/e1 valueInteger",
      "Observation/w1 valueQuantity.value",
      "Patient/p birthDate",
      "Condition/c code",
      "(entry) entry[4].resource",
    ]);
  });

  it("never crashes on arbitrary JSON or on mutated real bundles (fuzzed)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        importBundle(v, "fuzz");
        importBundle({ resourceType: "Bundle", entry: [{ resource: v }] }, "fuzz");
      }),
      { numRuns: 1000 },
    );
    const base = json(JENNY) as { entry: { resource: Record<string, unknown> }[] };
    fc.assert(
      fc.property(
        fc.nat(base.entry.length - 1),
        fc.string(),
        fc.jsonValue({ maxDepth: 2 }),
        (i, key, value) => {
          const copy = JSON.parse(JSON.stringify(base)) as typeof base;
          const res = copy.entry[i].resource;
          const keys = Object.keys(res);
          res[keys[key.length % keys.length]] = value;
          const { report } = importBundle(copy, "fuzz");
          expect(report.read.length + report.ignored.length + report.invalid.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("FHIR round trip of imaging", () => {
  it("keeps each lesion's identity, role and nodal flag across scans (TumorSize.focus), one study per date", async () => {
    const { loadCase } = await import("./case-file.js");
    const { exportBundle } = await import("./fhir-export.js");
    const { importBundle } = await import("./fhir-import.js");
    const c = loadCase(new URL("../../examples/cases/nsclc-synthetic.json", import.meta.url).pathname);
    const back = importBundle(exportBundle(c), c.id).case;
    const shape = (x: typeof c) =>
      x.imaging.map((i) => ({
        date: i.date,
        lesions: i.lesions.map((l) => [l.id, l.role, l.nodal, l.diameterMm]),
      }));
    expect(shape(back)).toEqual(shape(c));
  });
});
