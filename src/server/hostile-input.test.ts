/**
 * Hostile input (issue 12 §2): bodies are not read for strangers nor in a type the route does not take (F1, F6),
 * JSON nesting is limited (F6), a NUL character is a 400 naming the field (F10).
 */
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonDepth } from "./hardening.js";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";

/** A request body of `total` bytes made on demand, counting what the server pulled. */
function lazyBody(total: number, byte = "a"): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(16 * 1024, byte);
  const stream = new Readable({
    highWaterMark: 16 * 1024,
    read() {
      if (pulled >= total) return void this.push(null);
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

/** A JSON text of `depth` nested arrays inside {"text": …}, as a stream of chunks. */
function nestedJson(depth: number): { stream: Readable; pulled: () => number; size: number } {
  const text = `{"text":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  let pulled = 0;
  const stream = new Readable({
    highWaterMark: 16 * 1024,
    read() {
      if (pulled >= text.length) return void this.push(null);
      const next = text.slice(pulled, pulled + 16 * 1024);
      pulled += next.length;
      this.push(next);
    },
  });
  return { stream, pulled: () => pulled, size: text.length };
}

describe.each(backends())("hostile input on %s", (backend) => {
  let s: TestServer;
  let patient: Client;
  let clinician: Client;
  let caseId: string;
  beforeAll(async () => {
    s = await startTestServer(backend);
    patient = await s.login("patient@demo.immunoplan");
    clinician = await s.login("clinician@demo.immunoplan");
    caseId = ((await patient.get("/api/cases")).json() as { id: string }[])[0].id;
  }, 60_000);
  afterAll(async () => s.close());

  it("F1: an anonymous upload is refused before its body is read, whatever its type", async () => {
    for (const type of ["text/plain", "application/json", "application/octet-stream"]) {
      const body = lazyBody(64 * 1024 * 1024);
      const r = await s.anonymous.request({
        method: "PUT",
        url: `/api/uploads/${caseId}`,
        headers: { "content-type": type, "upload-offset": "0" },
        payload: body.stream,
      });
      expect({ type, status: r.statusCode }).toEqual({ type, status: 401 });
      expect({ type, pulled: body.pulled() < 1024 * 1024 }).toEqual({ type, pulled: true });
    }
  });

  it("F1: the uploader's own upload takes only application/octet-stream, refused before reading", async () => {
    const u = (
      await patient.post(`/api/cases/${caseId}/uploads`, { filename: "scan.pdf", size: 4 * 1024 * 1024 })
    ).json() as { id: string };
    for (const type of ["text/plain", "application/json", "text/plain; charset=utf-8"]) {
      const body = lazyBody(64 * 1024 * 1024, "{");
      const r = await patient.request({
        method: "PUT",
        url: `/api/uploads/${u.id}`,
        headers: { "content-type": type, "upload-offset": "0" },
        payload: body.stream,
      });
      expect({ type, status: r.statusCode }).toEqual({ type, status: 415 });
      expect((r.json() as { error: { path: string } }).error.path).toBe("headers.content-type");
      expect({ type, pulled: body.pulled() < 1024 * 1024 }).toEqual({ type, pulled: true });
    }
    // nothing arrived
    expect(((await patient.get(`/api/uploads/${u.id}`)).json() as { received: number }).received).toBe(0);
  });

  it("F6: a deeply nested JSON body is not parsed for a stranger", async () => {
    const body = nestedJson(400_000); // 800 kB, under the body limit
    const r = await s.anonymous.request({
      method: "POST",
      url: `/api/cases/${caseId}/notes`,
      headers: { "content-type": "application/json" },
      payload: body.stream,
    });
    expect(r.statusCode).toBe(401);
    expect(body.pulled()).toBeLessThan(body.size / 4);
  });

  it("F6: a signed-in user's JSON is refused beyond 64 levels of nesting, with the reason", async () => {
    const r = await clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/notes`,
      headers: { "content-type": "application/json" },
      payload: nestedJson(100_000).stream,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      error: { code: "too-deep", message: "body: JSON nested deeper than 64 levels" },
    });
    // 64 levels still pass the depth check (and reach validation)
    const ok = await clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/notes`,
      headers: { "content-type": "application/json" },
      payload: nestedJson(63).stream,
    });
    expect(ok.statusCode).toBe(400);
    expect((ok.json() as { error: { path: string } }).error.path).toBe("body.text");
  });

  it("counts JSON depth without parsing, skipping strings", () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
    expect(jsonDepth("[".repeat(1000), 64)).toBe(65);
  });

  it("counts the depth of any JSON value as its structure has it (property)", () => {
    const depth = (v: unknown): number =>
      v !== null && typeof v === "object"
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depth))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => jsonDepth(JSON.stringify(v)) === depth(v)),
      { numRuns: 500 },
    );
  });

  it("F10: a NUL character in a name, note, file name or adverse event is a 400 naming the field", async () => {
    const coordinator = await s.login("coordinator@demo.immunoplan");
    const cases: [Client, string, unknown, string][] = [
      [clinician, `/api/cases/${caseId}/notes`, { text: "seen\u0000today" }, "body.text"],
      [
        clinician,
        `/api/cases/${caseId}/adverse-events`,
        { term: "Fatigue\u0000", system: "CTCAE v5", grade: 1, onset: "2026-11-01" },
        "body.term",
      ],
      [patient, `/api/cases/${caseId}/uploads`, { filename: "scan\u0000.pdf", size: 10 }, "body.filename"],
      [coordinator, "/api/cases", { title: "Case", patient: { name: "Jane\u0000Roe" } }, "body.patient.name"],
      [
        patient,
        `/api/cases/${caseId}/consultation-requests`,
        { preferredStart: "2030-01-07T10:00", timeZone: "Europe/London", note: "\u0000" },
        "body.note",
      ],
    ];
    for (const [c, url, payload, path] of cases) {
      const r = await c.post(url, payload);
      expect({ url, status: r.statusCode }).toEqual({ url, status: 400 });
      expect(r.json()).toMatchObject({
        error: { path, code: "nul-character", message: `${path}: contains a NUL character` },
      });
    }
    const signup = await s.anonymous.post("/api/auth/signup", {
      email: "nul@example.org",
      password: "a long enough password 1",
      name: "Nul\u0000Name",
    });
    expect(signup.statusCode).toBe(400);
    expect(signup.json()).toMatchObject({ error: { path: "body.name" } });
    const admin = await s.login("admin@demo.immunoplan");
    const q = await admin.get("/api/audit?action=a%00b");
    expect(q.statusCode).toBe(400);
    expect(q.json()).toMatchObject({ error: { path: "querystring.action" } });
  });
});
