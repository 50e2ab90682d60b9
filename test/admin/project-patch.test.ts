import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { projectKey, storedProject } from "../../src/projects/store";
import { ADMIN, demoOrigin, demoProject, gateway, originRequests, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";

const ORIGIN_TOKEN = "origin-token-before-0123456789";
const WEBHOOK_SECRET = "webhook-secret-before-0123456789";

const patch = (projectId: string, body: unknown, query = "", contentType = "application/merge-patch+json") =>
  gateway(`/admin/projects/${projectId}/master${query}`, {
    method: "PATCH",
    headers: { ...ADMIN, "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const read = async (projectId: string) =>
  (await (await gateway(`/admin/projects/${projectId}/master`, { headers: ADMIN })).json()) as Record<string, unknown>;

/** The configuration as stored (secrets unmasked), from KV's copy. */
const stored = async (projectId: string) =>
  storedProject(await env.CONFIG.get(projectKey({ projectId, environment: "master" }), "json"))!.config!;

const errorOf = async (response: Response) =>
  ((await response.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions;

describe("PATCH /admin/projects/{p}/{e} (JSON merge patch)", () => {
  it("changes only what the patch names, keeps the secrets it omits, and answers the result masked", async () => {
    const { projectId, tag } = await demoProject({
      originToken: ORIGIN_TOKEN,
      webhookSecret: WEBHOOK_SECRET,
      allowedOrigins: ["https://a.example"],
    });
    const response = await patch(projectId, { cache: { maxAge: 5 }, allowedOrigins: ["https://b.example", "https://c.example"] });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(ORIGIN_TOKEN);
    expect(text).not.toContain(WEBHOOK_SECRET);
    const expected = {
      origin: demoOrigin(tag),
      originToken: "********",
      webhookSecret: "********",
      publicPermissions: [{ action: ["read"], model: "*", stages: ["PUBLISHED"], locales: "*" }],
      cache: { maxAge: 5, staleWhileRevalidate: 300, staleIfError: 86400, browserMaxAge: 0, sharedMaxAge: 0 },
      allowedOrigins: ["https://b.example", "https://c.example"],
    };
    expect(JSON.parse(text)).toMatchObject(expected);
    expect(await read(projectId)).toMatchObject(expected);
    expect(await stored(projectId)).toMatchObject({ originToken: ORIGIN_TOKEN, webhookSecret: WEBHOOK_SECRET, cache: { maxAge: 5 } });
  });

  it("accepts application/json as well, and null removes a member (here the origin token)", async () => {
    const { projectId } = await demoProject({ originToken: ORIGIN_TOKEN });
    const response = await patch(projectId, { originToken: null }, "", "application/json; charset=utf-8");
    expect(response.status).toBe(200);
    expect(await response.json()).not.toHaveProperty("originToken");
    expect(await stored(projectId)).not.toHaveProperty("originToken");
  });

  it("?dryRun=true answers the masked merged configuration and the changed field names, and saves nothing", async () => {
    const { projectId } = await demoProject({ originToken: ORIGIN_TOKEN });
    const before = await read(projectId);
    const response = await patch(
      projectId,
      { originToken: "origin-token-after-0123", cache: { maxAge: 7 }, defaultLocale: "en" },
      "?dryRun=true",
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { config: Record<string, unknown>; changed: string[] };
    expect(body.changed).toEqual(["cache", "originToken"]);
    expect(body.config).toMatchObject({ originToken: "********", cache: { maxAge: 7 } });
    expect(JSON.stringify(body)).not.toContain("origin-token-after");
    expect(await read(projectId)).toEqual(before);
    expect((await stored(projectId)).originToken).toBe(ORIGIN_TOKEN);
  });

  it.each<[string, unknown, string]>([
    ["a negative maxAge", { cache: { maxAge: -1 } }, "cache.maxAge"],
    ["removing the origin", { origin: null }, "origin"],
    ["an unknown field", { publicPermission: [] }, "publicPermission"],
    ["an unknown cache field", { cache: { maxAge: 1, maxAgeSeconds: 2 } }, "cache.maxAgeSeconds"],
    [
      "a rule with an unknown action",
      { publicPermissions: [{ action: "explode", model: "*", stages: "*", locales: "*" }] },
      "publicPermissions[0].action",
    ],
    ["a role named __proto__", JSON.parse('{"roles":{"__proto__":[]}}'), "roles.__proto__"],
    ["a CIDR with host bits", { ipRules: { allow: ["203.0.113.5/24"] } }, "ipRules.allow[0]"],
    ["an origin token with a space", { originToken: "two words" }, "originToken"],
    ["the webhook secret", { webhookSecret: "a-new-secret-0123456789" }, "webhookSecret"],
    ["the webhook secret, removed", { webhookSecret: null }, "webhookSecret"],
    ["the rotation state", { webhookSecretPrevious: { secret: "x".repeat(20), validUntil: 1 } }, "webhookSecretPrevious"],
    ["the rotation as GET shows it", { webhookSecretRotation: { previousValidUntil: "2030-01-01T00:00:00Z" } }, "webhookSecretRotation"],
    ["a list instead of an object", ["origin"], "(body)"],
    [
      "a model the origin's schema lacks",
      { publicPermissions: [{ action: "read", model: "NoSuchModel", stages: "*", locales: "*" }] },
      "publicPermissions[0].model[0]",
    ],
  ])("refuses %s with 400 INVALID_CONFIG naming the field, and changes nothing", async (_label, body, field) => {
    const { projectId } = await demoProject({ originToken: ORIGIN_TOKEN, webhookSecret: WEBHOOK_SECRET });
    const before = await stored(projectId);
    const response = await patch(projectId, body);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await stored(projectId)).toEqual(before);
  });

  it("is 404 for a project that is not configured, as GET is", async () => {
    const response = await patch(`nope-${uniqueTag()}`, { cache: { maxAge: 1 } });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "NOT_FOUND" });
  });

  it.each(["text/plain", "application/x-www-form-urlencoded"])("refuses Content-Type %s with 415", async (type) => {
    const { projectId } = await demoProject();
    expect((await patch(projectId, { cache: { maxAge: 1 } }, "", type)).status).toBe(415);
  });

  it.each(["?dryRun=yes", "?strict=1", "?dryRun=true&dryRun=false"])("refuses %s with 400 naming the parameter", async (query) => {
    const { projectId } = await demoProject();
    const response = await patch(projectId, { cache: { maxAge: 1 } }, query);
    expect(response.status).toBe(400);
    expect((await errorOf(response))["param"]).toBe(query.slice(1, query.indexOf("=")));
  });

  it("with ?strict=true and an origin that cannot be asked: the origin failure, nothing saved", async () => {
    const { projectId } = await demoProject();
    const before = await stored(projectId);
    const response = await patch(projectId, { origin: "https://no-such-host.invalid/graphql" }, "?strict=true");
    expect(response.status).toBe(502);
    expect(await stored(projectId)).toEqual(before);
  });

  it('{"originToken": "…"} rotates the origin token: the next miss sends the new one, and the old one never reaches the origin again', async () => {
    const { projectId, tag, content } = await demoProject({ originToken: ORIGIN_TOKEN, publicPermissions: PUBLIC_READ });
    expect((await postQuery(content, { query: "{ posts { title } }" })).status).toBe(200);
    const before = (await originRequests(tag, { introspection: true })).length;
    const rotated = "origin-token-rotated-0123456789";
    expect((await patch(projectId, { originToken: rotated })).status).toBe(200);
    // The configuration change invalidated the cached answer: a miss, sent with the new token.
    const again = await postQuery(content, { query: "{ posts { title } }" });
    expect(again.headers.get("x-cache")).toBe("MISS");
    const after = (await originRequests(tag, { introspection: true })).slice(before);
    expect(after.some((r) => r.body.includes("posts"))).toBe(true);
    expect(after.map((r) => r.headers["authorization"])).toEqual(after.map(() => `Bearer ${rotated}`));
  });
});
