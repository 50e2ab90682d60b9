import { describe, expect, it } from "vitest";
import { signWebhook } from "../../src/webhooks/signature";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";

const SECRET = "webhook-secret-for-the-log-0123";

const deliveries = async (projectId: string) => {
  const response = await gateway(`/admin/projects/${projectId}/master/webhook-deliveries`, { headers: ADMIN });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, deliveries: (JSON.parse(text) as { deliveries: Array<Record<string, unknown>> }).deliveries };
};

async function deliver(projectId: string, rawBody: string, signature: string | undefined) {
  return gateway(`/webhooks/${projectId}/master`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === undefined ? {} : { "gcms-signature": signature }) },
    body: rawBody,
  });
}

describe("GET /admin/projects/{p}/{e}/webhook-deliveries", () => {
  it("lists accepted, duplicate and refused deliveries newest first, without their bodies or signatures", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const body = JSON.stringify({
      operation: "publish",
      data: { __typename: "Post", id: "p-log-1", stage: "PUBLISHED", title: "Body text" },
    });
    const signature = await signWebhook({ secret: SECRET, rawBody: body, environment: "master", timestamp: Date.now() });
    const started = Date.now();
    expect((await deliver(projectId, body, signature)).status).toBe(202);
    expect((await deliver(projectId, body, signature)).status).toBe(202);
    const forged = await signWebhook({ secret: "not-the-secret-0123456789", rawBody: body, environment: "master", timestamp: Date.now() });
    expect((await deliver(projectId, body, forged)).status).toBe(401);
    expect((await deliver(projectId, body, undefined)).status).toBe(401);
    // Refused deliveries are logged in the background: read until both are there.
    let listed = await deliveries(projectId);
    for (let i = 0; i < 50 && listed.deliveries.length < 4; i++) listed = await deliveries(projectId);
    const refused = listed.deliveries.slice(0, 2).map((d) => d["reason"]);
    expect(refused.sort()).toEqual(["mismatch", "missing"]);
    expect(listed.deliveries.slice(0, 2)).toEqual([
      expect.objectContaining({ event: null, model: null, id: null, stage: null, outcome: "refused" }),
      expect.objectContaining({ event: null, model: null, id: null, stage: null, outcome: "refused" }),
    ]);
    expect(listed.deliveries.slice(2)).toEqual([
      { at: expect.any(String), event: "publish", model: "Post", id: "p-log-1", stage: "PUBLISHED", outcome: "duplicate", reason: null },
      { at: expect.any(String), event: "publish", model: "Post", id: "p-log-1", stage: "PUBLISHED", outcome: "accepted", reason: null },
    ]);
    for (const d of listed.deliveries) expect(Date.parse(d["at"] as string)).toBeGreaterThanOrEqual(started - 1_000);
    expect(listed.text).not.toContain("Body text");
    expect(listed.text).not.toContain(signature.slice(5, 30));
    expect(listed.text).not.toContain(SECRET);
  });

  it("is empty for a project that received no webhook, and 404 for an unknown project", async () => {
    const { projectId } = await demoProject();
    expect((await deliveries(projectId)).deliveries).toEqual([]);
    expect((await gateway(`/admin/projects/nope-${uniqueTag()}/master/webhook-deliveries`, { headers: ADMIN })).status).toBe(404);
  });
});
