/**
 * `npm start`: applies the migrations, creates the demo data on an empty database when listening on loopback or
 * with DEMO=1 (accounts printed once; refuses a non-loopback address while demo accounts are active) and
 * serves the API (and the web app) at http://localhost:8080. Configuration: see src/server/config.ts and the
 * README (PORT, HOST, DATABASE_URL, DATA_DIR, MAX_UPLOAD_BYTES, …).
 */
import path from "node:path";
import { buildApp } from "./app.js";
import { FileBlobStore } from "./blob-store.js";
import { configFromEnv } from "./config.js";
import { connectDatabase } from "./db/connect.js";
import { JobRunner } from "./jobs.js";
import { prepareDemo } from "./seed.js";

async function main(): Promise<void> {
  const config = configFromEnv();
  const database = await connectDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, "db") },
  );
  await database.migrate();
  const demo = await prepareDemo(database.db, {
    host: config.host,
    demo: config.demo,
    fixedPassword: process.env.DEMO_PASSWORD,
  });
  if (demo.length) {
    console.log("Demo accounts (shown once; change or disable them before real use):");
    for (const a of demo) console.log(`  ${a.role.padEnd(11)} ${a.email.padEnd(30)} ${a.password}`);
  }
  const jobs = new JobRunner(database.db, { planThreads: config.planThreads });
  const blobs = new FileBlobStore(path.join(config.dataDir, "blobs"));
  const app = await buildApp({ db: database.db, blobs, jobs, config });
  const requeued = await jobs.recover();
  if (requeued) console.log(`${requeued} unfinished job(s) queued again`);
  await app.listen({ port: config.port, host: config.host });
  console.log(
    `Immunoplan (research tool, decision support only) at http://localhost:${config.port} — API docs at /api/docs — database: ${database.kind === "pglite" ? `PGlite in ${path.join(config.dataDir, "db")}` : "PostgreSQL"}`,
  );
  const stop = async () => {
    await app.close();
    await jobs.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((e: unknown) => {
  console.error(`immunoplan server: ${(e as Error).message}`);
  process.exit(1);
});
