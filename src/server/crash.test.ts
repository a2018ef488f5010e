/**
 * Robustness: the real server process is killed with SIGKILL while it saves record versions and receives an
 * upload; after a restart on the same data directory no acknowledged write is lost, the versions are intact and
 * the upload resumes from the recorded offset to the same SHA-256.
 */
import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaseSchema } from "../clinic/case-schema.js";
import { freePort, startServerProcess } from "../test-support/server-process.js";
import { DEMO_PASSWORD } from "../test-support/test-server.js";

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  return (await startServerProcess({ from: "source", dataDir, port, env: { DEMO_PASSWORD } })).child;
}

class Session {
  private cookie = "";
  private csrf = "";
  constructor(private readonly base: string) {}
  async login(email: string): Promise<void> {
    const r = await fetch(`${this.base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    this.cookie = r.headers.getSetCookie()[0].split(";")[0];
    this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
  }
  async call(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const raw = body instanceof Uint8Array;
    return fetch(`${this.base}${url}`, {
      method,
      headers: {
        cookie: this.cookie,
        "x-csrf-token": this.csrf,
        ...(body === undefined
          ? {}
          : { "content-type": raw ? "application/octet-stream" : "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
  }
}

describe("kill -9 during saves and uploads", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

  it("loses no acknowledged write and resumes the upload", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "immunoplan-crash-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await startServer(dataDir, port);
    children.push(server);
    const clin = new Session(base);
    await clin.login("clinician@demo.immunoplan");
    const patient = new Session(base);
    await patient.login("patient@demo.immunoplan");
    const caseId = ((await (await clin.call("GET", "/api/cases")).json()) as { id: string }[])[0].id;
    const current = (await (await clin.call("GET", `/api/cases/${caseId}`)).json()) as {
      version: number;
      record: unknown;
    };
    const record = CaseSchema.parse(current.record);

    // a 24 MB file in 64 kB chunks: a PDF header and random bytes
    const file = Buffer.concat([
      Buffer.from("%PDF-1.4\n"),
      randomBytes(24 * 1024 * 1024),
      Buffer.from("\n%%EOF\n"), // a PDF ends with its end-of-file marker (file-check.ts)
    ]);
    const upload = (await (
      await patient.call("POST", `/api/cases/${caseId}/uploads`, { filename: "big.pdf", size: file.length })
    ).json()) as { id: string };

    const acknowledged: number[] = [];
    let version = current.version;
    const saves = (async () => {
      for (let i = 0; i < 1000; i++) {
        try {
          const r = await clin.call("PUT", `/api/cases/${caseId}/record`, {
            expectedVersion: version,
            record: {
              ...record,
              weights: [{ kg: 60 + (i % 20), date: "2026-11-25", source: { kind: "manual" } }],
            },
            note: `save ${i}`,
          });
          if (r.status !== 200) break;
          version = ((await r.json()) as { version: number }).version;
          acknowledged.push(version);
        } catch {
          break; // the server died
        }
      }
    })();
    const chunks = (async () => {
      let offset = 0;
      const size = 64 * 1024;
      while (offset < file.length) {
        try {
          const r = await patient.call(
            "PUT",
            `/api/uploads/${upload.id}`,
            file.subarray(offset, offset + size),
            { "upload-offset": String(offset) },
          );
          if (r.status !== 200) break;
          offset = ((await r.json()) as { received: number }).received;
        } catch {
          break;
        }
      }
      return offset;
    })();
    // let both run, then kill the server in the middle of them
    await new Promise((r) => setTimeout(r, 1000));
    server.kill("SIGKILL");
    await saves;
    const uploadedBeforeKill = await chunks;
    expect(acknowledged.length).toBeGreaterThan(3);
    expect(uploadedBeforeKill).toBeLessThan(file.length);

    server = await startServer(dataDir, port);
    children.push(server);
    await clin.login("clinician@demo.immunoplan");
    await patient.login("patient@demo.immunoplan");
    // every acknowledged version is there, the versions are contiguous and each record is valid
    const after = (await (await clin.call("GET", `/api/cases/${caseId}`)).json()) as { version: number };
    expect(after.version).toBeGreaterThanOrEqual(acknowledged.at(-1)!);
    const versions = (await (await clin.call("GET", `/api/cases/${caseId}/versions`)).json()) as {
      version: number;
    }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: after.version }, (_, i) => i + 1));
    for (const v of [acknowledged.at(-1)!, after.version]) {
      const r = (await (await clin.call("GET", `/api/cases/${caseId}/versions/${v}`)).json()) as {
        record: unknown;
      };
      expect(CaseSchema.safeParse(r.record).success).toBe(true);
    }
    // the upload resumes where the server's record says and ends with the file's own hash
    const state = (await (await patient.call("GET", `/api/uploads/${upload.id}`)).json()) as {
      received: number;
      status: string;
    };
    expect(state.status).toBe("open");
    expect(state.received).toBeLessThanOrEqual(uploadedBeforeKill + 64 * 1024);
    let offset = state.received;
    let last: { status: string; documentId: string | null } = { status: "open", documentId: null };
    while (offset < file.length) {
      const r = await patient.call(
        "PUT",
        `/api/uploads/${upload.id}`,
        file.subarray(offset, offset + 512 * 1024),
        { "upload-offset": String(offset) },
      );
      expect(r.status).toBe(200);
      const j = (await r.json()) as { received: number; status: string; documentId: string | null };
      offset = j.received;
      last = j;
    }
    expect(last.status).toBe("complete");
    const docs = (await (await patient.call("GET", `/api/cases/${caseId}/documents`)).json()) as {
      id: string;
      sha256: string;
    }[];
    const doc = docs.find((d) => d.id === last.documentId)!;
    expect(doc.sha256).toBe(createHash("sha256").update(file).digest("hex"));
    const content = Buffer.from(
      await (await patient.call("GET", `/api/documents/${doc.id}/content`)).arrayBuffer(),
    );
    expect(content.equals(file)).toBe(true);
  }, 180_000);
});
