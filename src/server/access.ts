/**
 * Who may do what with a case. One table, enforced by every route through `authorizeCase`, and tested for
 * every endpoint and role (server/access.test.ts). A patient sees only their own case; a clinician the cases
 * assigned to them; coordinators and admins see the list but not the clinical record. Only coordinators open cases
 * and assign clinicians: an admin, who creates accounts, cannot also give an account access to a case (two people
 * are needed for a new clinician to read a record).
 */
import type { Role } from "./db/schema.js";

export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly email: string;
  readonly name: string;
}

export type CaseAction =
  | "summary" // list entry: title, status, patient name, assignment
  | "read" // the clinical record, documents, evaluations, plans
  | "write" // new record versions, FHIR import, status
  | "upload" // add documents
  | "request-consultation"
  | "schedule" // appointments
  | "assign" // clinician assignment
  | "administrative" // the patient's administrative details (name, birth date, contact, language)
  | "plan" // run evaluations and plans, approve plans
  | "treat"; // administrations, assessments, adverse events, notes

export interface CaseAccessFacts {
  /** The user account of the case's patient. */
  readonly patientUserId: string | null;
  readonly clinicianId: string | null;
}

const OWN_PATIENT: readonly CaseAction[] = ["summary", "read", "upload", "request-consultation"];
const ASSIGNED_CLINICIAN: readonly CaseAction[] = [
  "summary",
  "read",
  "write",
  "upload",
  "plan",
  "treat",
  "administrative",
];
const COORDINATOR: readonly CaseAction[] = ["summary", "schedule", "assign", "administrative"];
const ADMIN: readonly CaseAction[] = ["summary"];

export function mayOnCase(actor: Actor | null, c: CaseAccessFacts, action: CaseAction): boolean {
  if (!actor) return false;
  switch (actor.role) {
    case "patient":
      return c.patientUserId === actor.id && OWN_PATIENT.includes(action);
    case "clinician":
      return c.clinicianId === actor.id && ASSIGNED_CLINICIAN.includes(action);
    case "coordinator":
      return COORDINATOR.includes(action);
    case "admin":
      return ADMIN.includes(action);
  }
}

/** Actions that are not about one case. */
export type GlobalAction = "manage-users" | "read-audit" | "create-case" | "list-consultations";

export function mayGlobally(actor: Actor | null, action: GlobalAction): boolean {
  if (!actor) return false;
  switch (action) {
    case "manage-users":
    case "read-audit":
      return actor.role === "admin";
    case "create-case":
      return actor.role === "coordinator";
    case "list-consultations":
      return actor.role !== "admin";
  }
}
