import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { screenshot as screenshotOf, signInToConsole, until, watchProblems } from "./support/console-page";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * The Traffic tab's latency chart and top operations (issue 23) in Chromium against the real
 * `npm start`, at 1280 and 390 px: the chart moves after traffic, a query sent 20 times is listed
 * with its 20 requests and a Purge that asks first, and nothing makes the page scroll sideways.
 */
let gateway: NpmStart;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let problems: string[] = [];

/**
 * A project of this run's own, on the demo origin: its traffic is this file's alone, whatever
 * earlier runs left in the local state (the top operations cover a day).
 */
const PROJECT = `traffic-${Math.random().toString(36).slice(2, 8)}`;

/** A GraphQL request to the project's /content from outside the browser; its x-cache. */
async function content(query: string): Promise<string | null> {
  const response = await fetch(`${gateway.base}/content/${PROJECT}/master`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.get("x-cache");
}

/** Whether the page is wider than the window (a horizontal scroll bar). */
const overflows = (): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
/** What the latency chart says of itself. */
const latencyShown = () =>
  page.$eval("svg.latency-chart", (chart) => ({
    kind: chart.getAttribute("data-kind"),
    count: Number(chart.getAttribute("data-count")),
    label: chart.getAttribute("aria-label") ?? "",
  }));
/** The cells of the top-operations row (by requests) of an operation name, or null. */
const topRow = (name: string) =>
  page.$$eval(
    "#top-operations-requests tbody tr",
    (rows, wanted) =>
      rows.map((row) => Array.from(row.querySelectorAll("td"), (cell) => cell.textContent ?? "")).find((cells) => cells[0] === wanted) ??
      null,
    name,
  );

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startNpmStart(), launchChromium()]);
  const created = await fetch(`${gateway.base}/admin/projects/${PROJECT}/master`, {
    method: "PUT",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      origin: "https://demo-origin.internal/v2/demo/master",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
    }),
  });
  expect(created.status).toBe(200);
  page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  problems = watchProblems(page);
  // Signed in, the console opens the project and tab its link names.
  await signInToConsole(page, gateway.adminToken, "svg.latency-chart", `${gateway.base}/admin#/p/${PROJECT}/master/traffic`);
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.stop();
});

describe.each([
  [1280, 900],
  [390, 844],
])("the Traffic tab at %ix%i", (width, height) => {
  // Names never asked before, even of a gateway whose local state outlived an earlier run.
  const run = `W${width}R${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    await page.setViewport({ width, height });
    // The session is kept in the tab: a reload draws the charts at this width.
    await page.reload();
    await page.waitForSelector("svg.latency-chart");
  });

  it("moves the latency chart after traffic: more misses timed, and its figures in words", async () => {
    const before = await latencyShown();
    expect(before.kind).toBe("misses");
    // Five documents never asked before: five misses, each timed with its origin fetch.
    for (let i = 0; i < 5; i++) expect(await content(`query Latency${run}N${i} { posts { title } }`)).toBe("MISS");

    const after = await until(latencyShown, (shown) => shown.count >= before.count + 5);
    expect(after.count).toBeGreaterThanOrEqual(before.count + 5);
    expect(after.label).not.toBe(before.label);
    expect(after.label).toMatch(/^Latency in milliseconds of misses .*latest p50 [\d.,]+ ms, p95 [\d.,]+ ms, p99 [\d.,]+ ms$/);
    // The table beside it: every kind's figures over this hour.
    const misses = await page.$$eval("#latency-summary tr[data-kind=misses] td", (cells) => cells.map((c) => c.textContent));
    expect(Number(misses[0]!.replace(/,/g, ""))).toBeGreaterThanOrEqual(5);
    expect(misses.slice(1)).toEqual(expect.arrayContaining([expect.stringMatching(/ ms$/)]));

    // The select chooses what is drawn.
    await page.select("#latency-kind", "origin");
    expect((await latencyShown()).kind).toBe("origin");
    await page.select("#latency-kind", "misses");
  });

  it("lists a query sent 20 times among the top operations with its 20 requests, and purges only it once confirmed", async () => {
    const name = `TopOperation${run}`;
    const query = `query ${name} { posts { title } }`;
    const answers: Array<string | null> = [];
    for (let i = 0; i < 20; i++) answers.push(await content(query));
    expect(answers.filter((x) => x === "MISS")).toHaveLength(1);

    const row = await until(
      () => topRow(name),
      (cells) => cells !== null && cells[1] === "20",
    );
    // Operation, requests, misses, and (the admin token may purge) its Purge button.
    expect(row?.slice(0, 3)).toEqual([name, "20", "1"]);
    const button = (await page.$(`#top-operations-requests button[aria-label="Purge ${name}"]`))!;
    await button.click();
    // Asked in the row, and in full to a screen reader.
    expect(await button.evaluate((b) => [b.textContent, b.getAttribute("aria-label")])).toEqual([
      "Invalidate its cached answers?",
      `Invalidate every cached answer of ${name}? Press again to confirm.`,
    ]);
    // Nothing is purged until the operator confirms.
    expect(await content(query)).toBe("HIT");

    // Confirmed: that document's answers go; another document's answer stays a HIT.
    const other = `query Other${run} { posts { title } }`;
    expect(await content(other)).toBe("MISS");
    expect(await content(other)).toBe("HIT");
    await button.click();
    await page.waitForSelector("#top-operations-purged");
    expect(await page.$eval("#top-operations-purged", (p) => p.textContent)).toContain(name);
    // One location: the very next request (SPEC §3).
    expect(await content(query)).toBe("MISS");
    expect(await content(other)).toBe("HIT");
  });

  it("fills the card with both charts and never scrolls the page sideways", async () => {
    // Whatever sticks out of the window, named (none: nothing to scroll to). What a box inside the
    // window scrolls within itself (the header's tabs at 390 px) does not stick out of the page.
    const outside = await page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter((element) => {
          for (let box = element.parentElement; box; box = box.parentElement) {
            const scrolls = ["auto", "scroll", "hidden"].includes(getComputedStyle(box).overflowX);
            if (scrolls && box.getBoundingClientRect().right <= window.innerWidth + 0.5) return false;
          }
          return true;
        })
        .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}.${element.getAttribute("class") ?? ""}`),
    );
    expect(outside).toEqual([]);
    expect(await overflows()).toBe(false);
    const boxes = await page.evaluate(() =>
      ["svg.traffic-chart", "svg.latency-chart", "#top-operations-requests", "#latency-summary"].map((selector) => {
        const element = document.querySelector(selector)!;
        const box = element.getBoundingClientRect();
        const card = element.closest("figure, section")!.getBoundingClientRect();
        return {
          selector,
          right: Math.round(box.right) <= window.innerWidth,
          fills: box.width >= card.width - 2 || !selector.startsWith("svg"),
        };
      }),
    );
    expect(boxes).toEqual(boxes.map(({ selector }) => ({ selector, right: true, fills: true })));
    // docs/console.md shows them (UPDATE_SCREENSHOTS=1 copies them there).
    await screenshot(width === 1280 ? "console-latency.png" : "console-latency-390.png");
  });
});

describe("a viewer", () => {
  it("sees the latency, the top operations and the delivery log, with no Purge button (viewers may not purge)", async () => {
    await page.setViewport({ width: 1280, height: 900 });
    const created = await fetch(`${gateway.base}/admin/operators`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ email: `viewer-${Date.now()}@example.com`, role: "viewer" }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    await page.click("#signout");
    await signInToConsole(page, token, "#top-operations-requests tr[data-hash]");
    expect(await page.$eval("#identity-role", (e) => e.textContent)).toBe("viewer");
    // A refresh later, the role (asked before the first load) is surely known.
    const updated = () => page.$eval("#traffic-updated", (e) => e.textContent ?? "");
    const first = await updated();
    await until(updated, (t) => t !== first);
    expect(await page.$$eval("#top-operations-requests th", (cells) => cells.map((c) => c.textContent))).toEqual([
      "Operation",
      "Requests",
      "Misses",
    ]);
    expect(await page.$("#top-operations button")).toBeNull();
    expect(await page.$("svg.latency-chart")).not.toBeNull();
    // A viewer has no Purge tab, but sees what the origin's webhooks did.
    expect(await page.$("#tab-purge")).toBeNull();
    await page.waitForSelector("#deliveries-empty");
    expect(await page.$eval("#deliveries-empty", (e) => e.textContent)).toContain(`/webhooks/${PROJECT}/master`);
  });
});

describe("the console on the way", () => {
  it("had no CSP violation or script error", () => {
    expect(problems).toEqual([]);
  });
});

function screenshot(name: string) {
  return screenshotOf(page, name);
}
