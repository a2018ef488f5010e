/**
 * The clinic's database (PostgreSQL; PGlite by default). Migrations in drizzle/ are generated from this file by
 * drizzle-kit (`npm run db:generate`) and applied at start. Patient data lives in the case versions (the typed
 * case record of src/clinic) and in the tables that reference a case.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const ROLES = ["patient", "clinician", "coordinator", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const CASE_STATUSES = [
  "intake",
  "evaluation",
  "planning",
  "treatment",
  "follow-up",
  "closed",
] as const;
export const PLAN_STATUSES = ["draft", "approved", "active", "completed", "withdrawn"] as const;
export const UPLOAD_STATUSES = ["open", "complete", "rejected", "expired"] as const;
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

const created = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    passwordHash: text("password_hash").notNull(),
    disabled: boolean("disabled").notNull().default(false),
    /** False until a self-registered patient confirms the e-mailed code (staff accounts set a password by invitation). */
    emailVerified: boolean("email_verified").notNull().default(true),
    timeZone: text("time_zone").notNull().default("UTC"),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_role_check", sql`${t.role} in ('patient', 'clinician', 'coordinator', 'admin')`),
  ],
);

export const sessions = pgTable("sessions", {
  /** SHA-256 of the session token (the token itself is only in the cookie). */
  id: text("id").primaryKey(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  csrfToken: text("csrf_token").notNull(),
  createdAt: created(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  ip: text("ip"),
  userAgent: text("user_agent"),
});

/**
 * Failed sign-ins per account and source address, counted atomically (one upsert); the pair locks for a while after
 * LOCKOUT.attempts failures, so that someone else's guesses cannot lock the owner out from their own address.
 */
export const loginFailures = pgTable(
  "login_failures",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    source: text("source").notNull(),
    failures: integer("failures").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.source] })],
);

/** One-time codes (stored as SHA-256 only): password resets, sign-up confirmations and staff invitations. */
export const passwordResets = pgTable("password_resets", {
  tokenHash: text("token_hash").primaryKey(),
  purpose: text("purpose", { enum: ["reset", "signup", "invite"] })
    .notNull()
    .default("reset"),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: created(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

/** Messages the clinic would send (password resets, appointment notices): kept here, nothing leaves the machine. */
export const outbox = pgTable("outbox", {
  id: uuid("id").primaryKey().defaultRandom(),
  toEmail: text("to_email").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  createdAt: created(),
});

export const patients = pgTable("patients", {
  id: uuid("id").primaryKey().defaultRandom(),
  userId: uuid("user_id")
    .unique()
    .references(() => users.id),
  name: text("name").notNull(),
  birthDate: text("birth_date"),
  createdAt: created(),
});

export const cases = pgTable(
  "cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    patientId: uuid("patient_id")
      .notNull()
      .references(() => patients.id),
    clinicianId: uuid("clinician_id").references(() => users.id),
    title: text("title").notNull(),
    status: text("status", { enum: CASE_STATUSES }).notNull().default("intake"),
    currentVersion: integer("current_version").notNull().default(1),
    createdAt: created(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("cases_patient_idx").on(t.patientId), index("cases_clinician_idx").on(t.clinicianId)],
);

/** The case a row belongs to. */
const caseRef = () =>
  uuid("case_id")
    .notNull()
    .references(() => cases.id);

/** Every version of a case record is kept: a change inserts version n + 1. */
export const caseVersions = pgTable(
  "case_versions",
  {
    caseId: caseRef(),
    version: integer("version").notNull(),
    record: jsonb("record").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: created(),
    note: text("note"),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.version] })],
);

export const documents = pgTable(
  "documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: caseRef(),
    sha256: text("sha256").notNull(),
    filename: text("filename").notNull(),
    mediaType: text("media_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    /** DICOM header fields (study date, modality, body part) when the file is DICOM. */
    dicom: jsonb("dicom"),
    uploadedBy: uuid("uploaded_by").references(() => users.id),
    uploadedAt: timestamp("uploaded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("documents_case_idx").on(t.caseId)],
);

/** Resumable uploads: bytes are appended to a temporary file until the declared size is reached. */
export const uploads = pgTable("uploads", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id),
  filename: text("filename").notNull(),
  declaredSize: bigint("declared_size", { mode: "number" }).notNull(),
  received: bigint("received", { mode: "number" }).notNull().default(0),
  /** expired: unfinished after UPLOAD_EXPIRY_HOURS; its bytes are deleted (text column: no migration needed). */
  status: text("status", { enum: UPLOAD_STATUSES }).notNull().default("open"),
  documentId: uuid("document_id").references(() => documents.id),
  createdAt: created(),
});

export const consultationRequests = pgTable("consultation_requests", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  requestedBy: uuid("requested_by")
    .notNull()
    .references(() => users.id),
  preferredStart: timestamp("preferred_start", { withTimezone: true }).notNull(),
  timeZone: text("time_zone").notNull(),
  note: text("note"),
  status: text("status", { enum: ["requested", "scheduled", "cancelled"] })
    .notNull()
    .default("requested"),
  createdAt: created(),
});

export const appointments = pgTable("appointments", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  requestId: uuid("request_id").references(() => consultationRequests.id),
  clinicianId: uuid("clinician_id")
    .notNull()
    .references(() => users.id),
  startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
  durationMinutes: integer("duration_minutes").notNull().default(45),
  timeZone: text("time_zone").notNull(),
  videoLink: text("video_link").notNull(),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: created(),
});

export const jobs = pgTable("jobs", {
  id: uuid("id").primaryKey().defaultRandom(),
  kind: text("kind", { enum: ["evaluate", "fit", "plan"] }).notNull(),
  caseId: caseRef(),
  caseVersion: integer("case_version").notNull(),
  options: jsonb("options"),
  status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
  stage: text("stage"),
  progress: real("progress").notNull().default(0),
  error: text("error"),
  createdBy: uuid("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: created(),
  startedAt: timestamp("started_at", { withTimezone: true }),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/** The columns of a job's stored result: the case version it came from, the job, the result. */
const jobResult = () => ({
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  caseVersion: integer("case_version").notNull(),
  jobId: uuid("job_id").references(() => jobs.id),
  result: jsonb("result").notNull(),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: created(),
});

export const evaluations = pgTable("evaluations", jobResult());

/** The patient's model fitted to the case's scans (posterior summary and samples), from a fit job. */
export const fits = pgTable("fits", jobResult());

export const plans = pgTable("plans", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  caseVersion: integer("case_version").notNull(),
  jobId: uuid("job_id").references(() => jobs.id),
  status: text("status", { enum: PLAN_STATUSES }).notNull().default("draft"),
  /** The plan document (src/planner/plan.ts); `chosen` is the candidate the clinician approves. */
  plan: jsonb("plan").notNull(),
  chosen: text("chosen"),
  /** The chosen candidate's protocol as approved (the clinician may have edited days and doses). */
  approvedProtocol: jsonb("approved_protocol"),
  /** The candidate as approved with its prediction (src/planner/approved.ts): re-simulated when edited. */
  approvedCandidate: jsonb("approved_candidate"),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: created(),
  approvedBy: uuid("approved_by").references(() => users.id),
  approvedAt: timestamp("approved_at", { withTimezone: true }),
  statusChangedAt: timestamp("status_changed_at", { withTimezone: true }).notNull().defaultNow(),
});

export const administrations = pgTable("administrations", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  planId: uuid("plan_id").references(() => plans.id),
  agent: text("agent").notNull(),
  doseValue: real("dose_value").notNull(),
  doseUnit: text("dose_unit").notNull(),
  route: text("route").notNull(),
  givenAt: timestamp("given_at", { withTimezone: true }).notNull(),
  givenBy: uuid("given_by")
    .notNull()
    .references(() => users.id),
  note: text("note"),
  createdAt: created(),
});

export const assessments = pgTable("assessments", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  date: text("date").notNull(),
  modality: text("modality").notNull(),
  lesions: jsonb("lesions").notNull(),
  recordedBy: uuid("recorded_by")
    .notNull()
    .references(() => users.id),
  createdAt: created(),
});

export const adverseEvents = pgTable("adverse_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  term: text("term").notNull(),
  system: text("system", { enum: ["CTCAE v5", "ASTCT CRS", "ASTCT ICANS"] }).notNull(),
  grade: integer("grade").notNull(),
  onset: text("onset").notNull(),
  details: jsonb("details"),
  recordedBy: uuid("recorded_by")
    .notNull()
    .references(() => users.id),
  createdAt: created(),
});

export const notes = pgTable("notes", {
  id: uuid("id").primaryKey().defaultRandom(),
  caseId: caseRef(),
  authorId: uuid("author_id")
    .notNull()
    .references(() => users.id),
  text: text("text").notNull(),
  createdAt: created(),
});

/** Every read and write of patient data: append-only (a trigger in the migrations refuses UPDATE and DELETE). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    userId: uuid("user_id"),
    role: text("role"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    caseId: uuid("case_id"),
    outcome: text("outcome", { enum: ["allowed", "denied", "error"] }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: jsonb("detail"),
  },
  (t) => [index("audit_case_idx").on(t.caseId), index("audit_at_idx").on(t.at)],
);

/** Versions of the clinic's price list (catalog/prices.yaml is version 1 until an admin saves another). */
export const priceLists = pgTable("price_lists", {
  version: integer("version").primaryKey(),
  document: jsonb("document").notNull(),
  note: text("note"),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: created(),
});

/** The quote given for an approved plan: frozen with the price list version it was made with. */
export const quotes = pgTable("quotes", {
  id: uuid("id").primaryKey().defaultRandom(),
  planId: uuid("plan_id")
    .notNull()
    .unique()
    .references(() => plans.id),
  caseId: caseRef(),
  priceListVersion: integer("price_list_version").notNull(),
  estimate: jsonb("estimate").notNull(),
  createdAt: created(),
});
