/**
 * The `--patient` argument of run and compare: a built-in virtual patient, a patient file (weight_kg, height_cm,
 * model state) or a case record (the clinic's case.json, as the README documents): then body size comes from the
 * case's latest weight and height and the tumor cells on day 0 from its latest scan (the evaluation's burden).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as yamlParse } from "yaml";
import { loadCase } from "../clinic/case-file.js";
import { evaluateCase } from "../clinic/evaluate.js";
import { casePatient, PersonalizationError } from "../planner/personalize.js";
import { resolvePatient, type Patient } from "../therapy/patient.js";
import { UsageError, type CliIO } from "./io.js";

/** Whether the document is a case record rather than a patient file (which always has weight_kg). */
export function isCaseRecord(file: string): boolean {
  try {
    const data = yamlParse(readFileSync(file, "utf8"), { logLevel: "silent" }) as unknown;
    return (
      typeof data === "object" &&
      data !== null &&
      !("weight_kg" in data) &&
      ("id" in data || "patient" in data)
    );
  } catch {
    return false; // resolvePatient reports unreadable files
  }
}

export function patientFromArg(arg: string | undefined, io: CliIO): Patient {
  if (arg === undefined || !/\.(json|ya?ml)$/i.test(arg)) return resolvePatient(arg);
  const file = path.resolve(io.cwd, arg);
  if (!isCaseRecord(file)) return resolvePatient(file);
  const c = loadCase(file);
  let p: Patient;
  try {
    p = casePatient(c);
  } catch (e) {
    if (e instanceof PersonalizationError) throw new UsageError(`${arg}: ${e.message}`);
    throw e;
  }
  const burden = evaluateCase(c).burden;
  return {
    ...p,
    ...(burden.cells !== null ? { initial: { T: burden.cells } } : {}),
    source:
      `case ${c.id}: latest weight and height` +
      (burden.cells !== null
        ? `; tumor cells on day 0 from the scan of ${burden.date} (${burden.sumOfDiametersMm} mm, assuming ${burden.assumptions.join("; ")})`
        : "; no measured scan: the model's default tumor size"),
  };
}
