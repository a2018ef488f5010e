/**
 * The clinic's price list (versioned; admins edit it), the estimates of a plan's candidates, and the quote of an
 * approved plan, frozen with the price list version it was made with (a later price list does not change it).
 */
import { desc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseSchema } from "../../clinic/case-schema.js";
import { latest } from "../../clinic/evaluate.js";
import type { Plan } from "../../planner/plan.js";
import {
  estimateProtocol,
  PriceListSchema,
  shippedPriceList,
  type Estimate,
  type PriceList,
} from "../../planner/price.js";
import { renderQuotePdf } from "../../planner/quote-pdf.js";
import type { Protocol } from "../../therapy/protocol-schema.js";
import type { AppContext } from "../app.js";
import { plans, priceLists, quotes, users } from "../db/schema.js";
import { conflict, forbidden, HttpError, notFound } from "../http.js";
import { currentRecord } from "./case-routes.js";
import { caseFor, IdParams, requireActor } from "./common.js";

/** The newest price list; the shipped catalog/prices.yaml becomes version 1 the first time it is needed. */
export async function currentPriceList(ctx: AppContext): Promise<{ version: number; document: PriceList }> {
  const [row] = await ctx.db.select().from(priceLists).orderBy(desc(priceLists.version)).limit(1);
  if (row) return { version: row.version, document: row.document as PriceList };
  const document = shippedPriceList();
  await ctx.db
    .insert(priceLists)
    .values({ version: 1, document, note: "catalog/prices.yaml" })
    .onConflictDoNothing();
  return currentPriceList(ctx);
}

type PlanRow = typeof plans.$inferSelect;

async function bodyOf(ctx: AppContext, p: PlanRow) {
  const r = CaseSchema.safeParse(await currentRecord(ctx, p.caseId, p.caseVersion));
  if (!r.success) return {};
  return { weightKg: latest(r.data.weights)?.kg, heightCm: latest(r.data.heights)?.cm };
}

const approvedProtocol = (p: PlanRow): { name: string; protocol: Protocol } | null => {
  const doc = p.plan as Plan;
  const chosen = doc.candidates.find((c) => c.id === p.chosen);
  if (!chosen) return null;
  return { name: chosen.name, protocol: (p.approvedProtocol as Protocol | null) ?? chosen.protocol };
};

/** The quote of an approved plan: made once (at approval) with the price list of that moment, then kept. */
export async function quoteFor(ctx: AppContext, p: PlanRow): Promise<typeof quotes.$inferSelect | null> {
  const [q] = await ctx.db.select().from(quotes).where(eq(quotes.planId, p.id));
  if (q) return q;
  if (!["approved", "active", "completed"].includes(p.status)) return null;
  const chosen = approvedProtocol(p);
  if (!chosen) return null;
  const list = await currentPriceList(ctx);
  const estimate = estimateProtocol(chosen.protocol, await bodyOf(ctx, p), list.document, list.version);
  await ctx.db
    .insert(quotes)
    .values({ planId: p.id, caseId: p.caseId, priceListVersion: list.version, estimate })
    .onConflictDoNothing();
  const [made] = await ctx.db.select().from(quotes).where(eq(quotes.planId, p.id));
  return made ?? null;
}

export async function priceRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/price-list",
    { schema: { tags: ["prices"], summary: "The current price list (any signed-in user)" } },
    async (req) => {
      requireActor(req);
      const list = await currentPriceList(ctx);
      const [row] = await ctx.db
        .select({ createdAt: priceLists.createdAt, note: priceLists.note, by: users.name })
        .from(priceLists)
        .leftJoin(users, eq(users.id, priceLists.createdBy))
        .where(eq(priceLists.version, list.version));
      return { ...list, createdAt: row?.createdAt, note: row?.note ?? null, createdBy: row?.by ?? null };
    },
  );

  api.get(
    "/price-list/versions",
    { schema: { tags: ["prices"], summary: "Every version of the price list (admin)" } },
    async (req) => {
      const a = requireActor(req);
      if (a.role !== "admin") throw forbidden("the price list's history");
      await currentPriceList(ctx);
      return ctx.db
        .select({
          version: priceLists.version,
          note: priceLists.note,
          createdAt: priceLists.createdAt,
          createdBy: users.name,
        })
        .from(priceLists)
        .leftJoin(users, eq(users.id, priceLists.createdBy))
        .orderBy(desc(priceLists.version));
    },
  );

  api.put(
    "/price-list",
    {
      schema: {
        tags: ["prices"],
        summary: "Save a new version of the price list (admin); quotes already given keep theirs",
        body: z.object({
          expectedVersion: z.number().int().min(1),
          document: z.unknown(),
          note: z.string().max(500).optional(),
        }),
      },
    },
    async (req) => {
      const a = requireActor(req);
      if (a.role !== "admin") {
        await ctx.audit(req, { action: "write", resourceType: "price-list", outcome: "denied" });
        throw forbidden("editing the price list");
      }
      const parsed = PriceListSchema.safeParse(req.body.document);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        const where = ["document", ...i.path.map(String)].join(".");
        throw new HttpError(400, `${where}: ${i.message}`, `body.${where}`, "invalid-input");
      }
      const current = await currentPriceList(ctx);
      if (current.version !== req.body.expectedVersion)
        throw conflict(
          `the price list changed since version ${req.body.expectedVersion} (now version ${current.version}); reload it`,
        );
      const version = current.version + 1;
      const inserted = await ctx.db
        .insert(priceLists)
        .values({ version, document: parsed.data, note: req.body.note ?? null, createdBy: a.id })
        .onConflictDoNothing()
        .returning({ version: priceLists.version });
      if (!inserted.length) throw conflict("someone saved the price list at the same time; reload it");
      await ctx.audit(req, { action: "write", resourceType: "price-list", resourceId: String(version) });
      return { version };
    },
  );

  const planFor = async (req: FastifyRequest, id: string, action: "read" | "plan") => {
    const [p] = await ctx.db.select().from(plans).where(eq(plans.id, id));
    if (!p) throw notFound("plan");
    await caseFor(ctx, req, p.caseId, action);
    if (req.actor?.role === "patient" && !["approved", "active", "completed"].includes(p.status))
      throw notFound("plan");
    return p;
  };

  api.get(
    "/plans/:id/estimates",
    {
      schema: {
        tags: ["prices"],
        summary:
          "What each candidate of the plan would cost with the current price list; the quote if approved",
        params: IdParams,
      },
    },
    async (req) => {
      const p = await planFor(req, req.params.id, "plan");
      const list = await currentPriceList(ctx);
      const body = await bodyOf(ctx, p);
      const candidates = (p.plan as Plan).candidates.map((c) => ({
        id: c.id,
        name: c.name,
        rank: c.rank,
        estimate: estimateProtocol(
          c.id === p.chosen && p.approvedProtocol ? (p.approvedProtocol as Protocol) : c.protocol,
          body,
          list.document,
          list.version,
        ) satisfies Estimate,
      }));
      const quote = await quoteFor(ctx, p);
      await ctx.audit(req, {
        action: "read-estimates",
        resourceType: "plan",
        resourceId: p.id,
        caseId: p.caseId,
      });
      return { priceListVersion: list.version, currency: list.document.currency, candidates, quote };
    },
  );

  api.get(
    "/plans/:id/quote",
    {
      schema: {
        tags: ["prices"],
        summary: "The quote of the approved plan (format=json or pdf); the patient sees it before it starts",
        params: IdParams,
        querystring: z.object({ format: z.enum(["json", "pdf"]).default("json") }),
      },
    },
    async (req, reply) => {
      const p = await planFor(req, req.params.id, "read");
      const q = await quoteFor(ctx, p);
      if (!q) throw notFound("quote (the plan is not approved)");
      await ctx.audit(req, {
        action: "read-quote",
        resourceType: "plan",
        resourceId: p.id,
        caseId: p.caseId,
      });
      if (req.query.format === "json") return q;
      const { patientName } = await caseFor(ctx, req, p.caseId, "read");
      const pdf = await renderQuotePdf(q.estimate as Estimate, {
        planName: approvedProtocol(p)?.name ?? "the approved plan",
        patientName,
        date: q.createdAt.toISOString().slice(0, 10),
        priceListVersion: q.priceListVersion,
      });
      return reply
        .header("content-type", "application/pdf")
        .header("content-disposition", `attachment; filename="quote-${p.id}.pdf"`)
        .send(pdf);
    },
  );
}
