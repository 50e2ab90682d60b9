import type { HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { openTab, overflows, screenshot, signInToConsole, text, unnamedControls, watchProblems } from "./support/console-page";
import { startMiniflareGateway, type MiniflareGateway } from "./support/miniflare-gateway";

/**
 * The Configuration tab (issue 23) in Chromium, at 1280 and 390 px, against the gateway served by
 * Miniflare: every field shown with the secrets masked; a cache time edited, refused by the
 * gateway (the 400's field error beside the field, focused) and then saved after the diff, with
 * only the changed field sent; the origin token replaced write-only; the webhook secret rotated
 * with a grace period (the new secret shown once, then "previous valid until"); a viewer sees it
 * all and can change nothing.
 */
const run = Math.random().toString(36).slice(2, 8);
const PROJECT = { projectId: `cfg-${run}`, environment: "master" };
const PATH = `/admin/projects/${PROJECT.projectId}/${PROJECT.environment}`;
const ORIGIN_TOKEN = `origin-token-${run}-never-shown`;
const WEBHOOK_SECRET = `webhook-secret-${run}-never-shown`;

let gateway: MiniflareGateway;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

async function admin(method: string, path: string, body?: unknown, token = gateway.adminToken) {
  const response = await fetch(`${gateway.entry}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, body: raw ? (JSON.parse(raw) as any) : undefined };
}

/** Replaces what a text control holds, as an operator would (select all, type). */
async function retype(page: Page, selector: string, value: string) {
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press("Backspace");
  await page.type(selector, value);
}

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startMiniflareGateway({ assets: true }), launchChromium()]);
  const put = await admin("PUT", PATH, {
    origin: "https://demo-origin.internal/v2/demo/master",
    originToken: ORIGIN_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
    roles: { editor: [{ action: "read", model: "Post", stages: ["DRAFT", "PUBLISHED"], locales: "*" }] },
    allowedOrigins: ["https://www.example.com", "https://*.preview.example.com"],
    ipRules: { deny: ["203.0.113.0/24"] },
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.dispose();
});

describe.each([
  [1280, 800, 120],
  [390, 844, 240],
])("the Configuration tab at %ix%i", (width, height, maxAge) => {
  let page: Page;
  let problems: string[] = [];
  /** The bodies of the PATCH requests the page sent, by URL. */
  const patches: Array<{ url: string; body: unknown }> = [];
  const suffix = width === 1280 ? "" : `-${width}`;

  beforeAll(async () => {
    page = await chromium.browser.newPage();
    await page.setViewport({ width, height });
    problems = watchProblems(page);
    page.on("request", (request: HTTPRequest) => {
      if (request.method() === "PATCH")
        patches.push({ url: new URL(request.url()).search, body: JSON.parse(request.postData() ?? "null") });
    });
    // A deep link to the tab: after sign-in the console opens there.
    await signInToConsole(
      page,
      gateway.adminToken,
      "#config-form",
      `${gateway.entry}/admin#/p/${PROJECT.projectId}/${PROJECT.environment}/config`,
    );
  });

  afterAll(async () => {
    await page?.close();
  });

  it("shows every field of the configuration, the secrets masked", async () => {
    await page.waitForSelector("#config-current tr[data-field]");
    const shown = await page.$$eval("#config-current tr[data-field]", (rows) =>
      Object.fromEntries(rows.map((row) => [row.getAttribute("data-field"), row.querySelector("td:last-child")?.textContent ?? ""])),
    );
    const stored = (await admin("GET", PATH)).body as Record<string, unknown>;
    for (const field of Object.keys(stored)) {
      expect(Object.keys(shown).some((name) => name === field || name!.startsWith(`${field}.`))).toBe(true);
    }
    expect(shown["originToken"]).toBe("********");
    expect(shown["webhookSecret"]).toBe("********");
    expect(shown["ipRules.deny"]).toBe('["203.0.113.0/24"]');
    const page_ = await page.content();
    expect(page_).not.toContain(ORIGIN_TOKEN);
    expect(page_).not.toContain(WEBHOOK_SECRET);
  });

  it("shows the gateway's 400 beside a cache time, then saves it after the diff, sending only that field", async () => {
    const before = (await admin("GET", PATH)).body as { cache: Record<string, number> };
    await retype(page, "#config-cache-maxAge", "-5");
    await page.click("#config-review");
    await page.waitForSelector("#config-cache-maxAge-error:not([hidden])");
    expect(await text(page, "#config-cache-maxAge-error")).toContain("cache.maxAge: must be a whole number of seconds");
    expect(
      await page.$eval("#config-cache-maxAge", (input) => [
        input.getAttribute("aria-invalid"),
        input.getAttribute("aria-describedby")?.split(" ").includes("config-cache-maxAge-error"),
        document.activeElement === input,
      ]),
    ).toEqual(["true", true, true]);
    expect(patches.at(-1)).toEqual({ url: "?dryRun=true", body: { cache: { maxAge: -5 } } });
    expect((await admin("GET", PATH)).body.cache).toEqual(before.cache); // nothing saved

    await retype(page, "#config-cache-maxAge", String(maxAge));
    await page.click("#config-review");
    await page.waitForSelector("#config-diff-table");
    expect(await page.$eval("#config-cache-maxAge", (input) => input.getAttribute("aria-invalid"))).toBeNull();
    const rows = await page.$$eval("#config-diff-table tr[data-field]", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)),
    );
    expect(rows).toEqual([["cache.maxAge", String(before.cache["maxAge"]), String(maxAge)]]);
    if (width === 1280) await screenshot(page, "console-config.png");

    await page.click("#config-save");
    await page.waitForSelector("#config-saved");
    expect(await text(page, "#config-saved")).toBe("Saved.");
    expect(patches.at(-1)).toEqual({ url: "", body: { cache: { maxAge } } });
    const after = (await admin("GET", PATH)).body;
    expect(after.cache).toEqual({ ...before.cache, maxAge });
    expect(after.originToken).toBe("********"); // the patch left the secrets alone
    expect(await page.$eval("#config-cache-maxAge", (input) => (input as HTMLInputElement).value)).toBe(String(maxAge));
    expect(await text(page, '#config-current tr[data-field="cache.maxAge"]')).toContain(String(maxAge));
  });

  it("checks a JSON editor's syntax as it is typed, and asks the gateway nothing while it is broken", async () => {
    const sent = patches.length;
    const original = await page.$eval("#config-roles", (area) => (area as HTMLTextAreaElement).value);
    await page.type("#config-roles", "{");
    await page.waitForSelector("#config-roles-error:not([hidden])");
    expect(await text(page, "#config-roles-error")).toMatch(/^Not valid JSON/);
    await page.click("#config-review");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("config-roles");
    expect(patches.length).toBe(sent);
    await page.$eval("#config-roles", (area, value) => ((area as HTMLTextAreaElement).value = value), original);
    await page.click("#config-review");
    await page.waitForSelector("#config-status p");
    expect(await text(page, "#config-status")).toBe("No changes to review.");
  });

  it("replaces the origin token without ever showing it", async () => {
    await page.type("#config-origin-token", `replaced-${run}-${width}`);
    await page.click("#config-origin-token-save");
    await page.waitForSelector("#config-origin-token-done:not(:empty)");
    expect(await text(page, "#config-origin-token-done")).toBe("Origin token replaced.");
    expect(patches.at(-1)).toEqual({ url: "", body: { originToken: `replaced-${run}-${width}` } });
    expect(await page.$eval("#config-origin-token", (input) => (input as HTMLInputElement).value)).toBe("");
    expect(await page.content()).not.toContain(`replaced-${run}-${width}`);
  });

  it("rotates the webhook secret with a grace period: the new secret once, then 'previous valid until'", async () => {
    await page.select("#config-webhook-grace", "3600");
    await page.click("#config-webhook-rotate");
    expect(await text(page, "#config-webhook-rotate")).toBe("Rotate the webhook secret now?");
    await page.click("#config-webhook-rotate");
    await page.waitForSelector("#webhook-secret");
    const secret = await text(page, "#webhook-secret");
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(await text(page, "#webhook-issued")).toContain("it will not be shown again");

    const rotation = (await admin("GET", PATH)).body.webhookSecretRotation as { previousValidUntil: string };
    const until_ = Date.parse(rotation.previousValidUntil);
    expect(until_ - Date.now()).toBeGreaterThan(3_500_000);
    expect(until_ - Date.now()).toBeLessThanOrEqual(3_600_000);
    const shownUntil = `${rotation.previousValidUntil.slice(0, 19).replace("T", " ")} UTC`;
    expect(await text(page, "#webhook-previous-once")).toContain(shownUntil);
    await page.waitForSelector("#config-webhook-previous");
    expect(await text(page, "#config-webhook-previous")).toBe(`The previous secret stays valid until ${shownUntil}.`);

    // Shown once: gone when the tab is left; the grace period is still said.
    await openTab(page, "traffic");
    await openTab(page, "config");
    await page.waitForSelector("#config-webhook-previous");
    expect(await page.$("#webhook-secret")).toBeNull();
    expect(await page.content()).not.toContain(secret);
  });

  it("fits the window without a horizontal scroll and names every control", async () => {
    expect(await overflows(page)).toBe(false);
    expect(await unnamedControls(page)).toEqual([]);
    if (width !== 1280) await screenshot(page, `console-config${suffix}.png`, { fullPage: false });
    expect(problems).toEqual([]);
  });

  it("shows a viewer every field and no control that changes one", async () => {
    const email = `viewer-${run}-${width}@example.com`;
    const viewer = await admin("POST", "/admin/operators", { email, role: "viewer" });
    expect(viewer.status).toBe(201);
    await page.click("#signout");
    await signInToConsole(page, viewer.body.token, "#config-current tr[data-field]");
    expect(await text(page, '#config-current tr[data-field="cache.maxAge"]')).toContain(String(maxAge));
    expect(await page.$("#config-form")).toBeNull();
    expect(await page.$$("#panel-config button, #panel-config input, #panel-config textarea")).toHaveLength(0);
    expect(await overflows(page)).toBe(false);
  });
});
