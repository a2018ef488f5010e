/** Issue 12 §3: demo accounts (an admin with a known e-mail among them) only on loopback or with DEMO=1. */
import { count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "./db/connect.js";
import { users } from "./db/schema.js";
import { isLoopback, prepareDemo } from "./seed.js";

describe("demo data", () => {
  let database: Database;
  beforeAll(async () => {
    database = await connectDatabase();
    await database.migrate();
  }, 60_000);
  afterAll(async () => database.close());
  const n = async () => (await database.db.select({ n: count() }).from(users))[0].n;

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "clinic.example.org"])
      expect(isLoopback(h), h).toBe(false);
  });

  it("creates nothing on a public address, seeds on loopback, then refuses a public address until disabled", async () => {
    expect(await prepareDemo(database.db, { host: "0.0.0.0", fixedPassword: "demo-password-123" })).toEqual(
      [],
    );
    expect(await n()).toBe(0);
    const seeded = await prepareDemo(database.db, { host: "127.0.0.1", fixedPassword: "demo-password-123" });
    expect(seeded.map((a) => a.email)).toContain("admin@demo.immunoplan");
    await expect(prepareDemo(database.db, { host: "0.0.0.0" })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 with the demo accounts active \(admin@demo\.immunoplan/,
    );
    // a demo on purpose
    expect(await prepareDemo(database.db, { host: "0.0.0.0", demo: true })).toEqual([]);
    // the demo accounts disabled: a real deployment may start
    await database.db.update(users).set({ disabled: true }).where(like(users.email, "%@demo.immunoplan"));
    expect(await prepareDemo(database.db, { host: "0.0.0.0" })).toEqual([]);
    expect((await database.db.select().from(users).where(eq(users.disabled, false))).length).toBe(0);
  });
});
