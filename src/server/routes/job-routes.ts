// The jobs' routes: run an evaluation, a fit or a plan in the background, poll or cancel it, and read a
// case's evaluations and fits; the plans' own routes are in plan-routes.ts.
import { desc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../app.js";
import { evaluations, fits, jobs } from "../db/schema.js";
import { conflict, notFound } from "../http.js";
import { caseFor, ErrorSchema, IdParams, requireActor } from "./common.js";
import { planRoutes } from "./plan-routes.js";

const JobOptions = z
  .object({
    date: z.iso.date().optional(),
    samples: z.number().int().min(4).max(1000).optional(),
    maxCandidates: z.number().int().min(1).max(2000).optional(),
    horizon: z.number().int().min(30).max(3650).optional(),
    seed: z.number().int().min(0).optional(),
    weights: z
      .object({
        control: z.number().min(0),
        elimination: z.number().min(0),
        toxicity: z.number().min(0),
        burden: z.number().min(0),
      })
      .optional(),
    mcmc: z
      .object({ warmup: z.number().int().min(50).max(20000), draws: z.number().int().min(50).max(20000) })
      .optional(),
  })
  .strict();

// importable from here as before the split
export { convergenceWarning } from "./plan-routes.js";

export async function jobRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.post(
    "/cases/:id/jobs",
    {
      schema: {
        tags: ["jobs"],
        summary:
          "Run an evaluation, a fit of the patient's model or a plan on the current version of the case (202; poll /api/jobs/{id})",
        params: IdParams,
        body: z.object({ kind: z.enum(["evaluate", "fit", "plan"]), options: JobOptions.optional() }),
        response: { 202: z.object({ id: z.string(), caseVersion: z.number() }), 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "plan");
      const id = await ctx.jobs.enqueue(
        req.body.kind,
        row.id,
        row.currentVersion,
        a.id,
        req.body.options ?? {},
      );
      await ctx.audit(req, {
        action: `job-${req.body.kind}`,
        resourceType: "job",
        resourceId: id,
        caseId: row.id,
        detail: { version: row.currentVersion },
      });
      return reply.status(202).send({ id, caseVersion: row.currentVersion });
    },
  );

  const jobFor = async (req: FastifyRequest, id: string, action: "read" | "plan") => {
    const [j] = await ctx.db.select().from(jobs).where(eq(jobs.id, id));
    if (!j) throw notFound("job");
    await caseFor(ctx, req, j.caseId, action);
    return j;
  };

  api.get("/jobs/:id", { schema: { tags: ["jobs"], params: IdParams } }, async (req) => {
    const { options: _o, ...j } = await jobFor(req, req.params.id, "plan");
    void _o;
    return j;
  });

  api.delete("/jobs/:id", { schema: { tags: ["jobs"], params: IdParams } }, async (req) => {
    const j = await jobFor(req, req.params.id, "plan");
    const cancelled = await ctx.jobs.cancel(j.id);
    if (!cancelled) throw conflict(`the job already ${j.status}`);
    await ctx.audit(req, { action: "cancel-job", resourceType: "job", resourceId: j.id, caseId: j.caseId });
    return { id: j.id, status: "cancelled" };
  });

  api.get("/cases/:id/evaluations", { schema: { tags: ["jobs"], params: IdParams } }, async (req) => {
    const { row } = await caseFor(ctx, req, req.params.id, "plan");
    await ctx.audit(req, { action: "read", resourceType: "evaluation", caseId: row.id });
    return ctx.db
      .select()
      .from(evaluations)
      .where(eq(evaluations.caseId, row.id))
      .orderBy(desc(evaluations.createdAt))
      .limit(20);
  });

  api.get(
    "/cases/:id/fits",
    {
      schema: {
        tags: ["jobs"],
        summary: "The patient's model fitted to the scans (newest first)",
        params: IdParams,
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "plan");
      await ctx.audit(req, { action: "read", resourceType: "fit", caseId: row.id });
      return ctx.db
        .select()
        .from(fits)
        .where(eq(fits.caseId, row.id))
        .orderBy(desc(fits.createdAt))
        .limit(10);
    },
  );

  // the plans' routes, registered after the jobs' as before the split
  await planRoutes(base, ctx);
}
