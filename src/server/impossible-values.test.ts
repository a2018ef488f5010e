/**
 * Issue 12 §1: the server refuses impossible clinical values with 400 naming the field — negative or zero doses,
 * doses above the catalog maximum without an override reason, dates in the future or before birth, negative sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startTestServer, type Client, type TestServer } from "../test-support/test-server.js";
import { dateProblem, recordDateProblem } from "./clinical-dates.js";

const nextYear = `${new Date().getUTCFullYear() + 1}-03-01`;
const BEFORE_BIRTH = "1960-05-05"; // the demo patient was born 1968-02-03

describe("impossible dates", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  it("refuses the future (one day of slack for time zones) and dates before birth", () => {
    expect(dateProblem("2026-12-01", undefined, now)).toBeNull(); // already today in Kiribati
    expect(dateProblem("2026-12-02", undefined, now)).toBe("2026-12-02 is in the future");
    expect(dateProblem("2026-11-30T13:00:00Z", undefined, now)).toBe("2026-11-30T13:00:00Z is in the future");
    expect(dateProblem("1960-05-05", "1968-02-03", now)).toBe(
      "1960-05-05 is before the patient's birth date (1968-02-03)",
    );
    expect(dateProblem("1968-02-03", "1968-02-03", now)).toBeNull();
  });
  it("finds the first impossible date of a record with its path", () => {
    const record = {
      patient: { birthDate: "1968-02-03" },
      imaging: [{ date: "2026-07-14" }, { date: "2031-01-01" }],
    };
    expect(recordDateProblem(record, "body.record", now)).toEqual({
      path: "body.record.imaging.1.date",
      message: "2031-01-01 is in the future",
    });
    expect(recordDateProblem({ patient: { birthDate: "2030-01-01" } }, "r", now)?.path).toBe(
      "r.patient.birthDate",
    );
  });
});

describe.each(backends())("impossible values on the API, on %s", (backend) => {
  let s: TestServer;
  let clinician: Client;
  let caseId: string;
  let version: number;
  let lesions: { id: string; role: string; nodal: boolean; diameterMm: number }[];
  beforeAll(async () => {
    s = await startTestServer(backend);
    clinician = await s.login("clinician@demo.immunoplan");
    caseId = ((await clinician.get("/api/cases")).json() as { id: string }[])[0].id;
    const c = (await clinician.get(`/api/cases/${caseId}`)).json() as {
      version: number;
      record: { imaging: { lesions: typeof lesions }[] };
    };
    version = c.version;
    lesions = c.record.imaging
      .at(-1)!
      .lesions.map(({ id, role, nodal, diameterMm }) => ({ id, role, nodal, diameterMm }));
  }, 60_000);
  afterAll(async () => s.close());

  const error = async (r: Promise<{ statusCode: number; json(): unknown }>) => {
    const x = await r;
    expect(x.statusCode).toBe(400);
    return (x.json() as { error: { message: string; path: string } }).error;
  };

  it("a follow-up scan in the future, before birth, or with a negative diameter", async () => {
    const scan = (date: string, l = lesions) =>
      clinician.post(`/api/cases/${caseId}/assessments`, {
        expectedVersion: version,
        date,
        modality: "CT",
        lesions: l,
      });
    expect(await error(scan(nextYear))).toMatchObject({
      path: "body.date",
      message: `body.date: ${nextYear} is in the future`,
    });
    expect((await error(scan(BEFORE_BIRTH))).message).toMatch(
      /before the patient's birth date \(1968-02-03\)/,
    );
    const neg = await error(scan("2026-11-20", [{ ...lesions[0], diameterMm: -20 }, ...lesions.slice(1)]));
    expect(neg.path).toBe("body.lesions.0.diameterMm");
    // nothing was stored: the record is still at its version
    expect(((await clinician.get(`/api/cases/${caseId}`)).json() as { version: number }).version).toBe(
      version,
    );
  });

  it("an adverse event in the future; a whole record with a scan in the future", async () => {
    const ae = await error(
      clinician.post(`/api/cases/${caseId}/adverse-events`, {
        term: "fatigue",
        system: "CTCAE v5",
        grade: 1,
        onset: nextYear,
      }),
    );
    expect(ae.path).toBe("body.onset");
    const c = (await clinician.get(`/api/cases/${caseId}`)).json() as {
      record: { imaging: { date: string }[] };
    };
    const record = structuredClone(c.record);
    record.imaging[1].date = nextYear;
    const put = await error(
      clinician.put(`/api/cases/${caseId}/record`, { expectedVersion: version, record }),
    );
    expect(put).toMatchObject({ path: "body.record.imaging.1.date" });
  });

  it("administrations: negative, zero and above-label doses, and given in the future", async () => {
    const give = (value: number, extra: object = {}) =>
      clinician.post(`/api/cases/${caseId}/administrations`, {
        agent: "pembrolizumab",
        dose: { value, unit: "mg" },
        route: "iv",
        givenAt: "2026-11-20T09:00:00Z",
        ...extra,
      });
    expect((await error(give(-5))).path).toBe("body.dose.value");
    expect((await error(give(0))).path).toBe("body.dose.value");
    const high = await error(give(800));
    expect(high).toMatchObject({ path: "body.dose.value" });
    expect(high.message).toMatch(
      /above the label maximum of 400 mg for pembrolizumab; give doseOverrideReason/,
    );
    expect((await give(800, { doseOverrideReason: "tumor board: dosing error to report" })).statusCode).toBe(
      201,
    );
    expect((await error(give(200, { givenAt: `${nextYear}T09:00:00Z` }))).path).toBe("body.givenAt");
    expect((await give(200)).statusCode).toBe(201);
  });
});
