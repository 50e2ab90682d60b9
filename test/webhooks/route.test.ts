import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DeliveriesTable } from "../../src/authority/deliveries-table";
import { MAX_WEBHOOK_AGE_MS, signWebhook } from "../../src/webhooks/signature";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";
import { kv, trackMembers, errorExtensions } from "../support/cache";

const SECRET = "webhook-secret-0123456789";

function hook(projectId: string, rawBody: string, headers: Record<string, string> = {}, environment = "master") {
  return gateway(`/webhooks/${projectId}/${environment}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: rawBody,
  });
}

const update = JSON.stringify({ operation: "update", data: { __typename: "Post", id: "p1", stage: "DRAFT", title: "A & B <draft>" } });

async function signed(rawBody: string, over: { secret?: string; environment?: string; timestamp?: number } = {}) {
  return {
    "gcms-signature": await signWebhook({
      secret: over.secret ?? SECRET,
      rawBody,
      environment: over.environment ?? "master",
      timestamp: over.timestamp ?? Date.now(),
    }),
  };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The 8 headers that carry one HMAC-SHA256 (32 bytes, 43 base64 characters of which the last has 2
 * unused low bits, then `=`): those bits set any way, with or without the padding.
 */
function reencodings(header: string): string[] {
  const sign = /sign=([^,]+)/.exec(header)![1]!;
  const last = BASE64.indexOf(sign[42]!) & ~3;
  return [0, 1, 2, 3].flatMap((low) => {
    const text = sign.slice(0, 42) + BASE64[last | low];
    return [`${text}=`, text].map((variant) => header.replace(sign, variant));
  });
}

describe("POST /webhooks/{p}/{e}", () => {
  it("a validly signed webhook needs no admin token and answers 202 with what it invalidated", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const members = await trackMembers(projectId);
    const response = await hook(projectId, update, await signed(update));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ invalidated: { models: ["Post"], stages: ["DRAFT"] } });
    expect(await members.bumped()).toEqual(["E|DRAFT|Post|p1", "L|DRAFT|Post", "R|DRAFT|Post"]);
  });

  it.each<[string, () => Promise<Record<string, string>>, string]>([
    ["unsigned", async () => ({}), "missing"],
    ["signed with the admin token only", async () => ADMIN, "missing"],
    ["a malformed signature header", async () => ({ "gcms-signature": "sign=!!, env=master" }), "malformed"],
    ["signed with another secret", () => signed(update, { secret: "another-secret-0123456789" }), "mismatch"],
    ["signed for another body", () => signed(update.replace("p1", "p2")), "mismatch"],
    ["stale (older than 5 minutes)", () => signed(update, { timestamp: Date.now() - MAX_WEBHOOK_AGE_MS - 1_000 }), "expired"],
    ["from the future", () => signed(update, { timestamp: Date.now() + 5 * 60_000 }), "future"],
    ["signed for another environment", () => signed(update, { environment: "staging" }), "environment"],
  ])("%s: 401 INVALID_WEBHOOK_SIGNATURE and nothing purged", async (_label, headers, reason) => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const members = await trackMembers(projectId);
    const response = await hook(projectId, update, await headers());
    expect(response.status).toBe(401);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_WEBHOOK_SIGNATURE", reason });
    expect(await members.bumped()).toEqual([]);
  });

  it.each(["ARCHIVED", "published", "DRAFT} x"])(
    "a signed webhook naming stage %j the origin lacks: 400 INVALID_STAGE, nothing purged",
    async (stage) => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const members = await trackMembers(projectId);
      const body = JSON.stringify({ operation: "publish", data: { __typename: "Post", id: "p1", stage } });
      const response = await hook(projectId, body, await signed(body));
      expect(response.status).toBe(400);
      expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_STAGE", field: "data.stage" });
      expect(await members.bumped()).toEqual([]);
    },
  );

  it("a project without a webhookSecret accepts no webhook", async () => {
    const { projectId } = await demoProject();
    const members = await trackMembers(projectId);
    const response = await hook(projectId, update, await signed(update));
    expect(response.status).toBe(401);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_WEBHOOK_SIGNATURE", reason: "no-secret" });
    expect(await members.bumped()).toEqual([]);
  });

  it("is 404 for an unknown project or environment", async () => {
    expect((await hook(`nope-${uniqueTag()}`, update, await signed(update))).status).toBe(404);
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    expect((await hook(projectId, update, await signed(update, { environment: "staging" }), "staging")).status).toBe(404);
  });

  it.each<[string, unknown, { models: string[]; stages: string[] | "*" }, string[]]>([
    [
      "create (DRAFT)",
      { operation: "create", data: { __typename: "Post", id: "n1", stage: "DRAFT" } },
      { models: ["Post"], stages: ["DRAFT"] },
      ["E|DRAFT|Post|n1", "L|DRAFT|Post", "R|DRAFT|Post"],
    ],
    [
      "publish (to PUBLISHED)",
      { operation: "publish", data: { __typename: "Post", id: "p1", stage: "PUBLISHED" } },
      { models: ["Post"], stages: ["PUBLISHED"] },
      ["E|PUBLISHED|Post|p1", "L|PUBLISHED|Post", "R|PUBLISHED|Post"],
    ],
    [
      "unpublish (from PUBLISHED)",
      { operation: "unpublish", data: { __typename: "Author", id: "a1", stage: "PUBLISHED" } },
      { models: ["Author"], stages: ["PUBLISHED"] },
      ["E|PUBLISHED|Author|a1", "L|PUBLISHED|Author", "R|PUBLISHED|Author"],
    ],
    [
      "delete (every stage)",
      { operation: "delete", data: { __typename: "Author", id: "a1", stage: "DRAFT" } },
      { models: ["Author"], stages: "*" },
      ["E|*|Author|a1", "L|*|Author", "R|*|Author"],
    ],
    [
      "an entry without id (its whole model)",
      { operation: "publish", data: { __typename: "Post", stage: "PUBLISHED" } },
      { models: ["Post"], stages: ["PUBLISHED"] },
      ["A|PUBLISHED|Post"],
    ],
  ])("%s bumps exactly that entry (and its model's lists and references) in those stages", async (_label, payload, invalidated, bumped) => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const members = await trackMembers(projectId);
    const raw = JSON.stringify(payload);
    const response = await hook(projectId, raw, await signed(raw));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ invalidated });
    expect(await members.bumped()).toEqual(bumped);
  });

  describe("replays (SPEC §3: a replay inside the window purges nothing a second time)", () => {
    it("the same signed delivery sent again within its window is 202 duplicate and purges nothing", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const headers = await signed(update);
      const first = await hook(projectId, update, headers);
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ invalidated: { models: ["Post"], stages: ["DRAFT"] } });
      const members = await trackMembers(projectId);
      for (let i = 0; i < 3; i++) {
        const replay = await hook(projectId, update, headers);
        expect(replay.status).toBe(202);
        expect(await replay.json()).toEqual({ invalidated: { models: [], stages: [] }, duplicate: true });
      }
      expect(await members.bumped()).toEqual([]);
    });

    it("identical deliveries arriving together purge once", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const headers = await signed(update);
      const answers = await Promise.all([1, 2, 3, 4].map(() => hook(projectId, update, headers)));
      const bodies = (await Promise.all(answers.map((a) => a.json()))) as { duplicate?: boolean }[];
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
      expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    });

    it("is remembered by the project's authority until the signature expires, and nothing of it is written to KV", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const timestamp = Date.now();
      const headers = await signed(update, { timestamp });
      expect((await hook(projectId, update, headers)).status).toBe(202);
      const sign = /sign=([^,]+)/.exec(headers["gcms-signature"])![1]!;
      const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`${projectId}/master`));
      // Seen while the signature could still be accepted (5 minutes from t), forgotten a second later.
      const seenAt = (at: number) =>
        runInDurableObject(stub, (_object, state) => new DeliveriesTable(state.storage.sql, () => at).seen(sign));
      expect([await seenAt(timestamp + MAX_WEBHOOK_AGE_MS), await seenAt(timestamp + MAX_WEBHOOK_AGE_MS + 1_000)]).toEqual([true, false]);
      expect((await kv.list({ prefix: "webhook-seen:" })).keys).toEqual([]);
    });

    it("a new delivery of the same change (new timestamp, new signature) purges again", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      expect((await hook(projectId, update, await signed(update, { timestamp: Date.now() - 1_000 }))).status).toBe(202);
      const members = await trackMembers(projectId);
      const again = await hook(projectId, update, await signed(update));
      expect(await again.json()).toEqual({ invalidated: { models: ["Post"], stages: ["DRAFT"] } });
      expect(await members.bumped()).toEqual(["E|DRAFT|Post|p1", "L|DRAFT|Post", "R|DRAFT|Post"]);
    });

    it("a captured delivery re-encoded (padding dropped, unused bits of its last character set) is 202 duplicate and purges nothing", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const headers = await signed(update);
      expect(await (await hook(projectId, update, headers)).json()).toEqual({ invalidated: { models: ["Post"], stages: ["DRAFT"] } });
      const members = await trackMembers(projectId);
      const variants = reencodings(headers["gcms-signature"]);
      expect(new Set(variants).size).toBe(8);
      for (const variant of variants) {
        const replay = await hook(projectId, update, { "gcms-signature": variant });
        expect([variant, replay.status, await replay.json()]).toEqual([
          variant,
          202,
          { invalidated: { models: [], stages: [] }, duplicate: true },
        ]);
      }
      expect(await members.bumped()).toEqual([]);
    });

    it("a captured delivery whose body is re-escaped (& as \\u0026, which signs alike) is 202 duplicate", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const headers = await signed(update);
      expect((await hook(projectId, update, headers)).status).toBe(202);
      const members = await trackMembers(projectId);
      const reescaped = update.replace("&", "\\u0026").replace("<", "\\u003c");
      expect(JSON.parse(reescaped)).toEqual(JSON.parse(update));
      expect(await (await hook(projectId, reescaped, headers)).json()).toEqual({
        invalidated: { models: [], stages: [] },
        duplicate: true,
      });
      expect(await members.bumped()).toEqual([]);
    });

    it("a refused delivery is not remembered", async () => {
      const { projectId } = await demoProject({ webhookSecret: SECRET });
      const unusable = '{"operation":"update","data":{"id":"p1"}}';
      const headers = await signed(unusable);
      expect((await hook(projectId, unusable, headers)).status).toBe(400);
      expect((await hook(projectId, unusable, headers)).status).toBe(400);
      expect((await kv.list({ prefix: `webhook-seen:v1:${projectId}:` })).keys).toEqual([]);
    });
  });

  it.each<[string, string, string]>([
    ["not JSON", "operation=update", "body"],
    ["no operation", '{"data":{"__typename":"Post"}}', "operation"],
    ["no __typename", '{"operation":"update","data":{"id":"p1"}}', "data.__typename"],
  ])("a signed but unusable body (%s) is 400 naming the field, nothing purged", async (_label, raw, field) => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const members = await trackMembers(projectId);
    const response = await hook(projectId, raw, await signed(raw));
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ field });
    expect(await members.bumped()).toEqual([]);
  });

  it("refuses a body over 1 MiB with 413 before verifying anything", async () => {
    const { projectId } = await demoProject({ webhookSecret: SECRET });
    const members = await trackMembers(projectId);
    const raw = JSON.stringify({ operation: "update", data: { __typename: "Post", stage: "DRAFT", body: "x".repeat(1024 * 1024) } });
    const response = await hook(projectId, raw, await signed(raw));
    expect(response.status).toBe(413);
    expect(await members.bumped()).toEqual([]);
  });
});
