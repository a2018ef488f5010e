/**
 * Where the record's values came from, in FHIR: one Provenance resource per distinct source, whose targets are the
 * exported resources that hold values from it (the standard FHIR way; R4 Provenance, no mCODE profile). The source's
 * kind is the activity (an Immunoplan code), the person who entered or abstracted the value an agent (enterer or
 * author, with Immunoplan as the assembler), the document or FHIR resource read an entity (role source, or
 * derivation for derived values) with its page or path as extensions. The importer reads them back, so that a
 * round trip keeps every source; Provenance from other systems gives what it can (document, agent).
 */
import type { Extension, Provenance, ProvenanceEntity, Reference } from "@medplum/fhirtypes";
import type { Source } from "./case-schema.js";
import { codings, isObj, list, str, type Json } from "./fhir-read.js";
import { IMMUNOPLAN_CODES, immunoplanExtension } from "./fhir-values.js";

/** Identifier system of the clinic's documents (Source.ref of kind "document") in Provenance.entity.what. */
export const DOCUMENT_SYSTEM = "urn:immunoplan:document";
/** Identifier system of the resource a value was read from (Source.ref of kind "fhir" or "derived"). */
export const SOURCE_REF_SYSTEM = "urn:immunoplan:source";
const PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
const PAGE_EXT = immunoplanExtension("source-page");
const PATH_EXT = immunoplanExtension("source-path");
/** Who assembled the Bundle (Provenance requires an agent even when the source names no person). */
export const ASSEMBLER = "Immunoplan";

const ACTIVITY: Record<Source["kind"], string> = {
  document: "abstracted from a document",
  manual: "entered by hand",
  fhir: "read from a FHIR resource",
  derived: "derived from other values",
};
const activityCode = (kind: Source["kind"]) => `source-${kind}`;

/** The same source, written the same way (key order does not matter): the key of its Provenance. */
export const sourceKey = (s: Source): string =>
  JSON.stringify(
    Object.keys(s)
      .sort()
      .map((k) => [k, s[k as keyof Source]]),
  );

/** A Provenance (without id) for one source and the resources (fullUrl references) holding its values. */
export function provenanceOf(source: Source, targets: readonly Reference[], recorded: string): Provenance {
  const extension: Extension[] = [
    ...(source.page !== undefined ? [{ url: PAGE_EXT, valuePositiveInt: source.page }] : []),
    ...(source.path ? [{ url: PATH_EXT, valueString: source.path }] : []),
  ];
  const what: Reference = {
    ...(source.ref
      ? {
          identifier: {
            system: source.kind === "document" ? DOCUMENT_SYSTEM : SOURCE_REF_SYSTEM,
            value: source.ref,
          },
        }
      : {}),
    ...(source.title ? { display: source.title } : {}),
  };
  const entity: ProvenanceEntity[] =
    Object.keys(what).length || extension.length
      ? [
          {
            ...(extension.length ? { extension } : {}),
            role: source.kind === "derived" ? "derivation" : "source",
            what: Object.keys(what).length ? what : { display: ACTIVITY[source.kind] },
          },
        ]
      : [];
  return {
    resourceType: "Provenance",
    target: [...targets],
    recorded,
    activity: {
      coding: [{ system: IMMUNOPLAN_CODES, code: activityCode(source.kind), display: ACTIVITY[source.kind] }],
    },
    agent: [
      ...(source.by
        ? [
            {
              type: {
                coding: [{ system: PARTICIPANT, code: source.kind === "manual" ? "enterer" : "author" }],
              },
              who: { display: source.by },
            },
          ]
        : []),
      { type: { coding: [{ system: PARTICIPANT, code: "assembler" }] }, who: { display: ASSEMBLER } },
    ],
    ...(entity.length ? { entity } : {}),
  };
}

const KINDS = Object.keys(ACTIVITY) as Source["kind"][];

/**
 * The source a Provenance gives one of its targets (`Type/id`), or undefined when it says nothing usable. Ours
 * (activity `source-<kind>`) is read back exactly; another system's gives the document or resource it names (or the
 * target itself) and the person among its agents.
 */
export function sourceOfProvenance(
  p: Json,
  target: string,
  resolve: (reference: unknown) => string | undefined,
): Source | undefined {
  const ours = codings(p.activity).find((c) => c.system === IMMUNOPLAN_CODES)?.code;
  const kind = KINDS.find((k) => activityCode(k) === ours);
  const person = list(p.agent).find((a) => !codings(a.type).some((c) => c.code === "assembler"));
  const by = person && isObj(person.who) ? str(person.who.display) : undefined;
  const entity = list(p.entity).find((e) => isObj(e.what));
  const what = entity && isObj(entity.what) ? entity.what : undefined;
  const identifier = what && isObj(what.identifier) ? what.identifier : undefined;
  const display = what ? str(what.display) : undefined;
  const ext = (url: string) => list(entity?.extension).find((e) => e.url === url);
  const page = ext(PAGE_EXT)?.valuePositiveInt;
  const path = str(ext(PATH_EXT)?.valueString);
  const common = {
    ...(path ? { path } : {}),
    ...(typeof page === "number" && Number.isInteger(page) && page > 0 ? { page } : {}),
    ...(by ? { by } : {}),
  };
  if (kind) {
    const ref = identifier ? str(identifier.value) : undefined;
    // without a document or resource the entity's display only names the activity
    const title = display && (identifier || display !== ACTIVITY[kind]) ? display : undefined;
    return { kind, ...(ref ? { ref } : {}), ...(title ? { title } : {}), ...common };
  }
  // another system's Provenance: the document or resource it names, else the target itself, and who
  const named = what ? (resolve(what) ?? (identifier ? str(identifier.value) : undefined)) : undefined;
  if (named) {
    const document = !resolve(what) || /^(DocumentReference|DiagnosticReport|Binary|Media)\//.test(named);
    return {
      kind: entity?.role === "derivation" ? "derived" : document ? "document" : "fhir",
      ref: named,
      ...(display ? { title: display } : {}),
      ...common,
    };
  }
  return by ? { kind: "fhir", ref: target, ...common } : undefined;
}

/**
 * The sources the Bundle's Provenance resources give, by the reference of each target (`Type/id`); the first
 * Provenance naming a resource wins. Resources without one keep the importer's default (the resource itself).
 */
export function provenanceSources(
  resources: readonly unknown[],
  resolve: (reference: unknown) => string | undefined,
): Map<string, Source> {
  const out = new Map<string, Source>();
  for (const r of resources) {
    if (!isObj(r) || r.resourceType !== "Provenance") continue;
    for (const t of list(r.target)) {
      const ref = resolve(t);
      if (!ref || out.has(ref)) continue;
      const source = sourceOfProvenance(r, ref, resolve);
      if (source) out.set(ref, source);
    }
  }
  return out;
}
