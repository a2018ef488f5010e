import { existsSync, mkdirSync } from "node:fs";
import { rm, truncate } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { and, desc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../app.js";
import { appendStream, fsyncFile } from "../blob-store.js";
import { documents, UPLOAD_STATUSES, uploads } from "../db/schema.js";
import { ACCEPTED_TYPES, checkFileKind, downloadName } from "../file-check.js";
import { conflict, HttpError, notFound } from "../http.js";
import {
  checkFreeSpace,
  checkQuota,
  partDirOf,
  partFileOf,
  sweepExpiredUploads,
  uploadLimits,
} from "../upload-limits.js";
import { caseFor, ErrorSchema, IdParams, requireActor } from "./common.js";

const UploadState = z.object({
  id: z.string(),
  filename: z.string(),
  declaredSize: z.number(),
  received: z.number(),
  status: z.enum(UPLOAD_STATUSES),
  documentId: z.string().nullable(),
});

const DocumentView = z.object({
  id: z.string(),
  filename: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  dicom: z.unknown().nullable(),
  uploadedAt: z.date(),
});

/** The media type of a Content-Type header, without parameters, in lower case. */
const mediaTypeOf = (h: string | undefined): string => (h ?? "").split(";")[0].trim().toLowerCase();

export async function documentRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();
  const partDir = partDirOf(ctx.config.dataDir);
  mkdirSync(partDir, { recursive: true });
  const partFile = (id: string) => partFileOf(ctx.config.dataDir, id);
  const limits = uploadLimits(ctx.config);
  // unfinished uploads expire: swept when the server starts and every hour
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = async () => {
    try {
      const n = await sweepExpiredUploads(ctx.db, ctx.config.dataDir, limits);
      if (n) base.log.info({ expired: n }, "unfinished uploads expired");
    } catch (e) {
      base.log.error({ err: e }, "sweeping expired uploads failed");
    }
  };
  base.addHook("onReady", async () => {
    await sweep();
    sweeper = setInterval(() => void sweep(), 3600_000);
    sweeper.unref();
  });
  base.addHook("onClose", async () => clearInterval(sweeper));
  /** Uploads whose chunk is being written now: a second writer gets 409 (one server process per data directory). */
  const writing = new Set<string>();

  api.post(
    "/cases/:id/uploads",
    {
      schema: {
        tags: ["documents"],
        summary: "Start a resumable upload (then PUT the bytes to /api/uploads/{id} with Upload-Offset)",
        params: IdParams,
        body: z.object({ filename: z.string().min(1).max(255), size: z.number().int().min(1) }),
        response: { 201: UploadState, 413: ErrorSchema, 429: ErrorSchema, 507: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "upload");
      if (req.body.size > ctx.config.maxUploadBytes)
        throw new HttpError(
          413,
          `size: ${req.body.size} bytes is above the limit of ${ctx.config.maxUploadBytes}`,
          "body.size",
          "too-large",
        );
      await checkQuota(ctx.db, limits, a, req.body.size);
      await checkFreeSpace(partDir, limits, req.body.size);
      const [u] = await ctx.db
        .insert(uploads)
        .values({
          caseId: row.id,
          userId: a.id,
          filename: path.basename(req.body.filename),
          declaredSize: req.body.size,
        })
        .returning();
      await ctx.audit(req, {
        action: "upload-start",
        resourceType: "upload",
        resourceId: u.id,
        caseId: row.id,
      });
      return reply.status(201).send(u);
    },
  );

  const ownUpload = async (req: Parameters<AppContext["audit"]>[0], id: string) => {
    const a = requireActor(req);
    const [u] = await ctx.db.select().from(uploads).where(eq(uploads.id, id));
    if (!u) throw notFound("upload");
    if (u.userId !== a.id) {
      await ctx.audit(req, {
        action: "upload",
        resourceType: "upload",
        resourceId: id,
        caseId: u.caseId,
        outcome: "denied",
      });
      throw notFound("upload");
    }
    await caseFor(ctx, req, u.caseId, "upload");
    return u;
  };

  api.get(
    "/uploads/:id",
    {
      schema: {
        tags: ["documents"],
        summary: "How many bytes arrived (to resume)",
        params: IdParams,
        response: { 200: UploadState },
      },
    },
    async (req) => ownUpload(req, req.params.id),
  );

  api.put(
    "/uploads/:id",
    {
      schema: {
        tags: ["documents"],
        summary:
          "Append bytes at Upload-Offset (application/octet-stream); the last chunk stores the document",
        params: IdParams,
        headers: z.object({ "upload-offset": z.coerce.number().int().min(0) }).loose(),
        response: { 200: UploadState, 409: ErrorSchema, 415: ErrorSchema, 507: ErrorSchema },
      },
      // only application/octet-stream is accepted, and it is streamed (never buffered: the declared size is its
      // limit); any other type is refused before a byte of the body is read (the global JSON limit stays)
      onRequest: async (req) => {
        if (mediaTypeOf(req.headers["content-type"]) !== "application/octet-stream")
          throw new HttpError(
            415,
            "send the bytes as application/octet-stream",
            "headers.content-type",
            "media-type",
          );
      },
    },
    async (req) => {
      const claimed = await ownUpload(req, req.params.id);
      // one writer per upload: the check and the claim are one synchronous step
      if (writing.has(claimed.id))
        throw conflict("another chunk of this upload is being written: retry when it is done");
      writing.add(claimed.id);
      try {
        return await writeChunk(req, claimed.id, req.headers["upload-offset"]);
      } finally {
        writing.delete(claimed.id);
      }
    },
  );

  const writeChunk = async (req: FastifyRequest, id: string, offset: number) => {
    // read again under the claim: another writer may have finished meanwhile
    const [u] = await ctx.db.select().from(uploads).where(eq(uploads.id, id));
    if (u.status !== "open") throw conflict(`the upload is ${u.status}`);
    if (offset !== u.received)
      throw conflict(`Upload-Offset ${offset} does not match the ${u.received} bytes received`);
    await checkFreeSpace(partDir, limits, u.declaredSize - u.received);
    const file = partFile(u.id);
    // bytes written after the last recorded offset (a crash between write and commit) are discarded
    if (existsSync(file)) await truncate(file, u.received);
    let written: number;
    try {
      written = await appendStream(file, req.body as Readable, u.declaredSize, u.received);
    } catch (e) {
      if (e instanceof RangeError) throw new HttpError(413, e.message, "body", "too-large");
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") {
        await truncate(file, u.received).catch(() => undefined);
        throw new HttpError(
          507,
          "the server ran out of disk space: try again later",
          undefined,
          "insufficient-storage",
        );
      }
      throw e;
    }
    await fsyncFile(file);
    const received = u.received + written;
    // compare-and-set: the offset moves only from the value this writer started at
    const moved = await ctx.db
      .update(uploads)
      .set({ received })
      .where(and(eq(uploads.id, u.id), eq(uploads.received, u.received), eq(uploads.status, "open")))
      .returning({ id: uploads.id });
    if (!moved.length) throw conflict("another writer changed this upload meanwhile: ask how far it got");
    if (received < u.declaredSize) return { ...u, received };
    // complete: the content decides what the file is
    const kind = await checkFileKind(file);
    if (!kind) {
      await rm(file, { force: true });
      await ctx.db.update(uploads).set({ status: "rejected", received }).where(eq(uploads.id, u.id));
      await ctx.audit(req, {
        action: "upload",
        resourceType: "upload",
        resourceId: u.id,
        caseId: u.caseId,
        outcome: "denied",
        detail: { reason: "type" },
      });
      throw new HttpError(
        415,
        `${u.filename}: not an accepted file type (${ACCEPTED_TYPES.join(", ")}), judged by its content`,
        "body",
        "media-type",
      );
    }
    const { sha256, size } = await ctx.blobs.putFile(file);
    const documentId = await ctx.db.transaction(async (tx) => {
      const [d] = await tx
        .insert(documents)
        .values({
          caseId: u.caseId,
          sha256,
          filename: u.filename,
          mediaType: kind.mediaType,
          sizeBytes: size,
          dicom: kind.dicom ?? null,
          uploadedBy: u.userId,
        })
        .returning({ id: documents.id });
      await tx
        .update(uploads)
        .set({ status: "complete", received, documentId: d.id })
        .where(eq(uploads.id, u.id));
      return d.id;
    });
    await ctx.audit(req, {
      action: "upload",
      resourceType: "document",
      resourceId: documentId,
      caseId: u.caseId,
      detail: { mediaType: kind.mediaType, size },
    });
    return { ...u, received, status: "complete" as const, documentId };
  };

  api.get(
    "/cases/:id/documents",
    { schema: { tags: ["documents"], params: IdParams, response: { 200: z.array(DocumentView) } } },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      await ctx.audit(req, {
        action: "list-documents",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return ctx.db
        .select()
        .from(documents)
        .where(eq(documents.caseId, row.id))
        .orderBy(desc(documents.uploadedAt));
    },
  );

  api.get(
    "/documents/:id/content",
    { schema: { tags: ["documents"], summary: "The file (streamed)", params: IdParams } },
    async (req, reply) => {
      requireActor(req);
      const [d] = await ctx.db.select().from(documents).where(eq(documents.id, req.params.id));
      if (!d) throw notFound("document");
      await caseFor(ctx, req, d.caseId, "read");
      if (!ctx.blobs.has(d.sha256)) throw notFound("document content");
      await ctx.audit(req, { action: "read", resourceType: "document", resourceId: d.id, caseId: d.caseId });
      return (
        reply
          .header("content-type", d.mediaType)
          // named after the detected type (lab-results.exe that is a PDF downloads as lab-results.pdf); the
          // uploader's name is display text only
          .header("content-disposition", `attachment; filename="${downloadName(d.filename, d.mediaType)}"`)
          .header("x-content-type-options", "nosniff")
          .send(ctx.blobs.get(d.sha256))
      );
    },
  );
}
