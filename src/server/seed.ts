/**
 * Demo data for an empty database: one account per role (passwords random and printed once, or DEMO_PASSWORD)
 * and cases built from the public synthetic examples in examples/cases — only on loopback or with DEMO=1
 * (prepareDemo).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, count, eq, like } from "drizzle-orm";
import { CaseSchema } from "../clinic/case-schema.js";
import { hashPassword } from "./auth.js";
import type { Db } from "./db/connect.js";
import { cases, caseVersions, patients, users, type Role } from "./db/schema.js";

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples/cases");

export interface DemoAccount {
  readonly email: string;
  readonly password: string;
  readonly role: Role;
  readonly name: string;
}

const ACCOUNTS: readonly { email: string; role: Role; name: string; timeZone: string }[] = [
  { email: "admin@demo.immunoplan", role: "admin", name: "Ada Admin", timeZone: "Europe/Berlin" },
  {
    email: "coordinator@demo.immunoplan",
    role: "coordinator",
    name: "Cora Coordinator",
    timeZone: "Europe/Berlin",
  },
  {
    email: "clinician@demo.immunoplan",
    role: "clinician",
    name: "Dr. Clara Clinician",
    timeZone: "Europe/Berlin",
  },
  {
    email: "clinician2@demo.immunoplan",
    role: "clinician",
    name: "Dr. Karl Second",
    timeZone: "Europe/Berlin",
  },
  {
    email: "patient@demo.immunoplan",
    role: "patient",
    name: "Synthetic Patient B",
    timeZone: "Europe/London",
  },
  {
    email: "patient2@demo.immunoplan",
    role: "patient",
    name: "Synthetic Patient",
    timeZone: "Europe/Berlin",
  },
];

/** Creates the demo accounts and cases when there are no users; returns the accounts (empty if not seeded). */
export async function seedDemo(db: Db, fixedPassword?: string): Promise<DemoAccount[]> {
  const [{ n }] = await db.select({ n: count() }).from(users);
  if (n > 0) return [];
  const out: DemoAccount[] = [];
  const ids: Record<string, string> = {};
  for (const a of ACCOUNTS) {
    const password = fixedPassword ?? randomBytes(12).toString("base64url");
    const [u] = await db
      .insert(users)
      .values({
        email: a.email,
        name: a.name,
        role: a.role,
        timeZone: a.timeZone,
        passwordHash: await hashPassword(password),
      })
      .returning({ id: users.id });
    ids[a.email] = u.id;
    out.push({ email: a.email, password, role: a.role, name: a.name });
  }
  const demoCases = [
    {
      file: "melanoma-progressing-synthetic.json",
      owner: "patient@demo.immunoplan",
      clinician: "clinician@demo.immunoplan",
      title: "Metastatic melanoma progressing after nivolumab",
      status: "planning" as const,
    },
    {
      file: "nsclc-synthetic.json",
      owner: "patient2@demo.immunoplan",
      clinician: null,
      title: "NSCLC stage IIIC after chemotherapy",
      status: "intake" as const,
    },
  ];
  for (const d of demoCases) {
    const raw = JSON.parse(readFileSync(path.join(EXAMPLES, d.file), "utf8")) as Record<string, unknown>;
    const name = (raw.patient as { name?: string }).name ?? "Synthetic patient";
    const [p] = await db
      .insert(patients)
      .values({ userId: ids[d.owner], name })
      .returning({ id: patients.id });
    const [c] = await db
      .insert(cases)
      .values({
        patientId: p.id,
        title: d.title,
        status: d.status,
        clinicianId: d.clinician ? ids[d.clinician] : null,
      })
      .returning({ id: cases.id });
    const record = CaseSchema.parse({ ...raw, id: c.id });
    await db
      .insert(caseVersions)
      .values({ caseId: c.id, version: 1, record, note: `demo data from examples/cases/${d.file}` });
  }
  return out;
}

/** The domain of the demo accounts. */
export const DEMO_DOMAIN = "@demo.immunoplan";

/** Whether a listen address is this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return (
    h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1"
  );
}

/**
 * Demo data only where nobody else can reach it: on an empty database when the server listens on loopback (the
 * default) or DEMO=1. Listening on another address with active demo accounts (known e-mails, an admin among them)
 * is refused: the start fails with what to do.
 */
export async function prepareDemo(
  db: Db,
  opts: { readonly host: string; readonly demo?: boolean; readonly fixedPassword?: string },
): Promise<DemoAccount[]> {
  if (isLoopback(opts.host) || opts.demo) return seedDemo(db, opts.fixedPassword);
  const active = await db
    .select({ email: users.email })
    .from(users)
    .where(and(like(users.email, `%${DEMO_DOMAIN}`), eq(users.disabled, false)));
  if (active.length)
    throw new Error(
      `refusing to listen on ${opts.host} with the demo accounts active (${active.map((a) => a.email).join(", ")}): disable them (as an admin, or in the database), listen on 127.0.0.1, or set DEMO=1 for a demo on purpose`,
    );
  return [];
}
