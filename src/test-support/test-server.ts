/**
 * Test support: the clinic server in process (Fastify inject) on an in-memory PGlite, or on a fresh database of
 * the PostgreSQL server named by DATABASE_URL_TEST (created and dropped per test file), with the demo data.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { buildApp, CSRF_HEADER, SESSION_COOKIE } from "../server/app.js";
import { FileBlobStore } from "../server/blob-store.js";
import type { ServerConfig } from "../server/config.js";
import { connectDatabase, type Database } from "../server/db/connect.js";
import { JobRunner } from "../server/jobs.js";
import { seedDemo } from "../server/seed.js";

export const DEMO_PASSWORD = "demo-password-123";

/** The database back ends the server tests run on: PGlite always, PostgreSQL when DATABASE_URL_TEST is set. */
export function backends(): ("pglite" | "postgres")[] {
  const url = process.env.DATABASE_URL_TEST;
  if (!url && process.env.CI)
    throw new Error("CI must set DATABASE_URL_TEST (a PostgreSQL server for the tests)");
  return url ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly jobs: JobRunner;
  readonly dataDir: string;
  readonly config: ServerConfig;
  /** The messages sent to an address (the mail directory), oldest first. */
  mailTo(email: string): Promise<{ subject: string; body: string }[]>;
  /** Signs in (demo password by default) and returns a client that sends the cookie and the CSRF token. */
  login(email: string, password?: string): Promise<Client>;
  readonly anonymous: Client;
  close(): Promise<void>;
}

export interface Client {
  readonly userId: string;
  request(o: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

function client(app: FastifyInstance, cookie: string | null, csrf: string | null, userId: string): Client {
  const headers = () => ({
    ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}),
    ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
  });
  const request = (o: InjectOptions) => app.inject({ ...o, headers: { ...headers(), ...(o.headers ?? {}) } });
  return {
    userId,
    request,
    get: (url) => request({ method: "GET", url }),
    post: (url, payload) => request({ method: "POST", url, payload: payload as InjectOptions["payload"] }),
    put: (url, payload) => request({ method: "PUT", url, payload: payload as InjectOptions["payload"] }),
    patch: (url, payload) => request({ method: "PATCH", url, payload: payload as InjectOptions["payload"] }),
    delete: (url) => request({ method: "DELETE", url }),
  };
}

export async function startTestServer(
  backend: "pglite" | "postgres" = "pglite",
  overrides: Partial<ServerConfig> = {},
): Promise<TestServer> {
  let dropDb: (() => Promise<void>) | null = null;
  let database: Database;
  if (backend === "postgres") {
    const url = new URL(process.env.DATABASE_URL_TEST!);
    const name = `immunoplan_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const testUrl = new URL(url.toString());
    testUrl.pathname = `/${name}`;
    database = await connectDatabase({ url: testUrl.toString() });
    dropDb = async () => {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    database = await connectDatabase();
  }
  await database.migrate();
  await seedDemo(database.db, DEMO_PASSWORD);
  const dataDir = mkdtempSync(path.join(tmpdir(), "immunoplan-server-"));
  const config: ServerConfig = {
    port: 0,
    host: "127.0.0.1",
    dataDir,
    maxUploadBytes: 5 * 1024 * 1024,
    maxBodyBytes: 1024 * 1024,
    sessionHours: 1,
    secureCookies: false,
    planThreads: 1,
    mailDir: path.join(dataDir, "mail"),
    logLevel: "warn", // the request lines of every test would drown the output; errors still show
    ...overrides,
  };
  const jobs = new JobRunner(database.db, { planThreads: 1 });
  const app = await buildApp({
    db: database.db,
    blobs: new FileBlobStore(path.join(dataDir, "blobs")),
    jobs,
    config,
  });
  await app.ready();
  const login = async (email: string, password = DEMO_PASSWORD): Promise<Client> => {
    const r = await app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
    if (r.statusCode !== 200) throw new Error(`login ${email}: ${r.statusCode} ${r.body}`);
    const cookie = r.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const body = r.json() as { csrfToken: string; user: { id: string } };
    return client(app, cookie, body.csrfToken, body.user.id);
  };
  return {
    app,
    database,
    jobs,
    dataDir,
    config,
    login,
    anonymous: client(app, null, null, ""),
    async mailTo(email) {
      const dir = config.mailDir!;
      const files = existsSync(dir) ? readdirSync(dir).sort() : [];
      return files
        .map((f) => readFileSync(path.join(dir, f), "utf8"))
        .filter((t) => t.startsWith(`To: ${email}\r\n`))
        .map((t) => ({
          subject: /^Subject: (.*)\r$/m.exec(t)![1],
          body: t.slice(t.indexOf("\r\n\r\n") + 4).trimEnd(),
        }));
    },
    async close() {
      await app.close();
      await jobs.close();
      await database.close();
      await dropDb?.();
    },
  };
}
