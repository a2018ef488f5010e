import { and, desc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { mayGlobally } from "../access.js";
import type { AppContext } from "../app.js";
import { hashPassword } from "../auth.js";
import { outbox, ROLES, sessions, users } from "../db/schema.js";
import { conflict, forbidden, HttpError, notFound } from "../http.js";
import { Email, ErrorSchema, IdParams, Password, requireActor } from "./common.js";

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
  const view = (u: typeof users.$inferSelect) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil,
    createdAt: u.createdAt,
  });

  api.get(
    "/users",
    { schema: { tags: ["admin"], response: { 200: z.array(UserRow), 403: ErrorSchema } } },
    async (req) => {
      await admin(req, "users");
      return (await ctx.db.select().from(users).orderBy(users.email)).map(view);
    },
  );

  api.post(
    "/users",
    {
      schema: {
        tags: ["admin"],
        summary: "Create an account (clinician, coordinator, admin or patient)",
        body: z.object({
          email: Email,
          name: z.string().min(1).max(200),
          role: z.enum(ROLES),
          password: Password,
        }),
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
      const [u] = await ctx.db
        .insert(users)
        .values({ ...req.body, passwordHash: await hashPassword(req.body.password) })
        .returning();
      await ctx.audit(req, {
        action: "create-user",
        resourceType: "user",
        resourceId: u.id,
        detail: { role: u.role },
      });
      return reply.status(201).send(view(u));
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
      const changes = { ...rest, ...(unlock ? { lockedUntil: null, failedLogins: 0 } : {}) };
      if (!Object.values(changes).some((v) => v !== undefined))
        throw new HttpError(
          400,
          "body: nothing to change (role, disabled, name or unlock)",
          "body",
          "invalid-input",
        );
      const [u] = await ctx.db.update(users).set(changes).where(eq(users.id, req.params.id)).returning();
      if (!u) throw notFound("user");
      if (rest.disabled || rest.role) await ctx.db.delete(sessions).where(eq(sessions.userId, u.id));
      await ctx.audit(req, {
        action: "update-user",
        resourceType: "user",
        resourceId: u.id,
        detail: req.body,
      });
      return view(u);
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
