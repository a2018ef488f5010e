/** The versions of a case record: save the next one (optimistic concurrency) and read one. */
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../app.js";
import { cases, caseVersions } from "../db/schema.js";
import { conflict } from "../http.js";

/** Writes version n + 1 of a case record if the case is still at version n (optimistic concurrency). */
export async function saveCaseVersion(
  ctx: AppContext,
  caseId: string,
  expectedVersion: number,
  record: unknown,
  userId: string,
  note: string,
): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const next = expectedVersion + 1;
    const bumped = await tx
      .update(cases)
      .set({ currentVersion: next, updatedAt: new Date() })
      .where(and(eq(cases.id, caseId), eq(cases.currentVersion, expectedVersion)))
      .returning({ id: cases.id });
    if (!bumped.length) {
      const [c] = await tx.select({ v: cases.currentVersion }).from(cases).where(eq(cases.id, caseId));
      throw conflict(
        `the case changed since version ${expectedVersion} (now version ${c?.v}); reload it and apply your change again`,
      );
    }
    await tx.insert(caseVersions).values({ caseId, version: next, record, createdBy: userId, note });
    return next;
  });
}

export async function currentRecord(ctx: AppContext, caseId: string, version: number): Promise<unknown> {
  const [v] = await ctx.db
    .select({ record: caseVersions.record })
    .from(caseVersions)
    .where(and(eq(caseVersions.caseId, caseId), eq(caseVersions.version, version)));
  return v?.record;
}
