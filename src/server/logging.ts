/**
 * Structured logs (Fastify's pino, one JSON object a line on stdout): one line per API request with its request
 * id, method, route pattern (never the URL: it holds ids and queries), status, duration and the caller's role;
 * never a body, a header, a cookie or patient data. Unexpected errors are logged with their stack under the
 * request id; the client gets only "internal error" and that id.
 */
import { randomUUID } from "node:crypto";
import { LogController, type FastifyInstance, type FastifyServerOptions } from "fastify";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fastify's logger options: pino at `level`, to `stream` (stdout by default), with no request serializers. */
export function loggerOptions(
  level: LogLevel,
  stream?: NodeJS.WritableStream,
): Pick<FastifyServerOptions, "logger" | "logController" | "genReqId" | "requestIdHeader"> {
  return {
    logger: {
      level,
      ...(stream ? { stream } : {}),
      // the request and reply objects are never serialized: only the fields the hook below chooses
      serializers: { req: () => ({}), res: () => ({}) },
      redact: { paths: ["req.headers", "req.body", "body", "headers", "cookie"], remove: true },
    },
    // Fastify's own per-request lines would serialize the URL: the hook below writes ours instead
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
  };
}

/** One line per request that reached the API (the web app's static files are not logged). */
export function installRequestLog(app: FastifyInstance): void {
  // the id travels back with every answer, so that a user's report can be matched with the log and the audit row
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    if (!req.url.startsWith("/api/")) return;
    const status = reply.statusCode;
    const line = {
      requestId: req.id,
      method: req.method,
      route: req.routeOptions.url ?? null,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      role: req.actor?.role ?? null,
    };
    if (status >= 500) req.log.error(line, "request failed");
    else req.log.info(line, "request");
  });
}
