import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseSchema } from "../clinic/case-schema.js";
import { dicomFile } from "../test-support/dicom.js";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
  "latin1",
);

async function upload(c: Client, caseId: string, name: string, bytes: Buffer, chunk = bytes.length) {
  const start = await c.post(`/api/cases/${caseId}/uploads`, { filename: name, size: bytes.length });
  expect(start.statusCode).toBe(201);
  const id = start.json().id as string;
  let last = start;
  for (let off = 0; off < bytes.length; off += chunk) {
    last = await c.request({
      method: "PUT",
      url: `/api/uploads/${id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": String(off) },
      payload: bytes.subarray(off, off + chunk),
    });
    if (last.statusCode !== 200) break;
  }
  return { id, last };
}

describe.each(backends())("records, documents and follow-up on %s", (backend) => {
  let s: TestServer;
  let clinician: Client;
  let patient: Client;
  let caseId: string;
  beforeAll(async () => {
    // follow-up below is dated up to 2027-01-20: the server's clock is after it (future dates are refused)
    s = await startTestServer(backend, {
      maxUploadBytes: 4096,
      clock: () => new Date("2027-02-01T00:00:00Z"),
    });
    clinician = await s.login("clinician@demo.immunoplan");
    patient = await s.login("patient@demo.immunoplan");
    caseId = ((await patient.get("/api/cases")).json() as { id: string }[])[0].id;
  }, 60_000);
  afterAll(async () => s.close());

  it("keeps every version of the record and detects concurrent edits", async () => {
    const cur = (await clinician.get(`/api/cases/${caseId}`)).json() as { version: number; record: unknown };
    const record = CaseSchema.parse(cur.record);
    const edit = (expectedVersion: number, kg: number) =>
      clinician.put(`/api/cases/${caseId}/record`, {
        expectedVersion,
        record: {
          ...record,
          weights: [...record.weights, { kg, date: "2026-11-25", source: { kind: "manual" } }],
        },
        note: `weight ${kg}`,
      });
    const first = await edit(cur.version, 63);
    expect(first.json()).toEqual({ version: cur.version + 1 });
    // a second editor who loaded the same version loses, with a message that says what to do
    const second = await edit(cur.version, 65);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toMatch(/changed since version \d+ \(now version \d+\); reload it/);
    const versions = (await clinician.get(`/api/cases/${caseId}/versions`)).json() as {
      version: number;
      note: string;
    }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: cur.version + 1 }, (_, i) => i + 1));
    const old = (await clinician.get(`/api/cases/${caseId}/versions/${cur.version}`)).json();
    expect(old.record.weights).toEqual(record.weights);
    // bad records name the field
    const bad = await clinician.put(`/api/cases/${caseId}/record`, {
      expectedVersion: cur.version + 1,
      record: { ...record, weights: [{ kg: -1, source: { kind: "manual" } }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe("body.record.weights.0.kg");
  });

  it("imports and exports the record as a FHIR Bundle", async () => {
    const bundle = (await clinician.get(`/api/cases/${caseId}/fhir`)).json() as {
      resourceType: string;
      entry: unknown[];
    };
    expect(bundle.resourceType).toBe("Bundle");
    const v = ((await clinician.get(`/api/cases/${caseId}`)).json() as { version: number }).version;
    const r = await clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/fhir?expectedVersion=${v}`,
      payload: bundle as never,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().version).toBe(v + 1);
    expect(r.json().report.read.length).toBeGreaterThan(5);
    const empty = await clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/fhir?expectedVersion=${v + 1}`,
      payload: { resourceType: "Bundle", entry: [] },
    });
    expect(empty.statusCode).toBe(400);
  });

  it("takes uploads in chunks, resumes at the recorded offset and stores them by content hash", async () => {
    const { id, last } = await upload(patient, caseId, "report.pdf", PDF, 17);
    expect(last.statusCode).toBe(200);
    expect(last.json()).toMatchObject({ status: "complete", received: PDF.length });
    // a retried chunk at a stale offset is refused with the offset to resume from
    const stale = await patient.request({
      method: "PUT",
      url: `/api/uploads/${id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
      payload: PDF,
    });
    expect(stale.statusCode).toBe(409);
    const docs = (await clinician.get(`/api/cases/${caseId}/documents`)).json() as {
      id: string;
      mediaType: string;
      sha256: string;
    }[];
    const doc = docs.find((d) => d.mediaType === "application/pdf")!;
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    const content = await patient.get(`/api/documents/${doc.id}/content`);
    expect(content.headers["content-type"]).toBe("application/pdf");
    expect(content.rawPayload.equals(PDF)).toBe(true);
    // resume: the first half, then ask how far it got, then the rest
    const start = (
      await patient.post(`/api/cases/${caseId}/uploads`, { filename: "again.pdf", size: PDF.length })
    ).json();
    const put = (off: number, bytes: Buffer) =>
      patient.request({
        method: "PUT",
        url: `/api/uploads/${start.id}`,
        headers: { "content-type": "application/octet-stream", "upload-offset": String(off) },
        payload: bytes,
      });
    await put(0, PDF.subarray(0, 30));
    const state = (await patient.get(`/api/uploads/${start.id}`)).json();
    expect(state.received).toBe(30);
    expect((await put(30, PDF.subarray(30))).json().status).toBe("complete");
  });

  it("judges the type by content, not by name, and reads DICOM headers", async () => {
    const fake = await upload(patient, caseId, "scan.pdf", Buffer.from("this is not a PDF, just text\n"));
    expect(fake.last.statusCode).toBe(415);
    expect(fake.last.json().error.message).toMatch(
      /^scan\.pdf: not an accepted file type .*judged by its content/,
    );
    const dcm = await upload(patient, caseId, "image.bin", dicomFile());
    expect(dcm.last.json().status).toBe("complete");
    const docs = (await patient.get(`/api/cases/${caseId}/documents`)).json() as {
      mediaType: string;
      dicom: unknown;
    }[];
    expect(docs.find((d) => d.mediaType === "application/dicom")!.dicom).toEqual({
      studyDate: "2026-11-13",
      modality: "CT",
      bodyPart: "CHEST",
      studyDescription: "CT chest abdomen",
    });
  });

  it("enforces upload size limits: declared and actual", async () => {
    const big = await patient.post(`/api/cases/${caseId}/uploads`, { filename: "big.pdf", size: 5000 });
    expect(big.statusCode).toBe(413);
    const start = (
      await patient.post(`/api/cases/${caseId}/uploads`, { filename: "liar.pdf", size: 10 })
    ).json();
    const r = await patient.request({
      method: "PUT",
      url: `/api/uploads/${start.id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
      payload: Buffer.alloc(100),
    });
    expect(r.statusCode).toBe(413);
    // another user cannot write into someone's upload
    const other = await clinician.request({
      method: "PUT",
      url: `/api/uploads/${start.id}`,
      headers: { "content-type": "application/octet-stream", "upload-offset": "0" },
      payload: Buffer.alloc(5),
    });
    expect(other.statusCode).toBe(404);
  });

  it("schedules a consultation in the patient's time zone and tells the patient", async () => {
    const req = await patient.post(`/api/cases/${caseId}/consultation-requests`, {
      preferredStart: "2030-03-31T09:30",
      timeZone: "Europe/London",
      note: "mornings",
    });
    expect(req.statusCode).toBe(201);
    // 09:30 British Summer Time (UTC+1 from 2030-03-31 01:00 UTC) is 08:30 UTC
    expect(req.json().preferredStart).toBe("2030-03-31T08:30:00.000Z");
    const coord = await s.login("coordinator@demo.immunoplan");
    const open = (await coord.get("/api/consultation-requests")).json() as {
      id: string;
      preferredLocal: string;
    }[];
    expect(open.find((o) => o.id === req.json().id)!.preferredLocal).toBe("2030-03-31 09:30");
    const ap = await coord.post(`/api/cases/${caseId}/appointments`, {
      requestId: req.json().id,
      clinicianId: clinician.userId,
      startsAt: "2030-04-01T11:00",
      timeZone: "Europe/Berlin",
    });
    expect(ap.statusCode).toBe(201);
    expect(ap.json().startsAt).toBe("2030-04-01T09:00:00.000Z");
    const mine = (await patient.get(`/api/cases/${caseId}/appointments`)).json() as { videoLink: string }[];
    expect(mine.at(-1)!.videoLink).toBe(ap.json().videoLink);
    const admin = await s.login("admin@demo.immunoplan");
    const mail = ((await admin.get("/api/outbox")).json() as { toEmail: string; body: string }[]).find(
      (m) => m.toEmail === "patient@demo.immunoplan",
    )!;
    expect(mail.body).toContain("2030-04-01 10:00 (Europe/London)");
  });

  it("records follow-up: a scan with RECIST, adverse events with their grade scale", async () => {
    const cur = (await clinician.get(`/api/cases/${caseId}`)).json() as { version: number; record: unknown };
    const v = cur.version;
    // the same target lesions as the record's scans (ids as the record has them)
    const last = CaseSchema.parse(cur.record).imaging.at(-1)!;
    const sizes = [10, 8, 9];
    const lesions = last.lesions.map((l, i) => ({
      id: l.id,
      role: l.role,
      nodal: l.nodal,
      diameterMm: sizes[i],
    }));
    const r = await clinician.post(`/api/cases/${caseId}/assessments`, {
      expectedVersion: v,
      date: "2027-01-20",
      modality: "CT",
      lesions,
    });
    expect(r.statusCode).toBe(201);
    const resp = r.json().response;
    // baseline 48 mm (2026-07-14) → 27 mm: −44 %, partial response
    expect(resp.recist.timepoints.at(-1)).toMatchObject({ sumMm: 27, overall: "PR" });
    const crs5 = await clinician.post(`/api/cases/${caseId}/adverse-events`, {
      term: "Cytokine release syndrome",
      system: "ASTCT CRS",
      grade: 5,
      onset: "2027-01-02",
    });
    expect(crs5.json().error.message).toBe("grade: ASTCT CRS grades go from 1 to 4");
    expect(
      (
        await clinician.post(`/api/cases/${caseId}/adverse-events`, {
          term: "Cytokine release syndrome",
          system: "ASTCT CRS",
          grade: 2,
          onset: "2027-01-02",
        })
      ).statusCode,
    ).toBe(201);
    const bad = await clinician.post(`/api/cases/${caseId}/administrations`, {
      agent: "pembrolizumab",
      dose: { value: 200, unit: "mg" },
      route: "intratumoral",
      givenAt: "2026-11-25T10:00:00Z",
    });
    expect(bad.json().error.message).toBe("route: pembrolizumab is not given intratumoral (iv, sc)");
  });
});
