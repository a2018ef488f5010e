/**
 * Issue 12 §3: accounts and roles. F7 — an admin manages accounts but cannot assign cases, open them, or know an
 * invitee's password; every role change is audited. F14 — no caching of API answers; HSTS and Secure cookies behind
 * HTTPS (SECURE_COOKIES=1, or X-Forwarded-Proto from a trusted proxy only). F15 — references stay within their
 * owner: a case's patient account is a patient's, an appointment's request is its case's.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";
import { auditLog } from "./db/schema.js";
import { HSTS } from "./transport.js";

describe.each(backends())("accounts and roles on %s", (backend) => {
  let s: TestServer;
  let admin: Client;
  let coordinator: Client;
  let caseId: string;
  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.login("admin@demo.immunoplan");
    coordinator = await s.login("coordinator@demo.immunoplan");
    caseId = ((await coordinator.get("/api/cases")).json() as { id: string; title: string }[]).find((c) =>
      c.title.startsWith("Metastatic melanoma"),
    )!.id;
  }, 60_000);
  afterAll(async () => s.close());

  it("F7: an admin invites a clinician without knowing the password, and cannot give the account a case", async () => {
    // no password from the admin: the body refuses one
    const withPassword = await admin.post("/api/users", {
      email: "dr.new@example.org",
      name: "Dr New",
      role: "clinician",
      password: "an admin-known password",
    });
    expect(withPassword.statusCode).toBe(400);
    const r = await admin.post("/api/users", {
      email: "dr.new@example.org",
      name: "Dr New",
      role: "clinician",
    });
    expect(r.statusCode).toBe(201);
    const id = (r.json() as { id: string }).id;
    // the invitation goes to the invitee; the admin's outbox shows that it was sent, not its code
    const mail = await s.mailTo("dr.new@example.org");
    expect(mail).toHaveLength(1);
    const code = /: (\S+)$/.exec(mail[0].body)![1];
    expect(JSON.stringify((await admin.get("/api/outbox")).json())).not.toContain(code);
    // the admin can neither assign the new clinician nor open a case for them
    const assign = await admin.patch(`/api/cases/${caseId}`, { clinicianId: id });
    expect(assign.statusCode).toBe(403);
    expect(
      (await admin.post("/api/cases", { title: "x", patient: { name: "X" }, clinicianId: id })).statusCode,
    ).toBe(403);
    // the invitee chooses a password and sees no case until a coordinator (a second person) assigns one
    const set = await s.app.inject({
      method: "POST",
      url: "/api/auth/password-reset/confirm",
      payload: { token: code, password: "my own clinic passphrase" },
    });
    expect(set.statusCode).toBe(204);
    const dr = await s.login("dr.new@example.org", "my own clinic passphrase");
    expect((await dr.get("/api/cases")).json()).toEqual([]);
    expect((await dr.get(`/api/cases/${caseId}`)).statusCode).toBe(404);
    expect((await coordinator.patch(`/api/cases/${caseId}`, { clinicianId: id })).statusCode).toBe(200);
    expect((await dr.get(`/api/cases/${caseId}`)).statusCode).toBe(200);
    // put the case back with its clinician
    const clara = (await coordinator.get("/api/clinicians")).json() as { id: string; name: string }[];
    await coordinator.patch(`/api/cases/${caseId}`, {
      clinicianId: clara.find((c) => c.name === "Dr. Clara Clinician")!.id,
    });
  });

  it("F7: every role change is audited with the old and the new role", async () => {
    const r = await admin.post("/api/users", {
      email: "cora2@example.org",
      name: "Cora Two",
      role: "patient",
    });
    const id = (r.json() as { id: string }).id;
    expect((await admin.patch(`/api/users/${id}`, { role: "coordinator" })).statusCode).toBe(200);
    const rows = await s.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, id), eq(auditLog.action, "change-role")));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: admin.userId, role: "admin", outcome: "allowed" });
    expect(rows[0].detail).toMatchObject({ role: { from: "patient", to: "coordinator" } });
  });

  it("F15: a case's patient account must be a patient's without a record; the clinician a clinician's", async () => {
    const users = (await admin.get("/api/users")).json() as { id: string; email: string }[];
    const idOf = (email: string) => users.find((u) => u.email === email)!.id;
    const open = (patient: object, extra: object = {}) =>
      coordinator.post("/api/cases", {
        title: "Second opinion",
        patient: { name: "P", ...patient },
        ...extra,
      });
    const staff = await open({ userId: idOf("clinician@demo.immunoplan") });
    expect(staff.statusCode).toBe(400);
    expect(staff.json().error).toMatchObject({
      path: "body.patient.userId",
      message: "patient.userId: not an active patient account",
    });
    const taken = await open({ userId: idOf("patient@demo.immunoplan") });
    expect(taken.json().error.message).toBe("patient.userId: this account already has a patient record");
    const notClinician = await open({}, { clinicianId: idOf("coordinator@demo.immunoplan") });
    expect(notClinician.json().error.path).toBe("body.clinicianId");
    const future = await open({ birthDate: `${new Date().getUTCFullYear() + 1}-01-01` });
    expect(future.json().error.path).toBe("body.patient.birthDate");
    expect((await open({})).statusCode).toBe(201);
  });

  it("F15: a case is assigned only to an active clinician's account", async () => {
    const r = await admin.post("/api/users", {
      email: "dr.gone@example.org",
      name: "Dr Gone",
      role: "clinician",
    });
    const id = (r.json() as { id: string }).id;
    expect((await admin.patch(`/api/users/${id}`, { disabled: true })).statusCode).toBe(200);
    const assign = await coordinator.patch(`/api/cases/${caseId}`, { clinicianId: id });
    expect(assign.statusCode).toBe(400);
    expect(assign.json().error).toMatchObject({ path: "body.clinicianId" });
    const patientId = ((await admin.get("/api/users")).json() as { id: string; email: string }[]).find(
      (u) => u.email === "patient2@demo.immunoplan",
    )!.id;
    expect((await coordinator.patch(`/api/cases/${caseId}`, { clinicianId: patientId })).statusCode).toBe(
      400,
    );
  });

  it("F15: an appointment cannot reference another case's consultation request", async () => {
    const patient2 = await s.login("patient2@demo.immunoplan");
    const other = ((await patient2.get("/api/cases")).json() as { id: string }[])[0].id;
    const req = await patient2.post(`/api/cases/${other}/consultation-requests`, {
      preferredStart: "2030-05-06T09:30",
      timeZone: "Europe/Berlin",
    });
    expect(req.statusCode).toBe(201);
    const clinicians = (await coordinator.get("/api/clinicians")).json() as { id: string }[];
    const r = await coordinator.post(`/api/cases/${caseId}/appointments`, {
      requestId: req.json().id,
      clinicianId: clinicians[0].id,
      startsAt: "2030-05-07T10:00",
      timeZone: "Europe/Berlin",
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ path: "body.requestId" });
    // the other case's request is still open
    const open = (await coordinator.get("/api/consultation-requests")).json() as { id: string }[];
    expect(open.map((x) => x.id)).toContain(req.json().id);
  });

  it("F14: API answers are not cached; plain HTTP gets no HSTS and no Secure cookie", async () => {
    const r = await coordinator.get("/api/cases");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect((await admin.get("/api/outbox")).headers["cache-control"]).toBe("no-store");
    expect(r.headers["strict-transport-security"]).toBeUndefined();
    const login = await s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "coordinator@demo.immunoplan", password: "demo-password-123" },
      headers: { "x-forwarded-proto": "https" }, // from an untrusted address: ignored
    });
    expect(login.cookies[0].secure).toBeFalsy();
    expect(login.headers["strict-transport-security"]).toBeUndefined();
  });
});

describe("F14 behind HTTPS", () => {
  const signIn = (s: TestServer, headers: Record<string, string>, remoteAddress = "127.0.0.1") =>
    s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "coordinator@demo.immunoplan", password: "demo-password-123" },
      headers,
      remoteAddress,
    });

  it("SECURE_COOKIES=1: HSTS on every answer and a Secure session cookie", async () => {
    const s = await startTestServer("pglite", { secureCookies: true });
    try {
      const r = await signIn(s, {});
      expect(r.statusCode).toBe(200);
      expect(r.cookies[0].secure).toBe(true);
      expect(r.headers["strict-transport-security"]).toBe(HSTS);
      expect(
        (await s.app.inject({ method: "GET", url: "/api/health" })).headers["strict-transport-security"],
      ).toBe(HSTS);
    } finally {
      await s.close();
    }
  });

  it("X-Forwarded-Proto: https counts only from the proxy named in TRUST_PROXY", async () => {
    const s = await startTestServer("pglite", { trustProxy: ["10.9.0.1"] });
    try {
      const viaProxy = await signIn(
        s,
        { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" },
        "10.9.0.1",
      );
      expect(viaProxy.cookies[0].secure).toBe(true);
      expect(viaProxy.headers["strict-transport-security"]).toBe(HSTS);
      const forged = await signIn(s, { "x-forwarded-proto": "https" }, "10.9.0.2");
      expect(forged.cookies[0].secure).toBeFalsy();
      expect(forged.headers["strict-transport-security"]).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
