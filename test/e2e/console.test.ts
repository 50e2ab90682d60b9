import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import {
  openTab as openTabOf,
  screenshot as screenshotOf,
  signInToConsole,
  text as textOf,
  until,
  watchProblems,
} from "./support/console-page";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * The operator console (issue 15) in a real browser: headless Chromium (Debian's package) driven
 * by puppeteer-core against the real `npm start`, doing what an operator does — sign in, watch
 * the traffic, purge, issue and revoke a token, explain a refusal — while other requests reach
 * the gateway over HTTP as a site's would.
 */
const QUERY = "{ posts { title } }";

let gateway: NpmStart;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
/** CSP violations and script errors the page reported: there must be none. */
let problems: string[] = [];

/** A GraphQL request to /content/demo/master from outside the browser. */
async function content(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.base}/content/demo/master`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    xCache: response.headers.get("x-cache"),
    body: (await response.json()) as {
      data?: { posts?: Array<{ title: string; stage?: string }> };
      errors?: Array<{ extensions?: Record<string, unknown> }>;
    },
  };
}

const text = (selector: string) => textOf(page, selector);
const openTab = (id: string) => openTabOf(page, id);
const screenshot = (name: string) => screenshotOf(page, name);

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startNpmStart(), launchChromium()]);
  await chromium.browser
    .defaultBrowserContext()
    .overridePermissions(gateway.base, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  problems = watchProblems(page);
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.stop();
});

describe("the console in Chromium against npm start", () => {
  it("refuses a wrong admin token, then signs in and keeps the token in sessionStorage only", async () => {
    await signInToConsole(page, "not-the-token", "#signin-status .error", `${gateway.base}/admin`);
    expect(await text("#signin-status")).toContain("401 UNAUTHENTICATED");

    await page.$eval("#signin-token", (input) => ((input as HTMLInputElement).value = ""));
    await page.type("#signin-token", gateway.adminToken);
    await page.click("#signin button[type=submit]");
    // The console opens on the projects list; the demo project is a click away.
    await page.waitForSelector('tr[data-project="demo/master"] a');
    await page.click('tr[data-project="demo/master"] a');
    await page.waitForSelector("svg.traffic-chart");
    expect(await text("#project-label")).toBe("demo/master");
    // The admin token is the break-glass owner: every tab, Operators included.
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual(["admin token", "owner"]);
    const stored = await page.evaluate(() => ({
      session: sessionStorage.length,
      local: localStorage.length,
      cookie: document.cookie,
      url: location.href,
    }));
    expect(stored.session).toBe(1);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe("");
    expect(stored.url).not.toContain(gateway.adminToken);
    expect((await page.cookies()).length).toBe(0);
  });

  it("shows the traffic chart move after generated traffic, with the refusal and its failedActions", async () => {
    const requestsShown = () => page.$eval("svg.traffic-chart", (chart) => Number(chart.getAttribute("data-requests")));
    const before = await requestsShown();
    // A miss and hits of one query, misses of two more, and a public read of DRAFT (403).
    for (let i = 0; i < 6; i++) await content(QUERY);
    await content("{ authors { name } }");
    await content("{ pages { title } }");
    expect((await content(QUERY, { "gcms-stage": "DRAFT" })).status).toBe(403);

    const after = await until(requestsShown, (n) => n >= before + 8);
    expect(after).toBeGreaterThanOrEqual(before + 8);
    expect(await page.$$eval("svg.traffic-chart path.hit-ratio", (paths) => paths.length)).toBe(1);
    await until(
      () => text("#failed-actions"),
      (t) => t.includes("DRAFT"),
    );
    expect(await text("#refusal-codes")).toContain("403 FORBIDDEN");
    expect(await text("#failed-actions")).toMatch(/read\s*Post\s*DRAFT\s*en/);
    expect(await text("#tile-hit-ratio")).toMatch(/\d+\.\d %/);
    await screenshot("console-traffic.png");
  });

  it("purges a model after a confirmation, and the next query is a MISS", async () => {
    await content(QUERY);
    expect((await content(QUERY)).xCache).toBe("HIT");
    await openTab("purge");
    await page.waitForSelector("#purge-models input[value=Post]");
    await page.click('#purge-models input[value="*"]'); // from "all models" to a choice
    await page.click("#purge-models input[value=Post]");
    await page.click("#purge-submit");
    await page.waitForSelector("#purge-confirmation:not([hidden])");
    expect(await text("#purge-confirmation")).toContain("Post in every stage");
    // Nothing happens until the operator confirms.
    expect((await content(QUERY)).xCache).toBe("HIT");
    await page.click("#purge-confirm");
    await page.waitForSelector("#purge-done");
    expect(await text("#purge-done")).toContain("models: Post; stages: all");
    expect((await content(QUERY)).xCache).toBe("MISS");
    expect((await content(QUERY)).xCache).toBe("HIT");
  });

  it("creates a token, copies it, uses it, and revokes it", async () => {
    await openTab("tokens");
    await page.waitForSelector("#token-default-stage option[value=DRAFT]");
    await page.type("#token-name", "preview-e2e");
    await page.select("#token-default-stage", "DRAFT");
    await page.click("#token-create");
    await page.waitForSelector("#token-secret");
    const shown = await text("#token-secret");
    expect(shown).toMatch(/^cep_[A-Za-z0-9_-]{43}$/);
    await page.click("#token-copy");
    await until(
      () => text("#token-copied"),
      (t) => t === "Copied.",
    );
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(shown);

    // The copied token reads DRAFT (its default stage) on /content.
    const asPreview = await content("{ posts { title stage } }", { authorization: `Bearer ${copied}` });
    expect(asPreview.status).toBe(200);
    expect(asPreview.body.data?.posts?.every((post) => post.stage === "DRAFT")).toBe(true);

    const row = await until(
      () => page.$$eval("tr[data-token-id]", (rows) => rows.map((r) => r.textContent ?? "")),
      (rows) => rows.some((r) => r.includes("preview-e2e")),
    );
    expect(row.join("\n")).not.toContain(shown); // the list never shows a secret
    const id = await page.$$eval("tr[data-token-id]", (rows) =>
      rows.find((r) => r.textContent?.includes("preview-e2e"))?.getAttribute("data-token-id"),
    );
    await page.click(`tr[data-token-id="${id}"] button.revoke`);
    expect(await text(`tr[data-token-id="${id}"] button.revoke`)).toContain('Revoke "preview-e2e"?');
    await page.click(`tr[data-token-id="${id}"] button.revoke`);
    await until(
      () => page.$(`tr[data-token-id="${id}"]`),
      (found) => found === null,
    );
    expect(await page.$(`tr[data-token-id="${id}"]`)).toBeNull();

    const revoked = await content(QUERY, { authorization: `Bearer ${copied}` });
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "revoked" });
  });

  it("explains a refused query, and a query that would be a HIT", async () => {
    await openTab("explain");
    await page.waitForSelector("#explain-stage option[value=DRAFT]");
    await page.select("#explain-stage", "DRAFT");
    await page.click("#explain-submit");
    await page.waitForSelector("[data-decision]");
    expect(await page.$eval("[data-decision]", (el) => [el.getAttribute("data-decision"), el.getAttribute("data-code")])).toEqual([
      "refused",
      "FORBIDDEN",
    ]);
    expect(await text("#explain-failed")).toMatch(/read\s*Post\s*DRAFT\s*en/);
    expect(await text("#explain-scope")).toContain("Stage DRAFT");
    await screenshot("console-explain.png");

    await content(QUERY);
    await page.select("#explain-stage", "");
    await page.$eval("#explain-query", (el) => ((el as HTMLTextAreaElement).value = "{ posts { title } }"));
    await page.click("#explain-submit");
    await page.waitForSelector("[data-decision=allowed]");
    expect(await page.$eval("[data-cache-outcome]", (el) => el.getAttribute("data-cache-outcome"))).toBe("HIT");
    expect(await text("#explain-touches")).toContain("publicPermissions[0]");
    expect(await text("#explain-key")).toContain('"permissionFingerprint": "public:');
    await screenshot("console-explain-hit.png");
  });

  it("signs out, forgetting the token", async () => {
    await page.click("#signout");
    await page.waitForSelector("#signin-token");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
