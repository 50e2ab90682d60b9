import { describe, expect, it } from "vitest";
import { ALLOWED_REQUEST_HEADERS, EXPOSED_RESPONSE_HEADERS, PREFLIGHT_MAX_AGE } from "../../src/middleware/api-policies";
import { demoProject, errorCode, gateway, getQuery, originRequests, postQuery, uniqueTag } from "../support/gateway";

/** CORS on /content and /v2 (SPEC §3b), through the whole gateway. */
const SITE = "https://www.example.com";
const OTHER_SITE = "https://blog.example.com";
const QUERY = "{ posts(first: 1) { title } }";

const preflight = (path: string, origin: string, requestHeaders = "content-type, authorization, gcms-stage") =>
  gateway(path, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": requestHeaders },
  });

const varyOf = (response: Response) => (response.headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/);
const accessControlHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith("access-control-"));

describe("CORS with the default policy (any origin)", () => {
  it.each(["content", "v2"] as const)("answers a preflight on /%s with 204 and every header a GraphQL page sends", async (endpoint) => {
    const project = await demoProject();
    const response = await preflight(project[endpoint], SITE, ALLOWED_REQUEST_HEADERS.join(", "));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(response.headers.get("access-control-allow-headers")?.split(",")).toEqual([...ALLOWED_REQUEST_HEADERS]);
    expect(response.headers.get("access-control-max-age")).toBe(String(PREFLIGHT_MAX_AGE));
    expect(varyOf(response)).not.toContain("origin");
    expect(await originRequests(project.tag)).toHaveLength(0);
  });

  it("exposes the cache headers and Server-Timing on answers, the same for every origin", async () => {
    const { content } = await demoProject();
    for (const origin of [SITE, OTHER_SITE]) {
      const response = await postQuery(content, { query: QUERY }, { origin });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-expose-headers")?.split(",")).toEqual([...EXPOSED_RESPONSE_HEADERS]);
      expect(response.headers.get("timing-allow-origin")).toBe("*");
      expect(response.headers.get("server-timing")).toMatch(/^cache;/);
      // "*" is one answer for all origins: nothing to vary on.
      expect(varyOf(response)).not.toContain("origin");
    }
  });

  it("lets a page read error answers too (a parse error, a refusal)", async () => {
    const { content, v2 } = await demoProject();
    const broken = await postQuery(content, { query: "{ posts {" }, { origin: SITE });
    expect(broken.status).toBe(400);
    expect(broken.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await postQuery(v2, { query: 'mutation { deletePost(where: { id: "x" }) { id } }' }, { origin: SITE });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("lets a page read that a project does not exist", async () => {
    const path = `/content/${uniqueTag()}/master`;
    expect((await preflight(path, SITE)).status).toBe(204);
    const response = await postQuery(path, { query: QUERY }, { origin: SITE });
    expect(response.status).toBe(404);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await errorCode(response)).toBe("PROJECT_NOT_FOUND");
  });

  it("keeps CORS headers on a 304 revalidation", async () => {
    const { content } = await demoProject();
    const first = await getQuery(content, { query: QUERY }, { origin: SITE });
    const etag = first.headers.get("etag")!;
    const revalidated = await getQuery(content, { query: QUERY }, { origin: SITE, "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("access-control-allow-origin")).toBe("*");
    expect(revalidated.headers.get("access-control-expose-headers")).toContain("etag");
  });
});

describe("CORS with allowedOrigins", () => {
  const listed = () => demoProject({ allowedOrigins: [SITE, "https://*.preview.example.com"] });

  it("echoes an allowed origin, with Vary: Origin and Timing-Allow-Origin", async () => {
    const { content } = await listed();
    const response = await postQuery(content, { query: QUERY }, { origin: SITE });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("timing-allow-origin")).toBe(SITE);
    expect(varyOf(response)).toEqual(expect.arrayContaining(["origin", "authorization", "gcms-stage", "gcms-locales", "accept"]));
  });

  it("answers an allowed origin's preflight, wildcard subdomains included", async () => {
    const { content } = await listed();
    const response = await preflight(content, "https://pr-12.preview.example.com");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://pr-12.preview.example.com");
    expect(varyOf(response)).toContain("origin");
  });

  it("refuses another origin with 403 ORIGIN_NOT_ALLOWED before the origin is contacted, with no allow headers", async () => {
    const { content, v2, tag } = await listed();
    for (const response of [
      await postQuery(content, { query: QUERY }, { origin: OTHER_SITE }),
      await getQuery(v2, { query: QUERY }, { origin: OTHER_SITE }),
    ]) {
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe("ORIGIN_NOT_ALLOWED");
      expect(accessControlHeaders(response)).toEqual([]);
      expect(response.headers.get("timing-allow-origin")).toBeNull();
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(varyOf(response)).toContain("origin");
    }
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("refuses another origin's preflight without any allow header", async () => {
    const { content } = await listed();
    const response = await preflight(content, OTHER_SITE);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("ORIGIN_NOT_ALLOWED");
    expect(accessControlHeaders(response)).toEqual([]);
  });

  it("serves clients without Origin (servers, curl) without CORS headers, still saying Vary: Origin", async () => {
    const { content } = await listed();
    const response = await postQuery(content, { query: QUERY });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(varyOf(response)).toContain("origin");
  });

  it("lets the gateway's own pages (the explorer) call it", async () => {
    const { content } = await listed();
    const response = await postQuery(content, { query: QUERY }, { origin: "http://gateway.test" });
    expect(response.status).toBe(200);
  });

  it("a cached answer is right for each origin it is served to", async () => {
    const { content, tag } = await demoProject({ allowedOrigins: [SITE, OTHER_SITE] });
    const first = await getQuery(content, { query: QUERY }, { origin: SITE });
    expect(first.headers.get("x-cache")).toBe("MISS");
    const second = await getQuery(content, { query: QUERY }, { origin: OTHER_SITE });
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("access-control-allow-origin")).toBe(OTHER_SITE);
    expect(await second.text()).toBe(await first.text());
    const stranger = await getQuery(content, { query: QUERY }, { origin: "https://evil.example" });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    expect(await originRequests(tag)).toHaveLength(1);
  });
});
