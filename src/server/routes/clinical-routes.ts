import { asc, desc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { imagingAssessments } from "../../clinic/case-file.js";
import { CaseSchema, LesionSchema } from "../../clinic/case-schema.js";
import { adverseEventGuidance } from "../../clinic/ae-guidance.js";
import { lineResponse } from "../../clinic/response.js";
import { evaluateCase } from "../../clinic/evaluate.js";
import { casePatient } from "../../planner/personalize.js";
import { therapyCatalog } from "../../therapy/catalog.js";
import { compileProtocol } from "../../therapy/compile-protocol.js";
import { ProtocolSchema } from "../../therapy/protocol-schema.js";
import { validateProtocol } from "../../therapy/validate-protocol.js";
import { DOSE_UNITS } from "../../therapy/catalog-schema.js";
import type { AppContext } from "../app.js";
import { administrations, adverseEvents, assessments, notes, plans } from "../db/schema.js";
import { checkDate } from "../clinical-dates.js";
import { HttpError } from "../http.js";
import { currentRecord, saveCaseVersion } from "./case-routes.js";
import { caseFor, ErrorSchema, IdParams, requireActor } from "./common.js";
import { caseAgents, caseLineStarts } from "./follow-up-context.js";

const GRADE_MAX = { "CTCAE v5": 5, "ASTCT CRS": 4, "ASTCT ICANS": 4 } as const;

export async function clinicalRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();
  const now = () => ctx.config.clock?.() ?? new Date();

  api.post(
    "/cases/:id/administrations",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Record what was actually given",
        params: IdParams,
        body: z.object({
          planId: z.uuid().optional(),
          agent: z.string(),
          dose: z.object({ value: z.number().positive(), unit: z.enum(DOSE_UNITS) }),
          route: z.string(),
          givenAt: z.iso.datetime({ offset: true }),
          note: z.string().max(2000).optional(),
          /** Why a dose above the label maximum was given (required for such a dose). */
          doseOverrideReason: z.string().trim().min(3).max(500).optional(),
        }),
        response: { 201: z.object({ id: z.string() }), 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "treat");
      const b = req.body;
      const agent = therapyCatalog().agents.get(b.agent);
      if (!agent)
        throw new HttpError(400, `agent: unknown agent '${b.agent}'`, "body.agent", "invalid-input");
      if (!agent.routes.includes(b.route))
        throw new HttpError(
          400,
          `route: ${agent.name} is not given ${b.route} (${agent.routes.join(", ")})`,
          "body.route",
          "invalid-input",
        );
      const form = agent.doses.find((d) => d.unit === b.dose.unit);
      if (!form)
        throw new HttpError(
          400,
          `dose.unit: ${agent.name} is not dosed in ${b.dose.unit} (units: ${agent.doses.map((d) => d.unit).join(", ")})`,
          "body.dose.unit",
          "invalid-input",
        );
      if (b.dose.value > form.max * (1 + 1e-9) && !b.doseOverrideReason)
        throw new HttpError(
          400,
          `dose.value: ${b.dose.value} ${b.dose.unit} is above the label maximum of ${form.max} ${b.dose.unit} for ${agent.name}; give doseOverrideReason to record it`,
          "body.dose.value",
          "invalid-input",
        );
      const birth = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion)).patient.birthDate;
      checkDate("body.givenAt", b.givenAt, birth, now());
      if (b.planId) {
        const [p] = await ctx.db.select({ caseId: plans.caseId }).from(plans).where(eq(plans.id, b.planId));
        if (p?.caseId !== row.id)
          throw new HttpError(400, "planId: not a plan of this case", "body.planId", "invalid-input");
      }
      const [r] = await ctx.db
        .insert(administrations)
        .values({
          caseId: row.id,
          planId: b.planId,
          agent: b.agent,
          doseValue: b.dose.value,
          doseUnit: b.dose.unit,
          route: b.route,
          givenAt: new Date(b.givenAt),
          givenBy: a.id,
          note: b.doseOverrideReason
            ? `above the label maximum: ${b.doseOverrideReason}${b.note ? `\n${b.note}` : ""}`
            : b.note,
        })
        .returning({ id: administrations.id });
      await ctx.audit(req, {
        action: "record-administration",
        resourceType: "administration",
        resourceId: r.id,
        caseId: row.id,
      });
      return reply.status(201).send(r);
    },
  );

  api.get(
    "/cases/:id/administrations",
    { schema: { tags: ["follow-up"], params: IdParams } },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      await ctx.audit(req, { action: "list", resourceType: "administration", caseId: row.id });
      return ctx.db
        .select()
        .from(administrations)
        .where(eq(administrations.caseId, row.id))
        .orderBy(asc(administrations.givenAt));
    },
  );

  api.post(
    "/cases/:id/assessments",
    {
      schema: {
        tags: ["follow-up"],
        summary:
          "Enter a follow-up scan's lesion measurements (a new record version) and get RECIST 1.1 / iRECIST",
        params: IdParams,
        body: z.object({
          expectedVersion: z.number().int().min(1),
          date: z.iso.date(),
          modality: z.enum(["CT", "MRI", "PET-CT", "other"]),
          lesions: z.array(LesionSchema).min(1),
        }),
        response: { 201: z.unknown(), 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "treat");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      const b = req.body;
      checkDate("body.date", b.date, record.patient.birthDate, now());
      const next = {
        ...record,
        imaging: [
          ...record.imaging,
          { date: b.date, modality: b.modality, lesions: b.lesions, source: { kind: "manual" as const } },
        ],
      };
      const parsed = CaseSchema.safeParse(next);
      if (!parsed.success)
        throw new HttpError(
          400,
          `lesions: ${parsed.error.issues[0].message}`,
          `body.lesions.${parsed.error.issues[0].path.slice(3).join(".")}`,
          "invalid-input",
        );
      const version = await saveCaseVersion(
        ctx,
        row.id,
        b.expectedVersion,
        parsed.data,
        a.id,
        `follow-up imaging ${b.date}`,
      );
      await ctx.db
        .insert(assessments)
        .values({ caseId: row.id, date: b.date, modality: b.modality, lesions: b.lesions, recordedBy: a.id });
      await ctx.audit(req, {
        action: "record-assessment",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version },
      });
      return reply
        .status(201)
        .send({ version, response: responseOf(parsed.data, await caseLineStarts(ctx, row.id, parsed.data)) });
    },
  );

  api.get(
    "/cases/:id/response",
    {
      schema: {
        tags: ["follow-up"],
        summary: "RECIST 1.1, iRECIST and irRC from the record's imaging",
        params: IdParams,
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      await ctx.audit(req, {
        action: "read-response",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return responseOf(record, await caseLineStarts(ctx, row.id, record));
    },
  );

  api.post(
    "/cases/:id/adverse-events",
    {
      schema: {
        tags: ["follow-up"],
        summary: "Record an adverse event with its CTCAE v5 or ASTCT grade",
        params: IdParams,
        body: z.object({
          term: z.string().min(1).max(200),
          system: z.enum(["CTCAE v5", "ASTCT CRS", "ASTCT ICANS"]),
          grade: z.number().int().min(1).max(5),
          onset: z.iso.date(),
          details: z.record(z.string(), z.unknown()).optional(),
        }),
        response: { 201: z.object({ id: z.string(), guidance: z.unknown() }), 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "treat");
      const b = req.body;
      if (b.grade > GRADE_MAX[b.system])
        throw new HttpError(
          400,
          `grade: ${b.system} grades go from 1 to ${GRADE_MAX[b.system]}`,
          "body.grade",
          "invalid-input",
        );
      checkDate(
        "body.onset",
        b.onset,
        CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion)).patient.birthDate,
        now(),
      );
      const [r] = await ctx.db
        .insert(adverseEvents)
        .values({ caseId: row.id, ...b, recordedBy: a.id })
        .returning({ id: adverseEvents.id });
      await ctx.audit(req, {
        action: "record-adverse-event",
        resourceType: "adverse-event",
        resourceId: r.id,
        caseId: row.id,
      });
      const agents = await caseAgents(ctx, row.id);
      return reply.status(201).send({ ...r, guidance: adverseEventGuidance({ ...b, agents }) });
    },
  );

  api.get("/cases/:id/adverse-events", { schema: { tags: ["follow-up"], params: IdParams } }, async (req) => {
    const { row } = await caseFor(ctx, req, req.params.id, "read");
    await ctx.audit(req, { action: "list", resourceType: "adverse-event", caseId: row.id });
    const rows = await ctx.db
      .select()
      .from(adverseEvents)
      .where(eq(adverseEvents.caseId, row.id))
      .orderBy(desc(adverseEvents.onset));
    const agents = await caseAgents(ctx, row.id);
    return rows.map((r) => ({ ...r, guidance: adverseEventGuidance({ ...r, agents }) }));
  });

  api.get(
    "/cases/:id/checklist",
    {
      schema: {
        tags: ["cases"],
        summary: "What the records still miss (the evaluation's checklist)",
        params: IdParams,
        querystring: z.object({ date: z.iso.date().optional() }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      await ctx.audit(req, {
        action: "read-checklist",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      const ev = evaluateCase(record, req.query.date);
      return { checklist: ev.checklist, toRequest: ev.toRequest };
    },
  );

  api.post(
    "/cases/:id/compile-protocol",
    {
      schema: {
        tags: ["plans"],
        summary:
          "Check a protocol against the catalog and the sequencing rules and compile it for this patient",
        params: IdParams,
        body: z.object({ protocol: ProtocolSchema }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "plan");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      const problems = validateProtocol(req.body.protocol);
      if (problems.some((p) => p.severity === "error")) return { problems, compiled: null };
      let patient;
      try {
        patient = casePatient(record);
      } catch (e) {
        throw new HttpError(400, (e as Error).message, "record", "invalid-input");
      }
      const c = compileProtocol(req.body.protocol, patient);
      return {
        problems,
        compiled: { modules: c.modules, doses: c.doses, set: c.set, notes: c.notes, inputs: c.inputs },
      };
    },
  );

  api.post(
    "/cases/:id/notes",
    {
      schema: {
        tags: ["follow-up"],
        params: IdParams,
        body: z.object({ text: z.string().min(1).max(20000) }),
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "treat");
      const [r] = await ctx.db
        .insert(notes)
        .values({ caseId: row.id, authorId: a.id, text: req.body.text })
        .returning({ id: notes.id });
      await ctx.audit(req, { action: "write-note", resourceType: "note", resourceId: r.id, caseId: row.id });
      return reply.status(201).send(r);
    },
  );

  api.get(
    "/cases/:id/notes",
    { schema: { tags: ["follow-up"], summary: "Clinical notes (the care team only)", params: IdParams } },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "treat");
      await ctx.audit(req, { action: "list", resourceType: "note", caseId: row.id });
      return ctx.db.select().from(notes).where(eq(notes.caseId, row.id)).orderBy(desc(notes.createdAt));
    },
  );
}

/** RECIST 1.1, iRECIST and irRC of the current line of treatment (its baseline: the last scan before it started). */
function responseOf(record: z.infer<typeof CaseSchema>, lineStarts: string[]) {
  const a = imagingAssessments(record);
  const r = lineResponse(a, { lineStarts });
  if (!r)
    return {
      assessments: a.length,
      recist: null,
      irecist: null,
      note: "RECIST needs a baseline and a follow-up scan",
    };
  return { assessments: a.length, ...r };
}
