/**
 * Transport security (issue 12 F14): no API answer is stored by a browser or a proxy cache (they carry patient
 * data); behind HTTPS — SECURE_COOKIES=1, or X-Forwarded-Proto: https from a proxy named in TRUST_PROXY — every
 * answer carries HSTS and the session cookie is Secure. X-Forwarded-* from any other address is ignored.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServerConfig } from "./config.js";

/** One year, the HSTS preload list's minimum. */
export const HSTS = "max-age=31536000; includeSubDomains";

/** Whether the client reached us over HTTPS (req.protocol honours X-Forwarded-Proto only from trusted proxies). */
export function isSecureRequest(req: FastifyRequest, config: ServerConfig): boolean {
  return config.secureCookies || req.protocol === "https";
}

/** Fastify's trustProxy setting: the configured proxy addresses, or nobody. */
export function trustProxySetting(config: ServerConfig): string[] | false {
  return config.trustProxy?.length ? [...config.trustProxy] : false;
}

export function installTransportSecurity(app: FastifyInstance, config: ServerConfig): void {
  app.addHook("onSend", async (req, reply, payload) => {
    if (req.url.startsWith("/api/")) {
      reply.header("cache-control", "no-store");
      reply.header("pragma", "no-cache");
    }
    if (isSecureRequest(req, config)) reply.header("strict-transport-security", HSTS);
    return payload;
  });
}
