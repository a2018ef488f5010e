/**
 * The database: embedded PGlite in a directory (default ./data/db, no set-up), in memory (tests), or a real
 * PostgreSQL server when a URL is given (DATABASE_URL). Migrations (drizzle/) are applied by `migrate`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /** Applies the pending migrations of drizzle/. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../drizzle");

export interface ConnectOptions {
  /** postgres://… selects a PostgreSQL server. */
  readonly url?: string;
  /** PGlite data directory; absent: in memory. */
  readonly dataDir?: string;
}

export async function connectDatabase(o: ConnectOptions = {}): Promise<Database> {
  if (o.url) {
    const pool = new pg.Pool({ connectionString: o.url, max: 10 });
    // fail early with a clear message when the server is not there
    await pool.query("select 1");
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      migrate: () => migrateNodePg(db as never, { migrationsFolder: MIGRATIONS_DIR }),
      close: () => pool.end(),
    };
  }
  if (o.dataDir) mkdirSync(o.dataDir, { recursive: true });
  const client = o.dataDir ? new PGlite(o.dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => client.close(),
  };
}
