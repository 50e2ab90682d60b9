import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_AGE_MS, signWebhook } from "../../src/webhooks/signature";
import { auditEvents, fetchAndSettle, projectLog } from "../support/audit-api";
import { demoProject } from "../support/gateway";

/**
 * Webhook deliveries are audited (SPEC §5a): accepted (with what it invalidated), duplicate, or
 * refused and why. The sender is known only by the secret it signed with, which never appears.
 */
const SECRET = "webhook-secret-audit-0123456789";
const update = JSON.stringify({ operation: "update", data: { __typename: "Post", id: "p1", stage: "DRAFT", title: "t" } });

const sign = (rawBody: string, over: { secret?: string; environment?: string; timestamp?: number } = {}) =>
  signWebhook({
    secret: over.secret ?? SECRET,
    rawBody,
    environment: over.environment ?? "master",
    timestamp: over.timestamp ?? Date.now(),
  });

/** A delivery through the Worker, answered once its background record (a refusal's) is made. */
const deliver = (projectId: string, rawBody: string, signature?: string) =>
  fetchAndSettle(`/webhooks/${projectId}/master`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === undefined ? {} : { "gcms-signature": signature }) },
    body: rawBody,
  });

const webhookEvents = (projectId: string) => auditEvents(projectLog(projectId), "action=webhook");

describe("webhook audit events", () => {
  it("an accepted delivery is ok with what it invalidated; the same delivery again is refused as a duplicate", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const signature = await sign(update);
    expect((await deliver(projectId, update, signature)).status).toBe(202);
    const again = await deliver(projectId, update, signature);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const events = await webhookEvents(projectId);
    expect(events.map(({ actor, action, target, outcome, details }) => ({ actor, action, target, outcome, details }))).toEqual([
      {
        actor: { kind: "webhook" },
        action: "webhook",
        target: "Post",
        outcome: "ok",
        details: { event: "update", models: ["Post"], ids: ["p1"], stages: ["DRAFT"], result: "accepted" },
      },
      {
        actor: { kind: "webhook" },
        action: "webhook",
        target: "Post",
        outcome: "refused",
        details: { event: "update", models: ["Post"], ids: ["p1"], stages: ["DRAFT"], result: "duplicate", reason: "duplicate" },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain(signature.split(",")[0]!.replace("sign=", ""));
  });

  it("a publish delivery names its model and stages", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const body = JSON.stringify({ operation: "publish", data: { __typename: "Author", id: "a1", stage: "PUBLISHED" } });
    expect((await deliver(projectId, body, await sign(body))).status).toBe(202);
    const [event] = await webhookEvents(projectId);
    expect(event).toMatchObject({ outcome: "ok", target: "Author", details: { result: "accepted", models: ["Author"] } });
    expect(event!.details["stages"]).toEqual(expect.arrayContaining(["PUBLISHED"]));
  });

  it.each<[string, () => Promise<string | undefined>, string, number, string]>([
    ["unsigned", async () => undefined, "missing", 401, "INVALID_WEBHOOK_SIGNATURE"],
    [
      "signed with another secret",
      () => sign(update, { secret: "another-secret-0123456789" }),
      "mismatch",
      401,
      "INVALID_WEBHOOK_SIGNATURE",
    ],
    ["signed for another body", () => sign(update.replace("p1", "p2")), "mismatch", 401, "INVALID_WEBHOOK_SIGNATURE"],
    ["stale", () => sign(update, { timestamp: Date.now() - MAX_WEBHOOK_AGE_MS - 1_000 }), "expired", 401, "INVALID_WEBHOOK_SIGNATURE"],
    ["signed for another environment", () => sign(update, { environment: "staging" }), "environment", 401, "INVALID_WEBHOOK_SIGNATURE"],
  ])("%s: refused with details.reason %s, nothing invalidated", async (_label, signature, reason, status, code) => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const response = await deliver(projectId, update, await signature());
    expect(response.status).toBe(status);
    const events = await webhookEvents(projectId);
    expect(events.map(({ actor, target, outcome, details }) => ({ actor, target, outcome, details }))).toEqual([
      { actor: { kind: "webhook" }, target: undefined, outcome: "refused", details: { result: "refused", code, reason } },
    ]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it("a signed delivery with a payload it cannot read is refused with its reason", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const body = JSON.stringify({ operation: "update", data: { id: "p1" } });
    const response = await deliver(projectId, body, await sign(body));
    expect(response.status).toBe(400);
    const events = await webhookEvents(projectId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "refused", details: { result: "refused", code: "BAD_REQUEST" } });
    expect(events[0]!.details["reason"]).toEqual(expect.any(String));
  });

  it("a project without a webhook secret refuses every delivery, and says so", async () => {
    const { projectId } = await demoProject();
    const response = await deliver(projectId, update, await sign(update));
    expect(response.status).toBe(401);
    const events = await webhookEvents(projectId);
    expect(events.map((e) => [e.outcome, e.details["code"], e.details["reason"]])).toEqual([
      ["refused", "INVALID_WEBHOOK_SIGNATURE", "no-secret"],
    ]);
  });
});
