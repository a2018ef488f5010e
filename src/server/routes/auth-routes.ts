import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseSchema } from "../../clinic/case-schema.js";
import type { AppContext } from "../app.js";
import { SESSION_COOKIE } from "../app.js";
import { hashPassword, LOCKOUT, newToken, tokenHash, verifyPassword } from "../auth.js";
import { cases, caseVersions, outbox, passwordResets, patients, sessions, users } from "../db/schema.js";
import { conflict, HttpError, unauthorized } from "../http.js";
import { Email, ErrorSchema, Password, requireActor, TimeZone } from "./common.js";

const UserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  timeZone: z.string(),
});
const SessionView = z.object({ user: UserView, csrfToken: z.string() });

/** A dummy hash so that an unknown e-mail costs as much time as a wrong password. */
let dummyHash: Promise<string> | null = null;

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
    secure: ctx.config.secureCookies,
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
        summary: "Patient sign-up: creates the account, the patient and an intake case",
        body: z.object({
          email: Email,
          password: Password,
          name: z.string().min(1).max(200),
          timeZone: TimeZone.optional(),
        }),
        response: { 201: SessionView, 400: ErrorSchema, 409: ErrorSchema },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const b = req.body;
      const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, b.email));
      if (existing) throw conflict("an account with this e-mail exists");
      const passwordHash = await hashPassword(b.password);
      const user = await ctx.db.transaction(async (tx) => {
        const [u] = await tx
          .insert(users)
          .values({
            email: b.email,
            name: b.name,
            role: "patient",
            passwordHash,
            timeZone: b.timeZone ?? "UTC",
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
      req.actor = { id: user.id, role: user.role, email: user.email, name: user.name };
      await ctx.audit(req, { action: "signup", resourceType: "user", resourceId: user.id });
      return reply.status(201).send(await startSession(ctx, req, reply, user));
    },
  );

  api.post(
    "/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in (rate-limited; the account locks after 5 failures for 15 minutes)",
        body: z.object({ email: Email, password: z.string().max(1000) }),
        response: { 200: SessionView, 401: ErrorSchema, 423: ErrorSchema },
      },
      config: { rateLimit: { max: 20, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const [u] = await ctx.db.select().from(users).where(eq(users.email, req.body.email));
      if (!u) {
        await verifyPassword(await (dummyHash ??= hashPassword("not a password")), req.body.password);
        await ctx.audit(req, {
          action: "login",
          resourceType: "user",
          outcome: "denied",
          detail: { reason: "unknown e-mail" },
        });
        throw new HttpError(401, "wrong e-mail or password", undefined, "bad-credentials");
      }
      if (u.lockedUntil && u.lockedUntil > new Date())
        throw new HttpError(
          423,
          `account locked until ${u.lockedUntil.toISOString()} after repeated failed sign-ins`,
          undefined,
          "locked",
        );
      if (u.disabled || !(await verifyPassword(u.passwordHash, req.body.password))) {
        const failures = u.failedLogins + 1;
        await ctx.db
          .update(users)
          .set({
            failedLogins: failures >= LOCKOUT.attempts ? 0 : failures,
            lockedUntil:
              failures >= LOCKOUT.attempts ? new Date(Date.now() + LOCKOUT.minutes * 60_000) : u.lockedUntil,
          })
          .where(eq(users.id, u.id));
        await ctx.audit(req, { action: "login", resourceType: "user", resourceId: u.id, outcome: "denied" });
        throw new HttpError(401, "wrong e-mail or password", undefined, "bad-credentials");
      }
      await ctx.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, u.id));
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
        const { token, hash } = newToken();
        await ctx.db
          .insert(passwordResets)
          .values({ tokenHash: hash, userId: u.id, expiresAt: new Date(Date.now() + 3600_000) });
        await ctx.db.insert(outbox).values({
          toEmail: u.email,
          subject: "Immunoplan password reset",
          body: `Use this one-time code within an hour to choose a new password: ${token}`,
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
        body: z.object({ token: z.string().min(10).max(200), password: Password }),
        response: { 204: z.null(), 400: ErrorSchema },
      },
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const hash = tokenHash(req.body.token);
      const passwordHash = await hashPassword(req.body.password);
      const userId = await ctx.db.transaction(async (tx) => {
        const [r] = await tx
          .update(passwordResets)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(passwordResets.tokenHash, hash),
              isNull(passwordResets.usedAt),
              gt(passwordResets.expiresAt, new Date()),
            ),
          )
          .returning();
        if (!r) return null;
        await tx
          .update(users)
          .set({ passwordHash, failedLogins: 0, lockedUntil: null })
          .where(eq(users.id, r.userId));
        await tx.delete(sessions).where(eq(sessions.userId, r.userId)); // sign out everywhere
        return r.userId;
      });
      if (!userId) throw new HttpError(400, "token: unknown, used or expired", "body.token", "bad-token");
      await ctx.audit(req, { action: "password-reset", resourceType: "user", resourceId: userId });
      return reply.status(204).send(null);
    },
  );
}
