import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium } from "./support/chromium";
import { startNpmStart, type NpmStart } from "./support/npm-start";
import { startPageServer } from "./support/page-server";

/**
 * Real-browser tests (SPEC §3b, issue 11): headless Chromium (Debian's package) driven by
 * puppeteer-core against the real `npm start`, with pages served by a second local server on
 * another origin, as a website using the gateway from the browser would be.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const DEMO = {
  origin: "https://demo-origin.internal/v2/demo/master",
  publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
};

let gateway: NpmStart;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let site: Awaited<ReturnType<typeof startPageServer>>;
let otherSite: Awaited<ReturnType<typeof startPageServer>>;
let previewToken: string;

interface PageResult {
  name: string;
  ok: boolean;
  status?: number;
  error?: string;
  xCache?: string | null;
  cacheStatus?: string | null;
  etag?: string | null;
  serverTiming?: string | null;
  body?: { data?: Record<string, Array<Record<string, string>>>; errors?: unknown[] };
}

async function admin(path: string, init: { method: string; body?: unknown }): Promise<Response> {
  const response = await fetch(`${gateway.base}/admin/projects/${path}`, {
    method: init.method,
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`${init.method} /admin/projects/${path}: ${response.status} ${await response.text()}`);
  return response;
}

async function issueToken(name: string, permissions: unknown[], defaultStage?: string): Promise<string> {
  const response = await admin("demo/master/tokens", {
    method: "POST",
    body: { name, permissions, ...(defaultStage ? { defaultStage } : {}) },
  });
  return ((await response.json()) as { token: string }).token;
}

/**
 * Saves a screenshot under .build/screenshots/, and under docs/ when UPDATE_SCREENSHOTS=1;
 * `height` crops it to the top of the page.
 */
async function screenshot(page: Page, name: string, height?: number): Promise<void> {
  mkdirSync(`${root}.build/screenshots`, { recursive: true });
  const path = `${root}.build/screenshots/${name}`;
  await page.screenshot({ path: path as `${string}.png`, ...(height ? { clip: { x: 0, y: 0, width: 1280, height } } : {}) });
  if (process.env["UPDATE_SCREENSHOTS"] === "1") copyFileSync(path, `${root}docs/${name}`);
}

/**
 * A new tab recording, for the gateway: `responses` as the page's loads saw them (puppeteer), `wire`
 * — every answer that came back over the network, preflights and CORS-blocked answers included,
 * with its raw status and headers (CDP) — and the CORS errors the browser reported.
 */
async function newPage() {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  const responses: { method: string; url: string; status: number; fromCache: boolean }[] = [];
  page.on("response", (response) => {
    if (response.url().startsWith(gateway.base)) {
      responses.push({
        method: response.request().method(),
        url: response.url(),
        status: response.status(),
        fromCache: response.fromCache(),
      });
    }
  });
  // DevTools may report an answer before the request it belongs to: join them when read.
  const requests = new Map<string, { method: string; url: string }>();
  const answers = new Map<string, { status: number; headers: Record<string, string> }>();
  const corsErrors: string[] = [];
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", (event) => requests.set(event.requestId, { method: event.request.method, url: event.request.url }));
  cdp.on("Network.responseReceivedExtraInfo", (event) => {
    const headers = Object.fromEntries(Object.entries(event.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
    answers.set(event.requestId, { status: event.statusCode, headers });
  });
  cdp.on("Network.loadingFailed", (event) => {
    if (event.corsErrorStatus) corsErrors.push(event.corsErrorStatus.corsError);
  });
  const wire = () =>
    [...answers].flatMap(([id, answer]) => {
      const request = requests.get(id);
      return request?.url.startsWith(gateway.base) ? [{ ...request, ...answer }] : [];
    });
  const preflights = () => wire().filter((r) => r.method === "OPTIONS");
  return { page, responses, wire, corsErrors, preflights };
}

/** Waits (up to 10 s) for DevTools events that may arrive after the page has finished. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Opens the cross-origin page of `from` against `project` and returns what each request did. */
async function runCrossOriginPage(page: Page, from: string, project: string, token?: string): Promise<PageResult[]> {
  const params = new URLSearchParams({ gateway: gateway.base, project, ...(token ? { token } : {}) });
  await page.goto(`${from}/cross-origin.html?${params}`);
  await page.waitForFunction(() => "results" in window, { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { results: PageResult[] }).results);
}

beforeAll(async () => {
  requireChromium();
  [gateway, site, otherSite, chromium] = await Promise.all([startNpmStart(), startPageServer(), startPageServer(), launchChromium()]);
  previewToken = await issueToken("preview", [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }], "DRAFT");
  // The same demo content behind two policies: only `site` may call `strict`; nobody on this machine may call `blocked`.
  await admin("strict/master", { method: "PUT", body: { ...DEMO, allowedOrigins: [site.origin] } });
  await admin("blocked/master", { method: "PUT", body: { ...DEMO, ipRules: { deny: ["127.0.0.0/8", "::1/128"] } } });
});

afterAll(async () => {
  await Promise.all([chromium?.close(), site?.close(), otherSite?.close()]);
  gateway?.stop();
});

describe("a page on another origin", () => {
  it("makes each of the five requests and reads the answers and the exposed cache headers", async () => {
    const { page, wire, preflights } = await newPage();
    const results = await runCrossOriginPage(page, site.origin, "demo/master", previewToken);
    await screenshot(page, "cross-origin.png", Math.ceil(await page.$eval("table", (e) => e.getBoundingClientRect().bottom)) + 24);
    await until(() => wire().length >= 8);

    expect(results.map((r) => [r.name, r.ok, r.status, r.error])).toEqual([
      ["POST JSON", true, 200, undefined],
      ["GET ?query=", true, 200, undefined],
      ["POST with a Bearer preview token", true, 200, undefined],
      ["GET with gcms-stage (and gcms-locales)", true, 200, undefined],
      ["POST JSON to /v2", true, 200, undefined],
    ]);
    const [post, get, preview, staged, v2] = results as [PageResult, PageResult, PageResult, PageResult, PageResult];
    expect(post.body?.data?.["posts"]?.every((p) => p["stage"] === "PUBLISHED")).toBe(true);
    // Exposed headers are readable by the page.
    expect(post.xCache).toMatch(/^(MISS|HIT)$/);
    // The gateway's own member; the shared tier's (content-edge-tier) comes before it when the tier was asked.
    expect(post.cacheStatus).toMatch(/(^|, )content-edge; (hit|fwd=)/);
    expect(post.serverTiming).toMatch(/^cache;desc="(MISS|HIT)";dur=/);
    expect(get.etag).toMatch(/^"[\w-]+"$/);
    expect(get.xCache).toBe("HIT"); // same document as the POST: one entry
    expect(preview.body?.data?.["posts"]?.every((p) => p["stage"] === "DRAFT")).toBe(true);
    expect(staged.body?.data?.["posts"]?.every((p) => p["stage"] === "PUBLISHED" && p["locale"] === "de")).toBe(true);
    expect(v2.body?.data?.["authors"]).toHaveLength(1);

    // Preflights (POST JSON, the gcms headers, /v2; the token's POST may reuse the POST's cached
    // preflight, whose answer allowed authorization too) were answered 204 with the allow headers.
    expect(preflights().length).toBeGreaterThanOrEqual(3);
    for (const preflight of preflights()) {
      expect(preflight.status).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe("*");
      expect(preflight.headers["access-control-allow-headers"]).toContain("gcms-stage");
    }
    // Timing-Allow-Origin: Resource Timing shows the gateway's Server-Timing metrics to the page.
    const timings = await page.evaluate(() => (window as unknown as { serverTimingEntries: string[][] }).serverTimingEntries);
    expect(timings.some((names) => names.includes("cache"))).toBe(true);
    await page.close();
  });

  it("a page on an origin the project does not allow is refused", async () => {
    const allowed = await newPage();
    const fromAllowed = await runCrossOriginPage(allowed.page, site.origin, "strict/master");
    expect(fromAllowed.map((r) => r.ok && r.status)).toEqual([200, 200, 200, 200]);
    await allowed.page.close();

    const { page, wire, corsErrors, preflights } = await newPage();
    const results = await runCrossOriginPage(page, otherSite.origin, "strict/master");
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false]);
    for (const result of results) expect(result.error).toMatch(/^TypeError: Failed to fetch/);
    await until(() => wire().length >= 4 && corsErrors.length >= 4);
    // Three preflights (POST JSON, GET with gcms headers, POST to /v2) refused with 403 and no allow
    // headers, so those requests were never sent; the simple GET was answered 403 without
    // Access-Control-Allow-Origin, so the page could not read it.
    expect(preflights()).toHaveLength(3);
    for (const preflight of preflights()) {
      expect(preflight.status).toBe(403);
      expect(Object.keys(preflight.headers).filter((name) => name.startsWith("access-control-allow"))).toEqual([]);
    }
    const sent = wire().filter((r) => r.method !== "OPTIONS");
    expect(sent.map((r) => [r.method, r.status])).toEqual([["GET", 403]]);
    expect(sent[0]!.headers["access-control-allow-origin"]).toBeUndefined();
    expect(corsErrors.sort()).toEqual([
      "MissingAllowOriginHeader",
      "PreflightMissingAllowOriginHeader",
      "PreflightMissingAllowOriginHeader",
      "PreflightMissingAllowOriginHeader",
    ]);
    await page.close();
  });

  it("a denied address is refused (IP firewall)", async () => {
    const { page, wire } = await newPage();
    const results = await runCrossOriginPage(page, site.origin, "blocked/master");
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false]);
    await until(() => wire().length >= 4);
    // Every request the browser sent, preflights included, was answered 403, and nothing else went out.
    expect(
      wire()
        .map((r) => [r.method, r.status])
        .sort(),
    ).toEqual([
      ["GET", 403],
      ["OPTIONS", 403],
      ["OPTIONS", 403],
      ["OPTIONS", 403],
    ]);
    await page.close();
    // What the browser could not read, a client outside the browser can: the code says why.
    const direct = await fetch(`${gateway.base}/content/blocked/master?query=${encodeURIComponent("{ __typename }")}`);
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe("IP_NOT_ALLOWED");
  });
});

describe("browser caching", () => {
  it("after a publish through /v2 the next page load shows the new content; an unchanged entry is revalidated with 304", async () => {
    const writer = await issueToken("writer", [
      { action: ["read", "create", "update", "publish"], model: "Post", stages: "*", locales: "*" },
    ]);
    const v2 = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${gateway.base}/v2/demo/master`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${writer}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
      if (response.status !== 200 || body.errors) throw new Error(`/v2: ${response.status} ${JSON.stringify(body)}`);
      return body.data!;
    };
    const tag = Math.random().toString(36).slice(2, 8);
    const publish = (id: string) => v2("mutation($id: ID!) { publishPost(where: { id: $id }) { id } }", { id });
    const create = async (title: string, slug: string) => {
      const { createPost } = await v2("mutation($data: PostCreateInput!) { createPost(data: $data) { id } }", { data: { title, slug } });
      await publish(createPost!.id);
      return createPost!.id;
    };
    const changing = await create(`First title ${tag}`, `fresh-a-${tag}`);
    await create(`Unchanged ${tag}`, `fresh-b-${tag}`);

    const { page, responses } = await newPage();
    const url = `${site.origin}/fresh.html?${new URLSearchParams({ gateway: gateway.base, a: `fresh-a-${tag}`, b: `fresh-b-${tag}` })}`;
    const visit = async () => {
      responses.length = 0;
      await page.goto(url);
      await page.waitForFunction(() => "loaded" in window, { timeout: 30_000 });
      const titles = [await page.$eval("#a", (e) => e.textContent), await page.$eval("#b", (e) => e.textContent)];
      const bySlug = (slug: string) => responses.find((r) => decodeURIComponent(r.url).includes(slug));
      return { titles, a: bySlug(`fresh-a-${tag}`)!, b: bySlug(`fresh-b-${tag}`)! };
    };

    const first = await visit();
    expect(first.titles).toEqual([`First title ${tag}`, `Unchanged ${tag}`]);
    expect([first.a.status, first.b.status]).toEqual([200, 200]);

    // Nothing changed: the browser asks again (max-age=0) and gets 304s, no bodies.
    const second = await visit();
    expect(second.titles).toEqual(first.titles);
    expect([second.a.status, second.b.status]).toEqual([304, 304]);

    await v2("mutation($id: ID!, $data: PostUpdateInput!) { updatePost(where: { id: $id }, data: $data) { id } }", {
      id: changing,
      data: { title: `Second title ${tag}` },
    });
    await publish(changing);

    const third = await visit();
    expect(third.titles).toEqual([`Second title ${tag}`, `Unchanged ${tag}`]);
    expect(third.a.status).toBe(200);
    expect(third.a.fromCache).toBe(false);
    expect(third.b.status).toBe(304);
    await page.close();
  });
});

describe("the explorer", () => {
  it("runs a query and shows its result, with nothing loaded from anywhere but the gateway, under its CSP", async () => {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    // Offline: every request that is not for the gateway itself (or a data: URL) is blocked and recorded.
    const foreign: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith(`${gateway.base}/`) || url.startsWith("data:")) void request.continue();
      else {
        foreign.push(url);
        void request.abort("internetdisconnected");
      }
    });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
    // The explorer's files as the browser got them from the static assets (wrangler.toml's [assets]).
    const assets: { path: string; status: number; type: string; cacheControl: string }[] = [];
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith("/_explorer/"))
        assets.push({
          path: url.pathname,
          status: response.status(),
          type: response.headers()["content-type"] ?? "",
          cacheControl: response.headers()["cache-control"] ?? "",
        });
    });
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { violations?: string[] }).violations ??= [];
        (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const page200 = await page.goto(`${gateway.base}/content/demo/master`);
    expect(page200?.status()).toBe(200);
    expect(page200?.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect(await page.$eval("[data-testid=endpoint]", (e) => e.textContent)).toBe(`${gateway.base}/content/demo/master`);

    const run = async (query: string, expected: string) => {
      await page.waitForSelector(".graphiql-query-editor .CodeMirror");
      await page.click(".graphiql-query-editor .CodeMirror");
      await page.keyboard.down("Control");
      await page.keyboard.press("a");
      await page.keyboard.up("Control");
      await page.keyboard.press("Backspace");
      await page.keyboard.type(query);
      await page.keyboard.press("Escape"); // close the completion list
      await page.click(".graphiql-execute-button");
      await page.waitForFunction(
        (text) => document.querySelector(".result-window")?.textContent?.includes(text),
        { timeout: 30_000 },
        expected,
      );
      return page.$eval(".result-window", (e) => e.textContent ?? "");
    };

    const result = await run("{ posts(first: 2) { title stage author { name", '"stage": "PUBLISHED"');
    await page.click('button[aria-label="Prettify query (Shift-Ctrl-P)"]');
    await page.waitForFunction(() =>
      (document.querySelector(".graphiql-query-editor .CodeMirror")?.textContent ?? "").includes("posts(first: 2) {"),
    );
    expect(result).toContain('"title": "Hello Edge"');
    await screenshot(page, "explorer.png");

    // A Bearer token typed in the bar is sent with every request: the preview token reads DRAFT.
    await page.type("input[name=token]", previewToken);
    await page.click(".ce-token button[type=submit]");
    await page.waitForFunction(() => document.querySelector("[data-testid=principal]")?.textContent?.includes("Bearer"));
    const drafts = await run("{ posts(first: 1) { stage", '"stage": "DRAFT"');
    expect(drafts).not.toContain("PUBLISHED");

    expect(foreign).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { violations?: string[] }).violations ?? [])).toEqual([]);
    expect(problems).toEqual([]);
    // Script, stylesheet and the font subsets the page's text uses, each a hashed file cached for a year.
    expect(assets.map((asset) => asset.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.js$/),
        expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.css$/),
        expect.stringMatching(/^\/_explorer\/graphiql-font-[0-9a-f]{16}\.woff2$/),
      ]),
    );
    for (const asset of assets) {
      expect(asset).toMatchObject({ status: 200, cacheControl: "public, max-age=31536000, immutable" });
      expect(asset.type).toMatch(/^(text\/javascript|text\/css|font\/woff2?)/);
    }
    await page.close();
  });

  it("explains itself instead when the project turns introspection off", async () => {
    await admin("closed/master", { method: "PUT", body: { ...DEMO, introspection: false } });
    const page = await chromium.browser.newPage();
    const response = await page.goto(`${gateway.base}/content/closed/master`);
    expect(response?.status()).toBe(403);
    expect(await page.$eval("h1", (e) => e.textContent)).toContain("not available");
    expect(await page.$eval("body", (e) => e.textContent)).toContain("Introspection is disabled");
    await page.close();
  });
});

describe("the landing page", () => {
  it("opens at / with the explorers of the configured projects, the console and health, and no console error", async () => {
    const page = await chromium.browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warn") problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
    page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { violations?: string[] }).violations ??= [];
        (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const response = await page.goto(`${gateway.base}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("Content Edge");
    const links = await page.$$eval("a", (anchors) => anchors.map((a) => [a.textContent, a.getAttribute("href")]));
    expect(links).toEqual(
      expect.arrayContaining([
        ["Content API explorer", "/content/demo/master"],
        ["Regular API explorer", "/v2/demo/master"],
        ["Content API explorer", "/content/strict/master"],
        ["Console", "/admin"],
        ["Health", "/healthz"],
      ]),
    );
    // The stylesheet applied (the CSP admitted it by its hash): the page's column is centred.
    expect(await page.$eval("main", (e) => getComputedStyle(e).maxWidth)).not.toBe("none");
    expect(await page.evaluate(() => (window as unknown as { violations?: string[] }).violations ?? [])).toEqual([]);
    expect(problems).toEqual([]);

    // A link leads where it says: the console.
    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin"]')]);
    expect(new URL(page.url()).pathname).toBe("/admin");
    await page.close();
  });
});
