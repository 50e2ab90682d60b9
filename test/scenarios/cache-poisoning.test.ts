import { describe, expect, it } from "vitest";
import { demoProject, gateway, originRequests } from "../support/gateway";

/**
 * What may and may not split (or poison) a cache entry on /content (issue 4 "Headers"): headers and
 * URL parameters that do not change the answer share the entry; those that do (stage, locales,
 * credentials) are part of the key through their effective values.
 */
const QUERY = "{ pages(orderBy: slug_ASC) { slug title } }";
const READ_ALL = [{ action: "read", model: "*", stages: "*", locales: "*" }];

async function get(path: string, extra: string, headers: Record<string, string> = {}): Promise<Response> {
  return gateway(`${path}?query=${encodeURIComponent(QUERY)}${extra}`, { headers: { accept: "application/json", ...headers } });
}

describe("a warm public entry is shared by requests that differ only in what does not change the answer", () => {
  it.each([
    ["X-Forwarded-Host", "", { "x-forwarded-host": "evil.example" }],
    ["X-Forwarded-Proto and X-Original-URL", "", { "x-forwarded-proto": "http", "x-original-url": "/admin" }],
    ["a method override header", "", { "x-http-method-override": "DELETE", "x-method-override": "PUT" }],
    ["tracking parameters", "&utm_source=newsletter&fbclid=abc&gclid=1", {}],
    ["a cookie", "", { cookie: "session=someone-else" }],
    ["another Accept that still gets JSON", "", { accept: "application/graphql-response+json" }],
    ["a user agent", "", { "user-agent": "curl/8" }],
  ])("%s", async (_name, extra, headers) => {
    const { tag, content } = await demoProject();
    const first = await get(content, "");
    expect(first.headers.get("x-cache")).toBe("MISS");
    const body = await first.text();
    const second = await get(content, extra, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(await second.text()).toBe(body);
    expect(await originRequests(tag)).toHaveLength(1);
  });
});

describe("requests whose effective scope differs never share an entry", () => {
  it.each([
    ["gcms-stage", { "gcms-stage": "DRAFT" }],
    ["gcms-locales", { "gcms-locales": "de" }],
    ["gcms-locales order (fallback order matters)", { "gcms-locales": "de,en" }],
  ])("%s", async (_name, headers) => {
    const { tag, content } = await demoProject({ publicPermissions: READ_ALL });
    await get(content, "", { "gcms-locales": "en,de" });
    const other = await get(content, "", headers);
    expect(other.headers.get("x-cache")).toBe("MISS");
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("a header naming the default stage shares the default's entry (the effective value is what counts)", async () => {
    const { tag, content } = await demoProject();
    await get(content, "");
    const explicit = await get(content, "", { "gcms-stage": "PUBLISHED", "gcms-locales": "en" });
    expect(explicit.headers.get("x-cache")).toBe("HIT");
    expect(await originRequests(tag)).toHaveLength(1);
  });
});
