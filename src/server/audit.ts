/**
 * The audit trail, written in one place: every API request that reaches a route (allowed, refused or failed)
 * leaves exactly one row, written by an `onSend` hook before the response leaves, so that a new route cannot
 * forget it. Routes add what only they know (the case a document belongs to, the reason of a refusal) through
 * `noteAudit`; everything else comes from the route: its declared `config.audit` (action, resource type) or,
 * by default, the method and URL pattern, the resource named by the first path segment and its `:id`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "./db/connect.js";
import { auditLog } from "./db/schema.js";

export const AUDIT_OUTCOMES = ["allowed", "denied", "error"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a route may add to (or override in) its request's audit row. */
export interface AuditNote {
  readonly action?: string;
  readonly resourceType?: string;
  readonly resourceId?: string | null;
  readonly caseId?: string | null;
  readonly outcome?: AuditOutcome;
  readonly detail?: unknown;
}

/** A route's declared audit identity (route option `config: { audit: { action, resource } }`). */
export interface RouteAudit {
  readonly action?: string;
  readonly resource?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    auditNote: AuditNote | null;
  }
  interface FastifyContextConfig {
    audit?: RouteAudit;
    /** The route answers without a session (sign-in, sign-up, password reset, health). */
    public?: boolean;
  }
}

/** Merges a route's facts into the request's single audit row (later notes win; details are merged). */
export function noteAudit(req: FastifyRequest, n: AuditNote): void {
  const prev = req.auditNote ?? {};
  const detail =
    prev.detail && n.detail && typeof prev.detail === "object" && typeof n.detail === "object"
      ? { ...(prev.detail as object), ...(n.detail as object) }
      : (n.detail ?? prev.detail);
  req.auditNote = { ...prev, ...n, detail };
}

/** The outcome of a request from its final status: served, refused (any 4xx) or failed (5xx). */
export function outcomeOf(status: number): AuditOutcome {
  if (status >= 500) return "error";
  if (status >= 400) return "denied";
  return "allowed";
}

const SINGULAR: Record<string, string> = {
  cases: "case",
  uploads: "upload",
  documents: "document",
  jobs: "job",
  plans: "plan",
  users: "user",
  clinicians: "user",
  auth: "session",
  models: "model",
  "consultation-requests": "consultation-request",
  outbox: "outbox",
  audit: "audit",
};

/** Declarations of routes that do not carry their own `config.audit` (the sign-in routes). */
const ROUTE_AUDIT: Record<string, RouteAudit> = {
  "/auth/login": { action: "login", resource: "user" },
  "/auth/signup": { action: "signup", resource: "user" },
  "/auth/signup/confirm": { action: "signup-confirm", resource: "user" },
  "/auth/logout": { action: "logout", resource: "session" },
  "/auth/me": { action: "read", resource: "session" },
  "/auth/password-reset/request": { action: "password-reset-request", resource: "user" },
  "/auth/password-reset/confirm": { action: "password-reset", resource: "user" },
};

/** Text as the audit row can hold it: no NUL (PostgreSQL text refuses it), at most 500 characters. */
const clean = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : s.split("\u0000").join("\\0").slice(0, 500);

/** The route pattern below /api (e.g. /cases/:id/notes), or null for requests that matched no audited route. */
export function auditedRoute(req: FastifyRequest): string | null {
  const url = req.routeOptions.url;
  if (!url || !url.startsWith("/api/") || url === "/api/health" || url.startsWith("/api/docs")) return null;
  return url.slice(4);
}

/** Installs the hook. Requests to the web app's files, /api/health and the API explorer are not audited. */
export function installAudit(app: FastifyInstance, db: Db): void {
  app.decorateRequest("auditNote", null);
  app.addHook("onSend", async (req: FastifyRequest, reply: FastifyReply, payload) => {
    const route = auditedRoute(req);
    if (!route) return payload;
    const declared = req.routeOptions.config.audit ?? ROUTE_AUDIT[route] ?? {};
    const segment = route.split("/")[1] ?? "";
    const params = (req.params ?? {}) as Record<string, unknown>;
    const id = typeof params.id === "string" ? params.id : null;
    const n = req.auditNote ?? {};
    const status = reply.statusCode;
    // the status decides (4xx refused, 5xx failed); a 2xx is allowed unless the route noted otherwise
    const outcome = status >= 400 ? outcomeOf(status) : (n.outcome ?? "allowed");
    const caseFromUrl = segment === "cases" && id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
    const detail = {
      ...(n.detail && typeof n.detail === "object"
        ? (n.detail as object)
        : n.detail
          ? { note: n.detail }
          : {}),
      status,
      requestId: req.id,
    };
    try {
      await db.insert(auditLog).values({
        userId: req.actor?.id ?? null,
        role: req.actor?.role ?? null,
        action: clean(n.action ?? declared.action ?? `${req.method.toLowerCase()} ${route}`)!,
        resourceType: clean(n.resourceType ?? declared.resource ?? SINGULAR[segment] ?? segment)!,
        resourceId: clean(n.resourceId !== undefined ? n.resourceId : id),
        caseId: n.caseId !== undefined ? n.caseId : caseFromUrl,
        outcome,
        ip: req.ip,
        userAgent: clean(req.headers["user-agent"]),
        detail,
      });
    } catch (e) {
      // the trail must not silently lose a row: the failure is logged with the request id
      req.log.error({ err: e, requestId: req.id }, "audit row not written");
    }
    return payload;
  });
}
