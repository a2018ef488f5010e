import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, DEMO_PASSWORD, startTestServer, type TestServer } from "../test-support/test-server.js";
import { SESSION_COOKIE } from "./app.js";
import { createHash } from "node:crypto";
import * as auth from "./auth.js";
import { LOCKOUT } from "./auth.js";

describe.each(backends())("accounts and sessions on %s", (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => s.close());

  const signup = (payload: object, remoteAddress = "10.1.0.1") =>
    s.app.inject({ method: "POST", url: "/api/auth/signup", payload, remoteAddress });
  const code = async (email: string) => /: (\S+)$/.exec((await s.mailTo(email)).at(-1)!.body)![1];

  it("signs a patient up into an intake case after the e-mailed code; the session cookie is HTTP-only and SameSite", async () => {
    const r = await signup({
      email: "New.Patient@Example.org",
      password: "a long passphrase",
      name: "New Patient",
      timeZone: "America/New_York",
    });
    expect(r.statusCode).toBe(202);
    expect(r.cookies).toEqual([]);
    // not usable before the e-mail is confirmed
    await expect(s.login("new.patient@example.org", "a long passphrase")).rejects.toThrow(/401/);
    const confirm = await s.app.inject({
      method: "POST",
      url: "/api/auth/signup/confirm",
      payload: { token: await code("new.patient@example.org") },
    });
    expect(confirm.statusCode).toBe(200);
    const cookie = confirm.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Strict");
    const me = await s.login("new.patient@example.org", "a long passphrase");
    const cases = (await me.get("/api/cases")).json() as { title: string; status: string }[];
    expect(cases).toEqual([expect.objectContaining({ title: "Case of New Patient", status: "intake" })]);
    const tz = await signup({
      email: "t@example.org",
      password: "a long passphrase",
      name: "T",
      timeZone: "Mars/Olympus",
    });
    expect(tz.json().error.path).toBe("body.timeZone");
  });

  it("sign-up with an e-mail that has an account answers as if it worked and tells the owner (F13)", async () => {
    const before = (await s.mailTo("patient2@demo.immunoplan")).length;
    const again = await signup({
      email: "patient2@demo.immunoplan",
      password: "another long one!",
      name: "X",
    });
    const fresh = await signup({
      email: "someone.new@example.org",
      password: "another long one!",
      name: "X",
    });
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(fresh.body);
    const notice = (await s.mailTo("patient2@demo.immunoplan")).slice(before);
    expect(notice).toHaveLength(1);
    expect(notice[0].subject).toMatch(/someone tried to sign up with your e-mail/);
    // the owner's password still works; the stranger's does not
    await s.login("patient2@demo.immunoplan");
    await expect(s.login("patient2@demo.immunoplan", "another long one!")).rejects.toThrow(/401/);
  });

  it("passwords: at least 12 characters, not one character repeated, not a common password (F12)", async () => {
    let n = 0;
    const problem = async (password: string) =>
      (await signup({ email: "w@example.org", password, name: "W" }, `10.1.1.${++n}`)).json().error?.message;
    expect(await problem("aaaaaaaaaaaa")).toBe("body.password: password must not be one character repeated");
    expect(await problem("            ")).toBe("body.password: password must not be one character repeated");
    expect(await problem("aaaaaaaaaa")).toBe("body.password: password must have at least 12 characters");
    expect(await problem("password12")).toBe("body.password: password must have at least 12 characters");
    expect(await problem("password1234")).toBe(
      "body.password: password is one of the most common passwords: choose another",
    );
    expect(await problem("qwertyuiop123")).toMatch(/most common passwords/);
    expect(await problem("Password2024!")).toMatch(/most common passwords/);
    expect(await problem("a journey passphrase")).toBeUndefined();
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

  const login = (email: string, password: string, remoteAddress = "10.2.0.1") =>
    s.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password }, remoteAddress });

  it("locks an account per source address after repeated failures, answered like any failure (F2, F13)", async () => {
    const unknown = await login("nobody@demo.immunoplan", "wrong password!!");
    for (let i = 0; i < LOCKOUT.attempts; i++)
      expect((await login("clinician2@demo.immunoplan", "wrong password!!")).statusCode).toBe(401);
    // locked for this address: even the right password gets exactly the answer of an unknown e-mail
    const locked = await login("clinician2@demo.immunoplan", DEMO_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.body).toBe(unknown.body);
    // …but not for the owner at another address
    expect((await login("clinician2@demo.immunoplan", DEMO_PASSWORD, "10.2.0.2")).statusCode).toBe(200);
    // an admin sees the lock and lifts it
    const admin = await s.login("admin@demo.immunoplan");
    const users = (await admin.get("/api/users")).json() as {
      id: string;
      email: string;
      lockedUntil: string | null;
    }[];
    const u = users.find((x) => x.email === "clinician2@demo.immunoplan")!;
    expect(new Date(u.lockedUntil!).getTime()).toBeGreaterThan(Date.now());
    expect((await admin.patch(`/api/users/${u.id}`, { unlock: true })).statusCode).toBe(200);
    expect((await login("clinician2@demo.immunoplan", DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it("a lock expires", async () => {
    for (let i = 0; i < LOCKOUT.attempts; i++)
      await login("coordinator@demo.immunoplan", "wrong password!!", "10.3.0.1");
    expect((await login("coordinator@demo.immunoplan", DEMO_PASSWORD, "10.3.0.1")).statusCode).toBe(401);
    await s.database.db.execute(sql`update login_failures set locked_until = now() - interval '1 second'`);
    expect((await login("coordinator@demo.immunoplan", DEMO_PASSWORD, "10.3.0.1")).statusCode).toBe(200);
  });

  it("counts parallel wrong guesses atomically: 18 at once lock the account (F3)", async () => {
    const guesses = await Promise.all(
      Array.from({ length: 18 }, () => login("patient@demo.immunoplan", "wrong password!!", "10.4.0.1")),
    );
    expect(guesses.every((g) => g.statusCode === 401)).toBe(true);
    const rows = await s.database.db.execute(
      sql`select f.failures, f.locked_until > now() as locked from login_failures f join users u on u.id = f.user_id where u.email = 'patient@demo.immunoplan' and f.source = '10.4.0.1'`,
    );
    const row = (rows as unknown as { rows: { failures: number; locked: boolean }[] }).rows[0];
    expect(row.locked).toBe(true);
    // every guess that was checked before the lock took hold is counted, none lost: the count equals the guesses
    // the audit trail records as wrong passwords (the others, answered the same, found the account locked; how many
    // do depends on the scheduling of the database connections)
    const audited = await s.database.db.execute(
      sql`select detail->>'reason' as reason, count(*)::int as n from audit_log where action = 'login' and ip = '10.4.0.1' group by 1`,
    );
    const byReason = Object.fromEntries(
      (audited as unknown as { rows: { reason: string; n: number }[] }).rows.map((r) => [r.reason, r.n]),
    );
    expect((byReason["wrong password"] ?? 0) + (byReason.locked ?? 0)).toBe(18);
    expect(row.failures).toBe(byReason["wrong password"]);
    expect(row.failures).toBeGreaterThanOrEqual(5);
    expect((await login("patient@demo.immunoplan", DEMO_PASSWORD, "10.4.0.1")).statusCode).toBe(401);
  });

  it("every sign-in answer costs one argon2 verification: unknown, disabled, locked or wrong (F13)", async () => {
    const admin = await s.login("admin@demo.immunoplan");
    const created = await admin.post("/api/users", {
      email: "gone@example.org",
      name: "Gone",
      role: "coordinator",
    });
    expect((await admin.patch(`/api/users/${created.json().id}`, { disabled: true })).statusCode).toBe(200);
    for (const email of [
      "nobody@example.org",
      "gone@example.org",
      "patient@demo.immunoplan",
      "patient2@demo.immunoplan",
    ]) {
      const before = auth.passwordChecks;
      // (patient@ is locked from 10.4.0.1 by the test above)
      const r = await login(
        email,
        "wrong password!!",
        email.startsWith("patient@") ? "10.4.0.1" : "10.5.0.1",
      );
      expect(r.statusCode, email).toBe(401);
      expect(auth.passwordChecks - before, email).toBe(1);
    }
  });

  it("resets a password with a one-time code stored as its SHA-256; older codes die with the reset; signs out everywhere (F11)", async () => {
    const old = await s.login("patient2@demo.immunoplan");
    const request = (email: string) =>
      s.app.inject({ method: "POST", url: "/api/auth/password-reset/request", payload: { email } });
    expect((await request("patient2@demo.immunoplan")).statusCode).toBe(202);
    const first = await code("patient2@demo.immunoplan");
    expect((await request("patient2@demo.immunoplan")).statusCode).toBe(202);
    const second = await code("patient2@demo.immunoplan");
    expect(second).not.toBe(first);
    expect((await request("unknown@x.org")).statusCode).toBe(202);
    // the database holds hashes only, and the outbox says that a code was sent, not which
    const stored = await s.database.db.execute(sql`select token_hash from password_resets`);
    const hashes = (stored as unknown as { rows: { token_hash: string }[] }).rows.map((r) => r.token_hash);
    expect(hashes).toContain(createHash("sha256").update(second).digest("hex"));
    expect(JSON.stringify(hashes)).not.toContain(second);
    const admin = await s.login("admin@demo.immunoplan");
    const outbox = JSON.stringify((await admin.get("/api/outbox")).json());
    expect(outbox).toContain("A one-time code to choose a new password was sent");
    expect(outbox).not.toContain(first);
    expect(outbox).not.toContain(second);
    const confirm = (t: string) =>
      s.app.inject({
        method: "POST",
        url: "/api/auth/password-reset/confirm",
        payload: { token: t, password: "a brand new passphrase" },
      });
    expect((await confirm(second)).statusCode).toBe(204);
    expect((await confirm(second)).json().error.message).toBe("token: unknown, used or expired");
    // the older code stopped working with the reset
    expect((await confirm(first)).json().error.message).toBe("token: unknown, used or expired");
    expect((await old.get("/api/cases")).statusCode).toBe(401);
    await s.login("patient2@demo.immunoplan", "a brand new passphrase");
  });

  it("development mode: the outbox shows the code (never in production)", async () => {
    const dev = await startTestServer("pglite", { development: true });
    try {
      await dev.app.inject({
        method: "POST",
        url: "/api/auth/password-reset/request",
        payload: { email: "patient@demo.immunoplan" },
      });
      const admin = await dev.login("admin@demo.immunoplan");
      const mail = (await admin.get("/api/outbox")).json() as { body: string }[];
      expect(mail[0].body).toMatch(/one-time code within an hour to choose a new password: \S{40,}$/);
    } finally {
      await dev.close();
    }
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
