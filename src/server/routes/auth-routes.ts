import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/connect.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseSchema } from "../../clinic/case-schema.js";
import type { AppContext } from "../app.js";
import { SESSION_COOKIE } from "../app.js";
import { hashPassword, LOCKOUT, newToken, tokenHash, verifyPassword } from "../auth.js";
import {
  cases,
  caseVersions,
  loginFailures,
  passwordResets,
  patients,
  sessions,
  users,
} from "../db/schema.js";
import { HttpError, unauthorized } from "../http.js";
import { sendMail } from "../mail.js";
import { isSecureRequest } from "../transport.js";
import { Email, ErrorSchema, Password, requireActor, TimeZone } from "./common.js";

const UserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  timeZone: z.string(),
});
const SessionView = z.object({ user: UserView, csrfToken: z.string() });

/** A dummy hash so that an unknown, disabled or locked account costs as much time as a wrong password. */
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword("not a password, never matches"));

/** How long one-time codes are valid (hours). */
export const CODE_HOURS = { reset: 1, signup: 24, invite: 72 } as const;

/** A one-time code for an account (stored as its SHA-256 only); returns the code for the message. */
export async function issueCode(db: Db, userId: string, purpose: keyof typeof CODE_HOURS): Promise<string> {
  const { token, hash } = newToken();
  await db.insert(passwordResets).values({
    tokenHash: hash,
    userId,
    purpose,
    expiresAt: new Date(Date.now() + CODE_HOURS[purpose] * 3600_000),
  });
  return token;
}

/** Whether this account is locked for sign-ins from this source address. */
async function lockedFrom(db: Db, userId: string, source: string): Promise<boolean> {
  const [r] = await db
    .select({ until: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(and(eq(loginFailures.userId, userId), eq(loginFailures.source, source)));
  return !!r?.until && r.until > new Date();
}

/**
 * Counts one failed sign-in of the account from the source in one statement (concurrent guesses cannot lose a
 * count); failures older than the lockout window, or from before an expired lock, start again from one.
 */
async function countFailure(db: Db, userId: string, source: string): Promise<void> {
  const stale = sql`(${loginFailures.updatedAt} < now() - make_interval(mins => ${LOCKOUT.minutes}) or ${loginFailures.lockedUntil} <= now())`;
  const next = sql`case when ${stale} then 1 else ${loginFailures.failures} + 1 end`;
  await db
    .insert(loginFailures)
    .values({ userId, source, failures: 1 })
    .onConflictDoUpdate({
      target: [loginFailures.userId, loginFailures.source],
      set: {
        failures: next,
        lockedUntil: sql`case when ${next} >= ${LOCKOUT.attempts} then now() + make_interval(mins => ${LOCKOUT.minutes}) when ${stale} then null else ${loginFailures.lockedUntil} end`,
        updatedAt: sql`now()`,
      },
    });
}

const CHECK_MAIL = "If this e-mail can be used, we have sent a code to it: enter it to confirm your account.";

export async function startSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  user: typeof users.$inferSelect,
): Promise<z.infer<typeof SessionView>> {
  const { token, hash } = newToken();
  const csrf = newToken().token;
  await ctx.db.insert(sessions).values({
    id: hash,
    userId: user.id,
    csrfToken: csrf,
    expiresAt: new Date(Date.now() + ctx.config.sessionHours * 3600_000),
    ip: req.ip,
    userAgent: req.headers["user-agent"] ?? null,
  });
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    secure: isSecureRequest(req, ctx.config),
    path: "/",
    maxAge: ctx.config.sessionHours * 3600,
  });
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, timeZone: user.timeZone },
    csrfToken: csrf,
  };
}

export async function authRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.post(
    "/auth/signup",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Patient sign-up: creates the account, the patient and an intake case and e-mails a code to confirm the address (POST /auth/signup/confirm). Always 202, whether or not the e-mail has an account (its owner gets a notice)",
        body: z.object({
          email: Email,
          password: Password,
          name: z.string().min(1).max(200),
          timeZone: TimeZone.optional(),
        }),
        response: { 202: z.object({ ok: z.boolean(), message: z.string() }), 400: ErrorSchema },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const b = req.body;
      // the same work whether or not the e-mail has an account: one argon2 hash, then mail
      const passwordHash = await hashPassword(b.password);
      const [existing] = await ctx.db.select().from(users).where(eq(users.email, b.email));
      if (existing) {
        if (!existing.emailVerified && !existing.disabled) {
          const code = await issueCode(ctx.db, existing.id, "signup");
          await sendMail(ctx, confirmMail(existing.email, code));
        } else
          await sendMail(ctx, {
            to: existing.email,
            subject: "Immunoplan: someone tried to sign up with your e-mail",
            body: "Someone tried to create an Immunoplan account with this e-mail, which already has one. If it was you, sign in or reset your password. If not, you can ignore this message: your account is unchanged.",
          });
        await ctx.audit(req, {
          action: "signup",
          resourceType: "user",
          resourceId: existing.id,
          outcome: "denied",
          detail: { reason: "e-mail has an account" },
        });
        return reply.status(202).send({ ok: true, message: CHECK_MAIL });
      }
      const user = await ctx.db.transaction(async (tx) => {
        const [u] = await tx
          .insert(users)
          .values({
            email: b.email,
            name: b.name,
            role: "patient",
            passwordHash,
            timeZone: b.timeZone ?? "UTC",
            emailVerified: false,
          })
          .returning();
        const [p] = await tx.insert(patients).values({ userId: u.id, name: b.name }).returning();
        const [c] = await tx
          .insert(cases)
          .values({ patientId: p.id, title: `Case of ${b.name}` })
          .returning();
        const record = CaseSchema.parse({ id: c.id, patient: { name: b.name, source: { kind: "manual" } } });
        await tx
          .insert(caseVersions)
          .values({ caseId: c.id, version: 1, record, createdBy: u.id, note: "sign-up" });
        return u;
      });
      const code = await issueCode(ctx.db, user.id, "signup");
      await sendMail(ctx, confirmMail(user.email, code));
      await ctx.audit(req, { action: "signup", resourceType: "user", resourceId: user.id });
      return reply.status(202).send({ ok: true, message: CHECK_MAIL });
    },
  );

  api.post(
    "/auth/signup/confirm",
    {
      schema: {
        tags: ["auth"],
        summary: "Confirms a sign-up with the e-mailed code and signs in",
        body: z.object({ token: z.string().min(10).max(200) }),
        response: { 200: SessionView, 400: ErrorSchema },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const userId = await useCode(ctx.db, req.body.token, ["signup"]);
      if (!userId) throw new HttpError(400, "token: unknown, used or expired", "body.token", "bad-token");
      const [u] = await ctx.db
        .update(users)
        .set({ emailVerified: true })
        .where(eq(users.id, userId))
        .returning();
      req.actor = { id: u.id, role: u.role, email: u.email, name: u.name };
      await ctx.audit(req, { action: "signup-confirm", resourceType: "user", resourceId: u.id });
      return startSession(ctx, req, reply, u);
    },
  );

  api.post(
    "/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Sign in (rate-limited; 5 failures from one address lock the account for that address for 15 minutes, answered like any failure)",
        body: z.object({ email: Email, password: z.string().max(1000) }),
        response: { 200: SessionView, 401: ErrorSchema },
      },
      config: { rateLimit: { max: 20, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const source = req.ip;
      const [u] = await ctx.db.select().from(users).where(eq(users.email, req.body.email));
      // one argon2 verification whatever the account's state, so that the answer's timing tells nothing
      const usable = !!u && !u.disabled && u.emailVerified;
      const locked = usable ? await lockedFrom(ctx.db, u.id, source) : false;
      const ok = await verifyPassword(usable ? u.passwordHash : await dummy(), req.body.password);
      if (!u || !usable || locked || !ok) {
        if (u && usable && !locked) await countFailure(ctx.db, u.id, source);
        const reason = !u
          ? "unknown e-mail"
          : u.disabled
            ? "disabled"
            : !u.emailVerified
              ? "e-mail not confirmed"
              : locked
                ? "locked"
                : "wrong password";
        await ctx.audit(req, {
          action: "login",
          resourceType: "user",
          resourceId: u?.id ?? null,
          outcome: "denied",
          detail: { reason },
        });
        // the same answer for every reason: it must not tell which e-mails have accounts, or which are locked
        throw new HttpError(401, "wrong e-mail or password", undefined, "bad-credentials");
      }
      await ctx.db
        .delete(loginFailures)
        .where(and(eq(loginFailures.userId, u.id), eq(loginFailures.source, source)));
      req.actor = { id: u.id, role: u.role, email: u.email, name: u.name };
      await ctx.audit(req, { action: "login", resourceType: "user", resourceId: u.id });
      return startSession(ctx, req, reply, u);
    },
  );

  api.post(
    "/auth/logout",
    { schema: { tags: ["auth"], response: { 204: z.null() } } },
    async (req, reply) => {
      if (req.sessionId) await ctx.db.delete(sessions).where(eq(sessions.id, req.sessionId));
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send(null);
    },
  );

  api.get(
    "/auth/me",
    {
      schema: {
        tags: ["auth"],
        summary: "The signed-in user and the CSRF token",
        response: { 200: SessionView, 401: ErrorSchema },
      },
    },
    async (req) => {
      const a = requireActor(req);
      const [u] = await ctx.db.select().from(users).where(eq(users.id, a.id));
      if (!u) throw unauthorized();
      return {
        user: { id: u.id, email: u.email, name: u.name, role: u.role, timeZone: u.timeZone },
        csrfToken: req.csrfToken!,
      };
    },
  );

  api.post(
    "/auth/password-reset/request",
    {
      schema: {
        tags: ["auth"],
        summary: "Sends a one-time reset token (to the outbox: nothing leaves the machine); always 202",
        body: z.object({ email: Email }),
        response: { 202: z.object({ ok: z.boolean() }) },
      },
      config: { rateLimit: { max: 5, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const [u] = await ctx.db.select().from(users).where(eq(users.email, req.body.email));
      if (u && !u.disabled) {
        const code = await issueCode(ctx.db, u.id, "reset");
        await sendMail(ctx, {
          to: u.email,
          subject: "Immunoplan password reset",
          body: `Use this one-time code within an hour to choose a new password: ${code}`,
          redacted: "A one-time code to choose a new password was sent (valid for an hour).",
        });
        await ctx.audit(req, { action: "password-reset-request", resourceType: "user", resourceId: u.id });
      }
      return reply.status(202).send({ ok: true });
    },
  );

  api.post(
    "/auth/password-reset/confirm",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Choose a new password with a reset or invitation code; every other open code of the account stops working and every session ends",
        body: z.object({ token: z.string().min(10).max(200), password: Password }),
        response: { 204: z.null(), 400: ErrorSchema },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const passwordHash = await hashPassword(req.body.password);
      const userId = await ctx.db.transaction(async (tx) => {
        const id = await useCode(tx, req.body.token, ["reset", "invite"]);
        if (!id) return null;
        // every other open code of this account stops working
        await tx
          .update(passwordResets)
          .set({ usedAt: sql`now()` })
          .where(and(eq(passwordResets.userId, id), isNull(passwordResets.usedAt)));
        await tx.update(users).set({ passwordHash }).where(eq(users.id, id));
        await tx.delete(loginFailures).where(eq(loginFailures.userId, id));
        await tx.delete(sessions).where(eq(sessions.userId, id)); // sign out everywhere
        return id;
      });
      if (!userId) throw new HttpError(400, "token: unknown, used or expired", "body.token", "bad-token");
      await ctx.audit(req, { action: "password-reset", resourceType: "user", resourceId: userId });
      return reply.status(204).send(null);
    },
  );
}

function confirmMail(to: string, code: string) {
  return {
    to,
    subject: "Immunoplan: confirm your e-mail",
    body: `Welcome to Immunoplan. Enter this one-time code within a day to confirm your e-mail and sign in: ${code}`,
    redacted: "A one-time code to confirm the e-mail was sent (valid for a day).",
  };
}

/** Marks a valid code of one of these purposes used; returns its account, or null (unknown, used or expired). */
async function useCode(
  db: Pick<Db, "update">,
  token: string,
  purposes: readonly ("reset" | "signup" | "invite")[],
): Promise<string | null> {
  const [r] = await db
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(passwordResets.tokenHash, tokenHash(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, new Date()),
        inArray(passwordResets.purpose, [...purposes]),
      ),
    )
    .returning({ userId: passwordResets.userId });
  return r?.userId ?? null;
}
