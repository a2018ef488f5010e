/**
 * The plans' routes: list a case's plans, read a plan and its report, predict an edited protocol on the
 * plan's samples, approve a candidate, change a plan's status (patients see approved plans only).
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  approvedCandidate,
  approvedPlanDocument,
  approvedSimulationInput,
  type ApprovedCandidate,
} from "../../planner/approved.js";
import { patientCopy, renderPatientCopyHtml } from "../../planner/patient-copy.js";
import { RHAT_LIMIT } from "../../planner/personalize.js";
import type { Plan } from "../../planner/plan.js";
import { simulateOffThread } from "../../planner/pool.js";
import { ProtocolSchema, type Protocol } from "../../therapy/protocol-schema.js";
import { validateProtocol } from "../../therapy/validate-protocol.js";
import { renderPlanHtml } from "../../planner/report-html.js";
import { renderPatientCopyPdf, renderPlanPdf } from "../../planner/report-pdf.js";
import type { AppContext } from "../app.js";
import { PLAN_STATUSES, plans, users } from "../db/schema.js";
import { conflict, HttpError, notFound } from "../http.js";
import { quoteFor } from "./price-routes.js";
import { caseFor, ErrorSchema, IdParams, requireActor } from "./common.js";
import { syncCaseStatus } from "./follow-up-context.js";

type PlanRow = typeof plans.$inferSelect;
const APPROVED = ["approved", "active", "completed"];

/** Why a plan's personalization is not to be trusted, or null when it converged. */
export function convergenceWarning(doc: Plan): string | null {
  const p = doc.personalization;
  if (p.converged) return null;
  // the clinical model's importance sampling states its own criterion (effective sample size)
  if (p.convergence)
    return `the personalization did not converge (${p.convergence}): its predictions are unreliable`;
  const bad = p.posterior.filter((x) => x.informedByData && !(x.rhat < RHAT_LIMIT)).map((x) => x.name);
  return `the personalization did not converge (R-hat ≥ ${RHAT_LIMIT} for ${bad.join(", ") || "some parameter"}): its predictions are unreliable`;
}

/** A 400 naming the first error of an edited protocol (the sequencing and label rules of the therapy layer). */
function rejectProtocolErrors(protocol: Protocol): void {
  const errors = validateProtocol(protocol).filter((x) => x.severity === "error");
  if (errors.length)
    throw new HttpError(
      400,
      `protocol.${errors[0].path}: ${errors[0].message}`,
      `body.protocol.${errors[0].path}`,
      "invalid-input",
    );
}

export async function planRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  /** The candidate as approved, with the prediction for that protocol (made and stored once for older rows). */
  const approvalOf = async (p: PlanRow): Promise<ApprovedCandidate | null> => {
    if (!APPROVED.includes(p.status) || !p.chosen) return null;
    if (p.approvedCandidate) return p.approvedCandidate as ApprovedCandidate;
    const doc = p.plan as Plan;
    const a = await approve(doc, p.chosen, p.approvedProtocol as Protocol | null);
    await ctx.db.update(plans).set({ approvedCandidate: a }).where(eq(plans.id, p.id));
    return a;
  };
  const approve = async (doc: Plan, chosen: string, protocol: Protocol | null) => {
    const c = doc.candidates.find((k) => k.id === chosen)!;
    const edited = protocol !== null && JSON.stringify(protocol) !== JSON.stringify(c.protocol);
    const outcome = edited ? await simulateOffThread(approvedSimulationInput(doc, protocol)) : null;
    return approvedCandidate(doc, chosen, protocol, outcome);
  };
  /** What a patient sees of a plan: the approved candidate only, in plain language; never the alternatives. */
  const patientView = async (p: PlanRow, patientName: string) => {
    const doc = p.plan as Plan;
    const a = await approvalOf(p);
    if (!a)
      return {
        id: p.id,
        status: p.status,
        approvedAt: p.approvedAt,
        disclaimer: doc.disclaimer,
        candidate: null,
      };
    const copy = await patientCopyOf(p, doc, a, patientName);
    return {
      id: p.id,
      status: p.status,
      approvedAt: p.approvedAt,
      disclaimer: doc.disclaimer,
      date: doc.date,
      candidate: {
        id: a.basedOn,
        name: a.name,
        protocol: a.protocol,
        edited: a.edited,
        prediction: { pControl: a.outcome.pControl, pElimination: a.outcome.pElimination },
      },
      copy,
    };
  };
  const patientCopyOf = async (p: PlanRow, doc: Plan, a: ApprovedCandidate, patientName: string) => {
    const [by] = p.approvedBy
      ? await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, p.approvedBy))
      : [];
    return patientCopy(doc, a, {
      patientName,
      clinicianName: by?.name ?? null,
      approvedAt: p.approvedAt,
      clinicContact: ctx.config.clinicContact,
    });
  };

  api.get(
    "/cases/:id/plans",
    {
      schema: {
        tags: ["plans"],
        summary: "Plans of the case (patients: the approved ones)",
        params: IdParams,
      },
    },
    async (req) => {
      const a = requireActor(req);
      const { row, patientName } = await caseFor(ctx, req, req.params.id, "read");
      const rows = await ctx.db
        .select()
        .from(plans)
        .where(
          a.role === "patient"
            ? and(eq(plans.caseId, row.id), inArray(plans.status, ["approved", "active", "completed"]))
            : eq(plans.caseId, row.id),
        )
        .orderBy(desc(plans.createdAt));
      const mine = rows;
      await ctx.audit(req, { action: "list", resourceType: "plan", caseId: row.id });
      if (a.role === "patient") return Promise.all(mine.map((p) => patientView(p, patientName)));
      return mine.map((p) => ({
        id: p.id,
        status: p.status,
        caseVersion: p.caseVersion,
        chosen: p.chosen,
        createdAt: p.createdAt,
        approvedAt: p.approvedAt,
        approvedBy: p.approvedBy,
        recommended: (p.plan as Plan).recommended,
        edited: (p.approvedCandidate as ApprovedCandidate | null)?.edited ?? p.approvedProtocol !== null,
        warning: convergenceWarning(p.plan as Plan),
      }));
    },
  );

  const planFor = async (req: FastifyRequest, id: string, action: "read" | "plan") => {
    const [p] = await ctx.db.select().from(plans).where(eq(plans.id, id));
    if (!p) throw notFound("plan");
    const { patientName } = await caseFor(ctx, req, p.caseId, action);
    if (req.actor?.role === "patient" && !APPROVED.includes(p.status)) throw notFound("plan");
    return Object.assign(p, { patientName });
  };

  api.get(
    "/plans/:id",
    {
      schema: {
        tags: ["plans"],
        summary:
          "A plan: for an approved plan, the document with the candidate as approved (protocol and its prediction) and `approved`; patients get the approved candidate and their plain-language copy",
        params: IdParams,
      },
    },
    async (req) => {
      const { patientName, ...p } = await planFor(req, req.params.id, "read");
      await ctx.audit(req, { action: "read", resourceType: "plan", resourceId: p.id, caseId: p.caseId });
      if (req.actor?.role === "patient") return patientView(p, patientName);
      const a = await approvalOf(p);
      const doc = p.plan as Plan;
      return {
        ...p,
        plan: a ? approvedPlanDocument(doc, a) : doc,
        approvedCandidate: a,
        warning: convergenceWarning(doc),
      };
    },
  );

  api.get(
    "/plans/:id/report",
    {
      schema: {
        tags: ["plans"],
        summary: "The plan report (format=html or pdf)",
        params: IdParams,
        querystring: z.object({ format: z.enum(["html", "pdf"]).default("html") }),
      },
    },
    async (req, reply) => {
      const p = await planFor(req, req.params.id, "read");
      await ctx.audit(req, {
        action: "read-report",
        resourceType: "plan",
        resourceId: p.id,
        caseId: p.caseId,
      });
      const doc = p.plan as Plan;
      const a = await approvalOf(p);
      const html = (s: string) =>
        reply
          .header("content-type", "text/html; charset=utf-8")
          .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
          .send(s);
      const pdf = (b: Buffer, name: string) =>
        reply
          .header("content-type", "application/pdf")
          .header("content-disposition", `attachment; filename="${name}"`)
          .send(b);
      if (req.actor?.role === "patient") {
        // the patient's copy: the approved protocol in plain language (planFor: patients see approved plans only)
        const copy = await patientCopyOf(p, doc, a!, p.patientName);
        return req.query.format === "pdf"
          ? pdf(await renderPatientCopyPdf(copy), "treatment-plan.pdf")
          : html(renderPatientCopyHtml(copy));
      }
      const approved = a ? { candidate: a, approvedAt: p.approvedAt } : undefined;
      return req.query.format === "pdf"
        ? pdf(await renderPlanPdf(doc, { approved }), `plan-${p.id}.pdf`)
        : html(renderPlanHtml(doc, { approved }));
    },
  );

  api.post(
    "/plans/:id/predict",
    {
      schema: {
        tags: ["plans"],
        summary:
          "The plan's prediction for a protocol (an edited candidate) on the plan's own posterior samples: bands of viable tumour cells and, on the clinical model, of the sum of diameters (mm)",
        params: IdParams,
        body: z.object({ protocol: ProtocolSchema }),
        response: { 200: z.unknown(), 400: ErrorSchema },
      },
    },
    async (req) => {
      const p = await planFor(req, req.params.id, "plan");
      rejectProtocolErrors(req.body.protocol);
      await ctx.audit(req, { action: "predict", resourceType: "plan", resourceId: p.id, caseId: p.caseId });
      const doc = p.plan as Plan;
      const t0 = performance.now();
      const o = await simulateOffThread(approvedSimulationInput(doc, req.body.protocol));
      return {
        model: doc.model ?? "core",
        samples: o.samples,
        days: o.days,
        bands: o.bands,
        sldBands: o.sldBands ?? null,
        pControl: o.pControl,
        pElimination: o.pElimination,
        pResponse: o.pResponse ?? null,
        ms: performance.now() - t0,
      };
    },
  );

  api.post(
    "/plans/:id/approve",
    {
      schema: {
        tags: ["plans"],
        summary: "Approve one candidate of a draft plan (the assigned clinician)",
        params: IdParams,
        body: z.object({
          chosen: z.string().min(1),
          /** The candidate's protocol as edited by the clinician (days, doses); checked against the rules. */
          protocol: ProtocolSchema.optional(),
          /** Required when the personalization did not converge: the clinician read the warning. */
          acknowledgeNotConverged: z.boolean().optional(),
        }),
        response: { 200: z.unknown(), 409: ErrorSchema, 400: ErrorSchema },
      },
    },
    async (req) => {
      const a = requireActor(req);
      const p = await planFor(req, req.params.id, "plan");
      if (p.status !== "draft") throw conflict(`the plan is ${p.status}, not a draft`);
      const doc = p.plan as Plan;
      if (!doc.candidates.some((c) => c.id === req.body.chosen))
        throw new HttpError(
          400,
          `chosen: no candidate '${req.body.chosen}' in this plan`,
          "body.chosen",
          "invalid-input",
        );
      const warning = convergenceWarning(doc);
      if (warning && req.body.acknowledgeNotConverged !== true)
        throw new HttpError(
          409,
          `acknowledgeNotConverged: ${warning}; approve only after reading this warning (acknowledgeNotConverged: true)`,
          "body.acknowledgeNotConverged",
          "not-converged",
        );
      if (req.body.protocol) rejectProtocolErrors(req.body.protocol);
      // the prediction for the protocol as approved: simulated again on the plan's samples when it was edited
      const approved = await approve(doc, req.body.chosen, req.body.protocol ?? null);
      const [u] = await ctx.db
        .update(plans)
        .set({
          status: "approved",
          chosen: req.body.chosen,
          approvedProtocol: approved.edited ? approved.protocol : null,
          approvedCandidate: approved,
          approvedBy: a.id,
          approvedAt: new Date(),
          statusChangedAt: new Date(),
        })
        .where(and(eq(plans.id, p.id), eq(plans.status, "draft")))
        .returning();
      if (!u) throw conflict("the plan was approved or withdrawn meanwhile");
      // the quote: made now with the current price list and kept (a later price list does not change it)
      await quoteFor(ctx, u);
      await ctx.audit(req, {
        action: "approve",
        resourceType: "plan",
        resourceId: p.id,
        caseId: p.caseId,
        detail: {
          chosen: req.body.chosen,
          edited: approved.edited,
          ...(warning ? { acknowledged: warning } : {}),
        },
      });
      const caseStatus = await syncCaseStatus(ctx, p.caseId);
      return {
        id: u.id,
        status: u.status,
        caseStatus,
        chosen: u.chosen,
        approvedAt: u.approvedAt,
        edited: approved.edited,
        prediction: { pControl: approved.outcome.pControl, pElimination: approved.outcome.pElimination },
      };
    },
  );

  const NEXT: Record<string, readonly string[]> = {
    draft: ["withdrawn"],
    approved: ["active", "withdrawn"],
    active: ["completed", "withdrawn"],
    completed: [],
    withdrawn: [],
  };
  api.post(
    "/plans/:id/status",
    {
      schema: {
        tags: ["plans"],
        params: IdParams,
        summary:
          "Start (active), complete or withdraw a plan (a withdrawal needs a reason); the case follows",
        body: z.object({ status: z.enum(PLAN_STATUSES), reason: z.string().trim().max(2000).optional() }),
        response: { 200: z.unknown(), 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req) => {
      const p = await planFor(req, req.params.id, "plan");
      if (!NEXT[p.status].includes(req.body.status))
        throw conflict(`a ${p.status} plan cannot become ${req.body.status}`);
      if (req.body.status === "withdrawn" && !req.body.reason)
        throw new HttpError(400, "reason: say why the plan is withdrawn", "body.reason", "invalid-input");
      const [u] = await ctx.db
        .update(plans)
        .set({ status: req.body.status, statusChangedAt: new Date() })
        .where(eq(plans.id, p.id))
        .returning();
      await ctx.audit(req, {
        action: "plan-status",
        resourceType: "plan",
        resourceId: p.id,
        caseId: p.caseId,
        detail: { from: p.status, to: u.status, ...(req.body.reason ? { reason: req.body.reason } : {}) },
      });
      const caseStatus = await syncCaseStatus(ctx, p.caseId);
      return {
        id: u.id,
        status: u.status,
        caseStatus,
        ...(req.body.reason ? { reason: req.body.reason } : {}),
      };
    },
  );
}
