import { and, desc, eq, gt, max } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { mayGlobally } from "../access.js";
import type { AppContext } from "../app.js";
import { hashPassword, newToken } from "../auth.js";
import { loginFailures, outbox, ROLES, sessions, users } from "../db/schema.js";
import { conflict, forbidden, HttpError, notFound } from "../http.js";
import { sendMail } from "../mail.js";
import { CODE_HOURS, issueCode } from "./auth-routes.js";
import { Email, ErrorSchema, IdParams, requireActor } from "./common.js";

const UserRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  lockedUntil: z.date().nullable(),
  createdAt: z.date(),
});

export async function userRoutes(base: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();
  const admin = async (req: Parameters<AppContext["audit"]>[0], what: string) => {
    const a = requireActor(req);
    if (!mayGlobally(a, what === "audit" ? "read-audit" : "manage-users")) {
      await ctx.audit(req, { action: what, resourceType: "admin", outcome: "denied" });
      throw forbidden(what);
    }
    return a;
  };
  /** The latest lock of the account from any source address (login_failures), if it has not expired. */
  const locks = async (): Promise<Map<string, Date>> => {
    const rows = await ctx.db
      .select({ userId: loginFailures.userId, until: max(loginFailures.lockedUntil) })
      .from(loginFailures)
      .where(gt(loginFailures.lockedUntil, new Date()))
      .groupBy(loginFailures.userId);
    return new Map(rows.filter((r) => r.until).map((r) => [r.userId, new Date(r.until!)]));
  };
  const view = (u: typeof users.$inferSelect, locked: Map<string, Date>) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    lockedUntil: locked.get(u.id) ?? null,
    createdAt: u.createdAt,
  });

  api.get(
    "/users",
    { schema: { tags: ["admin"], response: { 200: z.array(UserRow), 403: ErrorSchema } } },
    async (req) => {
      await admin(req, "users");
      const locked = await locks();
      return (await ctx.db.select().from(users).orderBy(users.email)).map((u) => view(u, locked));
    },
  );

  api.post(
    "/users",
    {
      schema: {
        tags: ["admin"],
        summary:
          "Invite a user (clinician, coordinator, admin or patient): the account gets no password from the admin; the invitee chooses one with the e-mailed code (POST /auth/password-reset/confirm). A new clinician sees no case until a coordinator assigns one",
        body: z
          .object({
            email: Email,
            name: z.string().min(1).max(200),
            role: z.enum(ROLES),
          })
          .strict(),
        response: { 201: UserRow, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      await admin(req, "users");
      const [existing] = await ctx.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.email, req.body.email));
      if (existing) throw conflict("an account with this e-mail exists");
      // no password the admin could know: a random one nobody sees, replaced by the invitee's own
      const [u] = await ctx.db
        .insert(users)
        .values({ ...req.body, passwordHash: await hashPassword(newToken().token) })
        .returning();
      const code = await issueCode(ctx.db, u.id, "invite");
      await sendMail(ctx, {
        to: u.email,
        subject: "Your Immunoplan account",
        body: `An Immunoplan account (${u.role}) was opened for you. Choose your password within ${CODE_HOURS.invite} hours with this one-time code: ${code}`,
        redacted: `An invitation with a one-time code to choose a password was sent (valid for ${CODE_HOURS.invite} hours).`,
      });
      await ctx.audit(req, {
        action: "create-user",
        resourceType: "user",
        resourceId: u.id,
        detail: { role: u.role },
      });
      return reply.status(201).send(view(u, new Map()));
    },
  );

  api.patch(
    "/users/:id",
    {
      schema: {
        tags: ["admin"],
        params: IdParams,
        body: z.object({
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
          name: z.string().min(1).optional(),
          unlock: z.boolean().optional(),
        }),
        response: { 200: UserRow, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (req) => {
      const a = await admin(req, "users");
      const { unlock, ...rest } = req.body;
      if (req.params.id === a.id && (rest.role !== undefined || rest.disabled))
        throw forbidden("changing your own role or disabling yourself");
      const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      if (!Object.keys(changes).length && !unlock)
        throw new HttpError(
          400,
          "body: nothing to change (role, disabled, name or unlock)",
          "body",
          "invalid-input",
        );
      const [before] = await ctx.db.select().from(users).where(eq(users.id, req.params.id));
      if (!before) throw notFound("user");
      const [u] = Object.keys(changes).length
        ? await ctx.db.update(users).set(changes).where(eq(users.id, req.params.id)).returning()
        : [before];
      if (unlock) await ctx.db.delete(loginFailures).where(eq(loginFailures.userId, u.id));
      if (rest.disabled || rest.role) await ctx.db.delete(sessions).where(eq(sessions.userId, u.id));
      const roleChanged = rest.role !== undefined && rest.role !== before.role;
      await ctx.audit(req, {
        action: roleChanged ? "change-role" : "update-user",
        resourceType: "user",
        resourceId: u.id,
        detail: { ...req.body, ...(roleChanged ? { role: { from: before.role, to: u.role } } : {}) },
      });
      return view(u, await locks());
    },
  );

  api.get(
    "/clinicians",
    {
      schema: {
        tags: ["cases"],
        summary: "Clinicians (to assign and schedule)",
        response: { 200: z.array(z.object({ id: z.string(), name: z.string() })), 403: ErrorSchema },
      },
    },
    async (req) => {
      const a = requireActor(req);
      if (a.role === "patient") throw forbidden("listing clinicians");
      return ctx.db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(and(eq(users.role, "clinician"), eq(users.disabled, false)))
        .orderBy(users.name);
    },
  );

  api.get(
    "/outbox",
    {
      schema: {
        tags: ["admin"],
        summary: "Messages the clinic would send (kept on this machine)",
        response: { 200: z.unknown(), 403: ErrorSchema },
      },
    },
    async (req) => {
      await admin(req, "users");
      return ctx.db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(200);
    },
  );
}
