/**
 * The record editor in a real browser (Debian's Chromium with playwright-core, against the built server): a
 * patient signs up and uploads a report; the clinician reads it beside the form and abstracts weight, height,
 * diagnosis (from the value sets), stage, a lab and a CT with two target lesions into the record, each value
 * naming the document and page; the save is a new version with its changes; a FHIR Bundle dropped in the browser
 * is previewed and merged; the evaluation reads the record; the approved plan's quote reaches the patient.
 *
 * Skipped (saying why) without Chromium or a build; in CI that is a failure (as web-journeys.test.ts).
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseSchema } from "../clinic/case-schema.js";
import { exportBundle } from "../clinic/fhir-export.js";
import { ROOT, startServerProcess } from "../test-support/server-process.js";
import { withDiagnostics } from "../test-support/browser-diagnostics.js";
import { choose, openTab } from "../test-support/browser-actions.js";
import { DEMO_PASSWORD } from "../test-support/test-server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const missing = [
  existsSync(CHROMIUM) ? null : `Chromium at ${CHROMIUM}`,
  existsSync(path.join(ROOT, "dist/web/index.html")) ? null : "the web build dist/web (npm run build)",
  existsSync(path.join(ROOT, "dist/server/main.js")) ? null : "the server build dist/server (npm run build)",
].filter((m): m is string => m !== null);
const available = missing.length === 0;
if (!available)
  describe("the record editor in Chromium (not run)", () => {
    if (process.env.CI)
      it("CI runs the browser tests", () => {
        throw new Error(`the browser tests cannot run: missing ${missing.join("; ")}`);
      });
    else it.skip(`browser tests skipped: missing ${missing.join("; ")}`, () => {});
  });

const TODAY = new Date().toISOString().slice(0, 10);

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
/** Serious and critical WCAG 2 A/AA violations on the page as it is (axe-core through DevTools: the CSP stays on). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] },
    }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")})`,
    );
}

describe.skipIf(!available)("the record editor in Chromium", () => {
  let server: ChildProcess;
  let browser: Browser;
  let base = "";
  let caseId = "";
  beforeAll(async () => {
    const started = await startServerProcess({
      from: "build",
      dataDir: mkdtempSync(path.join(tmpdir(), "immunoplan-record-")),
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

  async function signIn(email: string): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
      timezoneId: "Europe/London",
    });
    await page.goto(base);
    await page.getByLabel("E-mail").fill(email);
    await page.locator("input[type=password]").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    return page;
  }
  /** A JSON API call in the page's session (with its CSRF token). */
  async function call(page: Page, method: string, url: string, body?: unknown): Promise<unknown> {
    const me = (await (await page.request.get(`${base}/api/auth/me`)).json()) as { csrfToken: string };
    const r = await page.request.fetch(`${base}${url}`, {
      method,
      headers: {
        "x-csrf-token": me.csrfToken,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      data: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(r.status(), `${method} ${url}: ${await r.text()}`).toBeLessThan(300);
    return r.json();
  }

  it("the coordinator opens a case for a new patient and assigns the clinician; a report is uploaded", async () => {
    const coordinator = await signIn("coordinator@demo.immunoplan");
    const clinicians = (await call(coordinator, "GET", "/api/clinicians")) as { id: string; name: string }[];
    const opened = (await call(coordinator, "POST", "/api/cases", {
      title: "Lung cancer, records to abstract",
      patient: { name: "Rita Record" },
      clinicianId: clinicians.find((c) => c.name === "Dr. Clara Clinician")!.id,
    })) as { id: string };
    caseId = opened.id;
    await coordinator.close();
    // the report arrives (the patient's portal uploads the same way; its journey is in web-journeys.test.ts)
    const clinician = await signIn("clinician@demo.immunoplan");
    const pdf = Buffer.from(
      "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    );
    const up = (await call(clinician, "POST", `/api/cases/${caseId}/uploads`, {
      filename: "ct-and-pathology.pdf",
      size: pdf.length,
    })) as { id: string };
    const me = (await (await clinician.request.get(`${base}/api/auth/me`)).json()) as { csrfToken: string };
    const put = await clinician.request.put(`${base}/api/uploads/${up.id}`, {
      headers: {
        "x-csrf-token": me.csrfToken,
        "content-type": "application/octet-stream",
        "upload-offset": "0",
      },
      data: pdf,
    });
    expect(put.status(), await put.text()).toBe(200);
    await clinician.close();
  }, 60_000);

  it("the clinician abstracts the report into the record beside it; the save is a version with its changes", async () => {
    const page = await signIn("clinician@demo.immunoplan");
    await withDiagnostics(page, "record-editor", async () => {
      await page.goto(`${base}/cases/${caseId}`);
      await openTab(page, "Edit record");
      // the document beside the form, page 2: the values added now name it
      await choose(page, page.locator("body"), "Reading from", "ct-and-pathology.pdf");
      await page.getByLabel("Page").fill("2");
      await page.getByTestId("value-source").getByText("from ct-and-pathology.pdf, p. 2").waitFor();
      await page.locator("iframe[title='document ct-and-pathology.pdf']").waitFor();

      const weights = page.getByTestId("add-weights");
      await weights.getByLabel("Weight (kg)").fill("72.5");
      await weights.getByLabel("Date").fill(TODAY);
      await weights.getByRole("button", { name: "Add" }).dispatchEvent("click");
      // a typo is taken back into the form and corrected
      await page.getByRole("button", { name: "edit Weights 1" }).dispatchEvent("click");
      await weights.getByLabel("Weight (kg)").fill("72");
      await weights.getByRole("button", { name: "Add" }).dispatchEvent("click");
      // each add is seen in its table before the next form is filled (a re-render on a loaded machine can swallow
      // a click: a clean CI run saved the record without its height, and the checklist never said 'present'). The
      // Add buttons are clicked through their event: the checklist above re-renders after each change and moves
      // the forms, and a pointer click aimed before the move lands beside the button (a clean CI run on 2026-12-06
      // lost the height's Add that way, the row never appeared)
      await page.getByRole("table", { name: "Weights" }).getByText("72", { exact: true }).waitFor();
      const heights = page.getByTestId("add-heights");
      await heights.getByLabel("Height (cm)").fill("171");
      await heights.getByLabel("Date").fill(TODAY);
      await heights.getByRole("button", { name: "Add" }).dispatchEvent("click");
      await page.getByRole("table", { name: "Heights" }).getByText("171", { exact: true }).waitFor();

      const dx = page.getByTestId("add-diagnoses");
      await dx.getByRole("radio", { name: "primary", exact: true }).check();
      await choose(page, dx, "Diagnosis (SNOMED CT, ICD-10-CM)", /^Non-small cell lung cancer/, "non-small");
      await choose(page, dx, "Histology (ICD-O-3)", /^Adenocarcinoma, NOS/, "adeno");
      await dx.getByRole("button", { name: "Add" }).dispatchEvent("click");
      await page.getByRole("table", { name: "Diagnoses" }).getByText("254637007").waitFor();

      const st = page.getByTestId("add-staging");
      await choose(page, st, "Kind", "clinical");
      await choose(page, st, "Item", "stage-group");
      await st.getByLabel("Value (e.g. T2, N1, IVA)").fill("IVA");
      await choose(page, st, "Staging system", /AJCC/, "AJCC");
      await st.getByRole("button", { name: "Add" }).dispatchEvent("click");

      await page.getByRole("button", { name: "Labs" }).click();
      const labs = page.getByTestId("add-labs");
      await choose(page, labs, "Test", /^Neutrophils/, "neutro");
      await labs.getByLabel("Value").fill("3.4");
      await labs.getByLabel("Date").fill(TODAY);
      await labs.getByRole("button", { name: "Add" }).dispatchEvent("click");

      await page.getByRole("button", { name: "Imaging studies and lesions" }).click();
      const im = page.getByTestId("add-imaging");
      await im.getByLabel("Date").fill(TODAY);
      await choose(page, im, "Modality", "CT");
      await im.getByLabel("Body part").fill("chest and abdomen");
      await im.getByRole("button", { name: "Add" }).dispatchEvent("click");
      const les = page.getByTestId(`add-lesions-${TODAY}`);
      for (const [id, organ, mm] of [
        ["L1", "lung", "34"],
        ["L2", "liver", "21"],
      ]) {
        await les.getByLabel("Lesion id (same on every scan)").fill(id);
        await les.getByRole("radio", { name: "target", exact: true }).check();
        await les.getByLabel("Organ").fill(organ);
        await les.getByLabel("Diameter mm (longest; short axis for nodes)").fill(mm);
        await les.getByRole("button", { name: "Add" }).dispatchEvent("click");
      }
      await page
        .getByRole("table", { name: `Lesions ${TODAY}` })
        .getByText("L2")
        .waitFor();

      await page
        .getByLabel("What changed (for the version history)")
        .fill("abstracted the CT and pathology report");
      await page.getByRole("button", { name: "Save as a new version" }).click();
      await page.getByText("saved as version 2").waitFor();
      // every value names its source; the version history says who changed what
      await page.getByRole("table", { name: "Weights" }).getByText("ct-and-pathology.pdf, p. 2").waitFor();
      await page
        .getByRole("list", { name: "record versions" })
        .getByText(/v2 .* Dr\. Clara Clinician .* abstracted/)
        .waitFor();
      // clicked through its event: the checklist above the versions re-renders after the save and moves the button,
      // and a pointer click aimed before the move lands beside it (a local run under load showed no diff request)
      await page.getByRole("button", { name: "Show changes" }).dispatchEvent("click");
      const changes = page.getByRole("list", { name: "changes between versions" });
      await changes.getByText("weights: added 72 kg").waitFor();
      await changes.getByText(/imaging: added CT .* with 2 lesion\(s\)/).waitFor();
      // the checklist follows: weight, height, staging and imaging are present now
      for (const id of ["body-size", "staging", "imaging"])
        await page.getByTestId(`checklist-${id}`).getByText("present").waitFor();
      await page.getByTestId("checklist-performance").getByText("would be supplied by").waitFor();

      // a FHIR Bundle dropped in the browser: the preview, then the merge
      const bundle = exportBundle(
        CaseSchema.parse({
          id: "outside",
          patient: { name: "Rita Record", sex: "female", source: { kind: "manual" } },
          hlaTyping: { alleles: ["A*02:01", "B*07:02"], source: { kind: "manual" } },
          performance: [{ scale: "ECOG", value: 1, date: TODAY, source: { kind: "manual" } }],
        }),
      );
      await page.getByLabel("choose a FHIR Bundle to import").setInputFiles({
        name: "outside.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(bundle)),
      });
      const preview = page.getByTestId("fhir-preview");
      await preview.getByText(/outside\.json: read \d+, ignored 0, invalid 0/).waitFor();
      await preview.getByText("performance: added ECOG 1").waitFor();
      const mergeButton = preview.getByRole("button", { name: "Merge into the record" });
      await mergeButton.scrollIntoViewIfNeeded();
      // a click lost to a re-render (the checklist posts while the preview renders) sends nothing: a clean CI run
      // failed so, its last event the preview's answer and no merge request in the 60 s after. The click is
      // repeated, up to three times, until the merge request leaves the page (then never again: one merge)
      for (let attempt = 1; ; attempt++) {
        const sent = page
          .waitForRequest(
            (r) => r.method() === "POST" && /\/api\/cases\/[^/]+\/fhir\?expectedVersion=/.test(r.url()),
            {
              timeout: 10_000,
            },
          )
          .then(
            () => true,
            () => false,
          );
        await mergeButton.click();
        if (await sent) break;
        if (attempt === 3)
          throw new Error("Merge into the record clicked three times: no merge request left the page");
      }
      await page
        .getByText("outside.json merged as version 3")
        .or(page.getByRole("alert"))
        .first()
        // the merge writes a new version and its audit entries; on a loaded CI machine that has taken close to 30 s
        .waitFor({ timeout: 60_000 });
      expect(await page.getByRole("alert").allInnerTexts()).toEqual([]);
      await page.getByText("Case record (version 3)").waitFor();
      await page.getByTestId("checklist-performance").getByText("present").waitFor();

      // the evaluation reads the record
      await openTab(page, "Evaluation");
      await page.getByRole("button", { name: "Evaluate the case" }).click();
      await page.getByRole("table", { name: "eligibility" }).waitFor({ timeout: 60_000 });
    });
    await page.close();
  }, 180_000);

  it("the approved plan shows its cost to the clinician and its quote to the patient", async () => {
    const page = await signIn("clinician@demo.immunoplan");
    const cases = (await call(page, "GET", "/api/cases")) as { id: string; title: string }[];
    const melanoma = cases.find((c) => /melanoma/i.test(c.title))!.id;
    const job = (await call(page, "POST", `/api/cases/${melanoma}/jobs`, {
      kind: "plan",
      options: { date: TODAY, samples: 4, maxCandidates: 3, mcmc: { warmup: 50, draws: 50 } },
    })) as { id: string };
    for (let i = 0; i < 240; i++) {
      const j = (await call(page, "GET", `/api/jobs/${job.id}`)) as { status: string; error: string | null };
      if (j.status === "succeeded") break;
      expect(["queued", "running"], j.error ?? "").toContain(j.status);
      await new Promise((r) => setTimeout(r, 500));
    }
    const plans = (await call(page, "GET", `/api/cases/${melanoma}/plans`)) as {
      id: string;
      recommended: string;
    }[];
    await page.goto(`${base}/cases/${melanoma}`);
    await openTab(page, "Cost");
    await page.getByRole("table", { name: "candidate estimates" }).waitFor();
    await page.getByRole("table", { name: "estimate items" }).getByText("Total").waitFor();
    await call(page, "POST", `/api/plans/${plans[0].id}/approve`, {
      chosen: plans[0].recommended,
      acknowledgeNotConverged: true,
    });
    await page.reload();
    await openTab(page, "Cost");
    await page.getByRole("table", { name: "quote" }).getByText("Total").waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
    const patient = await signIn("patient@demo.immunoplan");
    await patient.getByText(/^Cost estimate: USD /).waitFor();
    await patient.getByRole("link", { name: "Download the quote (PDF)" }).waitFor();
    await patient.close();
  }, 240_000);
});
