import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ProjectAuthority } from "../../src/authority/object";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/event";
import type { AuthorityRpc } from "../../src/authority/rpc";
import type { ProjectConfig } from "../../src/projects/types";

/**
 * The authority writes each change and its audit event in one storage transaction (SPEC §5a: a
 * change that was not recorded did not happen), on a real Durable Object.
 */
const ADMIN: AuditRecord = { actor: { kind: "admin", role: "owner" }, action: "purge", outcome: "ok", details: {} };
const CONFIG: ProjectConfig = {
  origin: "https://origin.example/graphql",
  defaultStage: "PUBLISHED",
  defaultLocale: "en",
  introspection: true,
  publicPermissions: [],
  roles: {},
  cache: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 },
};

const stubOf = (id: DurableObjectId) => env.AUTHORITY.get(id) as unknown as AuthorityRpc & DurableObjectStub;
const fresh = () => stubOf(env.AUTHORITY.idFromName(`audit-object-${crypto.randomUUID()}`));
const everything = { limit: 1000 };

describe("the authority's audit events", () => {
  it("records a change and its event together, and neither when the event cannot be written (the object keeps serving)", async () => {
    const id = env.AUTHORITY.idFromName(`audit-object-${crypto.randomUUID()}`);
    const stub = stubOf(id);
    await stub.putConfig(CONFIG, null, { ...ADMIN, action: "config.update" });
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    // An event that cannot be stored: the whole transaction rolls back and the object reads its
    // state back from storage. Called in the object itself: an RPC would carry the error back as
    // an unhandled rejection.
    await runInDurableObject(env.AUTHORITY.get(id), (instance) => {
      expect(() =>
        (instance as unknown as ProjectAuthority).putConfig({ ...CONFIG, defaultStage: "DRAFT" }, null, {
          ...ADMIN,
          action: "config.update",
          details: cyclic,
        }),
      ).toThrow(TypeError);
    });
    const authority = stubOf(id);
    expect((await authority.getConfig()).config?.defaultStage).toBe("PUBLISHED");
    const { events } = await authority.listAudit(everything);
    expect(events.map((e) => [e.action, e.details["fields"]])).toEqual([["config.update", Object.keys(CONFIG).sort()]]);
    expect(await authority.verifyAudit()).toMatchObject({ ok: true, count: 1 });
  });

  it("records a /v2 write whose outcome never came at its deadline, as outcome-unknown", async () => {
    const stub = fresh();
    const audit: AuditRecord = {
      actor: { kind: "token", id: "tok_1" },
      action: "mutation",
      outcome: "ok",
      details: { rootFields: ["updatePost"] },
    };
    await stub.begin([{ kind: "model", stages: "*", models: ["Post"] }], Date.now() - 1, audit);
    expect((await stub.listAudit(everything)).events).toEqual([]);
    // The alarm is due at once (it may already have run by itself).
    await runDurableObjectAlarm(stub);
    const { events } = await stub.listAudit(everything);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "mutation",
      outcome: "error",
      actor: { kind: "token", id: "tok_1" },
      details: { result: "outcome-unknown", rootFields: ["updatePost"] },
    });
  });

  it("completes an announced write's event with the outcome reported at commit", async () => {
    const stub = fresh();
    const audit: AuditRecord = { actor: { kind: "public" }, action: "mutation", outcome: "ok", details: { rootFields: ["createPost"] } };
    const id = await stub.begin([], Date.now() + 60_000, audit);
    await stub.commit(id, [], null, { outcome: "error", details: { result: "origin-refused", originStatus: 400 } });
    expect((await stub.listAudit(everything)).events.map((e) => [e.outcome, e.details])).toEqual([
      ["error", { rootFields: ["createPost"], result: "origin-refused", originStatus: 400 }],
    ]);
    // Nothing pending is left to record again at a deadline.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("records a webhook delivery once accepted, and its replay as a duplicate", async () => {
    const stub = fresh();
    const audit: AuditRecord = { actor: { kind: "webhook" }, action: "webhook", outcome: "ok", details: { models: ["Post"] } };
    const changes = [{ kind: "model" as const, stages: "*" as const, models: ["Post"] }];
    expect((await stub.invalidateDelivery("c2lnbg==", Date.now() + 60_000, changes, null, audit)).duplicate).toBe(false);
    expect((await stub.invalidateDelivery("c2lnbg==", Date.now() + 60_000, changes, null, audit)).duplicate).toBe(true);
    expect((await stub.listAudit(everything)).events.map((e) => [e.outcome, e.details["result"]])).toEqual([
      ["ok", "accepted"],
      ["refused", "duplicate"],
    ]);
  });

  it("records a revocation only when a token was revoked", async () => {
    const stub = fresh();
    const record = { id: "tok_1", name: "ci", permissions: [], createdAt: new Date().toISOString() };
    await stub.addToken({ id: "tok_1", digest: "d".repeat(64), record, createdAt: Date.now() }, null, {
      ...ADMIN,
      action: "token.create",
      target: "tok_1",
    });
    expect((await stub.revokeToken("tok_1", null, null, { ...ADMIN, action: "token.revoke", target: "tok_1" })).found).toBe(true);
    expect((await stub.revokeToken("tok_1", null, null, { ...ADMIN, action: "token.revoke", target: "tok_1" })).found).toBe(false);
    expect((await stub.listAudit(everything)).events.map((e) => e.action)).toEqual(["token.create", "token.revoke"]);
  });
});
