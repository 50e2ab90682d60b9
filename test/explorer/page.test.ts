import { describe, expect, it } from "vitest";
import { EXPLORER_CSP, wantsExplorer } from "../../src/explorer/page";
import { demoProject, errorCode, gateway, originRequests, uniqueTag } from "../support/gateway";
import { staticAsset } from "../support/static-assets";

/** What Chromium sends when a person opens a URL. */
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8";
const open = (path: string, headers: Record<string, string> = {}) => gateway(path, { headers: { accept: BROWSER_ACCEPT, ...headers } });

describe("who gets the explorer", () => {
  it.each<[string, string, RequestInit, boolean]>([
    ["a browser opening the endpoint", "", { headers: { accept: BROWSER_ACCEPT } }, true],
    ["text/html alone", "", { headers: { accept: "text/html" } }, true],
    ["a tracking parameter does not make it a GraphQL request", "?utm_source=mail", { headers: { accept: BROWSER_ACCEPT } }, true],
    ["a browser opening a GET query", "?query=%7B__typename%7D", { headers: { accept: BROWSER_ACCEPT } }, false],
    ["a persisted query", "?extensions=%7B%7D", { headers: { accept: BROWSER_ACCEPT } }, false],
    ["curl (*/*)", "", { headers: { accept: "*/*" } }, false],
    ["no Accept", "", {}, false],
    ["a GraphQL client", "", { headers: { accept: "application/graphql-response+json, application/json" } }, false],
    ["JSON preferred over HTML", "", { headers: { accept: "application/json, text/html;q=0.5" } }, false],
    ["HTML refused", "", { headers: { accept: "text/html;q=0, */*" } }, false],
    ["a POST", "", { method: "POST", headers: { accept: BROWSER_ACCEPT } }, false],
  ])("%s → %s", (_name, search, init, expected) => {
    expect(wantsExplorer(new Request(`https://gw.example/content/p/master${search}`, init))).toBe(expected);
  });
});

describe("the explorer page", () => {
  it.each(["content", "v2"] as const)(
    "serves GraphiQL on /%s with the endpoint filled in and only the gateway's own assets",
    async (endpoint) => {
      const project = await demoProject();
      const response = await open(project[endpoint]);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-security-policy")).toBe(EXPLORER_CSP);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("vary")).toContain("accept");
      const html = await response.text();
      expect(html).toContain(`data-endpoint="${project[endpoint]}"`);
      expect(html).toContain(`data-kind="${endpoint}"`);
      // Everything the page loads is the gateway's own static assets (the icon is an empty data: URL).
      const loads = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(loads.filter((url) => url !== "data:,")).toEqual([
        expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.css$/),
        expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.js$/),
      ]);
      // No inline script: the CSP allows none.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(await originRequests(project.tag)).toHaveLength(0);
    },
  );

  it("loads its script, stylesheet and fonts as static assets: immutable, revalidated by ETag, self-contained", async () => {
    const { content } = await demoProject();
    const html = await (await open(content)).text();
    const [script, style] = [/<script defer src="([^"]+)"/.exec(html)![1]!, /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!];
    const js = await staticAsset(script);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    const code = await js.text();
    expect(code.length).toBeGreaterThan(100_000);
    expect(code).toContain("graphiql");
    const css = await staticAsset(style);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const stylesheet = await css.text();
    expect(stylesheet).toContain(".graphiql-container");
    // Icons are data: URLs; fonts are files beside the stylesheet (font-src 'self'), never from another host.
    const fonts = [...stylesheet.matchAll(/url\(\s*["']?(?!data:)([^"')]+)/g)].map((m) => m[1]!);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of new Set(fonts)) {
      expect(font).toMatch(/^graphiql-font-[0-9a-f]{16}\.woff2?$/);
      const file = await staticAsset(new URL(font, `http://gateway.test${style}`).pathname);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toMatch(/^font\/woff2?/);
      expect(file.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      await file.body?.cancel();
    }
    const revalidated = await staticAsset(script, { headers: { "if-none-match": js.headers.get("etag")! } });
    expect(revalidated.status).toBe(304);
    expect((await staticAsset("/_explorer/graphiql-0000000000000000.js")).status).toBe(404);
  });

  it("says why there is no explorer when introspection is off", async () => {
    const { content, tag } = await demoProject({ introspection: false });
    const response = await open(content);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain("Introspection is disabled for this project");
    expect(html).not.toContain("<script");
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("says so when the project does not exist, escaping what the URL says", async () => {
    const response = await open(`/content/${uniqueTag()}%3Cb%3E/master`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("No project");
    expect(html).toContain("&#60;b&#62;");
    expect(html).not.toContain("<b>");
  });

  it("is behind the project's IP firewall like the endpoint", async () => {
    const { content } = await demoProject({ ipRules: { deny: ["203.0.113.0/24"] } });
    const response = await open(content, { "cf-connecting-ip": "203.0.113.4" });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("IP_NOT_ALLOWED");
  });

  it("leaves GraphQL GET requests from a browser to the endpoint", async () => {
    const { content } = await demoProject();
    const response = await open(`${content}?query=${encodeURIComponent("{ __typename }")}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });
});
