/** Tolerant readers of FHIR JSON (never throw on odd shapes), shared by the importer's parts. */
import type { Coding } from "./case-schema.js";
import { MCODE } from "./fhir-codes.js";

export type Json = Record<string, unknown>;
export const isObj = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
export const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);
export const list = (x: unknown): Json[] => (Array.isArray(x) ? x.filter(isObj) : []);

export function codings(cc: unknown): Coding[] {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return [];
  return cc.coding
    .filter(isObj)
    .map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) ?? str(cc.text) }));
}
export function firstCoding(cc: unknown): Coding | undefined {
  const c = codings(cc);
  if (c.length) return c[0];
  return isObj(cc) && typeof cc.text === "string" ? { display: cc.text } : undefined;
}
/** The concept's text, else its first display, else its first code. */
export const conceptText = (cc: unknown): string | undefined =>
  (isObj(cc) ? str(cc.text) : undefined) ?? firstCoding(cc)?.display ?? firstCoding(cc)?.code;
export const hasCode = (cc: unknown, code: string): boolean => codings(cc).some((c) => c.code === code);
export const profiles = (r: Json): string[] =>
  isObj(r.meta) && Array.isArray(r.meta.profile)
    ? r.meta.profile.filter((p): p is string => typeof p === "string")
    : [];
export const hasProfile = (r: Json, name: string): boolean =>
  profiles(r).some((p) => p.endsWith(`/${name}`) || p === `${MCODE}${name}`);
export const effective = (r: Json): string | undefined =>
  str(r.effectiveDateTime) ??
  (isObj(r.effectivePeriod) ? str(r.effectivePeriod.start) : undefined) ??
  str(r.issued);
/** The string values of the extensions with this url. */
export const extensionStrings = (r: Json, url: string): string[] =>
  list(r.extension)
    .filter((e) => e.url === url)
    .map((e) => str(e.valueString))
    .filter((x): x is string => x !== undefined);
