import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { projectKey, storedProject } from "../../src/projects/store";
import { signWebhook } from "../../src/webhooks/signature";
import { ADMIN, demoProject, gateway, postQuery, uniqueTag } from "../support/gateway";

const OLD_SECRET = "webhook-secret-before-0123456789";

const rotate = (projectId: string, body?: string) =>
  gateway(`/admin/projects/${projectId}/master/webhook-secret`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });

/** A signed publish delivery to the project, signed with `secret`: its status. */
async function deliver(projectId: string, secret: string): Promise<number> {
  const rawBody = JSON.stringify({ operation: "publish", data: { __typename: "Post", id: uniqueTag(), stage: "PUBLISHED" } });
  const signature = await signWebhook({ secret, rawBody, environment: "master", timestamp: Date.now() });
  const response = await gateway(`/webhooks/${projectId}/master`, {
    method: "POST",
    headers: { "content-type": "application/json", "gcms-signature": signature },
    body: rawBody,
  });
  return response.status;
}

const read = async (projectId: string) =>
  (await (await gateway(`/admin/projects/${projectId}/master`, { headers: ADMIN })).json()) as Record<string, unknown>;
const stored = async (projectId: string) =>
  storedProject(await env.CONFIG.get(projectKey({ projectId, environment: "master" }), "json"))!.config!;

describe("POST /admin/projects/{p}/{e}/webhook-secret", () => {
  it("answers a new secret once (no-store); during the grace period deliveries signed with either secret verify", async () => {
    const { projectId } = await demoProject({ webhookSecret: OLD_SECRET });
    const started = Date.now();
    const response = await rotate(projectId, JSON.stringify({ graceSeconds: 3600 }));
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { webhookSecret: string; previousValidUntil: string };
    expect(body.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const until = Date.parse(body.previousValidUntil);
    expect(until).toBeGreaterThanOrEqual(started + 3_600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    // GET never shows a secret, only until when the old one still verifies.
    const config = await read(projectId);
    expect(config).toMatchObject({ webhookSecret: "********", webhookSecretRotation: { previousValidUntil: body.previousValidUntil } });
    expect(config).not.toHaveProperty("webhookSecretPrevious");
    expect(JSON.stringify(config)).not.toContain(OLD_SECRET);
    expect(JSON.stringify(config)).not.toContain(body.webhookSecret);
    expect(await deliver(projectId, body.webhookSecret)).toBe(202);
    expect(await deliver(projectId, OLD_SECRET)).toBe(202);
    expect(await deliver(projectId, "a-third-secret-0123456789")).toBe(401);
  });

  it("with graceSeconds 0 the old secret stops at once, and GET shows no rotation", async () => {
    const { projectId } = await demoProject({ webhookSecret: OLD_SECRET });
    const response = await rotate(projectId, '{"graceSeconds":0}');
    expect(response.status).toBe(201);
    const body = (await response.json()) as { webhookSecret: string; previousValidUntil: string | null };
    expect(body.previousValidUntil).toBeNull();
    expect(await read(projectId)).not.toHaveProperty("webhookSecretRotation");
    expect(await deliver(projectId, OLD_SECRET)).toBe(401);
    expect(await deliver(projectId, body.webhookSecret)).toBe(202);
  });

  it("gives a project without a secret its first one (nothing to keep); an empty body means a day's grace", async () => {
    const { projectId } = await demoProject();
    const first = (await (await rotate(projectId)).json()) as { webhookSecret: string; previousValidUntil: string | null };
    expect(first.previousValidUntil).toBeNull();
    expect(await deliver(projectId, first.webhookSecret)).toBe(202);
    const second = (await (await rotate(projectId, "{}")).json()) as { previousValidUntil: string };
    expect(Date.parse(second.previousValidUntil) - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
    expect(await deliver(projectId, first.webhookSecret)).toBe(202);
  });

  it("a later rotation ends the earlier grace period: only one old secret is ever kept", async () => {
    const { projectId } = await demoProject({ webhookSecret: OLD_SECRET });
    const { webhookSecret: middle } = (await (await rotate(projectId)).json()) as { webhookSecret: string };
    const { webhookSecret: newest } = (await (await rotate(projectId)).json()) as { webhookSecret: string };
    expect(await deliver(projectId, OLD_SECRET)).toBe(401);
    expect(await deliver(projectId, middle)).toBe(202);
    expect(await deliver(projectId, newest)).toBe(202);
  });

  it("a PATCH keeps the grace period; a PUT keeps it with the current secret and ends it with another", async () => {
    const { projectId, tag } = await demoProject({ webhookSecret: OLD_SECRET });
    const { webhookSecret } = (await (await rotate(projectId)).json()) as { webhookSecret: string };
    const patched = await gateway(`/admin/projects/${projectId}/master`, {
      method: "PATCH",
      headers: { ...ADMIN, "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ cache: { maxAge: 9 } }),
    });
    expect(await patched.json()).toHaveProperty("webhookSecretRotation");
    expect(await deliver(projectId, OLD_SECRET)).toBe(202);
    const put = (secret: string) =>
      gateway(`/admin/projects/${projectId}/master`, {
        method: "PUT",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ origin: `https://demo-origin.internal/t/${tag}/graphql`, webhookSecret: secret }),
      });
    expect((await put(webhookSecret)).status).toBe(200);
    expect(await deliver(projectId, OLD_SECRET)).toBe(202);
    const chosen = "a-secret-chosen-by-put-0123456789";
    expect((await put(chosen)).status).toBe(200);
    expect(await read(projectId)).not.toHaveProperty("webhookSecretRotation");
    expect(await stored(projectId)).not.toHaveProperty("webhookSecretPrevious");
    expect(await deliver(projectId, OLD_SECRET)).toBe(401);
    expect(await deliver(projectId, webhookSecret)).toBe(401);
    expect(await deliver(projectId, chosen)).toBe(202);
  });

  it.each<[string, string, string]>([
    ["not JSON", "{grace", "body"],
    ["a list", "[60]", "body"],
    ["a negative grace", '{"graceSeconds":-1}', "graceSeconds"],
    ["more than a week", '{"graceSeconds":604801}', "graceSeconds"],
    ["a fraction", '{"graceSeconds":1.5}', "graceSeconds"],
    ["a string", '{"graceSeconds":"60"}', "graceSeconds"],
    ["an unknown member", '{"grace":60}', "grace"],
  ])("refuses %s with 400 naming the field, and keeps the secret", async (_label, body, field) => {
    const { projectId } = await demoProject({ webhookSecret: OLD_SECRET });
    const response = await rotate(projectId, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: "BAD_REQUEST", field });
    expect((await stored(projectId)).webhookSecret).toBe(OLD_SECRET);
  });

  it("leaves the project's cached answers hitting (no answer depends on the webhook secret), unlike a configuration change", async () => {
    const { projectId, content } = await demoProject({ webhookSecret: OLD_SECRET });
    const query = { query: "{ posts { title } }" };
    expect((await postQuery(content, query)).headers.get("x-cache")).toBe("MISS");
    expect((await rotate(projectId)).status).toBe(201);
    expect((await postQuery(content, query)).headers.get("x-cache")).toBe("HIT");
    const patched = await gateway(`/admin/projects/${projectId}/master`, {
      method: "PATCH",
      headers: { ...ADMIN, "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ cache: { maxAge: 30 } }),
    });
    expect(patched.status).toBe(200);
    expect((await postQuery(content, query)).headers.get("x-cache")).toBe("MISS");
  });

  it("is 404 for a project that is not configured", async () => {
    expect((await rotate(`nope-${uniqueTag()}`)).status).toBe(404);
  });
});
