/**
 * The clinic server: a Fastify app with zod-validated JSON routes, an OpenAPI document at /api/docs, cookie
 * sessions with CSRF tokens, role checks on every route and an audit entry for every access to patient data.
 * `buildApp` takes its database, file store and job runner, so tests run it in memory with `app.inject`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { and, eq, gt } from "drizzle-orm";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Actor } from "./access.js";
import { installAudit, noteAudit } from "./audit.js";
import { sameToken, tokenHash } from "./auth.js";
import type { BlobStore } from "./blob-store.js";
import type { ServerConfig } from "./config.js";
import type { Db } from "./db/connect.js";
import { sessions, users } from "./db/schema.js";
import { installHardening } from "./hardening.js";
import { HttpError, type ErrorBody } from "./http.js";
import type { JobRunner } from "./jobs.js";
import { installRequestLog, loggerOptions } from "./logging.js";
import { auditRoutes } from "./routes/audit-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { installTransportSecurity, trustProxySetting } from "./transport.js";
import { caseRoutes } from "./routes/case-routes.js";
import { clinicalRoutes } from "./routes/clinical-routes.js";
import { consultationRoutes } from "./routes/consultation-routes.js";
import { documentRoutes } from "./routes/document-routes.js";
import { jobRoutes } from "./routes/job-routes.js";
import { explorerRoutes } from "./routes/explorer-routes.js";
import { modelRoutes } from "./routes/model-routes.js";
import { priceRoutes } from "./routes/price-routes.js";
import { recordRoutes } from "./routes/record-routes.js";
import { userRoutes } from "./routes/user-routes.js";

export const SESSION_COOKIE = "immunoplan_session";
/** The built web app (vite build → dist/web). */
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/web");
export const CSRF_HEADER = "x-csrf-token";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: string | null;
    csrfToken: string | null;
  }
}

export interface AuditEntry {
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId?: string | null;
  readonly caseId?: string | null;
  readonly outcome?: "allowed" | "denied" | "error";
  readonly detail?: unknown;
}

export interface AppContext {
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly jobs: JobRunner;
  readonly config: ServerConfig;
  /**
   * Adds the route's facts (action, resource, case, refusal, detail) to the request's audit row. Every API
   * request leaves exactly one row, written by the hook in audit.ts, whether or not the route calls this.
   */
  audit(req: FastifyRequest, e: AuditEntry): Promise<void>;
}

export interface AppDeps extends Omit<AppContext, "audit"> {
  /** Where the structured log goes (stdout by default). */
  readonly logStream?: NodeJS.WritableStream;
}

/** Routes that change state without a session yet (they create one) need no CSRF token. */
const CSRF_EXEMPT = new Set([
  "/api/auth/login",
  "/api/auth/signup",
  "/api/auth/signup/confirm",
  "/api/auth/password-reset/request",
  "/api/auth/password-reset/confirm",
]);

export type App = FastifyInstance;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(deps.config.logLevel ?? "info", deps.logStream),
    bodyLimit: deps.config.maxBodyBytes,
    trustProxy: trustProxySetting(deps.config),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const ctx: AppContext = {
    ...deps,
    audit(req, e) {
      noteAudit(req, e);
      return Promise.resolve();
    },
  };

  await app.register(cookie);
  // security headers; the page may run the model compiler (new Function) in its worker, and Mantine and the
  // API explorer inject styles, hence 'unsafe-eval' for scripts and 'unsafe-inline' for styles only
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-eval'"],
        workerSrc: ["'self'", "blob:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        // the record editor shows an uploaded PDF beside the form from a blob: URL (fetched with the session)
        frameSrc: ["'self'", "blob:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: false, // transport.ts: HSTS whenever the request came over HTTPS
  });
  installTransportSecurity(app, deps.config);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Immunoplan clinic API",
        version: "0.1.0",
        description:
          "Cases, records, consultations, evaluations, plans and follow-up. Sessions are cookies; state-changing requests need the x-csrf-token header from /api/auth/me. Decision support only.",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  // uploads are streamed: the raw body reaches the route as a stream, never buffered
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  app.decorateRequest("actor", null);
  app.decorateRequest("sessionId", null);
  app.decorateRequest("csrfToken", null);
  app.addHook("onRequest", async (req) => {
    // the web app's files need no session: only the API looks one up
    if (!req.url.startsWith("/api/")) return;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const id = tokenHash(token);
      const [row] = await deps.db
        .select({ user: users, csrf: sessions.csrfToken })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date())));
      if (row && !row.user.disabled) {
        req.actor = { id: row.user.id, role: row.user.role, email: row.user.email, name: row.user.name };
        req.sessionId = id;
        req.csrfToken = row.csrf;
      }
    }
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(req.method);
    const path = req.url.split("?")[0];
    if (unsafe && !CSRF_EXEMPT.has(path) && req.actor) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== "string" || !req.csrfToken || !sameToken(sent, req.csrfToken))
        throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header`, undefined, "csrf");
    }
  });
  installHardening(app);
  installAudit(app, deps.db);
  installRequestLog(app);

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = `${err.validationContext ?? "body"}${first.instancePath.replace(/\//g, ".")}`;
      const body: ErrorBody = {
        error: {
          message: `${where}: ${first.message ?? "invalid"}`,
          code: "invalid-input",
          path: where,
        },
      };
      return reply.status(400).send(body);
    }
    if (err instanceof HttpError) {
      const body: ErrorBody = { error: { message: err.message, code: err.code, path: err.path } };
      return reply.status(err.statusCode).send(body);
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { message: (err as Error).message, code: "bad-request" } });
    }
    // the stack goes to the log under the request id; the client learns only that id
    req.log.error({ err, route: req.routeOptions.url ?? null }, "unexpected error");
    return reply
      .status(500)
      .send({ error: { message: `internal error (request ${req.id})`, code: "internal" } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { message: `no route ${req.method} ${req.url.split("?")[0]}`, code: "not-found" } }),
  );

  await app.register(
    async (api) => {
      await authRoutes(api, ctx);
      await userRoutes(api, ctx);
      await caseRoutes(api, ctx);
      await documentRoutes(api, ctx);
      await consultationRoutes(api, ctx);
      await jobRoutes(api, ctx);
      await clinicalRoutes(api, ctx);
      await modelRoutes(api, ctx);
      await explorerRoutes(api, ctx);
      await recordRoutes(api, ctx);
      await priceRoutes(api, ctx);
      await auditRoutes(api, ctx);
    },
    { prefix: "/api" },
  );
  app.get("/api/health", { schema: { hide: true } }, async () => ({ ok: true }));
  // the web app (dist/web, built by Vite): static files, and index.html for the client-side routes
  if (existsSync(path.join(WEB_DIR, "index.html"))) {
    await app.register(fastifyStatic, { root: WEB_DIR, prefix: "/", wildcard: false, index: ["index.html"] });
    app.get("/*", { schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith("/api/"))
        return reply.status(404).send({ error: { message: "not found", code: "not-found" } });
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    });
  } else {
    app.get("/", { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type("text/html")
        .send(
          "<!doctype html><title>Immunoplan</title><p>The web app is not built (npm run build). The API is at <a href=/api/docs>/api/docs</a>.</p>",
        ),
    );
  }
  return app;
}
