import { eq } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { mayOnCase, type Actor, type CaseAction } from "../access.js";
import type { AppContext } from "../app.js";
import { noteAudit } from "../audit.js";
import { passwordProblem } from "../auth.js";
import { cases, patients } from "../db/schema.js";
import { forbidden, notFound, unauthorized } from "../http.js";

export const IdParams = z.object({ id: z.uuid() });
export const ErrorSchema = z.object({
  error: z.object({ message: z.string(), code: z.string().optional(), path: z.string().optional() }),
});

/** An e-mail address, compared in lower case. */
export const Email = z.email().transform((e) => e.toLowerCase());
/** A new password that passes the password rule (auth.ts). */
export const Password = z.string().superRefine((p, c) => {
  const problem = passwordProblem(p);
  if (problem) c.addIssue({ code: "custom", message: `password ${problem}` });
});
/** An IANA time zone the runtime knows. */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "unknown IANA time zone");

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

export type CaseRow = typeof cases.$inferSelect;

/**
 * The case, if the actor may do `action` on it; otherwise an audited refusal: 404 when the actor may not even
 * know the case exists, 403 when they may see it but not do this.
 */
export async function caseFor(
  ctx: AppContext,
  req: FastifyRequest,
  caseId: string,
  action: CaseAction,
): Promise<{ row: CaseRow; patientUserId: string | null; patientName: string }> {
  const actor = requireActor(req);
  const [r] = await ctx.db
    .select({ row: cases, patientUserId: patients.userId, patientName: patients.name })
    .from(cases)
    .innerJoin(patients, eq(patients.id, cases.patientId))
    .where(eq(cases.id, caseId));
  if (!r) throw notFound("case");
  const facts = { patientUserId: r.patientUserId, clinicianId: r.row.clinicianId };
  if (!mayOnCase(actor, facts, action)) {
    await ctx.audit(req, { action, resourceType: "case", resourceId: caseId, caseId, outcome: "denied" });
    if (!mayOnCase(actor, facts, "summary")) throw notFound("case");
    throw forbidden(`${action} on this case`);
  }
  noteAudit(req, { caseId: r.row.id }); // the request's audit row names the case
  return r;
}
