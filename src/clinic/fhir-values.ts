/**
 * Small FHIR R4 value builders shared by the exporter: valid resource ids, deterministic urn:uuid fullUrls,
 * Quantities that satisfy qty-3, dateTimes the R4 pattern accepts, CodeableConcepts without empty elements.
 */
import { createHash } from "node:crypto";
import type { CodeableConcept, Quantity } from "@medplum/fhirtypes";
import type { Coding } from "./case-schema.js";

export const UCUM = "http://unitsofmeasure.org";
/** Immunoplan's own code system and extensions (for what no FHIR or mCODE element holds). */
export const IMMUNOPLAN_FHIR = "https://immunoplan.example/fhir/";
export const IMMUNOPLAN_CODES = `${IMMUNOPLAN_FHIR}CodeSystem/immunoplan`;
export const immunoplanExtension = (name: string): string => `${IMMUNOPLAN_FHIR}StructureDefinition/${name}`;

/** FHIR R4 id: `[A-Za-z0-9\-.]{1,64}`. Other characters become '-', runs collapse, the length is capped. */
export function fhirId(...parts: (string | number)[]): string {
  const s = parts
    .map(String)
    .join("-")
    .replace(/[^A-Za-z0-9\-.]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return (s || "x").slice(0, 64).replace(/-+$/, "") || "x";
}

/** A name-based (version 5 layout, SHA-1) UUID: the same case exports the same fullUrls every time. */
export function stableUuid(name: string): string {
  const h = createHash("sha1").update(`immunoplan:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A DICOM UID under the UUID root 2.25 (the decimal value of the UUID). */
export function uuidDicomUid(uuid: string): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, "")}`).toString()}`;
}

/** Units written as UCUM codes in the records (others are kept as display text only, without a code). */
const UCUM_CODES = new Set([
  "%",
  "kg",
  "g",
  "cm",
  "mm",
  "m",
  "L",
  "mL",
  "dL",
  "g/dL",
  "g/L",
  "mg/dL",
  "mg/L",
  "ug/L",
  "ng/mL",
  "pg/mL",
  "mmol/L",
  "umol/L",
  "U/L",
  "[IU]/L",
  "10*9/L",
  "10*12/L",
  "10*3/uL",
  "/uL",
  "fL",
  "s",
  "[ppth]",
  "1",
  "mL/min",
  "mL/min/{1.73_m2}",
  "{score}",
]);
const UNIT_ALIASES: Record<string, string> = {
  "µmol/L": "umol/L",
  "µg/L": "ug/L",
  "IU/L": "[IU]/L",
  "×10^9/L": "10*9/L",
  "10^9/L": "10*9/L",
  "x10^9/L": "10*9/L",
  "×10⁹/L": "10*9/L",
  "10^12/L": "10*12/L",
};

/** A Quantity; with a UCUM code and its system when the unit is one, with the unit text only otherwise (qty-3). */
export function quantity(value: number, unit: string | undefined): Quantity {
  if (unit === undefined || unit === "") return { value };
  const code = UNIT_ALIASES[unit] ?? unit;
  return UCUM_CODES.has(code) ? { value, unit, system: UCUM, code } : { value, unit };
}

const DATE_TIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;

/** A FHIR dateTime: the value if R4 accepts it, else its date part, else nothing. */
export function fhirDateTime(s: string | undefined): string | undefined {
  if (!s) return undefined;
  if (DATE_TIME.test(s)) return s;
  const d = /^\d{4}(-\d{2}(-\d{2})?)?/.exec(s)?.[0];
  return d && DATE_TIME.test(d) ? d : undefined;
}

/** A Coding without empty strings; a system or code with white space (not a FHIR uri or code) is dropped. */
const clean = (c: Coding) =>
  Object.fromEntries(
    Object.entries(c).filter(
      ([k, v]) => typeof v === "string" && v.trim() !== "" && (k === "display" || !/\s/.test(v)),
    ),
  ) as Coding;

/** A CodeableConcept from codings and a text; undefined when it would be empty (ele-1). */
export function concept(
  codings: readonly (Coding | undefined)[],
  text?: string,
): CodeableConcept | undefined {
  const coding = codings
    .filter((c): c is Coding => c !== undefined)
    .map(clean)
    .filter((c) => c.code !== undefined || c.display !== undefined);
  // a coding needs a code to mean anything; a display alone belongs in the text
  const withSystem = coding.filter((c) => c.code !== undefined);
  const t = text || (withSystem.length === 0 ? coding.find((c) => c.display)?.display : undefined);
  if (!withSystem.length && !t) return undefined;
  return { ...(withSystem.length ? { coding: withSystem } : {}), ...(t ? { text: t } : {}) };
}
