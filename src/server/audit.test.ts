/**
 * The audit trail (issue 12 §4): every route of the OpenAPI document, called as every role, leaves exactly one
 * audit row with the caller, the route's resource and the right outcome (allowed for 2xx, denied for a refusal,
 * error for a failure); CSRF refusals, 401s and failed sign-ins too. Admins filter the trail and export it as CSV.
 */
import { gt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcomeOf } from "./audit.js";
import { auditLog } from "./db/schema.js";
import { csvCell } from "./routes/audit-routes.js";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";

type Who = "patient" | "clinician" | "coordinator" | "admin" | "anonymous";
const ROLES: readonly Who[] = ["patient", "clinician", "coordinator", "admin", "anonymous"];
type AuditRow = typeof auditLog.$inferSelect;

describe.each(backends())("audit trail on %s", (backend) => {
  let s: TestServer;
  let clients: Record<Who, Client>;
  let caseId: string;
  let ids: Record<string, string>;
  const lastId = async (): Promise<number> => {
    const [r] = await s.database.db
      .select({ max: sql<number>`coalesce(max(${auditLog.id}), 0)` })
      .from(auditLog);
    return Number(r.max);
  };
  const rowsAfter = (id: number): Promise<AuditRow[]> =>
    s.database.db.select().from(auditLog).where(gt(auditLog.id, id)).orderBy(auditLog.id);
  const login = async (w: Exclude<Who, "anonymous">) => s.login(`${w}@demo.immunoplan`);

  beforeAll(async () => {
    s = await startTestServer(backend);
    clients = {
      patient: await login("patient"),
      clinician: await login("clinician"),
      coordinator: await login("coordinator"),
      admin: await login("admin"),
      anonymous: s.anonymous,
    };
    caseId = ((await clients.patient.get("/api/cases")).json() as { id: string }[])[0].id;
    const upload = (
      await clients.patient.post(`/api/cases/${caseId}/uploads`, { filename: "a.pdf", size: 10 })
    ).json() as { id: string };
    const job = (
      await clients.clinician.post(`/api/cases/${caseId}/jobs`, {
        kind: "evaluate",
        options: { date: "2026-11-24" },
      })
    ).json() as { id: string };
    const users = (await clients.admin.get("/api/users")).json() as { id: string; email: string }[];
    ids = {
      cases: caseId,
      uploads: upload.id,
      jobs: job.id,
      // no plan or document exists: their routes answer 404, which is a refusal like any other
      plans: "00000000-0000-4000-8000-000000000001",
      documents: "00000000-0000-4000-8000-000000000002",
      users: users.find((u) => u.email === "clinician2@demo.immunoplan")!.id,
      models: "kuznetsov1994",
    };
  }, 60_000);
  afterAll(async () => s.close());
  /** The walk signs every role out at its end: the next tests sign in again (whether the walk passed or not). */
  const signInAgain = async () => {
    clients.patient = await login("patient");
    clients.clinician = await login("clinician");
    clients.coordinator = await login("coordinator");
    clients.admin = await login("admin");
  };

  it("every route of the OpenAPI document, as every role, leaves exactly one row with the right outcome", async () => {
    const doc = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const calls: { method: string; url: string; path: string }[] = [];
    for (const [p, methods] of Object.entries(doc.paths))
      for (const method of Object.keys(methods)) {
        const segment = p.split("/")[2];
        const url = p
          .replace("{id}", ids[segment] ?? "x")
          .replace("{version}", "1")
          .replace("{name}", ids.models);
        calls.push({ method: method.toUpperCase(), url, path: p });
      }
    // signing out ends the walker's session: last
    calls.sort((a, b) => Number(a.path === "/api/auth/logout") - Number(b.path === "/api/auth/logout"));
    expect(calls.length).toBeGreaterThan(40);
    const seen = { allowed: 0, denied: 0, error: 0 };
    for (const who of ROLES)
      for (const c of calls) {
        const before = await lastId();
        const r = await clients[who].request({
          method: c.method as "GET",
          url: c.url,
          ...(["POST", "PUT", "PATCH"].includes(c.method) ? { payload: {} } : {}),
        });
        const rows = await rowsAfter(before);
        const what = { who, call: `${c.method} ${c.path}`, status: r.statusCode };
        expect({ ...what, rows: rows.length }).toEqual({ ...what, rows: 1 });
        const row = rows[0];
        expect({ ...what, outcome: row.outcome }).toEqual({ ...what, outcome: outcomeOf(r.statusCode) });
        expect({ ...what, userId: row.userId }).toEqual({
          ...what,
          userId: who === "anonymous" ? null : clients[who].userId,
        });
        expect(row.action.length).toBeGreaterThan(0);
        expect(row.resourceType.length).toBeGreaterThan(0);
        expect(row.detail).toMatchObject({ status: r.statusCode });
        seen[row.outcome]++;
      }
    // the walk saw both sides (the calls with empty bodies are refused; the reads of the allowed roles served)
    expect(seen.allowed).toBeGreaterThan(20);
    expect(seen.denied).toBeGreaterThan(100);
    expect(seen.error).toBe(0);
  }, 120_000);

  it("records the reads that used to leave no trace, with the case they concern", async () => {
    await signInAgain();
    const before = await lastId();
    await clients.patient.get(`/api/uploads/${ids.uploads}`);
    await clients.clinician.get(`/api/jobs/${ids.jobs}`);
    await clients.admin.get("/api/outbox");
    await clients.admin.get("/api/users");
    await clients.admin.get("/api/audit");
    const rows = await rowsAfter(before);
    expect(rows.map((r) => [r.resourceType, r.resourceId, r.caseId, r.outcome])).toEqual([
      ["upload", ids.uploads, caseId, "allowed"],
      ["job", ids.jobs, caseId, "allowed"],
      ["outbox", null, null, "allowed"],
      ["user", null, null, "allowed"],
      ["audit", null, null, "allowed"],
    ]);
  });

  it("records CSRF refusals, 401s and failed sign-ins as denied", async () => {
    const before = await lastId();
    const noCsrf = await clients.clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/notes`,
      payload: { text: "x" },
      headers: { "x-csrf-token": "wrong" },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await s.anonymous.get(`/api/cases/${caseId}`)).statusCode).toBe(401);
    for (let i = 0; i < 6; i++)
      await s.anonymous.post("/api/auth/login", {
        email: "clinician2@demo.immunoplan",
        password: "wrong one",
      });
    const rows = await rowsAfter(before);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.outcome === "denied")).toBe(true);
    expect(rows[0]).toMatchObject({ userId: clients.clinician.userId, caseId, detail: { status: 403 } });
    expect(rows[1]).toMatchObject({ userId: null, caseId, detail: { status: 401 } });
    expect(rows.slice(2).every((r) => r.resourceType === "user" && r.action === "login")).toBe(true);
  });

  it("filters the trail by who, patient, action, outcome and time, and exports it as CSV", async () => {
    const t0 = new Date(Date.now() - 1000).toISOString();
    await clients.patient.get(`/api/cases/${caseId}`);
    await clients.coordinator.get(`/api/cases/${caseId}`); // refused: coordinators see summaries only
    const q = (query: string) => clients.admin.get(`/api/audit?${query}`);
    const byWho = (
      await q(`email=patient@demo.immunoplan&from=${encodeURIComponent(t0)}`)
    ).json() as AuditRow[];
    expect(byWho.length).toBeGreaterThan(0);
    expect(byWho.every((r) => r.userId === clients.patient.userId)).toBe(true);
    const patientId = ((await clients.patient.get(`/api/cases/${caseId}`)).json() as { patientId?: string })
      .patientId;
    const denied = (
      await q(`caseId=${caseId}&outcome=denied&from=${encodeURIComponent(t0)}`)
    ).json() as AuditRow[];
    expect(denied.map((r) => r.userId)).toContain(clients.coordinator.userId);
    expect(denied.every((r) => r.outcome === "denied" && r.caseId === caseId)).toBe(true);
    expect(patientId).toMatch(/^[0-9a-f-]{36}$/);
    const ofPatient = (await q(`patientId=${patientId}`)).json() as AuditRow[];
    expect(ofPatient.length).toBeGreaterThan(0);
    expect(ofPatient.every((r) => r.caseId === caseId)).toBe(true);
    // by the patient's name (part of it, any case) or the e-mail of their account: the same case's rows
    const patientName = ((await clients.patient.get("/api/auth/me")).json() as { user: { name: string } })
      .user.name;
    for (const who of [patientName.slice(1, 6).toUpperCase(), "patient@demo.immunoplan"]) {
      const rows = (await q(`patient=${encodeURIComponent(who)}&limit=1000`)).json() as AuditRow[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.caseId === caseId)).toBe(true);
    }
    expect((await q("patient=nobody%25by%25this%25name")).json()).toEqual([]);
    const future = (
      await q(`from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)
    ).json();
    expect(future).toEqual([]);
    const past = (await q(`to=${encodeURIComponent(t0)}&action=login&outcome=allowed`)).json() as AuditRow[];
    expect(past.length).toBeGreaterThan(0);
    expect(past.every((r) => r.action === "login" && new Date(r.at) < new Date(t0))).toBe(true);
    const csv = await q(`caseId=${caseId}&from=${encodeURIComponent(t0)}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers["content-disposition"]).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,at,userId,email,role,action,resourceType,resourceId,caseId,outcome,ip,userAgent,detail",
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.includes(caseId))).toBe(true);
    expect(csv.body).toContain("coordinator@demo.immunoplan");
    // non-admins get neither
    expect((await clients.clinician.get("/api/audit?format=csv")).statusCode).toBe(403);
  });

  it("quotes CSV cells and defuses spreadsheet formulas", () => {
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(null)).toBe("");
  });
});
