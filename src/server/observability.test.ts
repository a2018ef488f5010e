/**
 * Observability (issue 12 §5): one structured log line per API request (request id, route, status, duration),
 * never a body, a cookie or patient data; an unexpected error is logged with its stack under the request id
 * and the client sees neither the message nor the stack.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, CSRF_HEADER, SESSION_COOKIE } from "./app.js";
import { FileBlobStore } from "./blob-store.js";
import { connectDatabase, type Database } from "./db/connect.js";
import { JobRunner } from "./jobs.js";
import { seedDemo } from "./seed.js";
import { DEMO_PASSWORD } from "../test-support/test-server.js";

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  requestId?: string;
  route?: string | null;
  status?: number;
  durationMs?: number;
  err?: { message: string; stack: string };
}

describe("structured logs", () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  let database: Database;
  let jobs: JobRunner;
  beforeAll(async () => {
    database = await connectDatabase();
    await database.migrate();
    await seedDemo(database.db, DEMO_PASSWORD);
    const dataDir = mkdtempSync(path.join(tmpdir(), "immunoplan-log-"));
    jobs = new JobRunner(database.db, { planThreads: 1 });
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    app = await buildApp({
      db: database.db,
      blobs: new FileBlobStore(path.join(dataDir, "blobs")),
      jobs,
      config: {
        port: 0,
        host: "127.0.0.1",
        dataDir,
        maxUploadBytes: 1024 * 1024,
        maxBodyBytes: 1024 * 1024,
        sessionHours: 1,
        secureCookies: false,
        logLevel: "info",
      },
      logStream,
    });
    // a route that fails the way a bug would (an unexpected exception with a message that must stay inside)
    app.get("/api/test/failure", { config: { public: true } }, () => {
      throw new Error("database said: secret detail of patient Jane Roe");
    });
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await jobs.close();
    await database.close();
  });
  const parsed = (): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine);

  it("logs request id, route, status and duration, and no body, cookie or patient data", async () => {
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "patient@demo.immunoplan", password: DEMO_PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const { csrfToken } = login.json() as { csrfToken: string };
    const headers = { cookie: `${SESSION_COOKIE}=${cookie}`, [CSRF_HEADER]: csrfToken };
    const cases = (await app.inject({ method: "GET", url: "/api/cases", headers })).json() as {
      id: string;
    }[];
    const r = await app.inject({
      method: "POST",
      url: `/api/cases/${cases[0].id}/consultation-requests`,
      headers,
      payload: {
        preferredStart: "2030-01-07T10:00",
        timeZone: "Europe/London",
        note: "PRIVATE-NOTE: my neighbour must not know",
      },
    });
    expect(r.statusCode).toBe(201);
    const all = lines.join("\n");
    for (const secret of [
      "PRIVATE-NOTE",
      DEMO_PASSWORD,
      "patient@demo.immunoplan",
      cookie,
      csrfToken,
      cases[0].id,
    ])
      expect(all).not.toContain(secret);
    const request = parsed().find(
      (l) => l.route === "/api/cases/:id/consultation-requests" && l.msg === "request",
    );
    expect(request).toMatchObject({ status: 201, level: 30 });
    expect(request!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(request!.reqId).toBe(request!.requestId);
    expect(request!.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.headers["x-request-id"]).toBe(request!.requestId);
    // every line is JSON (pino), and the login's line carries its status
    expect(parsed().find((l) => l.route === "/api/auth/login")).toMatchObject({ status: 200 });
  });

  it("logs an unexpected error with its stack; the client sees neither message nor stack", async () => {
    const r = await app.inject({ method: "GET", url: "/api/test/failure" });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain("Jane Roe");
    expect(r.body).not.toMatch(/\bat .*\.ts:\d+/);
    const { error } = r.json() as { error: { message: string; code: string } };
    expect(error.code).toBe("internal");
    const id = /request ([0-9a-f-]{36})/.exec(error.message)?.[1];
    expect(id).toBeDefined();
    const logged = parsed().find((l) => l.reqId === id && l.err);
    expect(logged?.level).toBe(50);
    expect(logged?.err?.message).toContain("secret detail");
    expect(logged?.err?.stack).toMatch(/observability\.test\.ts/);
    expect(parsed().find((l) => l.reqId === id && l.msg === "request failed")).toMatchObject({
      status: 500,
      route: "/api/test/failure",
    });
  });
});
