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

/** Whether the page is wider than the window (a horizontal scroll bar). */
export function overflows(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/**
 * The controls on the page a screen reader could not name: inputs, selects and textareas without
 * a label, `aria-label` or `aria-labelledby`; buttons and links without text or `aria-label`; tabs
 * without `aria-controls`. Each as `tag#id`.
 */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (element: Element) => `${element.tagName.toLowerCase()}#${element.id || "(no id)"}`;
    const fields = Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea")).filter(
      (element) =>
        (element as HTMLInputElement).labels?.length === 0 &&
        !element.getAttribute("aria-label") &&
        !element.getAttribute("aria-labelledby"),
    );
    const buttons = Array.from(document.querySelectorAll("button, a[href]")).filter(
      (element) => !(element.textContent ?? "").trim() && !element.getAttribute("aria-label"),
    );
    const tabs = Array.from(document.querySelectorAll("[role=tab]")).filter((element) => !element.getAttribute("aria-controls"));
    return [...fields, ...buttons, ...tabs].map(name);
  });
}

/**
 * Signs in on the console's form with `token` — the form already shown, or first opened at `url`
 * (a deep link the console opens once signed in) — and waits for `ready`. The one place the
 * browser tests know the sign-in form.
 *
 * @example await signInToConsole(page, gateway.adminToken, "#tab-purge[aria-selected=true]", `${base}/admin#/p/demo/master/purge`);
 */
export async function signInToConsole(page: Page, token: string, ready: string, url?: string): Promise<void> {
  if (url !== undefined) await page.goto(url);
  await page.waitForSelector("#signin-token");
  await page.type("#signin-token", token);
  await page.click("#signin button[type=submit]");
  await page.waitForSelector(ready);
}
