/**
 * Uploads under attack (issue 12 §2): content that only pretends to be DICOM or PDF is refused and downloads are
 * named after the detected type (F4); concurrent chunks of one upload are serialised (F9); a per-account quota,
 * a limit of open uploads, expiry of unfinished uploads and a free-space reserve keep one account from filling
 * the disk, and a full disk still lets the server start and serve reads (F5).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.js";
import { FileBlobStore } from "./blob-store.js";
import { uploads } from "./db/schema.js";
import { downloadName } from "./file-check.js";
import { partFileOf } from "./upload-limits.js";
import { dicomFile } from "../test-support/dicom.js";
import {
  backends,
  DEMO_PASSWORD,
  startTestServer,
  type Client,
  type TestServer,
} from "../test-support/test-server.js";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "latin1");

async function start(c: Client, caseId: string, filename: string, size: number) {
  return c.post(`/api/cases/${caseId}/uploads`, { filename, size });
}

async function upload(c: Client, caseId: string, filename: string, bytes: Buffer) {
  const r = await start(c, caseId, filename, bytes.length);
  expect(r.statusCode).toBe(201);
  const id = (r.json() as { id: string }).id;
  const put = await c.request({
    method: "PUT",
    url: `/api/uploads/${id}`,
    headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
    payload: bytes,
  });
  return { id, put };
}

/** `size` bytes (beginning with `head`) that arrive slowly, in 64 KiB pieces, one per event-loop turn. */
function slowBody(head: Buffer, size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      setImmediate(() => {
        const n = Math.min(64 * 1024, size - sent);
        const piece = Buffer.alloc(n, 0x20);
        if (sent === 0) head.copy(piece);
        if (sent + n === size) Buffer.from("\n%%EOF\n").copy(piece, n - 7);
        sent += n;
        this.push(piece);
      });
    },
  });
}

describe.each(backends())("upload safety on %s", (backend) => {
  let s: TestServer;
  let patient: Client;
  let caseId: string;
  beforeAll(async () => {
    s = await startTestServer(backend, { uploadQuotaBytes: 6 * 1024 * 1024, maxOpenUploads: 4 });
    patient = await s.login("patient@demo.immunoplan");
    caseId = ((await patient.get("/api/cases")).json() as { id: string }[])[0].id;
  }, 60_000);
  afterAll(async () => s.close());

  it("F4: refuses what only pretends to be DICOM or PDF", async () => {
    const preamble = (rest: string) =>
      Buffer.concat([Buffer.alloc(128), Buffer.from(`DICM${rest}`, "latin1")]);
    const fakes: [string, Buffer][] = [
      ["page.dcm", preamble("<html><body><script>alert(1)</script></body></html>")],
      [
        "tool.dcm",
        Buffer.concat([Buffer.from("MZ"), preamble("PE\0\0 this program cannot be run").subarray(2)]),
      ],
      ["broken.dcm", preamble("\x02\x00\x00\x00UL\x04\x00\xff\xff\xff\x7f garbage after a group length")],
      ["page.pdf", Buffer.from("%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n")],
      ["cut.pdf", Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")],
    ];
    for (const [name, bytes] of fakes) {
      const { put } = await upload(patient, caseId, name, bytes);
      expect({ name, status: put.statusCode }).toEqual({ name, status: 415 });
    }
    // the real ones still pass
    expect((await upload(patient, caseId, "ok.pdf", PDF)).put.json()).toMatchObject({ status: "complete" });
    expect((await upload(patient, caseId, "ok.bin", dicomFile())).put.json()).toMatchObject({
      status: "complete",
    });
  });

  it("F4: a download is named after its detected type; the uploader's name is display text", async () => {
    const { put } = await upload(patient, caseId, "lab-results.exe", PDF);
    const documentId = (put.json() as { documentId: string }).documentId;
    const docs = (await patient.get(`/api/cases/${caseId}/documents`)).json() as {
      id: string;
      filename: string;
    }[];
    expect(docs.find((d) => d.id === documentId)!.filename).toBe("lab-results.exe");
    const r = await patient.get(`/api/documents/${documentId}/content`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("application/pdf");
    expect(r.headers["content-disposition"]).toBe('attachment; filename="lab-results.pdf"');
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    const dcm = (await upload(patient, caseId, "scan", dicomFile())).put.json() as { documentId: string };
    const d = await patient.get(`/api/documents/${dcm.documentId}/content`);
    expect(d.headers["content-disposition"]).toBe('attachment; filename="scan.dcm"');
    expect(downloadName('"; evil=.html', "image/png")).toBe("evil.png");
    expect(downloadName("photo.JPG", "image/jpeg")).toBe("photo.jpg");
    expect(downloadName("...", "application/dicom")).toBe("document.dcm");
  });

  it("F9: two chunks at the same offset of one upload: one is written, the other gets 409", async () => {
    const size = 4 * 1024 * 1024;
    const id = ((await start(patient, caseId, "twice.pdf", size)).json() as { id: string }).id;
    const put = () =>
      patient.request({
        method: "PUT",
        url: `/api/uploads/${id}`,
        headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
        payload: slowBody(Buffer.from("%PDF-1.4\n"), size),
      });
    const results = await Promise.all([put(), put()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const state = (await patient.get(`/api/uploads/${id}`)).json() as { received: number; status: string };
    expect(state).toMatchObject({ received: size, status: "complete" });
    const doc = (results.find((r) => r.statusCode === 200)!.json() as { documentId: string }).documentId;
    const docs = (await patient.get(`/api/cases/${caseId}/documents`)).json() as {
      id: string;
      sizeBytes: number;
    }[];
    expect(docs.find((d) => d.id === doc)!.sizeBytes).toBe(size);
  });

  it("F5: a quota per account and a limit of open uploads", async () => {
    const other = await s.login("patient2@demo.immunoplan");
    const otherCase = ((await other.get("/api/cases")).json() as { id: string }[])[0].id;
    // 6 MiB quota per account; patient2 has stored nothing yet
    const big = await start(other, otherCase, "a.pdf", 5 * 1024 * 1024);
    expect(big.statusCode).toBe(201);
    const over = await start(other, otherCase, "b.pdf", 2 * 1024 * 1024);
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ error: { code: "quota", path: "body.size" } });
    for (let i = 0; i < 3; i++) expect((await start(other, otherCase, `c${i}.pdf`, 10)).statusCode).toBe(201);
    const fifth = await start(other, otherCase, "d.pdf", 10);
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json()).toMatchObject({ error: { code: "too-many-uploads" } });
  });

  it("F5: unfinished uploads expire when the server starts (the hourly sweep is the same function), their bytes deleted", async () => {
    const id = ((await start(patient, caseId, "left.pdf", 100)).json() as { id: string }).id;
    await patient.request({
      method: "PUT",
      url: `/api/uploads/${id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
      payload: Buffer.from("%PDF-1.4\n"),
    });
    const part = partFileOf(s.dataDir, id);
    expect(existsSync(part)).toBe(true);
    await s.database.db
      .update(uploads)
      .set({ createdAt: sql`now() - interval '49 hours'` })
      .where(eq(uploads.id, id));
    // a restart on the same data (a second app on the database and data directory) sweeps at start
    const again = await buildApp({
      db: s.database.db,
      blobs: new FileBlobStore(path.join(s.dataDir, "blobs")),
      jobs: s.jobs,
      config: s.config,
    });
    await again.ready();
    await again.close();
    expect(existsSync(part)).toBe(false);
    expect(((await patient.get(`/api/uploads/${id}`)).json() as { status: string }).status).toBe("expired");
    const late = await patient.request({
      method: "PUT",
      url: `/api/uploads/${id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": "9" },
      payload: Buffer.from("more"),
    });
    expect(late.statusCode).toBe(409);
  });

  it("F5: with the disk 'full' (free space below the reserve) uploads get 507; the server starts and serves reads", async () => {
    const full = await startTestServer(backend, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    try {
      const p = await full.login("patient@demo.immunoplan");
      const cid = ((await p.get("/api/cases")).json() as { id: string }[])[0].id;
      expect((await p.get(`/api/cases/${cid}`)).statusCode).toBe(200);
      expect((await p.get(`/api/cases/${cid}/documents`)).statusCode).toBe(200);
      const r = await start(p, cid, "x.pdf", 10);
      expect(r.statusCode).toBe(507);
      expect(r.json()).toMatchObject({ error: { code: "insufficient-storage" } });
    } finally {
      await full.close();
    }
    // an upload started while there was room is refused at its next chunk when the room is gone
    const id = ((await start(patient, caseId, "later.pdf", 100)).json() as { id: string }).id;
    const tight = await buildApp({
      db: s.database.db,
      blobs: new FileBlobStore(path.join(s.dataDir, "blobs")),
      jobs: s.jobs,
      config: { ...s.config, minFreeBytes: Number.MAX_SAFE_INTEGER },
    });
    try {
      const login = await tight.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email: "patient@demo.immunoplan", password: DEMO_PASSWORD },
      });
      const cookie = login.cookies[0];
      const r = await tight.inject({
        method: "PUT",
        url: `/api/uploads/${id}`,
        headers: {
          "content-type": "application/octet-stream",
          "upload-offset": "0",
          cookie: `${cookie.name}=${cookie.value}`,
          "x-csrf-token": (login.json() as { csrfToken: string }).csrfToken,
        },
        payload: Buffer.from("%PDF-1.4\n"),
      });
      expect(r.statusCode).toBe(507);
    } finally {
      await tight.close();
    }
    expect(((await patient.get(`/api/uploads/${id}`)).json() as { received: number }).received).toBe(0);
  });
});
