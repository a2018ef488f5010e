/**
 * Hostile input, refused before it costs anything: a request to a route that needs a session is answered 401
 * before its body is read (no parsing for strangers); JSON bodies are scanned for their nesting depth before
 * JSON.parse; a NUL character anywhere in the body, the query or the path parameters is a 400 that names the
 * field (PostgreSQL text cannot hold NUL, and no clinical text needs one).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { auditedRoute } from "./audit.js";
import { HttpError, unauthorized } from "./http.js";

/** Routes that answer without a session (they create one, or end one). */
export const PUBLIC_ROUTES = new Set([
  "/auth/login",
  "/auth/signup",
  "/auth/signup/confirm",
  "/auth/signup/confirm",
  "/auth/logout",
  "/auth/password-reset/request",
  "/auth/password-reset/confirm",
]);

/** Deepest nesting of arrays and objects a JSON body may have (FHIR bundles and case records need < 20). */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a JSON text, counted without parsing (strings skipped); stops as soon as `limit` is
 * exceeded and returns limit + 1.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The path (`body.patient.name`, `querystring.action`) of the first string holding a NUL character, or null. */
export function findNul(value: unknown, where: string, depth = 0): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? where : null;
  if (value === null || typeof value !== "object" || depth > MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findNul(value[i], `${where}.${i}`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (typeof (value as { pipe?: unknown }).pipe === "function") return null; // a streamed upload
  for (const [k, v] of Object.entries(value)) {
    if (k.includes("\u0000")) return `${where}.${k.split("\u0000").join("\\0")}`;
    const p = findNul(v, `${where}.${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** Installs the checks; call after the hook that looks up the session (hooks run in order). */
export function installHardening(app: FastifyInstance): void {
  // authenticate before the body is read: strangers cannot make the server parse anything
  app.addHook("onRequest", async (req: FastifyRequest) => {
    const route = auditedRoute(req);
    if (!route || PUBLIC_ROUTES.has(route) || req.routeOptions.config.public) return;
    if (!req.actor) throw unauthorized();
  });

  const defaultJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(
        new HttpError(
          400,
          `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
          "body",
          "too-deep",
        ) as Error & { statusCode: number },
        undefined,
      );
      return;
    }
    defaultJson(req, text, done);
  });

  app.addHook("preValidation", async (req) => {
    const where =
      findNul(req.params, "params") ?? findNul(req.query, "querystring") ?? findNul(req.body, "body");
    if (where) throw new HttpError(400, `${where}: contains a NUL character`, where, "nul-character");
  });
}
