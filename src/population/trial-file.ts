/**
 * Reads a trial file (YAML or JSON) into a checked trial: its population, the arms with their protocols (files
 * relative to the trial file, or inline), the scan schedule and the published end points. Every problem names
 * the file, line and field (`trial.yaml:14:5: arms[0].protocol: ...`); a ModelError carries all of them.
 * Trials may use historical doses: a label maximum or a per-course limit exceeded, and the clinic's sequencing
 * rules, are warnings here, not errors.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ModelError, type ModelIssue } from "../engine/language/model-error.js";
import {
  byPosition,
  checkSchema,
  MAX_FILE_BYTES,
  openDocument,
  type Path,
  type Reader,
} from "../engine/language/yaml-reader.js";
import { therapyCatalog, type TherapyCatalog } from "../therapy/catalog.js";
import { canonicalAgentNames } from "../therapy/agent-names.js";
import { agentsWithoutEffect } from "../therapy/compile-clinical.js";
import { ProtocolSchema, type Protocol } from "../therapy/protocol-schema.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import {
  FIELDS,
  isProportion,
  knownEndpoint,
  RECORDED_ENDPOINTS,
  SIMULATED_ENDPOINTS,
  TrialSchema,
  type PublishedEndpoint,
  type TrialDocument,
} from "./trial-schema.js";
import { inferMarkerStatus } from "./trial-markers.js";
import { checkNotReached, readNotReached } from "./published-not-reached.js";
import { readUsualForms } from "./trial-usual-forms.js";
import { canonicalRefractory, checkRefractory } from "./trial-refractory.js";
import { warnRetreatment } from "./trial-retreatment.js";
import { checkStageLabels } from "./trial-stage.js";
import { dropUnknownCancer, readCancerAlias } from "./trial-cancer.js";

export interface TrialArm {
  readonly name: string;
  readonly patients: number;
  readonly protocol: Protocol;
  /** The protocol file (absolute), when the arm names one. */
  readonly protocolFile?: string;
}

export interface Trial {
  readonly file: string;
  readonly document: TrialDocument;
  readonly arms: readonly TrialArm[];
  readonly published: readonly PublishedEndpoint[];
  /** Warnings found while reading (label maxima exceeded, unknown fields, ...). */
  readonly warnings: readonly ModelIssue[];
}

/** Reads a regular file of at most MAX_FILE_BYTES (a device or a huge file is refused before reading). */
function readSmallFile(file: string): string {
  const st = statSync(file);
  if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  if (!st.isFile()) throw Object.assign(new Error("is not a regular file"), { code: "ENOTREG" });
  if (st.size > MAX_FILE_BYTES)
    throw Object.assign(new Error(`is larger than ${MAX_FILE_BYTES} bytes`), { code: "EFBIG" });
  return readFileSync(file, "utf8");
}

export interface TrialReadOptions {
  readonly catalog?: TherapyCatalog;
  /** Reads a protocol file (default: the file system). */
  readonly readFile?: (file: string) => string;
}

/** `phases[0].steps[1].dose` → ["phases", 0, "steps", 1, "dose"]. */
export function parsePath(p: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** Problems of a protocol the catalog allows in a trial file (historical doses, the clinic's rules). */
function trialWarning(message: string, rule: string | undefined): boolean {
  return rule !== undefined || /label maximum|label allows at most/.test(message);
}

function mapping(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** Unknown fields of each block are warned about (typos); the schema ignores them. */
function warnUnknownFields(data: unknown, reader: Reader): void {
  const top = mapping(data);
  if (!top) return;
  reader.fields(top, [], FIELDS.trial);
  const pop = mapping(top.population);
  if (pop) reader.fields(pop, ["population"], FIELDS.population);
  const asm = mapping(top.assessment);
  if (asm) reader.fields(asm, ["assessment"], FIELDS.assessment);
  if (Array.isArray(top.arms))
    top.arms.forEach((a, i) => {
      const m = mapping(a);
      if (m) reader.fields(m, ["arms", i], FIELDS.arm);
    });
  if (Array.isArray(top.published))
    top.published.forEach((a, i) => {
      const m = mapping(a);
      if (m) reader.fields(m, ["published", i], FIELDS.published);
    });
}

/** Reads and checks one protocol file; its problems name the protocol file and also the trial's arm. */
function readProtocolFile(
  file: string,
  at: Path,
  armName: string,
  trial: Reader,
  opts: TrialReadOptions,
  issues: ModelIssue[],
): Protocol | undefined {
  let text: string;
  try {
    text = (opts.readFile ?? readSmallFile)(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "not found" : (e as Error).message;
    trial.error(at, `protocol file '${file}' ${why}`);
    return undefined;
  }
  try {
    const { reader, data } = openDocument(text, file);
    const written = checkSchema(ProtocolSchema, data, reader);
    const protocol = written && checkProtocol(written, reader, [], opts);
    const where = `(protocol of arm '${armName}' of ${trial.file})`;
    for (const i of reader.issues) issues.push({ ...i, message: `${i.message} ${where}` });
    return reader.hasErrors ? undefined : protocol;
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const i of e.issues)
      issues.push({ ...i, message: `${i.message} (protocol of arm '${armName}' of ${trial.file})` });
    return undefined;
  }
}

/**
 * The catalog's checks of a protocol, with the trial file's leniency: agents written by name, brand or alias are
 * read as their catalog id (a warning says so). Returns the protocol with catalog ids.
 */
function checkProtocol(written: Protocol, reader: Reader, at: Path, opts: TrialReadOptions): Protocol {
  const catalog = opts.catalog ?? therapyCatalog();
  const { protocol, renamed } = canonicalAgentNames(written, catalog);
  for (const r of renamed)
    reader.warn([...at, ...parsePath(r.path)], `'${r.from}' is read as the catalog agent '${r.to}'`);
  for (const p of mergeDays(validateProtocol(protocol, catalog))) {
    const where = [...at, ...parsePath(p.path)];
    if (p.severity === "error" && !trialWarning(p.message, p.rule)) reader.error(where, p.message);
    else reader.warn(where, `${p.message}${p.severity === "error" ? " (allowed in a trial file)" : ""}`);
  }
  warnNotModelled(protocol, reader, at, catalog);
  return protocol;
}

/**
 * One issue per step and rule for a finding repeated on several days ("carboplatin and pemetrexed … on day 0", "…
 * on day 21", …): "on days 0, 21, 42 and 63".
 */
export function mergeDays<T extends { path: string; message: string; rule?: string }>(
  issues: readonly T[],
): T[] {
  const out: T[] = [];
  const days = new Map<string, { at: number; days: string[] }>();
  for (const i of issues) {
    const m = / on day (-?\d+(?:\.\d+)?)\b/.exec(i.message);
    if (!m) {
      out.push(i);
      continue;
    }
    const key = `${i.path}\u0000${i.rule ?? ""}\u0000${i.message.replace(m[0], " on day #")}`;
    const seen = days.get(key);
    if (seen) seen.days.push(m[1]);
    else {
      days.set(key, { at: out.length, days: [m[1]] });
      out.push(i);
    }
  }
  for (const { at, days: ds } of days.values()) {
    if (ds.length < 2) continue;
    const list = `${ds.slice(0, -1).join(", ")} and ${ds.at(-1)}`;
    out[at] = {
      ...out[at],
      message: out[at].message.replace(/ on day -?\d+(?:\.\d+)?\b/, ` on days ${list}`),
    };
  }
  return out;
}

/** Agents the clinical model gives no effect (prednisone, ...): the arm is simulated as if they were not given. */
function warnNotModelled(protocol: Protocol, reader: Reader, at: Path, catalog: TherapyCatalog): void {
  for (const { agent, phase, step } of agentsWithoutEffect(protocol, catalog))
    reader.warn(
      [...at, "phases", phase, "steps", step, "agent"],
      `${agent.name} has no modelled effect in the clinical model: the arm is simulated as if it were not given`,
    );
}

function checkPublished(doc: TrialDocument, reader: Reader): void {
  const arms = new Set(doc.arms.map((a) => a.name));
  const all = [...SIMULATED_ENDPOINTS, "PFS_<n>mo", "DOR_<n>mo", ...RECORDED_ENDPOINTS, "OS_<n>mo"].join(
    ", ",
  );
  (doc.published ?? []).forEach((p, i) => {
    const at: Path = ["published", i];
    for (const a of Array.isArray(p.arm) ? p.arm : [p.arm])
      if (!arms.has(a)) reader.error([...at, "arm"], `no arm named '${a}' (arms: ${[...arms].join(", ")})`);
    if (!knownEndpoint(p.endpoint)) {
      reader.error([...at, "endpoint"], `unknown endpoint '${p.endpoint}' (endpoints: ${all})`);
      return;
    }
    const hr = p.endpoint.endsWith("_HR");
    if (hr && p.versus === undefined)
      reader.error([...at, "versus"], `is required for ${p.endpoint}: the reference arm`);
    if (p.versus !== undefined) {
      if (!hr) reader.error([...at, "versus"], `applies to hazard ratios only, not to ${p.endpoint}`);
      else if (!arms.has(p.versus)) reader.error([...at, "versus"], `no arm named '${p.versus}'`);
    }
    if (isProportion(p.endpoint) && p.value > 1)
      reader.error([...at, "value"], `${p.endpoint} is a proportion between 0 and 1, not ${p.value}`);
    checkNotReached(p, at, reader);
    if (p.ci) {
      const [lo, hi] = p.ci;
      const shown = `[${lo}, ${hi ?? "not reached"}]`;
      if (hi !== null && lo > hi)
        reader.error([...at, "ci"], `lower limit ${lo} is above the upper limit ${hi}`);
      else if (p.value < lo || (hi !== null && p.value > hi))
        reader.error([...at, "ci"], `${shown} does not contain the value ${p.value}`);
      if (hi === null && !p.endpoint.startsWith("median_"))
        reader.error([...at, "ci"], `an upper limit 'not reached' (null) applies to medians only`);
      if (isProportion(p.endpoint) && hi !== null && hi > 1)
        reader.error([...at, "ci"], `limits of a proportion must be ≤ 1`);
    } else if (p.ci_level !== undefined) reader.warn([...at, "ci_level"], "given without a ci");
  });
}

function checkDocument(doc: TrialDocument, reader: Reader, opts: TrialReadOptions): void {
  const catalog = opts.catalog ?? therapyCatalog();
  const names = new Map<string, number>();
  doc.arms.forEach((a, i) => {
    if (names.has(a.name))
      reader.error(["arms", i, "name"], `arm '${a.name}' is named twice (also arms[${names.get(a.name)}])`);
    names.set(a.name, i);
  });
  const pop = doc.population;
  if (pop.stage && !Array.isArray(pop.stage)) {
    const sum = Object.values(pop.stage).reduce((s, x) => s + x, 0);
    if (Math.abs(sum - 1) > 0.02)
      reader.error(["population", "stage"], `fractions sum to ${Math.round(sum * 1000) / 1000}, not 1`);
  }
  checkStageLabels(pop, reader);
  checkRefractory(pop, reader, catalog);
  const a = doc.assessment;
  if (a.until_week !== undefined && a.until_week < a.first_week)
    reader.error(["assessment", "until_week"], `is before first_week (${a.first_week})`);
  if (a.follow_up_weeks < a.first_week)
    reader.error(
      ["assessment", "follow_up_weeks"],
      `is before first_week (${a.first_week}): no scan would be made`,
    );
  if (a.every_weeks_after !== undefined && a.until_week === undefined)
    reader.warn(["assessment", "every_weeks_after"], "has no effect without until_week");
  checkPublished(doc, reader);
}

/** Parses and checks a trial document; throws a ModelError with every problem (errors first by position). */
export function parseTrial(text: string, file = "<trial>", opts: TrialReadOptions = {}): Trial {
  const { reader, data } = openDocument(text, file);
  readUsualForms(data, reader);
  readNotReached(data);
  const cancerReported = readCancerAlias(data, reader);
  warnUnknownFields(data, reader);
  const written = checkSchema(TrialSchema, data, reader);
  // a tumor type without a population is said once (readCancerAlias), not again as an unknown cancer type
  if (cancerReported) dropUnknownCancer(reader);
  if (!written) throw new ModelError(byPosition(reader.issues));
  const doc = canonicalRefractory(written, reader, opts.catalog ?? therapyCatalog());
  checkDocument(doc, reader, opts);
  const extra: ModelIssue[] = [];
  const arms: TrialArm[] = [];
  doc.arms.forEach((arm, i) => {
    const at: Path = ["arms", i, "protocol"];
    if (typeof arm.protocol === "string") {
      const protocolFile = path.resolve(path.dirname(file), arm.protocol);
      const protocol = readProtocolFile(protocolFile, at, arm.name, reader, opts, extra);
      if (protocol) arms.push({ name: arm.name, patients: arm.patients, protocol, protocolFile });
    } else {
      const protocol = checkProtocol(arm.protocol, reader, at, opts);
      arms.push({ name: arm.name, patients: arm.patients, protocol });
    }
  });
  warnRetreatment(doc, arms, opts.catalog ?? therapyCatalog(), reader);
  const population = inferMarkerStatus(doc, arms, opts.catalog ?? therapyCatalog(), reader);
  const issues = [...byPosition(reader.issues), ...extra];
  if (issues.some((i) => i.severity === "error"))
    throw new ModelError([
      ...issues.filter((i) => i.severity === "error"),
      ...issues.filter((i) => i.severity !== "error"),
    ]);
  return {
    file,
    document: population === doc.population ? doc : { ...doc, population },
    arms,
    published: doc.published ?? [],
    warnings: issues,
  };
}

/** Reads a trial file from disk (a missing file is a ModelError naming it). */
export function loadTrial(file: string, opts: TrialReadOptions = {}): Trial {
  let text: string;
  try {
    text = readSmallFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : (e as Error).message;
    throw new ModelError([{ file, path: "", message: why, severity: "error" }]);
  }
  return parseTrial(text, file, opts);
}
