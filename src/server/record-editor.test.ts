import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseSchema, type CaseRecord } from "../clinic/case-schema.js";
import { exportBundle } from "../clinic/fhir-export.js";
import type { Estimate } from "../planner/price.js";
import { bundleProblems } from "../test-support/fhir-validate.js";
import { startTestServer, type Client, type TestServer } from "../test-support/test-server.js";

describe("record editor and plan prices (server)", () => {
  let s: TestServer;
  let clinician: Client;
  let patient: Client;
  let admin: Client;
  let caseId: string;
  const view = async () =>
    (await clinician.get(`/api/cases/${caseId}`)).json() as { version: number; record: CaseRecord };
  beforeAll(async () => {
    s = await startTestServer();
    clinician = await s.login("clinician@demo.immunoplan");
    patient = await s.login("patient@demo.immunoplan");
    admin = await s.login("admin@demo.immunoplan");
    caseId = ((await clinician.get("/api/cases")).json() as { id: string }[])[0].id;
  }, 60_000);
  afterAll(async () => s.close());

  it("a save is a new version that names who entered the values; the diff says what changed", async () => {
    const before = await view();
    const record = {
      ...before.record,
      weights: [...before.record.weights, { kg: 58.5, date: "2026-11-20", source: { kind: "manual" } }],
    };
    const r = await clinician.put(`/api/cases/${caseId}/record`, {
      expectedVersion: before.version,
      record,
      note: "weight from the clinic letter",
    });
    expect(r.statusCode).toBe(200);
    const after = await view();
    expect(after.version).toBe(before.version + 1);
    expect(after.record.weights.at(-1)!.source).toEqual({ kind: "manual", by: "Dr. Clara Clinician" });
    const versions = (await clinician.get(`/api/cases/${caseId}/versions`)).json() as {
      version: number;
      createdByName: string | null;
      note: string;
    }[];
    expect(versions.at(-1)).toMatchObject({
      createdByName: "Dr. Clara Clinician",
      note: "weight from the clinic letter",
    });
    const diff = (
      await clinician.get(`/api/cases/${caseId}/diff?from=${before.version}&to=${after.version}`)
    ).json() as { changes: { summary: string }[] };
    expect(diff.changes.map((c) => c.summary)).toEqual(["weights: added 58.5 kg (2026-11-20)"]);
  });

  it("a FHIR import is previewed, then merged (never replacing the record); a non-Bundle is refused", async () => {
    const before = await view();
    const extra = CaseSchema.parse({
      id: "x",
      patient: { name: "Someone Else", sex: "female", source: { kind: "manual" } },
      hlaTyping: { alleles: ["A*02:01", "B*44:02"], source: { kind: "manual" } },
      labs: [
        {
          name: "LDH",
          code: { system: "http://loinc.org", code: "2532-0" },
          value: 410,
          unit: "U/L",
          date: "2026-11-18",
          source: { kind: "manual" },
        },
      ],
    });
    const bundle = exportBundle(extra);
    const preview = (await clinician.post(`/api/cases/${caseId}/fhir/preview`, bundle)).json() as {
      report: { read: unknown[]; invalid: unknown[] };
      changes: { summary: string }[];
      conflicts: { field: string }[];
    };
    expect(preview.report.invalid).toEqual([]);
    expect(preview.changes.map((c) => c.summary)).toEqual(
      expect.arrayContaining(["labs: added LDH 410 U/L (2026-11-18)"]),
    );
    expect(preview.conflicts.map((c) => c.field)).toContain("patient.name");
    expect((await view()).version).toBe(before.version); // nothing saved
    const saved = await clinician.request({
      method: "POST",
      url: `/api/cases/${caseId}/fhir?expectedVersion=${before.version}`,
      payload: bundle as never,
    });
    expect(saved.statusCode).toBe(200);
    const after = await view();
    expect(after.record.labs.length).toBe(before.record.labs.length + 1);
    expect(after.record.imaging).toEqual(before.record.imaging);
    expect(after.record.patient.name).toBe(before.record.patient.name);
    const notBundle = await clinician.post(`/api/cases/${caseId}/fhir/preview`, { resourceType: "Patient" });
    expect(notBundle.statusCode).toBe(400);
    expect(notBundle.json().error.message).toMatch(/not a FHIR Bundle \(resourceType is 'Patient'\)/);
    // and the case's export is valid FHIR R4 / mCODE
    expect(bundleProblems((await clinician.get(`/api/cases/${caseId}/fhir`)).json())).toEqual([]);
  });

  it("the coordinator keeps the patient's administrative details (a new version, entered by the coordinator)", async () => {
    const coordinator = await s.login("coordinator@demo.immunoplan");
    const d = (await coordinator.get(`/api/cases/${caseId}/patient-details`)).json() as {
      version: number;
      patient: Record<string, string>;
    };
    expect(d.patient).not.toHaveProperty("source");
    const r = await coordinator.put(`/api/cases/${caseId}/patient-details`, {
      expectedVersion: d.version,
      patient: { ...d.patient, contact: "+49 30 1234567", language: "de" },
    });
    expect(r.json()).toEqual({ version: d.version + 1 });
    const after = await view();
    expect(after.record.patient).toMatchObject({
      contact: "+49 30 1234567",
      language: "de",
      source: { kind: "manual", by: "Cora Coordinator" },
    });
    expect(after.record.labs).toEqual((await view()).record.labs);
    const bad = await coordinator.put(`/api/cases/${caseId}/patient-details`, {
      expectedVersion: d.version + 1,
      patient: { language: "German!" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe("body.patient.language");
    // the coordinator still cannot read the clinical record
    expect((await coordinator.get(`/api/cases/${caseId}`)).statusCode).toBe(403);
  });

  it("hostile input to the new endpoints is a 4xx naming the problem, never a 500 (fuzzed)", async () => {
    const list = (await admin.get("/api/price-list")).json() as {
      version: number;
      document: Record<string, unknown>;
    };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 40 }), async (body, q) => {
        const statuses = [
          await clinician.post(`/api/cases/${caseId}/fhir/preview`, body),
          await clinician.post(`/api/cases/${caseId}/fhir/preview`, {
            resourceType: "Bundle",
            entry: [body],
          }),
          await admin.put("/api/price-list", { expectedVersion: list.version, document: body }),
          await admin.put("/api/price-list", {
            expectedVersion: list.version,
            document: { ...list.document, agents: { x: body } },
          }),
          await clinician.get(`/api/value-sets/diagnoses?q=${encodeURIComponent(q)}`),
          await clinician.get(`/api/cases/${caseId}/diff?from=${encodeURIComponent(q)}&to=1`),
        ].map((r) => r.statusCode);
        for (const st of statuses) expect(st).toBeLessThan(500);
        expect(statuses[2]).toBe(400); // a price list is an object with every section
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("value sets are searched; the checklist says which documents would supply what is missing", async () => {
    const found = (await clinician.get("/api/value-sets/diagnoses?q=melanoma")).json() as { text: string }[];
    expect(found[0].text).toMatch(/melanoma/i);
    const list = (await clinician.get(`/api/cases/${caseId}/record-checklist?date=2026-11-24`)).json() as {
      items: { id: string; status: string; suppliedBy: string[] }[];
    };
    for (const i of list.items) expect(i.suppliedBy.length > 0, i.id).toBe(i.status !== "present");
    // the checklist of a draft (not saved) follows the form: a new performance status filled in
    const { record } = await view();
    const at = async (rec: unknown) => {
      const r = await clinician.post(`/api/cases/${caseId}/record-checklist?date=2027-01-10`, {
        record: rec,
      });
      return (r.json() as { items: { id: string; status: string }[] }).items.find(
        (i) => i.id === "performance",
      )!;
    };
    expect((await at(record)).status).toBe("outdated"); // the seeded ECOG is from November 2026
    const draft = {
      ...record,
      performance: [
        ...record.performance,
        { scale: "ECOG", value: 1, date: "2027-01-05", source: { kind: "manual" } },
      ],
    };
    expect((await at(draft)).status).toBe("present");
    expect((await view()).record.performance).toEqual(record.performance); // nothing saved
  });

  it("every candidate has an estimate; the approved plan's quote keeps its prices when the list changes", async () => {
    await clinician.post(`/api/cases/${caseId}/jobs`, {
      kind: "plan",
      options: { date: "2026-11-24", samples: 4, maxCandidates: 3, mcmc: { warmup: 50, draws: 50 } },
    });
    await s.jobs.drain();
    const plan = (
      (await clinician.get(`/api/cases/${caseId}/plans`)).json() as { id: string; recommended: string }[]
    )[0];
    const est = (await clinician.get(`/api/plans/${plan.id}/estimates`)).json() as {
      candidates: { id: string; estimate: Estimate }[];
      quote: unknown;
    };
    expect(est.candidates.length).toBeGreaterThan(0);
    for (const c of est.candidates) {
      expect(c.estimate.items.length).toBeGreaterThan(0);
      expect(c.estimate.total).toBeCloseTo(
        c.estimate.items.reduce((t, i) => t + i.amount, 0),
        2,
      );
    }
    expect(est.quote).toBeNull();
    expect((await patient.get(`/api/plans/${plan.id}/quote`)).statusCode).toBe(404); // a draft: not the patient's
    const approved = await clinician.post(`/api/plans/${plan.id}/approve`, {
      chosen: plan.recommended,
      acknowledgeNotConverged: true,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const q1 = (await patient.get(`/api/plans/${plan.id}/quote`)).json() as {
      priceListVersion: number;
      estimate: Estimate;
    };
    const chosen = est.candidates.find((c) => c.id === plan.recommended)!;
    expect(q1.estimate.total).toBeCloseTo(chosen.estimate.total, 2);
    // the admin doubles the price of a clinic day: estimates change, the quote given does not
    const list = (await admin.get("/api/price-list")).json() as {
      version: number;
      document: { clinic: { inpatient_day: { price: number } } };
    };
    const doubled = structuredClone(list.document);
    doubled.clinic.inpatient_day.price *= 2;
    const put = await admin.put("/api/price-list", {
      expectedVersion: list.version,
      document: doubled,
      note: "2027 prices",
    });
    expect(put.json()).toEqual({ version: list.version + 1 });
    expect(
      (await admin.put("/api/price-list", { expectedVersion: list.version, document: doubled })).statusCode,
    ).toBe(409);
    const bad = await admin.put("/api/price-list", {
      expectedVersion: list.version + 1,
      document: { ...doubled, currency: "euro" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^document\.currency: /);
    const q2 = (await patient.get(`/api/plans/${plan.id}/quote`)).json() as typeof q1;
    expect(q2).toEqual(q1);
    expect(q2.priceListVersion).toBe(list.version);
    const pdf = await patient.get(`/api/plans/${plan.id}/quote?format=pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  }, 120_000);
});
