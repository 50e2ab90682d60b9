import type { HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { openTab, overflows, screenshot, text, unnamedControls, until, watchProblems } from "./support/console-page";
import { startMiniflareGateway, type MiniflareGateway } from "./support/miniflare-gateway";

/**
 * The console's projects (issue 23) in Chromium, at 1280 and 390 px: it opens on the list of every
 * project (searched, with origin and hit ratio), a project's tabs are a click away, the header's
 * switcher moves to another project without a second sign-in, a deep link survives a reload, the
 * tokens' Revoke buttons stay on screen with three long tokens, and no tab scrolls sideways.
 * Served by Miniflare with the console's static assets; the projects are made through the admin API.
 */
const run = Math.random().toString(36).slice(2, 8);
const A = { projectId: `fleet-a-${run}`, environment: "master" };
const B = { projectId: `fleet-b-${run}`, environment: "staging" };
const ORIGIN = "https://demo-origin.internal/v2/demo/master";
const READ_ALL = { action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" };

let gateway: MiniflareGateway;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.entry}${path}`, {
    method,
    headers: { authorization: `Bearer ${gateway.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, body: raw ? (JSON.parse(raw) as any) : undefined };
}

const tokenPath = `/admin/projects/${A.projectId}/${A.environment}/tokens`;

/**
 * Three tokens whose rules read as long unbreakable lines (every action, every model): the table
 * that used to push Revoke off-screen, past the right edge of its scroll box.
 */
async function threeTokens() {
  const rule = {
    ...READ_ALL,
    action: ["read", "readVersion", "create", "update", "delete", "publish", "unpublish"],
    model: ["Post", "Author", "Page"],
  };
  for (const i of [1, 2, 3]) {
    const created = await admin("POST", tokenPath, {
      name: `preview build ${i} ${run}`,
      permissions: [rule, { ...rule, stages: ["DRAFT"] }],
    });
    expect({ status: created.status, error: created.body.errors?.[0]?.message }).toEqual({ status: 201, error: undefined });
  }
}

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startMiniflareGateway({ assets: true }), launchChromium()]);
  // A project the searches below do not match.
  for (const project of [A, B, { projectId: "elsewhere", environment: "master" }]) {
    const put = await admin("PUT", `/admin/projects/${project.projectId}/${project.environment}`, {
      origin: ORIGIN,
      publicPermissions: [READ_ALL],
    });
    expect(put.status).toBe(200);
  }
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.dispose();
});

describe.each([
  [1280, 800],
  [390, 844],
])("the console's projects at %ix%i", (width, height) => {
  let page: Page;
  let problems: string[] = [];
  /** Every sign-in proof (`GET /admin/whoami`) the page asked for. */
  const whoamis: string[] = [];

  beforeAll(async () => {
    page = await chromium.browser.newPage();
    await page.setViewport({ width, height });
    problems = watchProblems(page);
    page.on("request", (request: HTTPRequest) => {
      if (new URL(request.url()).pathname === "/admin/whoami") whoamis.push(request.url());
    });
  });

  afterAll(async () => {
    await page?.close();
  });

  it("signs in with only the token, opens on the projects list, searches it and opens a project", async () => {
    await page.goto(`${gateway.entry}/admin`);
    await page.waitForSelector("#signin-token");
    expect(await page.$$eval("#signin input", (inputs) => inputs.map((i) => i.id))).toEqual(["signin-token"]);
    await page.type("#signin-token", gateway.adminToken);
    await page.click("#signin button[type=submit]");
    await page.waitForSelector("#projects-list table");
    // The session is the credential alone: the project is the URL's.
    expect(await page.evaluate(() => JSON.parse(sessionStorage.getItem("content-edge.console.session") ?? "null"))).toEqual({
      token: gateway.adminToken,
    });

    await page.type("#projects-search", run);
    const rows = await until(
      () =>
        page.$$eval("#projects-list tr[data-project]", (trs) => trs.map((tr) => [tr.getAttribute("data-project"), tr.textContent ?? ""])),
      (found) => found.length === 2,
    );
    await until(
      () => page.evaluate(() => location.hash),
      (hash) => hash !== "" && hash !== "#/",
    );
    expect(rows.map(([name]) => name)).toEqual([`${A.projectId}/${A.environment}`, `${B.projectId}/${B.environment}`]);
    expect(rows[0]![1]).toContain(ORIGIN);
    expect(rows[0]![1]).toContain("no traffic");
    // The search is kept in the URL, so a reload keeps it too.
    expect(await page.evaluate(() => location.hash)).toBe(`#/?search=${run}`);
    expect(await overflows(page)).toBe(false);
    if (width === 1280) await screenshot(page, "console-projects.png", { fullPage: false });

    await page.$eval("#projects-search", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#projects-search", `nothing-${run}`);
    await page.waitForSelector("#projects-empty");
    expect(await text(page, "#projects-empty")).toBe(`No project or environment matches "nothing-${run}".`);

    await page.$eval("#projects-search", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#projects-search", A.projectId);
    await page.waitForSelector(`tr[data-project="${A.projectId}/${A.environment}"] a`);
    await page.click(`tr[data-project="${A.projectId}/${A.environment}"] a`);
    await page.waitForSelector("#tab-traffic[aria-selected=true]");
    expect(await page.evaluate(() => location.hash)).toBe(`#/p/${A.projectId}/${A.environment}/traffic`);
    expect(await text(page, "#project-label")).toBe(`${A.projectId}/${A.environment}`);
  });

  it("switches to another project from the header on the same tab, without signing in again", async () => {
    await openTab(page, "tokens");
    const proofs = whoamis.length;
    await page.click("#project-switcher", { clickCount: 3 });
    await page.type("#project-switcher", `${B.projectId}/${B.environment}`);
    await page.keyboard.press("Enter");
    await until(
      () => text(page, "#project-label"),
      (label) => label === `${B.projectId}/${B.environment}`,
    );
    await page.waitForSelector("#tab-tokens[aria-selected=true]");
    expect(await page.evaluate(() => location.hash)).toBe(`#/p/${B.projectId}/${B.environment}/tokens`);
    expect(await page.$("#signin-token")).toBeNull();
    expect(whoamis.length).toBe(proofs);
    // The keyboard focus stays on the switcher of the new page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("project-switcher");

    // Back in history is the project before.
    await page.goBack();
    await until(
      () => text(page, "#project-label"),
      (label) => label === `${A.projectId}/${A.environment}`,
    );
    expect(await page.$("#signin-token")).toBeNull();
  });

  it("opens a deep link on its project and tab, and again after a reload", async () => {
    await page.goto(`${gateway.entry}/admin#/p/${B.projectId}/${B.environment}/schema`);
    await page.waitForSelector("#tab-schema[aria-selected=true]");
    expect(await text(page, "#project-label")).toBe(`${B.projectId}/${B.environment}`);
    await page.reload();
    await page.waitForSelector("#tab-schema[aria-selected=true]");
    expect(await text(page, "#project-label")).toBe(`${B.projectId}/${B.environment}`);
    expect(await page.$("#signin-token")).toBeNull();
    expect(await page.evaluate(() => location.hash)).toBe(`#/p/${B.projectId}/${B.environment}/schema`);

    // A project that is not there says so, with the way back to the list.
    await page.goto(`${gateway.entry}/admin#/p/missing-${run}/master/traffic`);
    await page.waitForSelector("#project-error");
    expect(await text(page, "#project-error")).toContain("404 NOT_FOUND");
    await page.click("#project-error a");
    await page.waitForSelector("#projects-list");

    // The earlier console's links still open the project they name.
    await page.goto(`${gateway.entry}/admin?project=${A.projectId}&environment=${A.environment}`);
    await page.waitForSelector("#tab-traffic[aria-selected=true]");
    expect(await page.evaluate(() => location.pathname + location.search + location.hash)).toBe(
      `/admin#/p/${A.projectId}/${A.environment}/traffic`,
    );
  });

  it("opens a project whose first read failed in passing, and offers Retry when it keeps failing", async () => {
    // The project's configuration answers 503 (a busy authority) as long as `failing` says so.
    const configPath = `/admin/projects/${B.projectId}/${B.environment}`;
    let failing = 1;
    const fail = (request: HTTPRequest) => {
      if (request.isInterceptResolutionHandled()) return;
      if (new URL(request.url()).pathname === configPath && request.method() === "GET" && failing > 0) {
        failing--;
        void request.respond({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ errors: [{ message: "The authority is busy.", extensions: { code: "SERVICE_UNAVAILABLE" } }] }),
        });
      } else void request.continue();
    };
    await page.setRequestInterception(true);
    page.on("request", fail);
    try {
      // Once: asked again, and the project opens as if nothing happened.
      await page.goto(`${gateway.entry}/admin#/p/${B.projectId}/${B.environment}/tokens`);
      await page.waitForSelector("#tab-tokens[aria-selected=true]");
      expect(failing).toBe(0);

      // Every time: the error, and Retry, which opens it once the gateway answers again.
      failing = 2;
      await page.goto(`${gateway.entry}/admin#/p/${A.projectId}/${A.environment}/traffic`);
      await page.waitForSelector("#tab-traffic[aria-selected=true]");
      failing = 2;
      await page.goto(`${gateway.entry}/admin#/p/${B.projectId}/${B.environment}/schema`);
      await page.waitForSelector("#project-retry");
      expect(await text(page, "#project-error")).toContain("503 SERVICE_UNAVAILABLE");
      await page.click("#project-retry");
      await page.waitForSelector("#tab-schema[aria-selected=true]");
      expect(await text(page, "#project-label")).toBe(`${B.projectId}/${B.environment}`);
    } finally {
      page.off("request", fail);
      await page.setRequestInterception(false);
    }
    // Where the tests below start: A's Traffic tab.
    await page.goto(`${gateway.entry}/admin#/p/${A.projectId}/${A.environment}/traffic`);
    await page.waitForSelector("#tab-traffic[aria-selected=true]");
  });

  it("keeps every Revoke on screen and working with three tokens", async () => {
    await threeTokens();
    await openTab(page, "tokens");
    const listed = await until(
      () => page.$$eval("#tokens-list tr[data-token-id]", (trs) => trs.length),
      (n) => n >= 3,
    );
    expect(listed).toBeGreaterThanOrEqual(3);
    expect(await overflows(page)).toBe(false);
    const boxes = await page.$$eval("#tokens-list button.revoke", (buttons) =>
      buttons.map((button) => {
        button.scrollIntoView({ block: "center" });
        const box = button.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return { left: box.left, right: box.right, width: box.width, clickable: hit === button };
      }),
    );
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(width);
      expect(box.width).toBeGreaterThan(0);
      expect(box.clickable).toBe(true);
    }
    if (width === 390) await screenshot(page, "console-tokens-390.png", { fullPage: false });

    const before = (await admin("GET", tokenPath)).body as Array<{ id: string }>;
    const id = before[0]!.id;
    const revoke = `tr[data-token-id="${id}"] button.revoke`;
    await page.click(revoke);
    await page.click(revoke);
    await until(
      () => page.$(`tr[data-token-id="${id}"]`),
      (row) => row === null,
    );
    const after = (await admin("GET", tokenPath)).body as Array<{ id: string }>;
    expect(after.map((t) => t.id)).toEqual(before.slice(1).map((t) => t.id));
  });

  it("scrolls no tab sideways, and names every control for a screen reader", async () => {
    const tabs = await page.$$eval("[role=tab]", (elements) => elements.map((e) => e.id.replace(/^tab-/, "")));
    expect(tabs).toEqual(["traffic", "purge", "tokens", "schema", "explain", "audit", "apps", "config", "operators"]);
    for (const tab of tabs) {
      await openTab(page, tab);
      await until(
        () => page.$eval(`#panel-${tab}`, (panel) => panel.textContent ?? ""),
        (shown) => !shown.includes("Loading…"),
      );
      expect({ tab, overflows: await overflows(page) }).toEqual({ tab, overflows: false });
      expect({ tab, unnamed: await unnamedControls(page) }).toEqual({ tab, unnamed: [] });
      expect(await page.$eval(`#panel-${tab}`, (panel) => [panel.getAttribute("role"), panel.getAttribute("aria-labelledby")])).toEqual([
        "tabpanel",
        `tab-${tab}`,
      ]);
    }
    // The tabs are one stop in the tab order; the arrow keys move between them.
    await page.focus("#tab-traffic");
    await openTab(page, "traffic");
    await page.focus("#tab-traffic");
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("#tab-purge[aria-selected=true]");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-purge");
    expect(await page.$$eval("[role=tab][tabindex='0']", (elements) => elements.map((e) => e.id))).toEqual(["tab-purge"]);

    await page.click("#nav-projects");
    await page.waitForSelector("#projects-list table");
    expect(await overflows(page)).toBe(false);
    expect(await unnamedControls(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("the projects list, more than a page of it", () => {
  it("shows 50 and pages on with Load more until the list ends", async () => {
    const names = Array.from({ length: 52 }, (_, i) => `page-${run}-${String(i).padStart(2, "0")}`);
    for (let i = 0; i < names.length; i += 13) {
      const puts = names.slice(i, i + 13).map((projectId) => admin("PUT", `/admin/projects/${projectId}/master`, { origin: ORIGIN }));
      expect((await Promise.all(puts)).map((put) => put.status)).toEqual(Array(Math.min(13, names.length - i)).fill(200));
    }
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(`${gateway.entry}/admin#/?search=page-${run}`);
    await page.waitForSelector("#signin-token");
    await page.type("#signin-token", gateway.adminToken);
    await page.click("#signin button[type=submit]");
    const shown = () => page.$$eval("#projects-list tr[data-project]", (trs) => trs.map((tr) => tr.getAttribute("data-project")));
    await until(shown, (rows) => rows.length === 50);
    expect(await shown()).toEqual(names.slice(0, 50).map((name) => `${name}/master`));
    expect(await page.$eval("#projects-more", (button) => (button as HTMLButtonElement).hidden)).toBe(false);
    await page.click("#projects-more");
    await until(shown, (rows) => rows.length === 52);
    expect(await shown()).toEqual(names.map((name) => `${name}/master`));
    expect(await page.$eval("#projects-more", (button) => (button as HTMLButtonElement).hidden)).toBe(true);
    await page.close();
  });
});
