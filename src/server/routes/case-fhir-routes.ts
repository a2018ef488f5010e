/**
 * A case's record as FHIR: export the current version as an R4 / mCODE Bundle, import a Bundle as the next
 * version.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseSchema } from "../../clinic/case-schema.js";
import { exportBundle } from "../../clinic/fhir-export.js";
import { mergeCases } from "../../clinic/case-merge.js";
import { importBundle } from "../../clinic/fhir-import.js";
import type { AppContext } from "../app.js";
import { HttpError } from "../http.js";
import { currentRecord, saveCaseVersion } from "./case-versions.js";
import { caseFor, IdParams, requireActor } from "./common.js";
import { requireBundle } from "./record-routes.js";

export async function caseFhirRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/cases/:id/fhir",
    {
      schema: {
        tags: ["cases", "fhir"],
        summary: "The current record as a FHIR R4 / mCODE Bundle",
        params: IdParams,
      },
    },
    async (req) => {
      const { row } = await caseFor(ctx, req, req.params.id, "read");
      const record = CaseSchema.parse(await currentRecord(ctx, row.id, row.currentVersion));
      await ctx.audit(req, {
        action: "export-fhir",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
      });
      return exportBundle(record);
    },
  );

  api.post(
    "/cases/:id/fhir",
    {
      schema: {
        tags: ["cases", "fhir"],
        summary:
          "Import a FHIR Bundle: merged into the record as its next version (adds what is new, never replaces; conflicts are reported)",
        params: IdParams,
        querystring: z.object({ expectedVersion: z.coerce.number().int().min(1) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => {
      const a = requireActor(req);
      const { row } = await caseFor(ctx, req, req.params.id, "write");
      requireBundle(req.body);
      const { case: imported, report } = importBundle(req.body, row.id);
      if (report.read.length === 0)
        throw new HttpError(
          400,
          `the bundle has no resource Immunoplan reads (${report.invalid[0]?.message ?? "empty"})`,
          "body",
          "invalid-input",
        );
      const current = CaseSchema.parse(await currentRecord(ctx, row.id, req.query.expectedVersion));
      const merged = mergeCases(current, imported);
      const version = await saveCaseVersion(
        ctx,
        row.id,
        req.query.expectedVersion,
        merged.record,
        a.id,
        `FHIR import (merged: ${merged.changes.length} change(s), ${merged.conflicts.length} conflict(s))`,
      );
      await ctx.audit(req, {
        action: "import-fhir",
        resourceType: "case",
        resourceId: row.id,
        caseId: row.id,
        detail: { version, read: report.read.length, changes: merged.changes.length },
      });
      return { version, report, changes: merged.changes, conflicts: merged.conflicts };
    },
  );
}
