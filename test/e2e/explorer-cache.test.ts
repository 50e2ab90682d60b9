import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { screenshot } from "./support/console-page";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * The explorer (issue 23) in Chromium against the real `npm start`, at a desktop and a phone
 * width: the bar under the result says how the gateway answered (x-cache, age, Server-Timing), and
 * the docs pane of the read-only `/content` endpoint lists no Mutation root while `/v2`'s does.
 */
let gateway: NpmStart;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startNpmStart(), launchChromium()]);
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.stop();
});

/** A tab on `path` at `width`, recording script errors and CSP violations. */
async function openExplorer(path: string, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width, height: width < 600 ? 844 : 800 });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const response = await page.goto(`${gateway.base}${path}`);
  expect(response?.status()).toBe(200);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror");
  return { page, problems };
}

/** Replaces the editor's text with `query`, runs it, and waits for the answer bar to show `xCache`. */
async function run(page: Page, query: string, xCache: string): Promise<Record<string, string>> {
  await page.evaluate((text) => {
    const editor = document.querySelector(".graphiql-query-editor .CodeMirror") as unknown as { CodeMirror: { setValue(v: string): void } };
    editor.CodeMirror.setValue(text);
  }, query);
  // The bar keeps the last answer: mark it so that the wait below sees this run's answer.
  await page.$eval(".ce-answer", (bar) => bar.setAttribute("data-x-cache", "pending"));
  await page.click(".graphiql-execute-button");
  await page.waitForSelector(`.ce-answer[data-x-cache="${xCache}"]`, { timeout: 30_000 });
  return page.$$eval(".ce-answer [data-part]", (parts) =>
    Object.fromEntries(parts.map((part) => [part.getAttribute("data-part"), part.querySelector("code")?.textContent ?? ""])),
  );
}

/** Whether the page scrolls sideways (it must not). */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** The root types the docs pane lists: `query`, `mutation`, `subscription`. */
async function docsRootTypes(page: Page): Promise<string[]> {
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector(".graphiql-doc-explorer-root-type");
  return page.$$eval(".graphiql-doc-explorer-root-type", (spans) => spans.map((span) => span.textContent ?? ""));
}

describe.each([1280, 390])("the explorer at %i px", (width) => {
  it("shows a MISS, then a HIT with its age and Server-Timing, for the same query", async () => {
    const { page, problems } = await openExplorer("/content/demo/master", width);
    expect(await page.$eval(".ce-answer", (bar) => bar.textContent)).toContain("Run a query");
    // An alias no other request used: the first answer cannot come from a cache.
    const query = `{ posts(first: 2) { title } explorer_${width}_${Date.now()}: __typename }`;

    const miss = await run(page, query, "MISS");
    expect(miss).toMatchObject({ http: "200", "x-cache": "MISS", age: "–" });
    expect(miss["server-timing"]).toMatch(/^cache \d+(\.\d)? ms, origin \d+(\.\d)? ms$/);
    expect(await page.$eval(".result-window", (e) => e.textContent)).toContain("Hello Edge");

    const hit = await run(page, query, "HIT");
    expect(hit).toMatchObject({ http: "200", "x-cache": "HIT" });
    expect(hit["age"]).toMatch(/^\d+ s$/);
    expect(hit["server-timing"]).toMatch(/^cache \d+(\.\d)? ms$/); // no origin time: the origin was not asked
    expect(await sideways(page)).toBe(false);
    await screenshot(page, `explorer-cache-${width}.png`, { fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each<[string, string[]]>([
    ["/content/demo/master", ["query"]],
    ["/v2/demo/master", ["query", "mutation"]],
  ])("the docs pane of %s lists the root types %j", async (path, roots) => {
    const { page, problems } = await openExplorer(path, width);
    expect(await docsRootTypes(page)).toEqual(roots);
    const docs = await page.$eval(".graphiql-doc-explorer", (e) => e.textContent ?? "");
    if (roots.includes("mutation")) expect(docs).toContain("Mutation");
    else expect(docs).not.toContain("Mutation");
    expect(await sideways(page)).toBe(false);
    if (path.startsWith("/content")) await screenshot(page, `explorer-docs-content-${width}.png`, { fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
