import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
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
 * The console's accountability tabs (issue 21) in Chromium against the real `npm start`: the
 * break-glass owner issues an operator token in the Operators tab; an editor signs in with it and
 * purges; a viewer (its token issued through the API) sees no control that changes anything, and
 * finds the editor's purge in the Audit tab under the editor's e-mail, filtered, paged, verified
 * and exported as NDJSON; the owner revokes the viewer; in the Apps tab the owner revokes an app
 * that called a JWT project (its next JWT is refused), a user and every session issued before now,
 * and lifts them. Each new tab fits 1280x800 and 390x844.
 */
const PROJECT = "/admin/projects/demo/master";
/** Unique per run: `npm start` keeps its state (.wrangler/state) from one run to the next. */
const run = Math.random().toString(36).slice(2, 8);
const editorEmail = `editor-${run}@example.com`;
const viewerEmail = `viewer-${run}@example.com`;
/** The minute the run started, as the console's datetime-local filters take it (UTC). */
const startedMinute = new Date(Date.now() - 60_000).toISOString().slice(0, 16);

let gateway: NpmStart;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let problems: string[] = [];
let downloads: string;
let editorToken = "";
let viewer: { id: string; token: string };

const text = (selector: string) => textOf(page, selector);
const openTab = (id: string) => openTabOf(page, id);
const screenshot = (name: string) => screenshotOf(page, name, { fullPage: false });
const tabs = () => page.$$eval("[role=tab]", (elements) => elements.map((e) => e.id.replace(/^tab-/, "")));

/** An admin API call from outside the browser, with the admin token unless another is given. */
async function admin(method: string, path: string, body?: unknown, token = gateway.adminToken) {
  const response = await fetch(`${gateway.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, body: raw ? (JSON.parse(raw) as any) : undefined };
}

async function signIn(token: string, project = "demo") {
  await signInToConsole(page, token, "#identity", `${gateway.base}/admin?project=${project}`);
}

async function signOut() {
  await page.click("#signout");
  await page.waitForSelector("#signin-token");
}

/** The audit table's rows as shown. */
function auditRows() {
  return page.$$eval("#audit-events tr[data-event-id]", (rows) =>
    rows.map((row) => ({
      id: Number(row.getAttribute("data-event-id")),
      action: row.getAttribute("data-action"),
      text: row.textContent ?? "",
    })),
  );
}

/** Sets the audit filters (datetime-local values are set as the browser holds them) and applies them. */
async function filterAudit(filters: { action?: string; actor?: string; since?: string }) {
  await page.select("#audit-action", filters.action ?? "");
  await page.$eval("#audit-actor", (input, value) => ((input as HTMLInputElement).value = value), filters.actor ?? "");
  await page.$eval("#audit-since", (input, value) => ((input as HTMLInputElement).value = value), filters.since ?? "");
  await page.click("#audit-apply");
}

/**
 * A project that accepts JWTs signed by a key made here (its public JWK in the project's
 * `jwt.publicKey`), and an app calling it: `query()` sends a JWT naming the app (`azp`) and a user.
 */
async function jwtApp() {
  const projectId = `apps-${run}`;
  const name = `mobile-${run}`;
  const pair = await generateKeyPair("ES256", { extractable: true });
  const config = {
    origin: "https://demo-origin.internal/v2/demo/master",
    publicPermissions: [],
    jwt: { publicKey: await exportJWK(pair.publicKey), issuer: "https://login.example/", audience: "content-edge", algorithms: ["ES256"] },
    roles: { reader: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }] },
  };
  expect((await admin("PUT", `/admin/projects/${projectId}/master`, config)).status).toBe(200);
  const query = async () => {
    const jwt = await new SignJWT({ roles: ["reader"], azp: name })
      .setProtectedHeader({ alg: "ES256" })
      .setIssuer("https://login.example/")
      .setAudience("content-edge")
      .setSubject(`reader-${run}`)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 5)
      .setExpirationTime("10m")
      .sign(pair.privateKey);
    const response = await fetch(`${gateway.base}/content/${projectId}/master`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ query: "{ posts { title } }" }),
    });
    return { status: response.status, body: (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> } };
  };
  return { projectId, name, query };
}

/** Whether the page is wider than the window (a horizontal scroll bar). */
const overflows = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

beforeAll(async () => {
  requireChromium();
  [gateway, chromium] = await Promise.all([startNpmStart(), launchChromium()]);
  await chromium.browser
    .defaultBrowserContext()
    .overridePermissions(gateway.base, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  problems = watchProblems(page);
  downloads = mkdtempSync(join(tmpdir(), "content-edge-downloads-"));
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
});

afterAll(async () => {
  await chromium?.close();
  await gateway?.stop();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

describe("operators, roles and the audit log in the console", () => {
  it("shows the break-glass owner who is signed in, with every tab", async () => {
    await signIn(gateway.adminToken);
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual(["admin token", "owner"]);
    expect(await tabs()).toEqual(["traffic", "purge", "tokens", "schema", "explain", "audit", "apps", "config", "operators"]);
  });

  it("creates an editor in the Operators tab, shows its token once, and copies it", async () => {
    await openTab("operators");
    await page.waitForSelector("#operators-list table, #operators-list p");
    await page.type("#operator-email", editorEmail);
    await page.select("#operator-role", "editor");
    await page.click("#operator-create");
    await page.waitForSelector("#operator-secret");
    editorToken = await text("#operator-secret");
    expect(editorToken).toMatch(/^ceo_[A-Za-z0-9_-]{43}$/);
    expect(await text("#operator-issued")).toContain("it will not be shown again");
    await page.click("#operator-copy");
    await until(
      () => text("#operator-copied"),
      (t) => t === "Copied.",
    );
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(editorToken);

    const rows = await until(
      () => page.$$eval("tr[data-operator-id]", (trs) => trs.map((tr) => tr.textContent ?? "")),
      (texts) => texts.some((t) => t.includes(editorEmail)),
    );
    expect(rows.find((t) => t.includes(editorEmail))).toContain("editor");
    expect(rows.join("\n")).not.toContain(editorToken); // the list never shows a secret
    // The token works, as the operator it names.
    expect((await admin("GET", "/admin/whoami", undefined, editorToken)).body).toMatchObject({
      kind: "operator",
      email: editorEmail,
      role: "editor",
      via: "operator-token",
    });
    // Leaving the tab forgets the secret.
    await openTab("audit");
    await openTab("operators");
    expect(await page.$("#operator-secret")).toBeNull();
  });

  it("signs the editor in with that token: the e-mail and role in the header, no Operators tab; the editor purges", async () => {
    await signOut();
    await signIn(editorToken);
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual([`${editorEmail} (operator token)`, "editor"]);
    expect(await tabs()).toEqual(["traffic", "purge", "tokens", "schema", "explain", "audit", "apps", "config"]);
    await openTab("purge");
    await page.waitForSelector("#purge-models input[value=Post]");
    await page.click('#purge-models input[value="*"]');
    await page.click("#purge-models input[value=Post]");
    await page.click("#purge-submit");
    await page.waitForSelector("#purge-confirmation:not([hidden])");
    await page.click("#purge-confirm");
    await page.waitForSelector("#purge-done");
    await openTab("tokens");
    expect(await page.$("#token-form")).not.toBeNull();
  });

  it("gives a viewer (token issued through the API) no purge, token, refresh, revoke or operator controls", async () => {
    const created = await admin("POST", "/admin/operators", { email: viewerEmail, role: "viewer" });
    expect(created.status).toBe(201);
    viewer = { id: created.body.id, token: created.body.token };
    // A content token to list, so that a Revoke button would have a row to sit on.
    expect((await admin("POST", `${PROJECT}/tokens`, { name: `listed-${run}`, permissions: [] })).status).toBe(201);

    await signOut();
    await signIn(viewer.token);
    expect([await text("#identity-name"), await text("#identity-role")]).toEqual([`${viewerEmail} (operator token)`, "viewer"]);
    expect(await tabs()).toEqual(["traffic", "tokens", "schema", "explain", "audit", "apps", "config"]);
    await openTab("tokens");
    await page.waitForSelector("#tokens-list tr[data-token-id]");
    expect(await page.$("#token-form")).toBeNull();
    expect(await page.$$("#panel-tokens button")).toHaveLength(0);
    await openTab("schema");
    await page.waitForSelector("#schema-models");
    expect(await page.$("#schema-refresh")).toBeNull();
    await openTab("apps");
    await page.waitForSelector("#apps-list :is(table, p)");
    expect(await page.$("#revocation-forms")).toBeNull();
    expect(await page.$$("#panel-apps button")).toHaveLength(0);
  });

  it("shows the viewer the editor's purge under the editor's e-mail, filtered by action and actor, with a verified chain", async () => {
    await openTab("audit");
    await until(
      () => page.$eval("#audit-verified", (el) => el.getAttribute("data-ok")),
      (ok) => ok !== null,
    );
    expect(await page.$eval("#audit-verified", (el) => el.getAttribute("data-ok"))).toBe("true");
    expect(await text("#audit-verified")).toMatch(/^Verified: \d+ events?, chain intact$/);

    await filterAudit({ action: "purge", actor: editorEmail });
    const rows = await until(auditRows, (r) => r.length > 0 && r.every((row) => row.action === "purge"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain(`${editorEmail} · operator, editor`);
    expect(rows[0]!.text).toContain("models: Post · stages: * · via: operator-token");

    // Since the run began: what this run did to the project, oldest first (the screenshot).
    await filterAudit({ since: startedMinute });
    const recent = await until(auditRows, (r) => r.some((row) => row.action === "token.create") && r.some((row) => row.action === "purge"));
    expect(recent.map((row) => row.id)).toEqual([...recent.map((row) => row.id)].sort((a, b) => a - b));
    await screenshot("console-audit.png");
  });

  it("pages with Load more, and exports what the filters match as NDJSON", async () => {
    // More purges by the editor than one page (100) holds (the actor is unique to this run).
    for (let i = 0; i < 100; i++) expect((await admin("POST", `${PROJECT}/purge`, { models: ["Author"] }, editorToken)).status).toBe(200);
    await filterAudit({ action: "purge", actor: editorEmail });
    const first = await until(auditRows, (r) => r.length === 100 && r.every((row) => row.action === "purge"));
    expect(first).toHaveLength(100);
    expect(await page.$eval("#audit-more", (el) => (el as HTMLButtonElement).hidden)).toBe(false);
    await page.click("#audit-more");
    const all = await until(auditRows, (r) => r.length > 100);
    expect(all).toHaveLength(101); // the editor's purge and the 100 above
    expect(new Set(all.map((row) => row.id)).size).toBe(101);
    expect(await page.$eval("#audit-more", (el) => (el as HTMLButtonElement).hidden)).toBe(true);

    await page.click("#audit-export");
    await page.waitForSelector("#audit-exported");
    expect(await text("#audit-exported")).toBe("Exported 101 events as NDJSON.");
    const file = await until(
      async () => readdirSync(downloads).find((name) => name.endsWith(".ndjson")),
      (name) => name !== undefined,
    );
    expect(file).toMatch(/^audit-demo-master-\d{8}T\d{6}Z\.ndjson$/);
    const lines = readFileSync(join(downloads, file!), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(101);
    const events = lines.map((line) => JSON.parse(line) as { id: string; action: string; actor: { email?: string } });
    expect(events.every((event) => event.action === "purge")).toBe(true);
    expect(events.map((event) => Number(event.id))).toEqual(all.map((row) => row.id));
    expect(events[0]!.actor.email).toBe(editorEmail);
  });

  it("shows the deployment's log: the two operators created, verified", async () => {
    await filterAudit({ action: "operator.create", since: startedMinute });
    await page.click("#audit-scope-deployment");
    const rows = await until(auditRows, (r) => r.length >= 2 && r.every((row) => row.action === "operator.create"));
    expect(rows.map((row) => row.text).join("\n")).toContain(editorEmail);
    expect(rows.map((row) => row.text).join("\n")).toContain(viewer.id);
    await until(
      () => page.$eval("#audit-verified", (el) => el.getAttribute("data-ok")),
      (ok) => ok !== null,
    );
    expect(await page.$eval("#audit-verified", (el) => el.getAttribute("data-ok"))).toBe("true");
  });

  it("lets the owner revoke the viewer after a confirmation; the viewer's token then signs in no more", async () => {
    await signOut();
    await signIn(gateway.adminToken);
    await openTab("operators");
    const revoke = `tr[data-operator-id="${viewer.id}"] button.revoke`;
    await page.waitForSelector(revoke);
    await page.click(revoke);
    expect(await text(revoke)).toBe(`Revoke ${viewerEmail}?`);
    expect((await admin("GET", "/admin/whoami", undefined, viewer.token)).status).toBe(200); // nothing yet
    await page.click(revoke);
    await page.waitForSelector(`tr[data-operator-id="${viewer.id}"][data-revoked=true]`);
    expect(await text(`tr[data-operator-id="${viewer.id}"]`)).toContain("revoked");
    await screenshot("console-operators.png");

    await signOut();
    await page.type("#signin-token", viewer.token);
    await page.click("#signin button[type=submit]");
    await page.waitForSelector("#signin-status .error");
    expect(await text("#signin-status")).toContain("401 UNAUTHENTICATED");
  });

  it("shows an app seen, revokes it, a user and every session issued before now, and lifts them", async () => {
    // A project whose readers sign in with JWTs of a key made here; an app calls it once.
    const app = await jwtApp();
    expect((await app.query()).status).toBe(200);
    await signIn(gateway.adminToken, app.projectId);
    await openTab("apps");
    const appRow = `tr[data-app="${app.name}"]`;
    await page.waitForSelector(appRow);
    expect(await text(`${appRow} td:nth-child(4)`)).toBe("1");
    type Revocation = { id: string; kind: string; value: string };
    const listed = async () => (await admin("GET", `/admin/projects/${app.projectId}/master/revocations`)).body.revocations as Revocation[];

    // The app, from its row, after a confirmation: its JWTs are refused from then on.
    await page.click(`${appRow} button.revoke`);
    expect(await text(`${appRow} button.revoke`)).toBe(`Revoke ${app.name}?`);
    await page.click(`${appRow} button.revoke`);
    await until(
      () => text(`${appRow} td:last-child`),
      (t) => t === "revoked",
    );
    const refused = await until(app.query, (r) => r.status === 401);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "APP_REVOKED" });

    // A user, through the form.
    const subject = `user-${run}`;
    await page.type("#revoke-subject", subject);
    await page.click("#revoke-user-submit");
    await page.waitForSelector("#revoke-user-done");
    const user = (await listed()).find((r) => r.kind === "subject" && r.value === subject);
    expect(user).toBeDefined();
    await page.waitForSelector(`tr[data-revocation-id="${user!.id}"]`);

    // Every session issued before the time the form offers (now, to the minute), after a confirmation.
    const before = await page.$eval("#revoke-issued-before", (input) => (input as HTMLInputElement).value);
    await page.click("#revoke-before-submit");
    expect(await text("#revoke-before-submit")).toBe("Cut every session issued before this time?");
    await page.click("#revoke-before-submit");
    await page.waitForSelector("#revoke-before-done");
    const cut = (await listed()).find((r) => r.kind === "issuedBefore" && r.value === `${before}:00.000Z`);
    expect(cut).toBeDefined();
    await page.waitForSelector(`tr[data-revocation-id="${cut!.id}"]`);
    await screenshot("console-apps.png");

    // Lifted, each after a confirmation: gone from the tab and from the API, and the app is let in again.
    const all = await listed();
    expect(all).toHaveLength(3);
    for (const { id } of all) {
      const lift = `tr[data-revocation-id="${id}"] button.lift`;
      await page.click(lift);
      await page.click(lift);
      await until(
        () => page.$(`tr[data-revocation-id="${id}"]`),
        (row) => row === null,
      );
    }
    expect(await listed()).toEqual([]);
    expect((await until(app.query, (r) => r.status === 200)).status).toBe(200);
  });

  it.each([
    [1280, 800],
    [390, 844],
  ])("fits the new tabs in %ix%i without a horizontal scroll", async (width, height) => {
    await page.setViewport({ width, height });
    // What each tab shows once loaded: its layout is checked with the data in it.
    const loaded: Record<string, string> = {
      audit: "#audit-events tr[data-event-id]",
      apps: "#apps-list table",
      operators: "#operators-list table",
    };
    for (const tab of ["audit", "apps", "operators"]) {
      await openTab(tab);
      await page.waitForSelector(loaded[tab]!);
      expect({ tab, overflows: await overflows() }).toEqual({ tab, overflows: false });
    }
    await page.setViewport({ width: 1280, height: 800 });
  });

  it("had no CSP violation or script error on the way", async () => {
    await signOut();
    expect(problems).toEqual([]);
  });
});
