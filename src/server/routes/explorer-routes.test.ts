/**
 * The model explorer's endpoints on the calibrated clinical model: answers in the shape the web page reads, and
 * hostile bodies get a 400 naming the field — never a 500.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type Client, type TestServer } from "../../test-support/test-server.js";

describe("model explorer endpoints", () => {
  let s: TestServer;
  let clinician: Client;
  beforeAll(async () => {
    s = await startTestServer("pglite");
    clinician = await s.login("clinician@demo.immunoplan");
  }, 60_000);
  afterAll(async () => s.close());

  it("simulates a virtual patient and the population under a trial arm, beside the published figures", async () => {
    const cat = (await clinician.get("/api/explorer")).json() as { cancers: string[] };
    expect(cat.cancers).toContain("prostate-cancer");
    const pop = (await clinician.get("/api/explorer/prostate-cancer")).json() as {
      arms: { id: string; published: unknown[] }[];
    };
    const arm = pop.arms.find((a) => a.id === "impact-sipuleucel-t/sipuleucel-T")!;
    expect(arm.published.length).toBeGreaterThan(0);
    const r = await clinician.post("/api/explorer/prostate-cancer/simulate", {
      arm: arm.id,
      draw: 5,
      overrides: {},
      horizonDays: 120,
    });
    expect(r.statusCode).toBe(200);
    const run = r.json() as { days: number[]; sldMm: number[]; states: { name: string }[] };
    expect(run.days).toHaveLength(121);
    expect(run.sldMm.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(run.states.map((x) => x.name)).toContain("E");
    const b = await clinician.post("/api/explorer/prostate-cancer/population", {
      arm: arm.id,
      horizonDays: 120,
    });
    expect(b.statusCode).toBe(200);
    const band = b.json() as { samples: number; sldBands: number[][]; pResponse: number };
    expect(band.samples).toBe(100);
    expect(band.sldBands).toHaveLength(5);
    // quantile bands are ordered on every day
    for (let i = 0; i < band.sldBands[0].length; i++)
      for (let q = 1; q < 5; q++) expect(band.sldBands[q][i]).toBeGreaterThanOrEqual(band.sldBands[q - 1][i]);
    expect(band.pResponse).toBeGreaterThanOrEqual(0);
    expect((b.json() as { modelError: string }).modelError).toMatch(
      /^ORR SD \d+\.\d points over \d+ left-out figures/,
    );
  }, 120_000);

  it("answers a bad request with 400 naming the field", async () => {
    const url = "/api/explorer/prostate-cancer/simulate";
    const cases: [unknown, string][] = [
      [{ arm: "untreated", draw: 100 }, "draw"],
      [{ arm: "untreated", draw: "1" }, "draw"],
      [{ arm: "nope", draw: 0 }, "arm"],
      [{ arm: "untreated", draw: 0, overrides: { kg: 1e9 } }, "overrides.kg"],
      [{ arm: "untreated", draw: 0, overrides: { "not a parameter": 1 } }, "overrides"],
      [{ arm: "untreated", draw: 0, horizonDays: 100_000 }, "horizonDays"],
      [{ arm: "untreated", draw: 0, extra: 1 }, ""],
    ];
    for (const [body, field] of cases) {
      const r = await clinician.post(url, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const e = (r.json() as { error: { message: string; path?: string } }).error;
      expect(`${e.path ?? ""} ${e.message}`).toContain(field);
    }
    expect((await clinician.get("/api/explorer/glioma")).statusCode).toBe(400);
  }, 60_000);

  it("never fails with a server error on arbitrary bodies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            arm: fc.oneof(fc.string(), fc.constant("untreated"), fc.integer()),
            draw: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.string()),
            overrides: fc.dictionary(
              fc.oneof(fc.constantFrom("kg", "kmax", "imm", "rho", "__proto__"), fc.string()),
              fc.oneof(fc.double(), fc.string()),
            ),
            horizonDays: fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.double()),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const r = await clinician.post("/api/explorer/prostate-cancer/simulate", body);
          expect([200, 400]).toContain(r.statusCode);
        },
      ),
      { numRuns: 40, seed: 20261130 },
    );
  }, 120_000);
});
