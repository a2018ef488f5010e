/** Small helpers of the record forms: typed values out of the form, the coding of a system in a value-set option. */
import type { Coding } from "../../../../src/clinic/case-schema.js";
import type { ValueSetOption } from "./fields";

export const ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";
export const LOINC = "http://loinc.org";
export const num = (x: unknown): number | undefined => (typeof x === "number" ? x : undefined);
export const str = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);
export const coded = (o: ValueSetOption | undefined, system: string): Coding | undefined =>
  o?.codings.find((c) => c.system === system);
