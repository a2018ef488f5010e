/**
 * Content-addressed file storage behind one interface (files on disk here; an S3-compatible store would implement
 * the same three methods). A blob is written to a temporary file, fsynced and renamed into place under its
 * SHA-256, so a crash never leaves a partial blob under a valid name.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface BlobStore {
  /** Moves a finished file into the store; returns its SHA-256 and size. */
  putFile(file: string): Promise<{ sha256: string; size: number }>;
  get(sha256: string): Readable;
  has(sha256: string): boolean;
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash("sha256");
  await pipeline(createReadStream(file), h);
  return h.digest("hex");
}

export async function fsyncFile(file: string): Promise<void> {
  const fh = await open(file, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class FileBlobStore implements BlobStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError("not a SHA-256");
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async putFile(file: string): Promise<{ sha256: string; size: number }> {
    const sha256 = await sha256OfFile(file);
    const size = statSync(file).size;
    const target = this.pathOf(sha256);
    if (existsSync(target)) {
      await rm(file, { force: true }); // same content already stored
      return { sha256, size };
    }
    mkdirSync(path.dirname(target), { recursive: true });
    await fsyncFile(file);
    renameSync(file, target);
    return { sha256, size };
  }

  get(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }
}

/** Appends a request stream to a file, refusing more than `limit` bytes in all; returns the bytes written. */
export async function appendStream(
  file: string,
  body: Readable,
  limit: number,
  already: number,
): Promise<number> {
  let written = 0;
  const out = createWriteStream(file, { flags: "a" });
  await pipeline(
    body,
    async function* (source) {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (already + written > limit)
          throw new RangeError(`upload larger than its declared size (${limit} bytes)`);
        yield chunk;
      }
    },
    out,
  );
  return written;
}
