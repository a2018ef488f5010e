/**
 * The audit trail for admins: filtered by who (account id or e-mail), patient (case id, patient id, or the
 * patient's name or e-mail), action,
 * outcome and time range, as JSON or as a CSV file (`format=csv`; cells that a spreadsheet would run as a
 * formula are quoted with a leading apostrophe).
 */
import { and, desc, eq, gte, ilike, inArray, lt, or, type SQL } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { mayGlobally } from "../access.js";
import type { AppContext } from "../app.js";
import { AUDIT_OUTCOMES } from "../audit.js";
import { auditLog, cases, patients, users } from "../db/schema.js";
import { forbidden } from "../http.js";
import { Email, ErrorSchema, requireActor } from "./common.js";

export const AuditQuery = z.object({
  userId: z.uuid().optional(),
  email: Email.optional(),
  caseId: z.uuid().optional(),
  patientId: z.uuid().optional(),
  /** The patient by name (any part, case-insensitive) or by the e-mail of their account. */
  patient: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  resourceType: z.string().min(1).max(100).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  /** From this instant (inclusive; ISO 8601 with offset, or a date meaning its UTC midnight). */
  from: z.coerce.date().optional(),
  /** Up to this instant (exclusive). */
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(200),
  format: z.enum(["json", "csv"]).default("json"),
});

export const CSV_COLUMNS = [
  "id",
  "at",
  "userId",
  "email",
  "role",
  "action",
  "resourceType",
  "resourceId",
  "caseId",
  "outcome",
  "ip",
  "userAgent",
  "detail",
] as const;

/** One CSV cell (RFC 4180 quoting; a leading = + - @ or tab is defused with an apostrophe). */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === "object" && v !== null && !(v instanceof Date)) s = JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function auditRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/audit",
    {
      schema: {
        tags: ["admin"],
        summary:
          "The audit trail, newest first; filter by who, patient, action, outcome and time; format=csv exports it",
        querystring: AuditQuery,
        response: { 200: z.unknown(), 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      const a = requireActor(req);
      if (!mayGlobally(a, "read-audit")) throw forbidden("audit");
      const q = req.query;
      const where: SQL[] = [];
      if (q.userId) where.push(eq(auditLog.userId, q.userId));
      if (q.email) {
        const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, q.email));
        if (!u) return q.format === "csv" ? reply.type("text/csv").send(CSV_COLUMNS.join(",") + "\r\n") : [];
        where.push(eq(auditLog.userId, u.id));
      }
      if (q.caseId) where.push(eq(auditLog.caseId, q.caseId));
      if (q.patientId)
        where.push(
          inArray(
            auditLog.caseId,
            ctx.db.select({ id: cases.id }).from(cases).where(eq(cases.patientId, q.patientId)),
          ),
        );
      if (q.patient) {
        const text = q.patient.trim();
        const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push(
          inArray(
            auditLog.caseId,
            ctx.db
              .select({ id: cases.id })
              .from(cases)
              .innerJoin(patients, eq(patients.id, cases.patientId))
              .leftJoin(users, eq(users.id, patients.userId))
              .where(or(ilike(patients.name, pattern), eq(users.email, text.toLowerCase()))),
          ),
        );
      }
      if (q.action) where.push(eq(auditLog.action, q.action));
      if (q.resourceType) where.push(eq(auditLog.resourceType, q.resourceType));
      if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
      if (q.from) where.push(gte(auditLog.at, q.from));
      if (q.to) where.push(lt(auditLog.at, q.to));
      await ctx.audit(req, { action: "read-audit", resourceType: "audit", detail: { filter: q } });
      const rows = await ctx.db
        .select({ row: auditLog, email: users.email })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.userId))
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(q.limit);
      const out = rows.map((r) => ({ ...r.row, email: r.email }));
      if (q.format === "json") return out;
      const csv = [
        CSV_COLUMNS.join(","),
        ...out.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(",")),
      ].join("\r\n");
      const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, "-");
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="audit-${stamp}.csv"`)
        .send(csv + "\r\n");
    },
  );
}
