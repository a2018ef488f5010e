/**
 * The record editor's endpoints: value-set search, the records checklist with the documents that would supply
 * what is missing, the difference between two versions, and the preview of a FHIR import (what it would read,
 * ignore and find invalid, and the changes its merge would make) before anything is saved.
 */
import { desc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { diffCases } from "../../clinic/case-diff.js";
import { mergeCases } from "../../clinic/case-merge.js";
import { CaseSchema } from "../../clinic/case-schema.js";
import { checklistHints } from "../../clinic/checklist-sources.js";
import { evaluateCase } from "../../clinic/evaluate.js";
import { importBundle, isBundle } from "../../clinic/fhir-import.js";
import { searchValueSet, VALUE_SET_KINDS } from "../../clinic/value-sets.js";
import type { AppContext } from "../app.js";
import { documents, patients } from "../db/schema.js";
import { HttpError, notFound } from "../http.js";
import { PatientDetails } from "./patient-details.js";
import { currentRecord, saveCaseVersion } from "./case-routes.js";
import { caseFor, IdParams, requireActor } from "./common.js";

/** A Bundle or a 400 that says what it is instead. */
export function requireBundle(body: unknown): void {
  if (!isBundle(body)) {
    const type = (body as { resourceType?: unknown } | null)?.resourceType;
    throw new HttpError(
      400,
      `body: not a FHIR Bundle (${typeof type === "string" ? `resourceType is '${type}'` : "no resourceType"})`,
      "body.resourceType",
      "invalid-input",
    );
  }
}

export async function recordRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/value-sets/:kind",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Search a value set of the record editor (diagnoses, histology, staging systems, biomarkers, labs, modalities)",
        params: z.object({ kind: z.enum(VALUE_SET_KINDS as [string, ...string[]]) }),
        querystring: z.object({
          q: z.string().max(100).default(""),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
    },
    async (req) => {
      requireActor(req);
      return searchValueSet(
        req.params.kind as (typeof VALUE_SET_KINDS)[number],
        req.query.q,
        req.query.limit,
      );
    },
  );

  api.get(
    "/cases/:id/patient-details",
    {
      schema: {
        tags: ["cases"],
        summary: "The patient's administrative details (the coordinator keeps them; no clinical data)",
        params: IdParams,
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "administrative");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      await ctx.audit(req, {
        action: "read-details",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      const { source, ...patient } = record.patient;
      return { version: row.currentVersion, patient, source };
    },
  );

  api.put(
    "/cases/:id/patient-details",
    {
      schema: {
        tags: ["cases"],
        summary:
          "Change the patient's administrative details: a new version of the record (409 when it changed)",
        params: IdParams,
        body: z.object({ expectedVersion: z.number().int().min(1), patient: PatientDetails }),
      },
    },
    async (req) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "administrative");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, req.body.expectedVersion));
      const patient = { ...req.body.patient, source: { kind: "manual" as const, by: a.name } };
      const version = await saveCaseVersion(
        ctx,
        row.id,
        req.body.expectedVersion,
        { ...record, patient },
        a.id,
        "patient details",
      );
      if (patient.name)
        await ctx.db
          .update(patients)
          .set({ name: patient.name, birthDate: patient.birthDate ?? null })
          .where(eq(patients.id, row.patientId));
      await ctx.audit(req, {
        action: "write-details",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version },
      });
      return { version };
    },
  );

  const checklistOf = async (caseId: string, record: unknown, date: string | undefined) => {
    const docs = await ctx.db
      .select({ id: documents.id, filename: documents.filename, dicom: documents.dicom })
      .from(documents)
      .where(eq(documents.caseId, caseId))
      .orderBy(desc(documents.uploadedAt));
    const ev = evaluateCase(CaseSchema.parse(record), date);
    return checklistHints(
      ev.checklist,
      docs as { id: string; filename: string; dicom: { modality?: string } | null }[],
    );
  };

  api.get(
    "/cases/:id/record-checklist",
    {
      schema: {
        tags: ["cases"],
        summary: "The records checklist with the documents that would supply what is missing",
        params: IdParams,
        querystring: z.object({ date: z.iso.date().optional() }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const record = await currentRecord(ctx, row.id, row.currentVersion);
      await ctx.audit(req, {
        action: "read-checklist",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return { version: row.currentVersion, items: await checklistOf(row.id, record, req.query.date) };
    },
  );

  api.post(
    "/cases/:id/record-checklist",
    {
      schema: {
        tags: ["cases"],
        summary:
          "The checklist of a record being edited (not saved): it follows the form as fields are filled",
        params: IdParams,
        querystring: z.object({ date: z.iso.date().optional() }),
        body: z.object({ record: CaseSchema }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "write");
      await ctx.audit(req, {
        action: "read-checklist",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return {
        version: row.currentVersion,
        items: await checklistOf(row.id, req.body.record, req.query.date),
      };
    },
  );

  api.get(
    "/cases/:id/diff",
    {
      schema: {
        tags: ["cases"],
        summary: "What changed between two versions of the record",
        params: IdParams,
        querystring: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const [a, b] = await Promise.all([
        currentRecord(ctx, row.id, req.query.from),
        currentRecord(ctx, row.id, req.query.to),
      ]);
      if (a === undefined || b === undefined) throw notFound("version");
      await ctx.audit(req, {
        action: "read-versions",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { from: req.query.from, to: req.query.to },
      });
      return {
        from: req.query.from,
        to: req.query.to,
        changes: diffCases(CaseSchema.parse(a), CaseSchema.parse(b)),
      };
    },
  );

  api.post(
    "/cases/:id/fhir/preview",
    {
      schema: {
        tags: ["cases", "fhir"],
        summary:
          "What importing this FHIR Bundle would do: the import report and the changes of the merge (nothing is saved)",
        params: IdParams,
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "write");
      requireBundle(req.body);
      const current = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      const { case: imported, report } = importBundle(req.body, row.id);
      const merged = mergeCases(current, imported);
      await ctx.audit(req, {
        action: "preview-fhir",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { read: report.read.length, ignored: report.ignored.length, invalid: report.invalid.length },
      });
      return { version: row.currentVersion, report, changes: merged.changes, conflicts: merged.conflicts };
    },
  );
}
