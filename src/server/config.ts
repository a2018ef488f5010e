/** Server settings from the environment, with the defaults `npm start` uses. */
import path from "node:path";

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** postgres://… : a PostgreSQL server; otherwise embedded PGlite in `dataDir`/db. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Largest upload (bytes). */
  readonly maxUploadBytes: number;
  /** Largest JSON request body (bytes). */
  readonly maxBodyBytes: number;
  /** Session lifetime (hours). */
  readonly sessionHours: number;
  /** Set the Secure flag on cookies (behind HTTPS). */
  readonly secureCookies: boolean;
  /** Worker threads for planning jobs' simulations. */
  readonly planThreads?: number;
  /** Where messages to users are written for the clinic's mail system (MAIL_DIR; default DATA_DIR/mail). */
  readonly mailDir?: string;
  /** The clock that decides which clinical dates are in the future (tests set it; default the system clock). */
  readonly clock?: () => Date;
  /** How patients reach the clinic, printed on their copy of the plan (CLINIC_CONTACT, e.g. a phone number). */
  readonly clinicContact?: string;
  /** Development mode (NODE_ENV=development): the outbox shows one-time codes; never in production. */
  readonly development?: boolean;
  /** Addresses of the reverse proxy whose X-Forwarded-* headers are trusted (TRUST_PROXY, comma-separated IPs or CIDRs). */
  readonly trustProxy?: readonly string[];
  /** Create the demo accounts and cases on an empty database even off loopback (DEMO=1). */
  readonly demo?: boolean;
}

function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: intEnv("PORT", 8080, env),
    host: env.HOST ?? "127.0.0.1",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? "data"),
    maxUploadBytes: intEnv("MAX_UPLOAD_BYTES", 1024 * 1024 * 1024, env),
    maxBodyBytes: intEnv("MAX_BODY_BYTES", 5 * 1024 * 1024, env),
    sessionHours: intEnv("SESSION_HOURS", 12, env),
    secureCookies: env.SECURE_COOKIES === "1",
    planThreads: env.PLAN_THREADS ? intEnv("PLAN_THREADS", 1, env) : undefined,
    clinicContact: env.CLINIC_CONTACT || undefined,
    mailDir: path.resolve(env.MAIL_DIR || path.join(env.DATA_DIR ?? "data", "mail")),
    development: env.NODE_ENV === "development",
    trustProxy: env.TRUST_PROXY
      ? env.TRUST_PROXY.split(",")
          .map((x) => x.trim())
          .filter(Boolean)
      : undefined,
    demo: env.DEMO === "1",
  };
}
