/**
 * When a browser test fails, what the page showed: a full-page screenshot, the DOM and the console's errors go to a
 * temporary folder whose path is added to the error, so a failure in CI can be understood from its log.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";

/** Starts collecting the page's console errors and failed requests; call before the steps. */
export function watchPage(page: Page): string[] {
  const events: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") events.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => events.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) =>
    events.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on("request", (r) => {
    if (r.url().includes("/api/"))
      events.push(`${new Date().toISOString().slice(11, 23)} → ${r.method()} ${r.url()}`);
  });
  page.on("response", (r) => {
    if (r.url().includes("/api/") || r.status() >= 400)
      events.push(
        `${new Date().toISOString().slice(11, 23)} ← ${r.status()} ${r.request().method()} ${r.url()}`,
      );
  });
  return events;
}

/** Runs the steps; on failure saves what the page showed and rethrows with the folder's path and the events. */
export async function withDiagnostics(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  const events = watchPage(page);
  try {
    await steps();
  } catch (e) {
    const dir = mkdtempSync(path.join(tmpdir(), `immunoplan-${name}-`));
    try {
      await page.screenshot({ path: path.join(dir, "page.png"), fullPage: true, timeout: 10_000 });
      writeFileSync(path.join(dir, "page.html"), await page.content());
    } catch {
      // the page may be gone; the events below still say what happened
    }
    writeFileSync(path.join(dir, "events.txt"), events.join("\n"));
    const err = e as Error;
    err.message += `\n[browser diagnostics in ${dir}; URL ${page.url()}; last events:\n${events.slice(-15).join("\n")}]`;
    throw err;
  }
}
