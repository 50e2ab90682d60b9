import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import type { HTTPRequest, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { openTab as openTabOf, text as textOf, until, watchProblems } from "./support/console-page";
import { startMiniflareGateway, type MiniflareGateway } from "./support/miniflare-gateway";

/**
 * The console behind Cloudflare Access, in Chromium, with no token. Access's edge is played by
 * request interception: it adds to each request the `Cf-Access-Jwt-Assertion` that a signed-in
 * browser's Access cookie makes Cloudflare add (RS256, signed with a key the demo origin publishes
 * as the team's certs). The gateway verifies it for real (ACCESS_TEAM_DOMAIN, ACCESS_AUD,
 * ACCESS_ROLES), served by Miniflare with the console's static assets.
 */
const TEAM = "demo-origin.internal";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const ROLES = "editor@example.com=editor,owner@example.com=owner";

let gateway: MiniflareGateway;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let problems: string[] = [];
let key: { privateKey: CryptoKey; kid: string };
/** The assertion Access adds for the browser's current sign-in (`null`: not signed in to Access). */
let assertion: string | null = null;
/** Every admin API call the page made, with the headers it sent. */
const adminCalls: Array<{ path: string; authorization: boolean; assertion: boolean }> = [];

const text = (selector: string) => textOf(page, selector);
const openTab = (id: string) => openTabOf(page, id);
const tabs = () => page.$$eval("[role=tab]", (elements) => elements.map((e) => e.id.replace(/^tab-/, "")));

/** An assertion as Access issues one for a signed-in user. */
function signAccess(email: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email, type: "app", identity_nonce: "6ei69kawdKzMIAPF", country: "DE" })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(`https://${TEAM}`)
    .setAudience([AUD])
    .setSubject(crypto.randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

/** Access's edge: the assertion on every request to the gateway while the browser is signed in. */
function accessEdge(request: HTTPRequest) {
  const url = new URL(request.url());
  if (!request.url().startsWith(gateway.entry)) return void request.continue();
  const headers = { ...request.headers() };
  if (assertion !== null) headers["cf-access-jwt-assertion"] = assertion;
  if (url.pathname.startsWith("/admin/") && !url.pathname.startsWith("/admin/assets/")) {
    adminCalls.push({ path: url.pathname, authorization: "authorization" in headers, assertion: assertion !== null });
  }
  void request.continue({ headers });
}

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([
    startMiniflareGateway({
      assets: true,
      bindings: { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_ROLES: ROLES },
      demoBindings: { ORIGIN_INSTRUMENTATION: "on" },
    }),
    launchChromium(),
  ]);
  const pair = await generateKeyPair("RS256", { extractable: true });
  key = { privateKey: pair.privateKey, kid: crypto.randomUUID().replaceAll("-", "") };
  const published = await fetch(`${gateway.demo}/__origin/jwks/access`, {
    method: "POST",
    body: JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: key.kid, alg: "RS256", use: "sig" }] }),
  });
  expect(published.status).toBe(200);
  const configured = await fetch(`${gateway.entry}/admin/projects/demo/master`, {
    method: "PUT",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      origin: "https://demo-origin.internal/v2/demo/master",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
    }),
  });
  expect(configured.status).toBe(200);
  page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  problems = watchProblems(page);
  await page.setRequestInterception(true);
  page.on("request", accessEdge);
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.dispose();
});

describe("the console behind Cloudflare Access", () => {
  it("signs an Access user in without a token: the e-mail and the role ACCESS_ROLES grants in the header", async () => {
    assertion = await signAccess("editor@example.com");
    await page.goto(`${gateway.entry}/admin#/p/demo/master`);
    await page.waitForSelector("#identity");
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual(["editor@example.com (Cloudflare Access)", "editor"]);
    expect(await tabs()).toEqual(["traffic", "purge", "tokens", "schema", "explain", "audit", "apps", "config"]);
    expect(await page.$("#signin-token")).toBeNull(); // no form was shown
    // The session is the credential alone (none here); the project is the URL's.
    expect(await page.evaluate(() => JSON.parse(sessionStorage.getItem("content-edge.console.session") ?? "null"))).toEqual({
      token: null,
    });
    // No call carried a token: the assertion alone signed them in.
    expect(adminCalls.length).toBeGreaterThan(0);
    expect(adminCalls.filter((call) => call.authorization)).toEqual([]);
  });

  it("records the Access user's purge under their e-mail", async () => {
    await openTab("purge");
    await page.waitForSelector("#purge-submit");
    await page.click("#purge-submit");
    await page.waitForSelector("#purge-confirm");
    await page.click("#purge-confirm");
    await page.waitForSelector("#purge-done");
    await openTab("audit");
    await page.select("#audit-action", "purge");
    await page.type("#audit-actor", "editor@example.com");
    await page.click("#audit-apply");
    const rows = await until(
      () =>
        page.$$eval("#audit-events tr[data-event-id]", (trs) => trs.map((tr) => [tr.getAttribute("data-action"), tr.textContent ?? ""])),
      (found) => found.length > 0 && found.every(([action]) => action === "purge"),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]![1]).toContain("editor@example.com · operator, editor");
    expect(rows[0]![1]).toContain("via: access");
  });

  it("signs out of Access too (else the next visit would sign the user straight back in)", async () => {
    await page.click("#signout");
    await until(
      async () => new URL(page.url()).pathname,
      (path) => path === "/cdn-cgi/access/logout",
    );
    expect(new URL(page.url()).pathname).toBe("/cdn-cgi/access/logout");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("tells an Access identity without a role so, on the sign-in form", async () => {
    assertion = await signAccess("nobody@example.com");
    await page.goto(`${gateway.entry}/admin`);
    await page.waitForSelector("#signin-status .error");
    expect(await page.$eval("#signin-status .error", (el) => [el.getAttribute("data-code"), el.getAttribute("data-required")])).toEqual([
      "FORBIDDEN_ROLE",
      "viewer",
    ]);
    expect(await text("#signin-status")).toBe(
      "Not allowed: this needs the viewer role, and no role is granted to you (403 FORBIDDEN_ROLE).",
    );
  });

  it("lets a token win over the Access sign-in", async () => {
    await page.type("#signin-token", gateway.adminToken);
    await page.click("#signin button[type=submit]");
    await page.waitForSelector("#identity");
    await page.goto(`${gateway.entry}/admin#/p/demo/master`);
    await page.waitForSelector("[role=tab]");
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual(["admin token", "owner"]);
    expect(await tabs()).toContain("operators");
    expect(problems).toEqual([]);
  });
});
