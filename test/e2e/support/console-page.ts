import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";

/** What the console's browser tests (test/e2e/console*.test.ts) share: screenshots, waiting, reading the page. */
const root = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Saves a screenshot under .build/screenshots/, and under docs/ when UPDATE_SCREENSHOTS=1 (as the
 * browser tests of issue 11 do). `fullPage: false` keeps exactly the viewport.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(`${root}.build/screenshots`, { recursive: true });
  const path = `${root}.build/screenshots/${name}`;
  await page.screenshot({ path: path as `${string}.png`, fullPage: options.fullPage ?? true });
  if (process.env["UPDATE_SCREENSHOTS"] === "1") copyFileSync(path, `${root}docs/${name}`);
}

/** Waits until `read()` satisfies `ok`, polling, at most 20 s; returns the last value. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** The text of the first element matching `selector`. */
export function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (element) => element.textContent ?? "");
}

export async function openTab(page: Page, id: string): Promise<void> {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#panel-${id}`);
}

/**
 * Collects CSP violations and script errors the page reports (there must be none). A refused
 * admin call is logged by Chromium as a failed load, which is expected.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return problems;
}
