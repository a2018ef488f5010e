import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { builtinModels } from "../../models/catalog.js";
import type { AppContext } from "../app.js";
import { notFound } from "../http.js";
import { requireActor } from "./common.js";

/** The model library for the researchers' explorer: names, descriptions and the model text (no patient data). */
export async function modelRoutes(base: FastifyInstance, _ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();
  let cache: ReturnType<typeof builtinModels> | null = null;
  const models = () => (cache ??= builtinModels());

  api.get("/models", { schema: { tags: ["models"], summary: "The built-in models" } }, async (req) => {
    requireActor(req);
    return models().map((m) => ({
      name: m.name,
      description: m.spec.description,
      modules: m.spec.modules.map((x) => ({ name: x.name, description: x.description })),
    }));
  });

  api.get(
    "/models/:name",
    {
      schema: {
        tags: ["models"],
        summary: "A model's text (YAML), to compile in the browser",
        params: z.object({ name: z.string() }),
      },
    },
    async (req) => {
      requireActor(req);
      const m = models().find((x) => x.name === req.params.name);
      if (!m) throw notFound("model");
      return { name: m.name, source: readFileSync(m.file, "utf8") };
    },
  );
}
