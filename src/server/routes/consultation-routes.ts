import { randomBytes } from "node:crypto";
import { and, asc, eq, type SQL } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { mayGlobally } from "../access.js";
import type { AppContext } from "../app.js";
import { appointments, cases, consultationRequests, outbox, patients, users } from "../db/schema.js";
import { forbidden, HttpError } from "../http.js";
import { formatInZone, zonedTimeToInstant } from "../time-zones.js";
import { caseFor, ErrorSchema, IdParams, requireActor, TimeZone } from "./common.js";

/** Either an instant with an offset ("2026-12-01T09:00:00Z") or a local time in `timeZone`. */
function instant(value: string, timeZone: string, field: string): Date {
  try {
    if (/[zZ]|[+-]\d{2}:\d{2}$/.test(value)) {
      const d = new Date(value);
      if (Number.isNaN(d.getTime())) throw new RangeError("invalid");
      return d;
    }
    return zonedTimeToInstant(value, timeZone);
  } catch {
    throw new HttpError(
      400,
      `${field}: '${value}' is not a date-time (YYYY-MM-DDTHH:MM in the time zone, or ISO with an offset)`,
      `body.${field}`,
      "invalid-input",
    );
  }
}

/** Where video consultations happen; a link is only data here (nothing is sent). */
const VIDEO_BASE = process.env.VIDEO_BASE_URL ?? "https://video.clinic.invalid/room/";

export async function consultationRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.post(
    "/cases/:id/consultation-requests",
    {
      schema: {
        tags: ["consultations"],
        summary: "Ask for a (video) consultation at a preferred time in the patient's time zone",
        params: IdParams,
        body: z.object({
          preferredStart: z.string(),
          timeZone: TimeZone,
          note: z.string().max(2000).optional(),
        }),
        response: {
          201: z.object({ id: z.string(), preferredStart: z.date(), timeZone: z.string() }),
          400: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "request-consultation");
      const when = instant(req.body.preferredStart, req.body.timeZone, "preferredStart");
      if (when.getTime() < Date.now() - 3600_000)
        throw new HttpError(400, "preferredStart: in the past", "body.preferredStart", "invalid-input");
      const [r] = await ctx.db
        .insert(consultationRequests)
        .values({
          caseId: row.id,
          requestedBy: a.id,
          preferredStart: when,
          timeZone: req.body.timeZone,
          note: req.body.note,
        })
        .returning();
      await ctx.audit(req, {
        action: "request-consultation",
        resourceType: "consultation-request",
        resourceId: r.id,
        caseId: row.id,
      });
      return reply.status(201).send({ id: r.id, preferredStart: r.preferredStart, timeZone: r.timeZone });
    },
  );

  api.get(
    "/consultation-requests",
    {
      schema: {
        tags: ["consultations"],
        summary: "Open requests: all (coordinator), the assigned cases' (clinician), one's own (patient)",
        querystring: z.object({
          status: z.enum(["requested", "scheduled", "cancelled"]).default("requested"),
        }),
      },
    },
    async (req) => {
      const a = requireActor(req);
      if (!mayGlobally(a, "list-consultations")) throw forbidden("listing consultation requests");
      const scope: SQL[] = [eq(consultationRequests.status, req.query.status)];
      if (a.role === "patient") scope.push(eq(patients.userId, a.id));
      if (a.role === "clinician") scope.push(eq(cases.clinicianId, a.id));
      const rows = await ctx.db
        .select({ r: consultationRequests, caseTitle: cases.title, patientName: patients.name })
        .from(consultationRequests)
        .innerJoin(cases, eq(cases.id, consultationRequests.caseId))
        .innerJoin(patients, eq(patients.id, cases.patientId))
        .where(and(...scope))
        .orderBy(asc(consultationRequests.preferredStart));
      await ctx.audit(req, {
        action: "list",
        resourceType: "consultation-request",
        detail: { count: rows.length },
      });
      return rows.map((x) => ({
        ...x.r,
        caseTitle: x.caseTitle,
        patientName: x.patientName,
        preferredLocal: formatInZone(x.r.preferredStart, x.r.timeZone),
      }));
    },
  );

  api.post(
    "/cases/:id/appointments",
    {
      schema: {
        tags: ["consultations"],
        summary: "Schedule a consultation (coordinator); assigns the clinician when the case has none",
        params: IdParams,
        body: z.object({
          requestId: z.uuid().optional(),
          clinicianId: z.uuid(),
          startsAt: z.string(),
          timeZone: TimeZone,
          durationMinutes: z.number().int().min(10).max(240).default(45),
        }),
        response: {
          201: z.object({ id: z.string(), startsAt: z.date(), videoLink: z.string() }),
          400: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "schedule");
      const b = req.body;
      const [clin] = await ctx.db.select().from(users).where(eq(users.id, b.clinicianId));
      if (clin?.role !== "clinician" || clin.disabled)
        throw new HttpError(
          400,
          "clinicianId: not an active clinician's account",
          "body.clinicianId",
          "invalid-input",
        );
      if (b.requestId) {
        // a reference must stay within the case: a request of another case is not this case's to schedule
        const [r] = await ctx.db
          .select({ caseId: consultationRequests.caseId })
          .from(consultationRequests)
          .where(eq(consultationRequests.id, b.requestId));
        if (r?.caseId !== row.id)
          throw new HttpError(
            400,
            "requestId: not a consultation request of this case",
            "body.requestId",
            "invalid-input",
          );
      }
      const startsAt = instant(b.startsAt, b.timeZone, "startsAt");
      const videoLink = `${VIDEO_BASE}${randomBytes(9).toString("base64url")}`;
      const id = await ctx.db.transaction(async (tx) => {
        const [ap] = await tx
          .insert(appointments)
          .values({
            caseId: row.id,
            requestId: b.requestId,
            clinicianId: b.clinicianId,
            startsAt,
            timeZone: b.timeZone,
            durationMinutes: b.durationMinutes,
            videoLink,
            createdBy: a.id,
          })
          .returning({ id: appointments.id });
        if (b.requestId)
          await tx
            .update(consultationRequests)
            .set({ status: "scheduled" })
            .where(and(eq(consultationRequests.id, b.requestId), eq(consultationRequests.caseId, row.id)));
        if (!row.clinicianId)
          await tx
            .update(cases)
            .set({ clinicianId: b.clinicianId, status: row.status === "intake" ? "evaluation" : row.status })
            .where(eq(cases.id, row.id));
        const [p] = await tx
          .select({ userId: patients.userId })
          .from(patients)
          .where(eq(patients.id, row.patientId));
        if (p?.userId) {
          const [pu] = await tx.select().from(users).where(eq(users.id, p.userId));
          if (pu)
            await tx.insert(outbox).values({
              toEmail: pu.email,
              subject: "Your Immunoplan consultation",
              body: `Your video consultation with ${clin.name} is on ${formatInZone(startsAt, pu.timeZone)} (${pu.timeZone}): ${videoLink}`,
            });
        }
        return ap.id;
      });
      await ctx.audit(req, {
        action: "schedule",
        resourceType: "appointment",
        resourceId: id,
        caseId: row.id,
      });
      return reply.status(201).send({ id, startsAt, videoLink });
    },
  );

  api.get(
    "/cases/:id/appointments",
    { schema: { tags: ["consultations"], params: IdParams } },
    async (req) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, a.role === "coordinator" ? "schedule" : "read");
      await ctx.audit(req, { action: "list", resourceType: "appointment", caseId: row.id });
      const rows = await ctx.db
        .select({ ap: appointments, clinicianName: users.name })
        .from(appointments)
        .innerJoin(users, eq(users.id, appointments.clinicianId))
        .where(eq(appointments.caseId, row.id))
        .orderBy(asc(appointments.startsAt));
      return rows.map((x) => ({
        ...x.ap,
        clinicianName: x.clinicianName,
        startsLocal: formatInZone(x.ap.startsAt, x.ap.timeZone),
      }));
    },
  );
}
