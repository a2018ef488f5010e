/**
 * The whole patient path in one browser journey (Debian's Chromium with playwright-core, against the built server
 * and a fresh database): a new patient signs up (with the e-mailed code), uploads a pathology/CT report and asks for
 * a consultation; the coordinator assigns the case and schedules it; the clinician abstracts the report in the
 * record editor (diagnosis, weight and height, two CTs with target lesions, a prior treatment), evaluates, plans
 * and approves a candidate; after the plan starts a follow-up scan is read against the line's baseline (the last
 * scan before the plan, not the first scan); the patient sees exactly the approved plan in plain language.
 *
 * Every step goes through the pages. Waits are on visible state, never on time (the CI machine has 2 cores and runs
 * the test files in parallel). A failing step saves a screenshot, the DOM and the console (withDiagnostics).
 *
 * Skipped (saying why) without Chromium or a build; in CI that is a failure (as web-journeys.test.ts).
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDate } from "../planner/patient-copy.js";
import { choose, openTab } from "../test-support/browser-actions.js";
import { withDiagnostics } from "../test-support/browser-diagnostics.js";
import { ROOT, startServerProcess } from "../test-support/server-process.js";
import { DEMO_PASSWORD } from "../test-support/test-server.js";
import { therapyCatalog } from "../therapy/catalog.js";
import { plainDoseText } from "../therapy/dose-text.js";
import { ROUTE_WORDS } from "../therapy/plain-words.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { stepDays } from "../therapy/step-days.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const missing = [
  existsSync(CHROMIUM) ? null : `Chromium at ${CHROMIUM}`,
  existsSync(path.join(ROOT, "dist/web/index.html")) ? null : "the web build dist/web (npm run build)",
  existsSync(path.join(ROOT, "dist/server/main.js")) ? null : "the server build dist/server (npm run build)",
].filter((m): m is string => m !== null);
const available = missing.length === 0;
if (!available)
  describe("the patient path in Chromium (not run)", () => {
    if (process.env.CI)
      it("CI runs the browser tests", () => {
        throw new Error(`the browser tests cannot run: missing ${missing.join("; ")}`);
      });
    else it.skip(`browser tests skipped: missing ${missing.join("; ")}`, () => {});
  });

/** A calendar day relative to today (UTC): the server refuses scans and doses in the future. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const PATIENT = { name: "Paula Path", email: "paula.path@example.org", password: "a long path passphrase" };
const CLINICIAN = "Dr. Clara Clinician";
const REPORT = "pathology-ct-report.pdf";
const CASE_TITLE = `Case of ${PATIENT.name}`;
/**
 * The two CTs of the report: before the prior nivolumab (48 mm) and after it progressed (65 mm). The follow-up scan
 * under the new plan measures 45 mm: −31 % (PR) against the last scan before the plan, −6 % (SD) against the first.
 */
const SCANS = [
  {
    date: day(-250),
    lesions: [
      ["L1", "lung", 30],
      ["L2", "liver", 18],
    ],
  },
  {
    date: day(-30),
    lesions: [
      ["L1", "lung", 40],
      ["L2", "liver", 25],
    ],
  },
] as const;
const FOLLOW_UP = { L1: 28, L2: 17 };

describe.skipIf(!available)("the patient path in Chromium", () => {
  let server: ChildProcess;
  let browser: Browser;
  let base = "";
  let dataDir = "";
  let caseId = "";
  /** The approved protocol and the plan's day 0, as the clinician approved it. */
  let approved: { planId: string; date: string; protocol: Protocol } | null = null;

  /** The one-time code of the latest message to an address (the server writes mail to DATA_DIR/mail). */
  const mailedCode = (to: string): string => {
    const dir = path.join(dataDir, "mail");
    const last = readdirSync(dir)
      .sort()
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .filter((t) => t.startsWith(`To: ${to}\r\n`))
      .at(-1)!;
    return /: (\S+)\s*$/.exec(last)![1];
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "immunoplan-path-"));
    const started = await startServerProcess({
      from: "build",
      dataDir,
      env: { DEMO_PASSWORD, PLAN_THREADS: "1" },
    });
    server = started.child;
    base = started.base;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });

  async function signIn(email: string, password = DEMO_PASSWORD): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
      timezoneId: "Europe/London",
    });
    await page.goto(base);
    await page.getByLabel("E-mail").fill(email);
    await page.locator("input[type=password]").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }

  /** The steps build on each other: after a failure the later steps stop at once instead of timing out. */
  let broken: string | null = null;
  const step = (name: string, run: () => Promise<void>, timeout: number) =>
    it(
      name,
      async () => {
        if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
        try {
          await run();
        } catch (e) {
          broken = name;
          throw e;
        }
      },
      timeout,
    );

  step(
    "a new patient signs up, uploads the report and asks for a consultation",
    async () => {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
        timezoneId: "Europe/London",
      });
      await withDiagnostics(page, "path-patient-signup", async () => {
        await page.goto(base);
        await page.getByRole("link", { name: "Create an account" }).click();
        await page.getByLabel("Full name").fill(PATIENT.name);
        await page.getByLabel("E-mail").fill(PATIENT.email);
        await page.locator("input[type=password]").fill(PATIENT.password);
        await page.getByRole("button", { name: "Create account" }).click();
        await page.getByRole("heading", { name: "Confirm your e-mail" }).waitFor();
        await page.getByLabel("Code from the e-mail").fill(mailedCode(PATIENT.email));
        await page.getByRole("button", { name: "Confirm" }).click();
        await page.getByRole("heading", { name: CASE_TITLE }).waitFor();
        const chooser = page.waitForEvent("filechooser");
        await page.getByLabel("upload records").click();
        const pdf = Buffer.from(
          "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        );
        await (await chooser).setFiles({ name: REPORT, mimeType: "application/pdf", buffer: pdf });
        await page.getByText(`${REPORT} — received`).waitFor();
        await page.getByRole("table", { name: "your documents" }).getByText(REPORT).waitFor();
        await page.getByLabel("Preferred time").fill(`${day(7)}T10:00`);
        await page.getByRole("button", { name: "Request consultation" }).click();
        await page.getByText("Your request was sent").waitFor();
        await page.getByRole("list", { name: "consultation requests waiting" }).waitFor();
      });
      await page.close();
    },
    60_000,
  );

  step(
    "the coordinator assigns the case to the clinician and schedules the consultation",
    async () => {
      const page = await signIn("coordinator@demo.immunoplan");
      await withDiagnostics(page, "path-coordinator", async () => {
        // the cases list: the new case has no clinician yet; the coordinator assigns one
        await page.getByRole("link", { name: "Cases" }).click();
        const assign = page.getByRole("combobox", { name: `clinician of ${CASE_TITLE}` });
        await assign.click();
        await page.getByRole("option", { name: CLINICIAN }).click();
        await expect.poll(() => assign.inputValue()).toBe(CLINICIAN);
        // the request: scheduled with the same clinician at the patient's preferred time
        await page.getByRole("link", { name: "Consultations" }).click();
        const card = page.getByLabel(`request of ${PATIENT.name}`);
        await card.waitFor();
        await card.getByLabel("Clinician").click();
        await page.getByRole("option", { name: CLINICIAN }).click();
        await card.getByRole("button", { name: "Schedule" }).click();
        await page
          .getByRole("status")
          .getByText(
            new RegExp(`Scheduled ${PATIENT.name} with ${CLINICIAN.replace(".", "\\.")} on ${day(7)} 10:00`),
          )
          .waitFor();
        await page
          .getByRole("table", { name: "appointments" })
          .getByText(PATIENT.name, { exact: true })
          .waitFor();
      });
      await page.close();
    },
    60_000,
  );

  step(
    "the clinician abstracts the report into the record: diagnosis, weight, height, prior treatment, two CTs",
    async () => {
      const page = await signIn("clinician@demo.immunoplan");
      await withDiagnostics(page, "path-record", async () => {
        await page.getByRole("link", { name: CASE_TITLE }).click();
        caseId = page.url().split("/cases/")[1];
        await openTab(page, "Edit record");
        await choose(page, page.locator("body"), "Reading from", REPORT);
        await page.getByTestId("value-source").getByText(`from ${REPORT}, p. 1`).waitFor();

        const weights = page.getByTestId("add-weights");
        await weights.getByLabel("Weight (kg)").fill("68");
        await weights.getByLabel("Date").fill(day(-10));
        await weights.getByRole("button", { name: "Add" }).dispatchEvent("click");
        // the saved weight re-renders the editor: fill the next form only after it (a form filled before could be reset)
        await page.getByRole("table", { name: "Weights" }).getByText("68").waitFor();
        const heights = page.getByTestId("add-heights");
        await heights.getByLabel("Height (cm)").fill("172");
        await heights.getByLabel("Date").fill(day(-10));
        await heights.getByRole("button", { name: "Add" }).dispatchEvent("click");
        await page.getByRole("table", { name: "Heights" }).getByText("172").waitFor();

        const dx = page.getByTestId("add-diagnoses");
        await dx.getByRole("radio", { name: "primary", exact: true }).check();
        await choose(page, dx, "Diagnosis (SNOMED CT, ICD-10-CM)", /^Malignant melanoma of skin/, "melanoma");
        await choose(page, dx, "Histology (ICD-O-3)", /^Malignant melanoma, NOS/, "melanoma");
        await dx.getByLabel("Diagnosed").fill(day(-400));
        await dx.getByRole("button", { name: "Add" }).dispatchEvent("click");
        await page.getByRole("table", { name: "Diagnoses" }).getByText("372244006").waitFor();

        const st = page.getByTestId("add-staging");
        await choose(page, st, "Kind", "clinical");
        await choose(page, st, "Item", "stage-group");
        await st.getByLabel("Value (e.g. T2, N1, IVA)").fill("IV");
        await choose(page, st, "Staging system", /AJCC/, "AJCC");
        await st.getByRole("button", { name: "Add" }).dispatchEvent("click");
        await page.getByRole("table", { name: "Staging" }).getByText("IV", { exact: true }).waitFor();

        await page.getByRole("button", { name: "Performance status and conditions" }).click();
        const perf = page.getByTestId("add-performance");
        await choose(page, perf, "Scale", "ECOG");
        await perf.getByLabel("Value").fill("1");
        await perf.getByLabel("Date").fill(day(-10));
        await perf.getByRole("button", { name: "Add" }).dispatchEvent("click");
        await page.getByRole("table", { name: "Performance" }).getByText("ECOG").waitFor();

        await page.getByRole("button", { name: "Prior treatments" }).click();
        const tx = page.getByTestId("add-treatments");
        await choose(page, tx, "Kind", "medication");
        await tx.getByLabel("Agent or procedure").fill("nivolumab");
        await tx.getByLabel("Start").fill(day(-200));
        await tx.getByLabel("End").fill(day(-60));
        await choose(page, tx, "Best response", "PR");
        await choose(page, tx, "Reason stopped", "progression");
        await tx.getByRole("button", { name: "Add" }).dispatchEvent("click");
        await page.getByRole("table", { name: "Treatments" }).getByText("nivolumab").waitFor();

        await page.getByRole("button", { name: "Imaging studies and lesions" }).click();
        const im = page.getByTestId("add-imaging");
        for (const scan of SCANS) {
          await im.getByLabel("Date").fill(scan.date);
          await choose(page, im, "Modality", "CT");
          await im.getByLabel("Body part").fill("chest and abdomen");
          await im.getByRole("button", { name: "Add" }).dispatchEvent("click");
          const les = page.getByTestId(`add-lesions-${scan.date}`);
          for (const [id, organ, mm] of scan.lesions) {
            await les.getByLabel("Lesion id (same on every scan)").fill(id);
            await les.getByRole("radio", { name: "target", exact: true }).check();
            await les.getByLabel("Organ").fill(organ);
            await les.getByLabel("Diameter mm (longest; short axis for nodes)").fill(String(mm));
            await les.getByRole("button", { name: "Add" }).dispatchEvent("click");
            await page
              .getByRole("table", { name: `Lesions ${scan.date}` })
              .getByText(id, { exact: true })
              .waitFor();
          }
        }

        await page
          .getByLabel("What changed (for the version history)")
          .fill("abstracted the pathology/CT report");
        await page.getByRole("button", { name: "Save as a new version" }).click();
        await page.getByText(/saved as version \d+/).waitFor();
        // the values name the report they were read from
        await page.getByRole("table", { name: "Weights" }).getByText(`${REPORT}, p. 1`).waitFor();
        for (const id of ["body-size", "imaging"])
          await page.getByTestId(`checklist-${id}`).getByText("present").waitFor();
        // the exported FHIR Bundle keeps the sources: a Provenance names the report, its page and the clinician
        const download = page.waitForEvent("download");
        await page.getByRole("button", { name: "Export as FHIR Bundle" }).click();
        const bundle = JSON.parse(readFileSync((await (await download).path())!, "utf8")) as {
          entry: { fullUrl: string; resource: Record<string, unknown> }[];
        };
        const fromReport = bundle.entry
          .map((e) => e.resource)
          .find(
            (r) =>
              r.resourceType === "Provenance" &&
              JSON.stringify(r.entity ?? []).includes(`"display":"${REPORT}"`) &&
              JSON.stringify(r.agent ?? []).includes(CLINICIAN),
          ) as { target: { reference: string }[]; entity: { extension: { valuePositiveInt: number }[] }[] };
        expect(fromReport.entity[0].extension[0].valuePositiveInt).toBe(1);
        const types = fromReport.target.map(
          (t) => bundle.entry.find((e) => e.fullUrl === t.reference)!.resource.resourceType,
        );
        // weight, height, stage, ECOG (Observations), the cancer, the prior treatment, the CTs and their lesions
        expect(new Set(types)).toEqual(
          new Set(["Observation", "Condition", "MedicationRequest", "ImagingStudy"]),
        );
        // the records tab shows what was abstracted
        await openTab(page, "Records");
        await page.getByText("Imaging: sum of target diameters").waitFor();
      });
      await page.close();
    },
    150_000,
  );

  step(
    "the clinician evaluates, plans and approves a candidate",
    async () => {
      const page = await signIn("clinician@demo.immunoplan");
      await withDiagnostics(page, "path-plan", async () => {
        await page.goto(`${base}/cases/${caseId}`);
        await openTab(page, "Evaluation");
        await page.getByRole("button", { name: "Evaluate the case" }).click();
        await page.getByRole("table", { name: "eligibility" }).waitFor({ timeout: 60_000 });
        await page
          .getByRole("table", { name: "eligibility" })
          .getByText("immune checkpoint inhibitor", { exact: true })
          .waitFor();

        await openTab(page, "Planner");
        await page.getByRole("button", { name: "Plan candidate protocols" }).click();
        const ranked = page.getByRole("table", { name: "ranked candidates" });
        await ranked.or(page.getByRole("alert")).first().waitFor({ timeout: 150_000 });
        expect(await page.getByRole("alert").allInnerTexts()).toEqual([]);
        // the first treatment in the ranking (not "no treatment")
        const row = ranked.locator("tbody tr").filter({ hasNotText: "no treatment" }).first();
        await row.getByRole("button", { name: /^open / }).click();
        const steps = page.getByRole("table", { name: "protocol steps" });
        await steps.waitFor();
        await expect
          .poll(() => page.getByTestId("prediction-status").textContent(), { timeout: 60_000 })
          .toMatch(/As generated: eliminated in \d+ %/);
        const shown = await steps.locator("tbody tr").count();
        expect(shown).toBeGreaterThan(0);
        const ack = page.getByLabel("I have read this warning and approve anyway");
        if (await ack.count()) await ack.check();
        const approve = page.getByRole("button", { name: /^Approve this/ });
        await expect.poll(() => approve.isDisabled(), { timeout: 30_000 }).toBe(false);
        await approve.click();
        await page.getByText("Approved: the patient now sees this plan.").waitFor();
        // what was approved (the API is read only to compare with what the patient is shown)
        const plans = (await (await page.request.get(`${base}/api/cases/${caseId}/plans`)).json()) as {
          id: string;
          status: string;
        }[];
        const planId = plans.find((p) => p.status === "approved")!.id;
        const doc = (await (await page.request.get(`${base}/api/plans/${planId}`)).json()) as {
          plan: { date: string; candidates: { id: string; protocol: Protocol }[] };
          chosen: string;
          approvedProtocol: Protocol | null;
        };
        const protocol =
          doc.approvedProtocol ?? doc.plan.candidates.find((c) => c.id === doc.chosen)!.protocol;
        approved = { planId, date: doc.plan.date, protocol };
        // the steps table showed the approved steps: each agent with its dose
        expect(shown).toBe(protocol.phases.reduce((n, ph) => n + ph.steps.length, 0));
        // an agent given in two steps (T-VEC's first dose, then the course) has one dose field per step, in order
        const seen = new Map<string, number>();
        for (const s of protocol.phases.flatMap((ph) => ph.steps)) {
          const k = seen.get(s.agent) ?? 0;
          seen.set(s.agent, k + 1);
          expect(
            Number(
              (
                await steps
                  .getByRole("textbox", { name: `dose of ${s.agent}` })
                  .nth(k)
                  .inputValue()
              ).replace(/,/g, ""),
            ),
          ).toBe(s.dose.value);
        }
      });
      await page.close();
    },
    240_000,
  );

  step(
    "after the plan starts, a follow-up scan is read against the last scan before the plan",
    async () => {
      const page = await signIn("clinician@demo.immunoplan");
      await withDiagnostics(page, "path-follow-up", async () => {
        await page.goto(`${base}/cases/${caseId}`);
        await openTab(page, "Follow-up");
        const plansTable = page.getByRole("table", { name: "plans" });
        await plansTable.getByRole("button", { name: "Start the plan" }).click();
        await page.getByText("The plan has started.").waitFor();
        await plansTable.getByText("In progress").waitFor();
        // the first dose under the plan (three days ago) starts the line of treatment
        const first = approved!.protocol.phases.flatMap((ph) => ph.steps)[0];
        await page.getByLabel("Agent").fill(first.agent);
        await page.getByLabel("Dose", { exact: true }).fill(String(first.dose.value));
        await page.getByLabel("Unit").fill(first.dose.unit);
        await page.getByLabel("Route").fill(first.route);
        await page.getByLabel("Given at").fill(`${day(-3)}T10:00`);
        await page.getByRole("button", { name: "Record", exact: true }).nth(1).click();
        await page.getByText("Administration recorded.").waitFor();
        await page.getByRole("table", { name: "administrations" }).getByText(first.agent).waitFor();
        // the follow-up CT today
        await page.getByLabel("Scan date").fill(day(0));
        for (const [id, mm] of Object.entries(FOLLOW_UP))
          await page.getByLabel(`new diameter of ${id}`).fill(String(mm));
        await page.getByRole("button", { name: "Record the scan" }).click();
        await page.getByText("Scan recorded").waitFor();
        // the baseline of this line is the CT of 30 days ago (65 mm), not the first CT (48 mm)
        await expect
          .poll(() => page.getByTestId("recist-baseline").textContent())
          .toMatch(new RegExp(`${SCANS[1].date}.*65 mm`));
        expect(await page.getByTestId("recist-baseline").textContent()).not.toContain(SCANS[0].date);
        const row = page.getByRole("table", { name: "response" }).locator("tbody tr").last();
        await expect.poll(() => row.textContent()).toMatch(/45.*−31 %.*PR/);
        await expect
          .poll(() => page.getByTestId("recist-best").textContent())
          .toMatch(/best overall response: PR/);
      });
      await page.close();
    },
    90_000,
  );

  step(
    "the patient sees exactly the approved plan in plain language",
    async () => {
      const page = await signIn(PATIENT.email, PATIENT.password);
      await withDiagnostics(page, "path-patient-plan", async () => {
        await page.getByRole("heading", { name: "Your treatment plan" }).waitFor();
        const plan = page.getByLabel("your approved plan");
        await plan.waitFor();
        await plan.getByText(/^Approved on .* by your clinician, Dr\. Clara Clinician\.$/).waitFor();
        // every step of the approved protocol, and nothing else: agent, dose, route and the dates
        const { protocol, date } = approved!;
        const catalog = therapyCatalog();
        const expected = protocol.phases.flatMap((ph) =>
          ph.steps.map((s) => {
            const dates = [...new Set(stepDays(ph, s).map((d) => planDate(date, d)))];
            return {
              what: catalog.agents.get(s.agent)?.name ?? s.agent.replace(/-/g, " "),
              dose: plainDoseText(s.dose),
              how: ROUTE_WORDS[s.route] ?? s.route,
              dates,
            };
          }),
        );
        const items = await plan
          .getByRole("listitem")
          .filter({ has: page.locator("span") })
          .allInnerTexts();
        const steps = items.filter((t) => / — /.test(t));
        expect(steps).toHaveLength(expected.length);
        for (const [i, e] of expected.entries()) {
          expect(steps[i]).toContain(`${e.what}: ${e.dose}, ${e.how} — `);
          const when = steps[i].split(" — ").slice(1).join(" — ");
          if (e.dates.length <= 8) for (const d of e.dates) expect(when).toContain(d);
          else expect(when).toContain(`${e.dates.length} dates from ${e.dates[0]} to ${e.dates.at(-1)}`);
        }
        await page.getByRole("link", { name: "Download the plan (PDF)" }).waitFor();
        // and the clinician the coordinator assigned, with the consultation scheduled
        await page.getByText(`Your clinician: ${CLINICIAN}`).waitFor();
        await page.getByText(new RegExp(`with ${CLINICIAN.replace(".", "\\.")} — video link`)).waitFor();
        console.log(`the patient's plan, as shown:\n${steps.join("\n")}`);
      });
      await page.close();
    },
    60_000,
  );
});
