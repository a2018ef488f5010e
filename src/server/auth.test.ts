import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, type TestServer } from "../test-support/test-server.js";
import { SESSION_COOKIE } from "./app.js";
import { LOCKOUT } from "./auth.js";

describe.each(backends())("accounts and sessions on %s", (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => s.close());

  it("signs a patient up into an intake case with a session cookie that is HTTP-only and SameSite", async () => {
    const r = await s.app.inject({
      method: "POST",
      url: "/api/auth/signup",
      payload: {
        email: "New.Patient@Example.org",
        password: "a long passphrase",
        name: "New Patient",
        timeZone: "America/New_York",
      },
    });
    expect(r.statusCode).toBe(201);
    const cookie = r.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Strict");
    const me = await s.login("new.patient@example.org", "a long passphrase");
    const cases = (await me.get("/api/cases")).json() as { title: string; status: string }[];
    expect(cases).toEqual([expect.objectContaining({ title: "Case of New Patient", status: "intake" })]);
    // the same e-mail twice; a weak password; a bad time zone — each named
    expect(
      (
        await s.app.inject({
          method: "POST",
          url: "/api/auth/signup",
          payload: { email: "new.patient@example.org", password: "another long one", name: "X" },
        })
      ).statusCode,
    ).toBe(409);
    const weak = await s.app.inject({
      method: "POST",
      url: "/api/auth/signup",
      payload: { email: "w@example.org", password: "1234567890", name: "W" },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.message).toBe("body.password: password must not be only digits");
    const tz = await s.app.inject({
      method: "POST",
      url: "/api/auth/signup",
      payload: { email: "t@example.org", password: "a long passphrase", name: "T", timeZone: "Mars/Olympus" },
    });
    expect(tz.json().error.path).toBe("body.timeZone");
  });

  it("stores argon2id hashes, never passwords", async () => {
    const rows = await s.database.db.execute(sql`select password_hash from users`);
    const hashes = (rows as unknown as { rows: { password_hash: string }[] }).rows.map(
      (r) => r.password_hash,
    );
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it("refuses state changes without the session's CSRF token", async () => {
    const c = await s.login("clinician@demo.immunoplan");
    const list = (await c.get("/api/cases")).json() as { id: string }[];
    const cookieOnly = await c.request({
      method: "POST",
      url: `/api/cases/${list[0].id}/notes`,
      payload: { text: "x" },
      headers: { "x-csrf-token": "forged" },
    });
    expect(cookieOnly.statusCode).toBe(403);
    expect(cookieOnly.json().error.code).toBe("csrf");
    expect((await c.post(`/api/cases/${list[0].id}/notes`, { text: "x" })).statusCode).toBe(201);
  });

  it("locks an account after repeated failures, with the same answer for unknown e-mails", async () => {
    const bad = (email: string) =>
      s.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: "wrong password!" },
      });
    expect((await bad("nobody@demo.immunoplan")).json().error.message).toBe("wrong e-mail or password");
    for (let i = 0; i < LOCKOUT.attempts; i++)
      expect((await bad("clinician2@demo.immunoplan")).statusCode).toBe(401);
    const locked = await s.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "clinician2@demo.immunoplan", password: "demo-password-123" },
    });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.message).toMatch(/account locked until/);
    // an admin unlocks it
    const admin = await s.login("admin@demo.immunoplan");
    const users = (await admin.get("/api/users")).json() as { id: string; email: string }[];
    const id = users.find((u) => u.email === "clinician2@demo.immunoplan")!.id;
    expect((await admin.patch(`/api/users/${id}`, { unlock: true })).statusCode).toBe(200);
    await s.login("clinician2@demo.immunoplan");
  });

  it("resets a password with a one-time token from the outbox, and signs out everywhere", async () => {
    const old = await s.login("patient2@demo.immunoplan");
    expect(
      (
        await s.app.inject({
          method: "POST",
          url: "/api/auth/password-reset/request",
          payload: { email: "patient2@demo.immunoplan" },
        })
      ).statusCode,
    ).toBe(202);
    expect(
      (
        await s.app.inject({
          method: "POST",
          url: "/api/auth/password-reset/request",
          payload: { email: "unknown@x.org" },
        })
      ).statusCode,
    ).toBe(202);
    const admin = await s.login("admin@demo.immunoplan");
    const mail = ((await admin.get("/api/outbox")).json() as { toEmail: string; body: string }[]).find(
      (m) => m.toEmail === "patient2@demo.immunoplan",
    )!;
    const token = /: (\S+)$/.exec(mail.body)![1];
    const confirm = (t: string) =>
      s.app.inject({
        method: "POST",
        url: "/api/auth/password-reset/confirm",
        payload: { token: t, password: "a brand new passphrase" },
      });
    expect((await confirm(token)).statusCode).toBe(204);
    expect((await confirm(token)).json().error.message).toBe("token: unknown, used or expired");
    expect((await old.get("/api/cases")).statusCode).toBe(401);
    await s.login("patient2@demo.immunoplan", "a brand new passphrase");
  });

  it("ends the session at logout", async () => {
    const c = await s.login("coordinator@demo.immunoplan");
    expect((await c.get("/api/auth/me")).statusCode).toBe(200);
    expect((await c.post("/api/auth/logout")).statusCode).toBe(204);
    expect((await c.get("/api/auth/me")).statusCode).toBe(401);
  });

  it("keeps the audit trail append-only, even for the database owner", async () => {
    await expect(s.database.db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow();
    await expect(s.database.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    const n = await s.database.db.execute(sql`select count(*)::int as n from audit_log`);
    expect((n as unknown as { rows: { n: number }[] }).rows[0].n).toBeGreaterThan(5);
  });

  it("serves the OpenAPI document", async () => {
    const r = await s.app.inject({ method: "GET", url: "/api/docs/json" });
    expect(r.statusCode).toBe(200);
    const doc = r.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/cases/{id}/record", "/api/uploads/{id}", "/api/plans/{id}/approve"]),
    );
  });
});

describe("request limits and security headers", () => {
  it("refuses a JSON body above the limit with 413, and sends security headers", async () => {
    const s = await startTestServer("pglite", { maxBodyBytes: 2048 });
    try {
      const r = await s.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: "a@b.org", password: "x".repeat(5000) },
      });
      expect(r.statusCode).toBe(413);
      expect(r.json().error.message).toMatch(/too large/i);
      const h = (await s.app.inject({ method: "GET", url: "/api/health" })).headers;
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    } finally {
      await s.close();
    }
  });
});
