import { describe, expect, it } from "vitest";
import { ADMIN, demoProject, gateway, postQuery } from "../support/gateway";
import { errorExtensions } from "../support/cache";

/**
 * CSRF: a browser on another site must not be able to make the admin API change anything, even if
 * it somehow held the token. Non-browser clients (no Fetch Metadata, no Origin) are unaffected.
 */
const purge = (projectId: string, headers: Record<string, string>) =>
  gateway(`/admin/projects/${projectId}/master/purge`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json", ...headers },
    body: '{"models":["Post"]}',
  });

describe("same-origin writes on /admin", () => {
  it.each<[string, Record<string, string>]>([
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
    ["an Origin of another site (no Fetch Metadata)", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site with a matching-looking Origin", { "sec-fetch-site": "cross-site", origin: "http://gateway.test" }],
  ])("refuses a purge with %s: 403 CROSS_SITE_REQUEST, and nothing is purged", async (_label, headers) => {
    const { projectId, content } = await demoProject();
    await postQuery(content, { query: "{ posts { title } }" });
    const response = await purge(projectId, headers);
    expect(response.status).toBe(403);
    expect(await errorExtensions(response)).toMatchObject({ code: "FORBIDDEN", reason: "CROSS_SITE_REQUEST" });
    expect((await postQuery(content, { query: "{ posts { title } }" })).headers.get("x-cache")).toBe("HIT");
  });

  it.each<[string, Record<string, string>]>([
    ["Sec-Fetch-Site: same-origin (the console)", { "sec-fetch-site": "same-origin", origin: "http://gateway.test" }],
    ["Sec-Fetch-Site: none (typed by the user)", { "sec-fetch-site": "none" }],
    ["this origin, without Fetch Metadata", { origin: "http://gateway.test" }],
    ["neither header (curl, scripts)", {}],
  ])("lets a purge with %s through to the token check", async (_label, headers) => {
    const { projectId, content } = await demoProject();
    await postQuery(content, { query: "{ posts { title } }" });
    const response = await purge(projectId, headers);
    expect(response.status).toBe(200);
    expect((await postQuery(content, { query: "{ posts { title } }" })).headers.get("x-cache")).toBe("MISS");
  });

  it("lets cross-site reads through to the token check (they change nothing; without CORS they cannot be read)", async () => {
    const { projectId } = await demoProject();
    const response = await gateway(`/admin/projects/${projectId}/master/stats`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(response.status).toBe(401);
  });
});
