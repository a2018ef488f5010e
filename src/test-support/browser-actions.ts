/** Browser-test actions that stay right under CPU load (shared by the web journeys). */
import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Opens a tab of the case page and waits until it is the selected one: a click while the page re-renders (a reload
 * after a save, a document viewer loading) can land on a moved element and be lost, so it is repeated until the tab
 * says it is selected.
 */
export async function openTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole("tab", { name, exact: true });
  await expect
    .poll(
      async () => {
        await tab.click();
        return tab.getAttribute("aria-selected");
      },
      { timeout: 30_000 },
    )
    .toBe("true");
}
