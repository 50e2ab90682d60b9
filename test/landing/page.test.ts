import { describe, expect, it } from "vitest";
import { landingHtml, MAX_LISTED_PROJECTS } from "../../src/landing/page";
import { prefersHtml } from "../../src/http/media-type";
import { demoProject, gateway } from "../support/gateway";

/** What Chromium sends when a person types the gateway's URL. */
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

describe("GET / in a browser: the landing page (issue 20)", () => {
  it("links the explorers of every configured project, the console and health, under a strict CSP", async () => {
    const { projectId } = await demoProject();
    const response = await gateway("/", { headers: { accept: BROWSER } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("vary")).toBe("accept");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const html = await response.text();
    // The project configured a moment ago (this isolate registered it) is listed with both endpoints.
    expect(hrefs(html)).toEqual(expect.arrayContaining([`/content/${projectId}/master`, `/v2/${projectId}/master`, "/admin", "/healthz"]));
    // Every link stays on the gateway: no other host, no scheme.
    expect(hrefs(html).every((href) => href?.startsWith("/"))).toBe(true);
    expect(html).toContain("docs/connect-hygraph.md");
    // Nothing runs; the one inline stylesheet is admitted by its hash, and nothing else loads.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(response.headers.get("content-security-policy")).toBe(
      `default-src 'none'; style-src 'sha256-${await sha256Base64(style)}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|style="/);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no public access", { publicPermissions: [] }],
    ["introspection off", { introspection: false }],
  ])("does not name a project with %s: the page reveals nothing about projects a visitor cannot use", async (_name, config) => {
    const hidden = await demoProject(config);
    const shown = await demoProject();
    const html = await (await gateway("/", { headers: { accept: BROWSER } })).text();
    expect(html).toContain(`/content/${shown.projectId}/master`);
    expect(html).not.toContain(hidden.projectId);
  });

  it.each([
    ["no Accept", undefined, "GET"],
    ["a JSON client", "application/json", "GET"],
    ["a GraphQL client", "application/graphql-response+json, application/json", "GET"],
    ["curl", "*/*", "GET"],
    ["JSON preferred over HTML", "application/json, text/html;q=0.9", "GET"],
    ["a POST", BROWSER, "POST"],
  ])("%s keeps the JSON 404 of an unknown route", async (_name, accept, method) => {
    const response = await gateway("/", { method, headers: accept === undefined ? {} : { accept } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("NOT_FOUND");
  });
});

describe("landingHtml", () => {
  it.each([
    ["no project yet", [], /No project is configured yet.*PUT \/admin\/projects/],
    ["a list that cannot be read", null, /cannot be read right now/],
    ["one project", ["demo/master"], /<code>demo\/master<\/code>: <a href="\/content\/demo\/master">/],
    [
      "a name that is not a valid id (an older directory entry)",
      ["a<b/x y"],
      /<code>a&lt;b\/x y<\/code>: <a href="\/content\/a%3Cb\/x%20y">/,
    ],
  ])("%s", (_name, projects, shown) => {
    expect(landingHtml({ projects })).toMatch(shown);
  });

  it(`lists at most ${MAX_LISTED_PROJECTS} projects and counts the rest`, () => {
    const projects = Array.from({ length: MAX_LISTED_PROJECTS + 5 }, (_, i) => `p${String(i).padStart(3, "0")}/master`);
    const html = landingHtml({ projects });
    expect(html.match(/<li><code>/g)).toHaveLength(MAX_LISTED_PROJECTS);
    expect(html).toContain("and 5 more.");
  });
});

describe("prefersHtml: a page, or data", () => {
  it.each([
    [BROWSER, true],
    ["text/html", true],
    ["application/json, text/html", true],
    ["text/html;q=0.5, application/json;q=0.5", true],
    ["application/json, text/html;q=0.9", false],
    ["*/*", false],
    ["application/json", false],
    ["text/html;q=0", false],
    ["", false],
    [null, false],
  ])("%j → %s", (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});
