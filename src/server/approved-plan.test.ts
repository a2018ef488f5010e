/**
 * Issue 12 §1: what the patient and the clinician see is what was approved. A clinician approves an edited
 * protocol (the first T-VEC injection 4e7 PFU on day 1 instead of the label's 4e6 PFU on day 0; issue 14 §3 put
 * T-VEC on its label schedule); the doses and days are read back
 * from the API, the clinician's HTML and PDF reports and the patient's plain-language copy (HTML, PDF, API), and
 * the stored prediction is the edited protocol's, simulated again.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedSimulationInput } from "../planner/approved.js";
import type { Plan } from "../planner/plan.js";
import { simulatePlanCandidate } from "../planner/simulate-any.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { pdfText } from "../test-support/pdf-text.js";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";
import { auditLog, plans } from "./db/schema.js";

const TVEC = "talimogene-laherparepvec";

async function waitFor(c: Client, jobId: string): Promise<{ status: string; error: string | null }> {
  for (let i = 0; i < 1200; i++) {
    const j = (await c.get(`/api/jobs/${jobId}`)).json() as { status: string; error: string | null };
    if (j.status !== "queued" && j.status !== "running") return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("job did not finish");
}

const flat = (s: string) => s.replace(/\s+/g, " ");

describe.each(backends())("the approved plan is the plan, on %s", (backend) => {
  let s: TestServer;
  let clinician: Client;
  let patient: Client;
  let caseId: string;
  let planId: string;
  let doc: Plan;
  let chosen: Plan["candidates"][number];
  let edited: Protocol;
  beforeAll(async () => {
    s = await startTestServer(backend);
    clinician = await s.login("clinician@demo.immunoplan");
    patient = await s.login("patient@demo.immunoplan");
    caseId = ((await clinician.get("/api/cases")).json() as { id: string }[])[0].id;
    const r = await clinician.post(`/api/cases/${caseId}/jobs`, {
      kind: "plan",
      options: { date: "2026-11-24", samples: 8, maxCandidates: 30, mcmc: { warmup: 400, draws: 400 } },
    });
    expect(await waitFor(clinician, r.json().id)).toMatchObject({ status: "succeeded" });
    planId = ((await clinician.get(`/api/cases/${caseId}/plans`)).json() as { id: string }[])[0].id;
    doc = ((await clinician.get(`/api/plans/${planId}`)).json() as { plan: Plan }).plan;
    // a candidate with the first T-VEC injection on day 0 of the clinic stay at the label dose (4e6 PFU)
    chosen = doc.candidates.find((c) =>
      c.protocol.phases[0].steps.some(
        (x) => x.agent === TVEC && JSON.stringify(x.days) === "[0]" && x.dose.value === 4e6,
      ),
    )!;
    expect(chosen).toBeDefined();
    edited = structuredClone(chosen.protocol) as Protocol;
    const step = edited.phases[0].steps.find((x) => x.agent === TVEC)!;
    step.dose.value = 4e7;
    step.days = [1];
  }, 180_000);
  afterAll(async () => s.close());

  const tvecOf = (p: Protocol) => p.phases[0].steps.find((x) => x.agent === TVEC)!;

  it("refuses impossible doses naming the field, and a dose above the label without a reason", async () => {
    const bad = structuredClone(edited);
    tvecOf(bad).dose.value = -5;
    const neg = await clinician.post(`/api/plans/${planId}/approve`, { chosen: chosen.id, protocol: bad });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().error.path).toBe(
      `body.protocol.phases.0.steps.${edited.phases[0].steps.indexOf(tvecOf(edited))}.dose.value`,
    );
    tvecOf(bad).dose.value = 0;
    expect(
      (await clinician.post(`/api/plans/${planId}/approve`, { chosen: chosen.id, protocol: bad })).statusCode,
    ).toBe(400);
    tvecOf(bad).dose.value = 8e8;
    const high = await clinician.post(`/api/plans/${planId}/approve`, { chosen: chosen.id, protocol: bad });
    expect(high.statusCode).toBe(400);
    expect(high.json().error.message).toMatch(/above the label maximum .*dose_override_reason/);
    expect(high.json().error.path).toMatch(/^body\.protocol\.phases\[0\]\.steps\[\d+\]\.dose\.value$/);
    // T-VEC every other day breaks its label interval (issue 14 §3)
    tvecOf(bad).dose.value = 4e7;
    tvecOf(bad).days = [1, 3, 5];
    const daily = await clinician.post(`/api/plans/${planId}/approve`, { chosen: chosen.id, protocol: bad });
    expect(daily.statusCode).toBe(400);
    expect(daily.json().error.message).toMatch(/its dosing interval is 14 days/);
    // still a draft: nothing was approved
    expect(((await clinician.get(`/api/plans/${planId}`)).json() as { status: string }).status).toBe("draft");
  });

  it("stores the edited protocol with its own prediction, simulated again on the plan's samples", async () => {
    const r = await clinician.post(`/api/plans/${planId}/approve`, { chosen: chosen.id, protocol: edited });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: "approved", chosen: chosen.id, edited: true });
    const got = (await clinician.get(`/api/plans/${planId}`)).json() as {
      plan: Plan;
      approvedCandidate: Plan["candidates"][number] & { edited: boolean };
    };
    const a = got.approvedCandidate;
    expect(a.edited).toBe(true);
    expect(tvecOf(a.protocol)).toMatchObject({ dose: { value: 4e7, unit: "PFU" }, days: [1] });
    // the plan document the API serves carries the approved protocol in place of the generated one
    expect(tvecOf(got.plan.candidates.find((c) => c.id === chosen.id)!.protocol).days).toEqual([1]);
    // the prediction is the edited protocol's: the same simulation run here gives the same numbers
    const mine = simulatePlanCandidate(approvedSimulationInput(doc, edited));
    expect(a.outcome.pControl).toEqual(mine.pControl);
    expect(a.outcome.pElimination).toEqual(mine.pElimination);
    expect(a.bands!.quantiles[2]).toEqual(mine.bands[2]);
    expect(a.bands!.quantiles[2]).not.toEqual(chosen.bands?.quantiles[2] ?? []);
    expect(r.json().prediction.pControl).toEqual(mine.pControl);
  }, 60_000);

  it("the clinician's HTML and PDF reports show the approved doses and days", async () => {
    const html = (await clinician.get(`/api/plans/${planId}/report?format=html`)).body;
    const section = flat(/<section class="approved"[\s\S]*?<\/section>/.exec(html)![0]);
    expect(section).toContain("4e7 PFU");
    expect(section).not.toContain("4e6 PFU");
    expect(section).toMatch(/<td>1<\/td><td>talimogene laherparepvec/);
    expect(section).toContain("edited on approval");
    // the explanation of the approved candidate lists the approved days too
    const pdf = await clinician.get(`/api/plans/${planId}/report?format=pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = flat(pdfText(pdf.rawPayload));
    const approved = text.slice(
      text.indexOf("Approved protocol"),
      text.indexOf("How the candidates compared"),
    );
    expect(approved).toMatch(/day 1: talimogene laherparepvec \(T-VEC\) 4e7 PFU intratumoral/);
    expect(approved).not.toContain("4e6 PFU");
  });

  it("the patient's copy is plain language with the approved doses and dates, in the API, HTML and PDF", async () => {
    const mine = (await patient.get(`/api/cases/${caseId}/plans`)).json() as {
      candidate: { protocol: Protocol; edited: boolean };
      copy: { title: string; parts: { items: { what: string; dose: string; when: string }[] }[] };
    }[];
    expect(mine).toHaveLength(1);
    expect(tvecOf(mine[0].candidate.protocol)).toMatchObject({ dose: { value: 4e7 }, days: [1] });
    const item = mine[0].copy.parts[0].items.find((i) => /T-VEC/.test(i.what))!;
    // day 0 is 2026-11-24: day 1 is the 25th
    expect(item).toMatchObject({ dose: "40 million PFU (virus units)", when: "2026-11-25" });
    const html = (await patient.get(`/api/plans/${planId}/report?format=html`)).body;
    const pdf = flat(pdfText((await patient.get(`/api/plans/${planId}/report?format=pdf`)).rawPayload));
    for (const text of [flat(html), pdf]) {
      expect(text).toContain("Your treatment plan");
      // the approved dose in plain words (4e7 PFU), not the generated one (4e6 PFU)
      expect(text).toContain("40 million PFU");
      expect(text).not.toContain("4 million PFU");
      expect(text).toContain("2026-11-25");
      expect(text).toMatch(/Whom to call/);
      expect(text).toContain("Dr. Clara Clinician");
      // no model internals, no identifiers
      expect(text).not.toMatch(/R-hat|posterior|ESS\b|antigenicity/);
      expect(text).not.toContain(caseId);
      expect(text).not.toContain(planId);
    }
    expect(/<title>([^<]*)<\/title>/.exec(html)![1]).toBe("Your treatment plan");
  });

  it("a plan approved before this fix (edited protocol, no stored prediction) is re-simulated when first shown", async () => {
    const [row] = await s.database.db.select().from(plans).where(eq(plans.id, planId));
    const [old] = await s.database.db
      .insert(plans)
      .values({
        caseId: row.caseId,
        caseVersion: row.caseVersion,
        plan: doc,
        status: "approved",
        chosen: chosen.id,
        approvedProtocol: edited,
        approvedAt: new Date(),
      })
      .returning({ id: plans.id });
    const html = (await clinician.get(`/api/plans/${old.id}/report?format=html`)).body;
    const section = flat(/<section class="approved"[\s\S]*?<\/section>/.exec(html)![0]);
    expect(section).toContain("4e7 PFU");
    expect(section).not.toContain("4e6 PFU");
    const [stored] = await s.database.db.select().from(plans).where(eq(plans.id, old.id));
    const mine = simulatePlanCandidate(approvedSimulationInput(doc, edited));
    expect((stored.approvedCandidate as { outcome: { pControl: number[] } }).outcome.pControl).toEqual(
      mine.pControl,
    );
  }, 60_000);

  it("a plan whose personalization did not converge is approved only after its warning is acknowledged", async () => {
    const bad = structuredClone(doc) as Plan & { personalization: { converged: boolean } };
    // the demo melanoma case is planned on the calibrated clinical model: its criterion is the effective sample size
    Object.assign(bad.personalization, {
      converged: false,
      convergence: "NOT converged: effective sample size 3 < 20 — few virtual patients explain the scans",
    });
    const [row] = await s.database.db.select().from(plans).where(eq(plans.id, planId));
    const [p] = await s.database.db
      .insert(plans)
      .values({ caseId: row.caseId, caseVersion: row.caseVersion, plan: bad })
      .returning({ id: plans.id });
    const list = (await clinician.get(`/api/cases/${caseId}/plans`)).json() as {
      id: string;
      warning: string | null;
    }[];
    expect(list.find((x) => x.id === p.id)!.warning).toMatch(
      /did not converge \(NOT converged: effective sample size 3 < 20/,
    );
    expect(doc.personalization.converged).toBe(true);
    expect(list.find((x) => x.id === planId)!.warning).toBeNull();
    expect(((await clinician.get(`/api/plans/${p.id}`)).json() as { warning: string }).warning).toMatch(
      /did not converge/,
    );
    expect((await clinician.get(`/api/plans/${p.id}/report`)).body).toMatch(
      /class="warning" role="alert">The personalization did not converge/,
    );
    const refused = await clinician.post(`/api/plans/${p.id}/approve`, { chosen: chosen.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      path: "body.acknowledgeNotConverged",
      code: "not-converged",
    });
    const ok = await clinician.post(`/api/plans/${p.id}/approve`, {
      chosen: chosen.id,
      acknowledgeNotConverged: true,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().edited).toBe(false);
    const audit = await s.database.db.select().from(auditLog).where(eq(auditLog.resourceId, p.id));
    expect(audit.find((x) => x.action === "approve")!.detail).toMatchObject({
      acknowledged: expect.stringMatching(/did not converge/),
    });
  });
});
