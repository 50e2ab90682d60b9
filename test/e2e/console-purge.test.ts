import { createHash, createHmac } from "node:crypto";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { openTab, screenshot, signInToConsole, text, until, watchProblems } from "./support/console-page";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * The console's entry purge (issue 23) in Chromium against the real `npm start`, at a desktop and a
 * phone width: an operator purges one entry and only the answers that read it go back to the
 * origin; a pasted list with a bad line is refused line by line before anything is sent; one
 * operation is purged by its document hash; the webhook delivery log lists what webhooks did.
 */
/** The demo project's webhook secret as `npm start` configures it (scripts/demo-project.mjs). */
const DEMO_WEBHOOK_SECRET = "demo-webhook-secret-change-me";

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

/** A GraphQL request to /content/demo/master from outside the browser, as a site's would be. */
async function content(query: string) {
  const response = await fetch(`${gateway.base}/content/demo/master`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return { xCache: response.headers.get("x-cache"), body: (await response.json()) as { data?: { posts?: Array<{ id: string }> } } };
}

/** The lookup of one post by id: its answer depends on that entry alone. */
const lookup = (id: string) => `{ post(where: { id: "${id}" }) { id title } }`;

/** Sends `query` until it is cached: the second answer must be a HIT. */
async function warm(query: string): Promise<void> {
  await content(query);
  expect((await content(query)).xCache).toBe("HIT");
}

/** Signs in with the admin token through a link to demo/master's Purge tab and waits for it. */
async function signIn(page: Page): Promise<void> {
  // The console follows its URL: signed in, it opens the project and tab the link names.
  await signInToConsole(page, gateway.adminToken, "#tab-purge[aria-selected=true]", `${gateway.base}/admin#/p/demo/master/purge`);
}

/** Replaces a field's text (puppeteer's type() appends). */
async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (field) => ((field as HTMLInputElement).value = ""));
  await page.type(selector, value);
}

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.each([1280, 390])("the Purge tab at %i px", (width) => {
  let page: Page;
  let problems: string[];
  let ids: [string, string];

  beforeAll(async () => {
    const { body } = await content("{ posts(first: 2) { id } }");
    const posts = body.data?.posts ?? [];
    expect(posts).toHaveLength(2);
    ids = [posts[0]!.id, posts[1]!.id];
    page = await chromium.browser.newPage();
    await page.setViewport({ width, height: width < 600 ? 844 : 900 });
    problems = watchProblems(page);
    await signIn(page);
    await openTab(page, "purge");
    await page.waitForSelector("#purge-entry-model option[value=Post]");
  });

  afterAll(async () => {
    await page?.close();
  });

  it("purges one entry after a confirmation: its answer is a MISS, the other entry's stays a HIT", async () => {
    const [purged, kept] = ids;
    await warm(lookup(purged));
    await warm(lookup(kept));

    await page.select("#purge-entry-model", "Post");
    await fill(page, "#purge-entry-id", purged);
    await page.click("#purge-entry-submit");
    await page.waitForSelector("#purge-entries-confirmation:not([hidden])");
    expect(await text(page, "#purge-entries-confirmation")).toContain(`Post ${purged} in every stage`);
    // Nothing happens until the operator confirms.
    expect((await content(lookup(purged))).xCache).toBe("HIT");
    expect(await sideways(page)).toBe(false);

    await page.click("#purge-entries-confirm");
    await page.waitForSelector("#purge-entries-done");
    expect(await text(page, "#purge-entries-done")).toContain("Invalidated 1 entry in all stages");
    expect(await text(page, "#purge-entries-purged")).toBe(`Post ${purged}`);

    expect((await content(lookup(purged))).xCache).toBe("MISS");
    expect((await content(lookup(kept))).xCache).toBe("HIT");
    expect(await sideways(page)).toBe(false);
    await screenshot(page, `console-purge-entry-${width}.png`);
  });

  it("refuses a pasted list with bad lines, naming each line, and purges nothing; the corrected list purges both entries", async () => {
    const [first, second] = ids;
    await warm(lookup(first));
    await warm(lookup(second));

    await fill(page, "#purge-list", `# two posts\nPost ${first}\nPost ${second} and more\nPots:${second}`);
    await page.click("#purge-list-submit");
    await page.waitForSelector("#purge-list-problems:not([hidden])");
    const lines = await page.$$eval("#purge-list-problems li", (items) => items.map((item) => item.textContent ?? ""));
    expect(lines).toEqual(['Line 3: expected "Model id" or "Model:id".', expect.stringMatching(/^Line 4: no model "Pots" in the schema/)]);
    expect(await page.$eval("#purge-entries-confirmation", (box) => (box as HTMLElement).hidden)).toBe(true);
    expect(await sideways(page)).toBe(false);
    await screenshot(page, `console-purge-list-error-${width}.png`);
    expect((await content(lookup(first))).xCache).toBe("HIT");
    expect((await content(lookup(second))).xCache).toBe("HIT");

    await fill(page, "#purge-list", `Post ${first}\nPost:${second}`);
    await page.click("#purge-list-submit");
    await page.waitForSelector("#purge-entries-confirmation:not([hidden])");
    expect(await page.$eval("#purge-list-problems", (list) => (list as HTMLElement).hidden)).toBe(true);
    expect(await text(page, "#purge-entries-confirmation")).toContain("2 entries");
    await page.click("#purge-entries-confirm");
    await page.waitForFunction(() => document.querySelector("#purge-entries-done")?.textContent?.includes("2 entries"));
    expect((await content(lookup(first))).xCache).toBe("MISS");
    expect((await content(lookup(second))).xCache).toBe("MISS");
    expect(problems).toEqual([]);
  });

  it("purges one operation by its document hash: that document misses, another keeps hitting", async () => {
    const purged = `{ posts(first: 1) { title } operation_${width}: __typename }`;
    const kept = `{ authors { name } operation_${width}: __typename }`;
    await warm(purged);
    await warm(kept);

    await fill(page, "#purge-document", "not a hash");
    await page.click("#purge-document-submit");
    await page.waitForSelector("#purge-document-result .error");
    expect(await page.$eval("#purge-document-confirmation", (box) => (box as HTMLElement).hidden)).toBe(true);

    // The SHA-256 of the query text as sent, as APQ's sha256Hash (pasted in capitals: forgiven).
    const hash = createHash("sha256").update(purged).digest("hex");
    await fill(page, "#purge-document", hash.toUpperCase());
    await page.click("#purge-document-submit");
    await page.waitForSelector("#purge-document-confirmation:not([hidden])");
    expect(await text(page, "#purge-document-confirmation")).toContain(hash);
    expect((await content(purged)).xCache).toBe("HIT");
    await page.click("#purge-document-confirm");
    await page.waitForSelector("#purge-document-done");
    expect(await text(page, "#purge-document-done")).toContain(hash);

    expect((await content(purged)).xCache).toBe("MISS");
    expect((await content(kept)).xCache).toBe("HIT");
    expect(await sideways(page)).toBe(false);
  });

  it("lists webhook deliveries in the Traffic tab newest first, accepted and refused with the reason, after Refresh", async () => {
    const [id] = ids;
    expect(await webhook({ operation: "publish", data: { __typename: "Post", id, stage: "PUBLISHED" } })).toBe(202);
    expect(
      await webhook({ operation: "publish", data: { __typename: "Post", id, stage: "PUBLISHED" } }, "sign=forged, env=master, t=1"),
    ).toBe(401);

    await openTab(page, "traffic");
    await page.click("#deliveries-refresh");
    // The tab loaded the log when it opened: wait for the refreshed rows (the publish among them).
    const shownRows = () =>
      page.$$eval("#deliveries tbody tr", (trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent ?? "")));
    const rows = await until(shownRows, (shown) => shown[1]?.[3] === id);
    // Newest first: the forged delivery (its body unread), then the publish.
    expect(rows[0]).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      "–",
      "–",
      "–",
      "–",
      "refused",
      expect.stringMatching(/\S/),
    ]);
    expect(rows[1]).toEqual([expect.any(String), "publish", "Post", id, "PUBLISHED", "accepted", "–"]);
    expect(await sideways(page)).toBe(false);
    await page.$eval("#deliveries", (log) => log.scrollIntoView());
    await screenshot(page, `console-deliveries-${width}.png`, { fullPage: false });
  });
});

/** A webhook to demo/master, signed as Hygraph signs it with the demo project's secret unless `signature` is given. */
async function webhook(payload: unknown, signature?: string): Promise<number> {
  const body = JSON.stringify(payload);
  const t = Date.now();
  const message = JSON.stringify({ Body: body, EnvironmentName: "master", TimeStamp: t });
  const sign = createHmac("sha256", DEMO_WEBHOOK_SECRET).update(message).digest("base64");
  const response = await fetch(`${gateway.base}/webhooks/demo/master`, {
    method: "POST",
    headers: { "content-type": "application/json", "gcms-signature": signature ?? `sign=${sign}, env=master, t=${t}` },
    body,
  });
  await response.body?.cancel();
  return response.status;
}
