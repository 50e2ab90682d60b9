import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/errors";
import { bundledAssets } from "../../src/http/bundled-assets";

const assets = bundledAssets({
  path: "/static",
  label: "demo",
  script: { name: "demo-0123456789abcdef.js", body: "console.log('é')" },
  style: { name: "demo-fedcba9876543210.css", body: "body{}" },
});
const app = new Hono()
  .get(`${assets.path}/:file`, assets.handler)
  .onError(
    (error) => new Response(error instanceof NotFoundError ? error.code : "other", { status: error instanceof NotFoundError ? 404 : 500 }),
  );

describe("bundledAssets", () => {
  it("gives pages the hashed URLs it serves", () => {
    expect(assets.urls).toEqual({ script: "/static/demo-0123456789abcdef.js", style: "/static/demo-fedcba9876543210.css" });
  });

  it.each([
    ["script", "/static/demo-0123456789abcdef.js", "text/javascript; charset=utf-8", '"0123456789abcdef"', "console.log('é')"],
    ["style", "/static/demo-fedcba9876543210.css", "text/css; charset=utf-8", '"fedcba9876543210"', "body{}"],
  ])("serves the %s as UTF-8, immutable, its hash as a strong ETag", async (_kind, path, contentType, etag, body) => {
    const response = await app.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(contentType);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("etag")).toBe(etag);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe(body);
  });

  it.each([['"0123456789abcdef"'], ['W/"0123456789abcdef"'], ['"other", "0123456789abcdef"']])(
    "answers If-None-Match: %s with 304 and no body",
    async (ifNoneMatch) => {
      const response = await app.request("/static/demo-0123456789abcdef.js", { headers: { "if-none-match": ifNoneMatch } });
      expect(response.status).toBe(304);
      expect(await response.text()).toBe("");
    },
  );

  it("answers an unknown name NOT_FOUND", async () => {
    const response = await app.request("/static/demo-0000000000000000.js");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("NOT_FOUND");
  });

  it.each([["static"], ["/static/"]])("refuses the path %s when built", (path) => {
    expect(() => bundledAssets({ path, label: "x", script: { name: "a.js", body: "" }, style: { name: "a.css", body: "" } })).toThrow(
      /path/,
    );
  });
});
