/** Writes schemas/trial.schema.json from the zod schema (`npx tsx src/population/write-trial-schema.ts`). */
import { writeFileSync } from "node:fs";
import { trialJsonSchema } from "./trial-schema.js";

writeFileSync(
  new URL("../../schemas/trial.schema.json", import.meta.url),
  JSON.stringify(trialJsonSchema(), null, 2) + "\n",
);
