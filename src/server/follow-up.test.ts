import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseSchema } from "../clinic/case-schema.js";
import { startTestServer, type Client, type TestServer } from "../test-support/test-server.js";
import { plans } from "./db/schema.js";

/** A stored plan with one candidate giving pembrolizumab (the plan document reduced to what follow-up reads). */
const PLAN_DOC = {
  candidates: [
    {
      id: "pembro",
      protocol: {
        name: "pembrolizumab",
        phases: [
          {
            name: "induction",
            steps: [{ agent: "pembrolizumab", dose: { value: 200, unit: "mg" }, route: "iv", days: [0] }],
          },
        ],
      },
    },
  ],
};

describe("follow-up on pglite: plan status, the case status, the baseline of the line, AE guidance", () => {
  let s: TestServer;
  let clinician: Client;
  let caseId: string;
  let planId: string;
  beforeAll(async () => {
    // the scans and events below are dated up to 2027-01-20: the server's clock is after them (dates in the future
    // are refused)
    s = await startTestServer("pglite", { clock: () => new Date("2027-02-01T00:00:00Z") });
    clinician = await s.login("clinician@demo.immunoplan");
    const patient = await s.login("patient@demo.immunoplan");
    caseId = ((await patient.get("/api/cases")).json() as { id: string }[])[0].id;
    const [p] = await s.database.db
      .insert(plans)
      .values({ caseId, caseVersion: 1, status: "approved", plan: PLAN_DOC, chosen: "pembro" })
      .returning();
    planId = p.id;
  }, 60_000);
  afterAll(async () => s?.close());

  it("starting the plan puts the case in treatment", async () => {
    const r = await clinician.post(`/api/plans/${planId}/status`, { status: "active" });
    expect(r.json()).toMatchObject({ status: "active", caseStatus: "treatment" });
    expect((await clinician.get(`/api/cases/${caseId}`)).json().status).toBe("treatment");
  });

  it("a scan after the plan started is measured against the last scan before it (65 mm), not the first (48 mm)", async () => {
    const given = await clinician.post(`/api/cases/${caseId}/administrations`, {
      planId,
      agent: "pembrolizumab",
      dose: { value: 200, unit: "mg" },
      route: "iv",
      givenAt: "2026-11-25T10:00:00Z",
    });
    expect(given.statusCode).toBe(201);
    const cur = (await clinician.get(`/api/cases/${caseId}`)).json() as { version: number; record: unknown };
    const last = CaseSchema.parse(cur.record).imaging.at(-1)!;
    const sizes = [18, 14, 13]; // 45 mm
    const r = await clinician.post(`/api/cases/${caseId}/assessments`, {
      expectedVersion: cur.version,
      date: "2027-01-20",
      modality: "CT",
      lesions: last.lesions.map((l, i) => ({ id: l.id, role: l.role, nodal: l.nodal, diameterMm: sizes[i] })),
    });
    expect(r.statusCode).toBe(201);
    const resp = r.json().response;
    expect(resp.lineStart).toBe("2026-11-25");
    expect(resp.baseline).toMatchObject({ date: "2026-11-13", sumMm: 65 });
    expect(resp.recist.timepoints).toHaveLength(1);
    expect(resp.recist.timepoints[0]).toMatchObject({ sumMm: 45, overall: "PR" });
    expect(resp.recist.timepoints[0].changeFromBaselinePct).toBeCloseTo(-30.77, 2);
    expect(resp.irecist.timepoints[0].response).toBe("iPR");
    expect(resp.irecist.best.response).toBe("iPR");
    // a single PR 68 days after the baseline: best PR, confirmed only as SD (no second scan yet)
    expect(resp.recist.best).toMatchObject({ response: "PR", confirmed: "SD" });
    const again = (await clinician.get(`/api/cases/${caseId}/response`)).json();
    expect(again.baseline.sumMm).toBe(65);
  });

  it("adverse-event guidance follows the term and the agent", async () => {
    const neutropenia = await clinician.post(`/api/cases/${caseId}/adverse-events`, {
      term: "Neutropenia",
      system: "CTCAE v5",
      grade: 4,
      onset: "2026-12-10",
    });
    expect(neutropenia.statusCode).toBe(201);
    expect(neutropenia.json().guidance.text).not.toMatch(/discontinue permanently/);
    expect(neutropenia.json().guidance.text).toMatch(/febrile neutropenia/);
    const colitis = await clinician.post(`/api/cases/${caseId}/adverse-events`, {
      term: "Colitis",
      system: "CTCAE v5",
      grade: 4,
      onset: "2026-12-12",
    });
    expect(colitis.json().guidance.text).toMatch(
      /^checkpoint inhibitor \(pembrolizumab\): discontinue permanently/,
    );
    const list = (await clinician.get(`/api/cases/${caseId}/adverse-events`)).json() as {
      term: string;
      guidance: { basis: string };
    }[];
    expect(list.find((e) => e.term === "Neutropenia")!.guidance.basis).toMatch(/haematologic/);
  });

  it("withdrawing needs a reason; with no plan left the case goes back to planning", async () => {
    const bare = await clinician.post(`/api/plans/${planId}/status`, { status: "withdrawn" });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error).toMatchObject({ path: "body.reason" });
    const r = await clinician.post(`/api/plans/${planId}/status`, {
      status: "withdrawn",
      reason: "grade 4 colitis",
    });
    expect(r.json()).toMatchObject({
      status: "withdrawn",
      caseStatus: "planning",
      reason: "grade 4 colitis",
    });
    expect((await clinician.get(`/api/cases/${caseId}`)).json().status).toBe("planning");
    expect((await clinician.post(`/api/plans/${planId}/status`, { status: "active" })).statusCode).toBe(409);
  });
});
