/** Server settings from the environment, with the defaults `npm start` uses. */
import path from "node:path";
import { LOG_LEVELS, type LogLevel } from "./logging.js";

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
  /** pino log level (LOG_LEVEL; default info). */
  readonly logLevel?: LogLevel;
  /** Bytes one account may hold in documents and open uploads (UPLOAD_QUOTA_BYTES; default 5 GiB). */
  readonly uploadQuotaBytes?: number;
  /** Unfinished uploads one account may have open at once (MAX_OPEN_UPLOADS; default 20). */
  readonly maxOpenUploads?: number;
  /** Hours after which an unfinished upload expires and its bytes are deleted (UPLOAD_EXPIRY_HOURS; default 48). */
  readonly uploadExpiryHours?: number;
  /** Free disk space the server keeps in reserve: uploads that would eat into it get 507 (MIN_FREE_BYTES; default 256 MiB). */
  readonly minFreeBytes?: number;
}

/** Defaults of the optional settings (tests build configs by hand). */
export const UPLOAD_DEFAULTS = {
  uploadQuotaBytes: 5 * 1024 ** 3,
  maxOpenUploads: 20,
  uploadExpiryHours: 48,
  minFreeBytes: 256 * 1024 ** 2,
} as const;

function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got '${v}'`);
  return n;
}

function logLevelEnv(env: NodeJS.ProcessEnv): LogLevel {
  const v = env.LOG_LEVEL || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(v))
    throw new RangeError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got '${v}'`);
  return v as LogLevel;
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
    logLevel: logLevelEnv(env),
    uploadQuotaBytes: intEnv("UPLOAD_QUOTA_BYTES", UPLOAD_DEFAULTS.uploadQuotaBytes, env),
    maxOpenUploads: intEnv("MAX_OPEN_UPLOADS", UPLOAD_DEFAULTS.maxOpenUploads, env),
    uploadExpiryHours: intEnv("UPLOAD_EXPIRY_HOURS", UPLOAD_DEFAULTS.uploadExpiryHours, env),
    minFreeBytes: intEnv("MIN_FREE_BYTES", UPLOAD_DEFAULTS.minFreeBytes, env),
  };
}
