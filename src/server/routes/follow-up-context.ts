/**
 * What follow-up needs to know about a case beyond its record: the agents the patient receives (for adverse-event
 * guidance) and the start dates of the lines of treatment (for the RECIST baseline of the current line).
 */
import { asc, eq } from "drizzle-orm";
import type { CaseRecord } from "../../clinic/case-schema.js";
import { recordLineStarts } from "../../clinic/response.js";
import type { Plan } from "../../planner/plan.js";
import type { Protocol } from "../../therapy/protocol-schema.js";
import type { AppContext } from "../app.js";
import { administrations, cases, plans } from "../db/schema.js";

type PlanRow = typeof plans.$inferSelect;

/** The protocol a plan stands for: as approved (possibly edited), else its chosen candidate's. */
function planProtocol(p: PlanRow): Protocol | null {
  if (p.approvedProtocol) return p.approvedProtocol as Protocol;
  const cand = (p.plan as Plan).candidates?.find((c) => c.id === p.chosen);
  return cand?.protocol ?? null;
}

/** Agents given (administrations) and planned (approved and active plans), catalog ids, without repeats. */
export async function caseAgents(ctx: AppContext, caseId: string): Promise<string[]> {
  const given = await ctx.db
    .select({ agent: administrations.agent })
    .from(administrations)
    .where(eq(administrations.caseId, caseId));
  const ps = await ctx.db.select().from(plans).where(eq(plans.caseId, caseId));
  const planned = ps
    .filter((p) => p.status === "approved" || p.status === "active")
    .flatMap((p) => planProtocol(p)?.phases.flatMap((ph) => ph.steps.map((s) => s.agent)) ?? []);
  return [...new Set([...given.map((g) => g.agent), ...planned])];
}

/**
 * Start dates of the case's lines of treatment: every plan that started (its first administration, or the day it
 * became active) and the treatments in the record with a start date.
 */
export async function caseLineStarts(ctx: AppContext, caseId: string, record: CaseRecord): Promise<string[]> {
  const ps = await ctx.db.select().from(plans).where(eq(plans.caseId, caseId));
  const given = await ctx.db
    .select({ planId: administrations.planId, givenAt: administrations.givenAt })
    .from(administrations)
    .where(eq(administrations.caseId, caseId))
    .orderBy(asc(administrations.givenAt));
  const starts = recordLineStarts(record);
  for (const p of ps) {
    const first = given.find((g) => g.planId === p.id);
    if (first) starts.push(first.givenAt.toISOString().slice(0, 10));
    else if (p.status === "active") starts.push(p.statusChangedAt.toISOString().slice(0, 10));
  }
  return starts;
}

type CaseStatus = (typeof cases.$inferSelect)["status"];

/**
 * The case's status follows its plans: an approved or active plan means treatment, a completed one (and none
 * approved or active) follow-up; when every plan is withdrawn, a case in treatment or follow-up goes back to
 * planning. A closed case stays closed. Returns the status now in force.
 */
export async function syncCaseStatus(ctx: AppContext, caseId: string): Promise<CaseStatus> {
  const [c] = await ctx.db.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId));
  const ps = await ctx.db.select({ status: plans.status }).from(plans).where(eq(plans.caseId, caseId));
  const has = (s: string) => ps.some((p) => p.status === s);
  let next: CaseStatus = c.status;
  if (c.status === "closed") return c.status;
  if (has("active") || has("approved")) next = "treatment";
  else if (has("completed")) next = "follow-up";
  else if (c.status === "treatment" || c.status === "follow-up") next = "planning";
  if (next !== c.status)
    await ctx.db.update(cases).set({ status: next, updatedAt: new Date() }).where(eq(cases.id, caseId));
  return next;
}
