import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONSOLE_CSP } from "../../src/console/page";
import { demoProject, gateway } from "../support/gateway";
import { staticAsset } from "../support/static-assets";

async function page() {
  const response = await gateway("/admin", { headers: { accept: "text/html" } });
  const html = await response.text();
  const script = /<script defer src="(\/admin\/assets\/console-[0-9a-f]{16}\.js)"><\/script>/.exec(html)?.[1];
  const style = /<link rel="stylesheet" href="(\/admin\/assets\/console-[0-9a-f]{16}\.css)">/.exec(html)?.[1];
  return { response, html, script, style };
}

describe("GET /admin: the console", () => {
  it("is served without the admin token, as a shell with no data, under a strict CSP", async () => {
    const { response, html, script, style } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain("unsafe");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    // No inline script or style, no third-party host, and nothing secret.
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).not.toMatch(/style=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain(env.ADMIN_TOKEN);
  });

  it("loads its script and stylesheet as static assets: immutable, revalidated with 304, self-contained", async () => {
    const { script, style } = await page();
    for (const [path, type] of [
      [script!, "text/javascript; charset=utf-8"],
      [style!, "text/css; charset=utf-8"],
    ] as const) {
      const response = await staticAsset(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const body = await response.text();
      expect(body.length).toBeGreaterThan(500);
      // Nothing is loaded from another host.
      expect(body).not.toMatch(/(?:src|href|url\()\s*=?\s*["']?https?:/);
      const again = await staticAsset(path, { headers: { "if-none-match": response.headers.get("etag")! } });
      expect(again.status).toBe(304);
    }
    const script404 = await staticAsset("/admin/assets/console-0000000000000000.js");
    expect(script404.status).toBe(404);
  });

  it("keeps the token out of URLs and cookies: the script stores it in sessionStorage only", async () => {
    const { script } = await page();
    const body = await (await staticAsset(script!)).text();
    expect(body).toContain("sessionStorage");
    expect(body).not.toContain("localStorage");
    expect(body).not.toContain("document.cookie");
  });
});

describe("GET /favicon.ico: the icon every page of the host asks for", () => {
  it("is an SVG, cacheable, that cannot run anything, and the console page links it", async () => {
    const response = await gateway("/favicon.ico");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(response.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(response.headers.get("content-security-policy")).toContain("sandbox");
    const body = await response.text();
    expect(body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    expect(body).not.toMatch(/<script|href=|url\(/);
    expect((await page()).html).toContain('<link rel="icon" href="/favicon.ico" type="image/svg+xml">');
  });
});

describe("every admin data route still needs the token", () => {
  it.each([
    ["GET", ""],
    ["PUT", ""],
    ["GET", "/tokens"],
    ["POST", "/tokens"],
    ["DELETE", "/tokens/x"],
    ["POST", "/purge"],
    ["GET", "/stats"],
    ["GET", "/traffic"],
    ["GET", "/schema"],
    ["POST", "/schema/refresh"],
    ["POST", "/explain"],
  ])("%s …%s is 401 without it", async (method, tail) => {
    const { projectId } = await demoProject();
    const response = await gateway(`/admin/projects/${projectId}/master${tail}`, {
      method,
      ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
    });
    expect(response.status).toBe(401);
  });

  it("an /admin path that is not the console or an asset is 401 without it", async () => {
    expect((await gateway("/admin/anything")).status).toBe(401);
    expect((await gateway("/admin/assets")).status).toBe(401);
  });
});
