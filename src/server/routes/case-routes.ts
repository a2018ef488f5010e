import { asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseSchema } from "../../clinic/case-schema.js";
import { stampNewManualSources } from "../../clinic/case-diff.js";
import { mayGlobally } from "../access.js";
import type { AppContext } from "../app.js";
import {
  CASE_STATUSES,
  cases,
  caseVersions,
  consultationRequests,
  jobs,
  patients,
  plans,
  users,
} from "../db/schema.js";
import { checkDate, checkRecordDates } from "../clinical-dates.js";
import { forbidden, HttpError, notFound } from "../http.js";
import { caseFor, ErrorSchema, IdParams, requireActor } from "./common.js";
import { caseFhirRoutes } from "./case-fhir-routes.js";
import { currentRecord, saveCaseVersion } from "./case-versions.js";

const CaseSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(CASE_STATUSES),
  patientName: z.string(),
  clinicianId: z.string().nullable(),
  clinicianName: z.string().nullable(),
  currentVersion: z.number(),
  updatedAt: z.date(),
  attention: z.array(z.string()),
});

// importable from here as before the split
export { currentRecord, saveCaseVersion } from "./case-versions.js";

export async function caseRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "The cases the user may see, with what needs attention",
        response: { 200: z.array(CaseSummary), 401: ErrorSchema },
      },
    },
    async (req) => {
      const a = requireActor(req);
      const where: SQL | undefined =
        a.role === "patient"
          ? eq(patients.userId, a.id)
          : a.role === "clinician"
            ? eq(cases.clinicianId, a.id)
            : undefined;
      const rows = await ctx.db
        .select({
          c: cases,
          patientName: patients.name,
          clinicianName: users.name,
          openRequests: sql<number>`(select count(*)::int from ${consultationRequests} r where r.case_id = ${cases.id} and r.status = 'requested')`,
          draftPlans: sql<number>`(select count(*)::int from ${plans} p where p.case_id = ${cases.id} and p.status = 'draft')`,
          runningJobs: sql<number>`(select count(*)::int from ${jobs} j where j.case_id = ${cases.id} and j.status in ('queued', 'running'))`,
        })
        .from(cases)
        .innerJoin(patients, eq(patients.id, cases.patientId))
        .leftJoin(users, eq(users.id, cases.clinicianId))
        .where(where)
        .orderBy(desc(cases.updatedAt));
      await ctx.audit(req, { action: "list", resourceType: "case", detail: { count: rows.length } });
      return rows.map((r) => {
        const attention: string[] = [];
        if (!r.c.clinicianId) attention.push("no clinician assigned");
        if (r.openRequests) attention.push(`${r.openRequests} consultation request(s) to schedule`);
        if (r.draftPlans) attention.push(`${r.draftPlans} plan(s) awaiting review`);
        if (r.runningJobs) attention.push(`${r.runningJobs} job(s) running`);
        return {
          id: r.c.id,
          title: r.c.title,
          status: r.c.status,
          patientName: r.patientName,
          clinicianId: r.c.clinicianId,
          clinicianName: r.clinicianName,
          currentVersion: r.c.currentVersion,
          updatedAt: r.c.updatedAt,
          attention,
        };
      });
    },
  );

  api.post(
    "/cases",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Open a case for a patient (coordinator); the patient's account, if given, must be a patient account without a case, and the clinician an active clinician",
        body: z.object({
          title: z.string().min(1).max(200),
          patient: z.object({
            name: z.string().min(1),
            birthDate: z.string().optional(),
            userId: z.uuid().optional(),
          }),
          clinicianId: z.uuid().optional(),
        }),
        response: {
          201: z.object({ id: z.string(), version: z.number() }),
          400: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      if (!mayGlobally(a, "create-case")) {
        await ctx.audit(req, { action: "create", resourceType: "case", outcome: "denied" });
        throw forbidden("opening cases");
      }
      const b = req.body;
      if (b.patient.birthDate) checkDate("body.patient.birthDate", b.patient.birthDate, undefined);
      if (b.patient.userId) {
        // the record goes to this account: it must be a patient's, and not already someone's record
        const [u] = await ctx.db
          .select({ role: users.role, disabled: users.disabled, patient: patients.id })
          .from(users)
          .leftJoin(patients, eq(patients.userId, users.id))
          .where(eq(users.id, b.patient.userId));
        if (u?.role !== "patient" || u.disabled || u.patient)
          throw new HttpError(
            400,
            `patient.userId: ${u?.patient ? "this account already has a patient record" : "not an active patient account"}`,
            "body.patient.userId",
            "invalid-input",
          );
      }
      if (b.clinicianId) {
        const [c] = await ctx.db
          .select({ role: users.role, disabled: users.disabled })
          .from(users)
          .where(eq(users.id, b.clinicianId));
        if (c?.role !== "clinician" || c.disabled)
          throw new HttpError(
            400,
            "clinicianId: not an active clinician's account",
            "body.clinicianId",
            "invalid-input",
          );
      }
      const id = await ctx.db.transaction(async (tx) => {
        const [p] = await tx
          .insert(patients)
          .values({ name: b.patient.name, birthDate: b.patient.birthDate, userId: b.patient.userId })
          .returning();
        const [c] = await tx
          .insert(cases)
          .values({ patientId: p.id, title: b.title, clinicianId: b.clinicianId })
          .returning();
        const record = CaseSchema.parse({
          id: c.id,
          patient: { name: b.patient.name, birthDate: b.patient.birthDate, source: { kind: "manual" } },
        });
        await tx
          .insert(caseVersions)
          .values({ caseId: c.id, version: 1, record, createdBy: a.id, note: "opened" });
        return c.id;
      });
      await ctx.audit(req, { action: "create", resourceType: "case", resourceId: id, caseId: id });
      return reply.status(201).send({ id, version: 1 });
    },
  );

  api.get(
    "/cases/:id",
    {
      schema: {
        tags: ["cases"],
        summary: "The case with its current record",
        params: IdParams,
        response: { 200: z.unknown(), 404: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req) => {
      const { row, patientName } = await caseFor(ctx, req, req.params.id, "read");
      const record = await currentRecord(ctx, row.id, row.currentVersion);
      await ctx.audit(req, {
        action: "read",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version: row.currentVersion },
      });
      return { ...row, patientName, version: row.currentVersion, record };
    },
  );

  api.get(
    "/cases/:id/versions",
    {
      schema: { tags: ["cases"], summary: "Every version of the record (who, when, why)", params: IdParams },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      await ctx.audit(req, {
        action: "read-versions",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return ctx.db
        .select({
          version: caseVersions.version,
          createdAt: caseVersions.createdAt,
          createdBy: caseVersions.createdBy,
          createdByName: users.name,
          note: caseVersions.note,
        })
        .from(caseVersions)
        .leftJoin(users, eq(users.id, caseVersions.createdBy))
        .where(eq(caseVersions.caseId, row.id))
        .orderBy(asc(caseVersions.version));
    },
  );

  api.get(
    "/cases/:id/versions/:version",
    {
      schema: {
        tags: ["cases"],
        params: z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const record = await currentRecord(ctx, row.id, req.params.version);
      if (record === undefined) throw notFound("version");
      await ctx.audit(req, {
        action: "read",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version: req.params.version },
      });
      return { version: req.params.version, record };
    },
  );

  api.put(
    "/cases/:id/record",
    {
      schema: {
        tags: ["cases"],
        summary: "Save a new version of the record; 409 when someone saved in between",
        params: IdParams,
        body: z.object({
          expectedVersion: z.number().int().min(1),
          record: CaseSchema,
          note: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ version: z.number() }), 409: ErrorSchema, 400: ErrorSchema },
      },
    },
    async (req) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "write");
      // a value entered by hand says who entered it
      const prev = CaseSchema.safeParse(await currentRecord(ctx, row.id, req.body.expectedVersion));
      const record = stampNewManualSources(
        prev.success ? prev.data : null,
        { ...req.body.record, id: row.id },
        a.name,
      );
      checkRecordDates(record, "body.record", ctx.config.clock?.());
      const version = await saveCaseVersion(
        ctx,
        row.id,
        req.body.expectedVersion,
        record,
        a.id,
        req.body.note ?? "edited",
      );
      await ctx.audit(req, {
        action: "write",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version },
      });
      return { version };
    },
  );

  api.patch(
    "/cases/:id",
    {
      schema: {
        tags: ["cases"],
        summary: "Assign a clinician (coordinator, admin) or change the status (assigned clinician)",
        params: IdParams,
        body: z.object({
          clinicianId: z.uuid().nullable().optional(),
          status: z.enum(CASE_STATUSES).optional(),
        }),
      },
    },
    async (req) => {
      const { row } = await caseFor(
        ctx,
        req,
        req.params.id,
        req.body.clinicianId !== undefined ? "assign" : "write",
      );
      if (req.body.clinicianId !== undefined && req.body.status !== undefined)
        await caseFor(ctx, req, row.id, "write");
      if (req.body.clinicianId) {
        const [u] = await ctx.db
          .select({ role: users.role, disabled: users.disabled })
          .from(users)
          .where(eq(users.id, req.body.clinicianId));
        if (u?.role !== "clinician" || u.disabled)
          throw new HttpError(
            400,
            "clinicianId: not an active clinician's account",
            "body.clinicianId",
            "invalid-input",
          );
      }
      const [c] = await ctx.db
        .update(cases)
        .set({ ...req.body, updatedAt: new Date() })
        .where(eq(cases.id, row.id))
        .returning();
      await ctx.audit(req, {
        action: "update",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: req.body,
      });
      return { id: c.id, status: c.status, clinicianId: c.clinicianId };
    },
  );
  // the FHIR export and import, registered after the other routes as before the split
  await caseFhirRoutes(base, ctx);
}
