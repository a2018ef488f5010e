import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";

async function waitFor(c: Client, jobId: string, done: (s: string) => boolean, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    const j = (await c.get(`/api/jobs/${jobId}`)).json() as {
      status: string;
      progress: number;
      stage: string;
      error: string | null;
    };
    if (done(j.status) || Date.now() > until) return j;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(backends())("evaluation and planning jobs on %s", (backend) => {
  let s: TestServer;
  let clinician: Client;
  let patient: Client;
  let caseId: string;
  beforeAll(async () => {
    s = await startTestServer(backend);
    clinician = await s.login("clinician@demo.immunoplan");
    patient = await s.login("patient@demo.immunoplan");
    caseId = ((await clinician.get("/api/cases")).json() as { id: string }[])[0].id;
  }, 60_000);
  afterAll(async () => s.close());

  it("plans off the request thread, stores the plan with its case version; approval shows it to the patient", async () => {
    const small = { date: "2026-11-24", samples: 8, maxCandidates: 6, mcmc: { warmup: 100, draws: 100 } };
    const r = await clinician.post(`/api/cases/${caseId}/jobs`, { kind: "plan", options: small });
    expect(r.statusCode).toBe(202);
    // the server keeps answering while the job runs
    expect((await clinician.get(`/api/cases/${caseId}`)).statusCode).toBe(200);
    const job = await waitFor(clinician, r.json().id, (st) => st === "succeeded" || st === "failed");
    expect(job).toMatchObject({ status: "succeeded", progress: 1, error: null });
    const plans = (await clinician.get(`/api/cases/${caseId}/plans`)).json() as {
      id: string;
      status: string;
      caseVersion: number;
      recommended: string;
    }[];
    expect(plans[0]).toMatchObject({ status: "draft", caseVersion: r.json().caseVersion });
    // the patient does not see drafts
    expect((await patient.get(`/api/cases/${caseId}/plans`)).json()).toEqual([]);
    expect((await patient.get(`/api/plans/${plans[0].id}`)).statusCode).toBe(404);
    const bad = await clinician.post(`/api/plans/${plans[0].id}/approve`, { chosen: "no-such-candidate" });
    expect(bad.json().error.path).toBe("body.chosen");
    // (a plan this small may not converge: approving it needs the acknowledgement of the warning)
    const ok = await clinician.post(`/api/plans/${plans[0].id}/approve`, {
      chosen: plans[0].recommended,
      acknowledgeNotConverged: true,
    });
    expect(ok.json()).toMatchObject({ status: "approved", chosen: plans[0].recommended });
    expect(
      (await clinician.post(`/api/plans/${plans[0].id}/approve`, { chosen: plans[0].recommended }))
        .statusCode,
    ).toBe(409);
    const mine = (await patient.get(`/api/cases/${caseId}/plans`)).json() as {
      status: string;
      candidate: { id: string; protocol: unknown };
      disclaimer: string;
    }[];
    expect(mine).toHaveLength(1);
    expect(mine[0].candidate.id).toBe(plans[0].recommended);
    expect(mine[0].disclaimer).toMatch(/Decision support/);
    const pdf = await patient.get(`/api/plans/${plans[0].id}/report?format=pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    // status transitions follow draft → approved → active → completed
    expect(
      (await clinician.post(`/api/plans/${plans[0].id}/status`, { status: "completed" })).statusCode,
    ).toBe(409);
    expect(
      (await clinician.post(`/api/plans/${plans[0].id}/status`, { status: "active" })).json().status,
    ).toBe("active");
  }, 120_000);

  it("fits the patient's model as a job: posterior summary and samples stored with the case version", async () => {
    const r = await clinician.post(`/api/cases/${caseId}/jobs`, {
      kind: "fit",
      options: { date: "2026-11-24", samples: 10, mcmc: { warmup: 100, draws: 100 } },
    });
    const j = await waitFor(clinician, r.json().id, (st) => st !== "queued" && st !== "running");
    expect(j.status).toBe("succeeded");
    const fits = (await clinician.get(`/api/cases/${caseId}/fits`)).json() as {
      caseVersion: number;
      result: { posterior: { name: string; median: number }[]; samples: unknown[]; observations: unknown[] };
    }[];
    expect(fits[0].caseVersion).toBe(r.json().caseVersion);
    expect(fits[0].result.samples).toHaveLength(10);
    expect(fits[0].result.observations).toHaveLength(4);
    expect(fits[0].result.posterior.find((p) => p.name === "a")!.median).toBeGreaterThan(0);
    expect((await patient.get(`/api/cases/${caseId}/fits`)).statusCode).toBe(403);
  }, 60_000);

  it("runs an evaluation and can cancel a queued or running job", async () => {
    const ev = await clinician.post(`/api/cases/${caseId}/jobs`, {
      kind: "evaluate",
      options: { date: "2026-11-24" },
    });
    const j = await waitFor(clinician, ev.json().id, (st) => st !== "queued" && st !== "running");
    expect(j.status).toBe("succeeded");
    const evals = (await clinician.get(`/api/cases/${caseId}/evaluations`)).json() as {
      result: { eligibility: unknown[] };
    }[];
    expect(evals[0].result.eligibility.length).toBeGreaterThan(10);
    const big = await clinician.post(`/api/cases/${caseId}/jobs`, {
      kind: "plan",
      options: { date: "2026-11-24", samples: 200, maxCandidates: 400 },
    });
    await new Promise((r) => setTimeout(r, 300));
    const c = await clinician.delete(`/api/jobs/${big.json().id}`);
    expect(c.json()).toEqual({ id: big.json().id, status: "cancelled" });
    const after = (await clinician.get(`/api/jobs/${big.json().id}`)).json();
    expect(after.status).toBe("cancelled");
    expect((await clinician.delete(`/api/jobs/${big.json().id}`)).statusCode).toBe(409);
    // options are validated before anything is queued
    const bad = await clinician.post(`/api/cases/${caseId}/jobs`, { kind: "plan", options: { samples: 2 } });
    expect(bad.json().error.path).toBe("body.options.samples");
  }, 60_000);
});
