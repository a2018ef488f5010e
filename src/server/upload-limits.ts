/**
 * Limits that keep one account from filling the disk: a quota of bytes per patient account (stored documents
 * plus the declared size of open uploads), a number of open uploads per account, the expiry of unfinished
 * uploads (their bytes deleted; swept at start and hourly) and a free-space reserve below which uploads are
 * answered 507 instead of failing half-way. Reads never depend on free space.
 */
import { rm, statfs } from "node:fs/promises";
import path from "node:path";
import { and, count, eq, gte, lt, sql, sum } from "drizzle-orm";
import { UPLOAD_DEFAULTS, type ServerConfig } from "./config.js";
import type { Db } from "./db/connect.js";
import { documents, uploads } from "./db/schema.js";
import { HttpError } from "./http.js";

export interface UploadLimits {
  readonly quotaBytes: number;
  readonly maxOpen: number;
  readonly expiryHours: number;
  readonly minFreeBytes: number;
}

export function uploadLimits(c: ServerConfig): UploadLimits {
  return {
    quotaBytes: c.uploadQuotaBytes ?? UPLOAD_DEFAULTS.uploadQuotaBytes,
    maxOpen: c.maxOpenUploads ?? UPLOAD_DEFAULTS.maxOpenUploads,
    expiryHours: c.uploadExpiryHours ?? UPLOAD_DEFAULTS.uploadExpiryHours,
    minFreeBytes: c.minFreeBytes ?? UPLOAD_DEFAULTS.minFreeBytes,
  };
}

export const partDirOf = (dataDir: string): string => path.join(dataDir, "uploads");
export const partFileOf = (dataDir: string, id: string): string =>
  path.join(partDirOf(dataDir), `${id}.part`);

const expiryCutoff = (l: UploadLimits, now = new Date()) =>
  new Date(now.getTime() - l.expiryHours * 3600_000);

/** Refuses a new upload of `size` bytes by `user` beyond the open-upload limit (429) or the quota (413). */
export async function checkQuota(
  db: Db,
  l: UploadLimits,
  user: { id: string; role: string },
  size: number,
): Promise<void> {
  const [open] = await db
    .select({ n: count(), bytes: sum(sql`${uploads.declaredSize} - ${uploads.received}`) })
    .from(uploads)
    .where(
      and(eq(uploads.userId, user.id), eq(uploads.status, "open"), gte(uploads.createdAt, expiryCutoff(l))),
    );
  if (open.n >= l.maxOpen)
    throw new HttpError(
      429,
      `${open.n} unfinished uploads are open (at most ${l.maxOpen}): finish them, or they expire after ${l.expiryHours} h`,
      undefined,
      "too-many-uploads",
    );
  // the byte quota is the patients' (staff upload on the clinic's behalf; the free-space reserve covers them)
  if (user.role !== "patient") return;
  const [stored] = await db
    .select({ bytes: sum(documents.sizeBytes) })
    .from(documents)
    .where(eq(documents.uploadedBy, user.id));
  const used = Number(stored.bytes ?? 0) + Number(open.bytes ?? 0);
  if (used + size > l.quotaBytes)
    throw new HttpError(
      413,
      `size: ${size} bytes would exceed this account's quota (${used} of ${l.quotaBytes} bytes used)`,
      "body.size",
      "quota",
    );
}

/** Free bytes on the file system of `dir` for this process. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** 507 when writing `bytes` more would leave less than the reserve free. */
export async function checkFreeSpace(dir: string, l: UploadLimits, bytes: number): Promise<void> {
  const free = await freeBytes(dir);
  if (free - bytes < l.minFreeBytes)
    throw new HttpError(
      507,
      `the server is short of disk space (${free} bytes free, ${l.minFreeBytes} kept in reserve): try again later`,
      undefined,
      "insufficient-storage",
    );
}

/** Marks unfinished uploads older than the expiry as expired and deletes their bytes; returns how many. */
export async function sweepExpiredUploads(db: Db, dataDir: string, l: UploadLimits, now = new Date()) {
  const expired = await db
    .update(uploads)
    .set({ status: "expired" })
    .where(and(eq(uploads.status, "open"), lt(uploads.createdAt, expiryCutoff(l, now))))
    .returning({ id: uploads.id });
  for (const u of expired) await rm(partFileOf(dataDir, u.id), { force: true });
  return expired.length;
}
