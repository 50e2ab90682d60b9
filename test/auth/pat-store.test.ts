import { TEST_AUDIT } from "../support/audit";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { patPrincipal } from "../../src/auth/authenticate";
import {
  generatePatSecret,
  looksLikePat,
  patDigest,
  patIndexKey,
  patIndexPrefix,
  patKey,
  patStore,
  type PatIndexEntry,
  type StoredPat,
} from "../../src/auth/pat-store";
import type { PatRecord } from "../../src/auth/pat-record";
import { Authority, authorityFor } from "../../src/authority/client";
import type { AuthorityNamespace } from "../../src/authority/rpc";
import { GatewayError } from "../../src/errors";
import type { PermissionRule, ProjectRef } from "../../src/projects/types";
import { uniqueTag } from "../support/gateway";
import { rejection, spyKv } from "../support/tokens";

/**
 * The PAT store on its own, over the real KV namespace and the real project authority (a
 * Durable Object): issue, look up, expiry, revocation, listing, and that only a digest of a
 * token is ever stored. The admin routes on top are tested in test/admin/tokens.test.ts.
 */
const NOW = Date.parse("2030-06-01T12:00:00.000Z");
const RULES: PermissionRule[] = [{ action: ["read"], model: ["Post"], stages: ["DRAFT"], locales: "*" }];

/** A store as the gateway builds it, whose background work the test can wait for. */
function store(options: { kv?: KVNamespace; authority?: Authority; now?: () => number } = {}) {
  const pending: Promise<unknown>[] = [];
  const pats = patStore({
    kv: options.kv ?? env.CONFIG,
    authority: options.authority ?? authorityFor(env.AUTHORITY),
    waitUntil: (promise) => void pending.push(promise),
    now: options.now ?? (() => NOW),
  });
  return { pats, settled: () => Promise.all(pending.splice(0)) };
}

const fresh = (environment = "master"): ProjectRef => ({ projectId: uniqueTag("pat"), environment });

/** SHA-256 hex, computed here independently of the module under test. */
async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** KV keys under a prefix, with their expiration (epoch seconds, when set). */
async function keysUnder(prefix: string): Promise<{ name: string; expiration?: number }[]> {
  return (await env.CONFIG.list({ prefix })).keys.map(({ name, expiration }) => ({
    name,
    ...(expiration === undefined ? {} : { expiration }),
  }));
}

// The first call starts the Durable Object; on a loaded machine that can take longer than the
// authority's 5 s call timeout, which is not what these tests are about.
beforeAll(async () => {
  const warm = new Authority(env.AUTHORITY, { callTimeoutMs: 60_000 });
  await warm.view(fresh(), () => undefined);
}, 60_000);

describe("PAT shape and digest", () => {
  it("a secret is cep_ and 43 base64url characters (256 random bits), different every time", () => {
    const secrets = new Set(Array.from({ length: 50 }, generatePatSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^cep_[A-Za-z0-9_-]{43}$/);
      expect(looksLikePat(secret)).toBe(true);
    }
  });

  it.each([
    ["another prefix", `cex_${"a".repeat(43)}`],
    ["one character short", `cep_${"a".repeat(42)}`],
    ["one character long", `cep_${"a".repeat(44)}`],
    ["padding", `cep_${"a".repeat(42)}=`],
    ["standard base64 characters", `cep_${"a".repeat(42)}+`],
    ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["empty", ""],
  ])("%s is not PAT-shaped, so it is never looked up", (_name, token) => {
    expect(looksLikePat(token)).toBe(false);
  });

  it("the digest is the lower-case hex SHA-256 of the whole token", async () => {
    const token = generatePatSecret();
    expect(await patDigest(token)).toBe(await sha256Hex(token));
    expect(await patDigest(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keys are scoped so project ids and environments containing ':' never meet", () => {
    const digest = "0".repeat(64);
    expect(patKey({ projectId: "a:b", environment: "c" }, digest)).not.toBe(patKey({ projectId: "a", environment: "b:c" }, digest));
    expect(patIndexPrefix({ projectId: "a:b", environment: "c" })).not.toBe(patIndexPrefix({ projectId: "a", environment: "b:c" }));
    expect(patIndexKey({ projectId: "p", environment: "e" }, "x/y")).toBe("patid:p:e:x%2Fy");
  });
});

describe("patStore: issue", () => {
  it("returns the secret once with its record, and stores only the digest", async () => {
    const ref = fresh();
    const { pats } = store();
    const { token, record } = await pats.create(
      ref,
      {
        name: "preview",
        permissions: RULES,
        defaultStage: "DRAFT",
        expiresAt: "2031-01-01T00:00:00.000Z",
      },
      TEST_AUDIT,
    );
    expect(token).toMatch(/^cep_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: "preview",
      permissions: RULES,
      defaultStage: "DRAFT",
      expiresAt: "2031-01-01T00:00:00.000Z",
      createdAt: "2030-06-01T12:00:00.000Z",
    });

    const digest = await sha256Hex(token);
    const stored = await env.CONFIG.get<StoredPat>(patKey(ref, digest), "json");
    expect(stored).toEqual({ state: "active", projectId: ref.projectId, environment: ref.environment, ...record });
    const index = await env.CONFIG.get<PatIndexEntry>(patIndexKey(ref, record.id), "json");
    expect(index).toEqual({ ...record, digest });

    // Neither key nor value holds the secret.
    const secret = token.slice(4);
    for (const { name } of [...(await keysUnder(patIndexPrefix(ref))), ...(await keysUnder(`pat:${ref.projectId}:`))]) {
      expect(name).not.toContain(secret);
      expect(await env.CONFIG.get(name)).not.toContain(secret);
    }
  });

  it("omits defaultStage and expiresAt when not given", async () => {
    const { record } = await store().pats.create(fresh(), { name: "ci", permissions: [] }, TEST_AUDIT);
    expect(record).toEqual({ id: expect.any(String), name: "ci", permissions: [], createdAt: "2030-06-01T12:00:00.000Z" });
  });

  it("issues a different secret and id every time, even with the same name", async () => {
    const ref = fresh();
    const { pats } = store();
    const a = await pats.create(ref, { name: "same", permissions: [] }, TEST_AUDIT);
    const b = await pats.create(ref, { name: "same", permissions: [] }, TEST_AUDIT);
    expect(a.token).not.toBe(b.token);
    expect(a.record.id).not.toBe(b.record.id);
  });

  it("writes nothing that could authenticate when KV refuses the write (503)", async () => {
    const ref = fresh();
    const failingPut = new Proxy(env.CONFIG, {
      get(target, prop) {
        if (prop === "put") return () => Promise.reject(new Error("KV is down"));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const error = await rejection(store({ kv: failingPut }).pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", reason: "store-unavailable" });
    expect(await keysUnder(patIndexPrefix(ref))).toEqual([]);
    expect(await store().pats.list(ref)).toEqual([]);
  });

  it("removes its KV records and shows no secret when the authority cannot register the token (503)", async () => {
    const ref = fresh();
    const unreachable: AuthorityNamespace = {
      idFromName: (name) => env.AUTHORITY.idFromName(name),
      get: () => new Proxy({}, { get: () => () => Promise.reject(new Error("object unreachable")) }),
    };
    const error = await rejection(
      store({ authority: new Authority(unreachable, { callTimeoutMs: 200 }) }).pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT),
    );
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(await keysUnder(patIndexPrefix(ref))).toEqual([]);
    expect(await keysUnder(`pat:${ref.projectId}:`)).toEqual([]);
  });
});

describe("patStore: look up", () => {
  it("finds an issued token, with its public record only", async () => {
    const ref = fresh();
    const { pats } = store();
    const { token, record } = await pats.create(ref, { name: "preview", permissions: RULES, defaultStage: "DRAFT" }, TEST_AUDIT);
    expect(await pats.lookup(ref, token)).toEqual({ status: "active", record });
  });

  it("finds it from another isolate's handle on the authority too", async () => {
    const ref = fresh();
    const { token, record } = await store().pats.create(ref, { name: "x", permissions: RULES }, TEST_AUDIT);
    const elsewhere = store({ authority: new Authority(env.AUTHORITY) }).pats;
    expect(await elsewhere.lookup(ref, token)).toEqual({ status: "active", record });
  });

  it.each([
    ["an unknown token of the right shape", (_token: string) => generatePatSecret(), (ref: ProjectRef) => ref],
    [
      "the token with one character changed",
      (token: string) => token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"),
      (ref: ProjectRef) => ref,
    ],
    ["the token in another environment", (token: string) => token, (ref: ProjectRef) => ({ ...ref, environment: "staging" })],
    ["the token in another project", (token: string) => token, (ref: ProjectRef) => ({ ...ref, projectId: `${ref.projectId}x` })],
  ])("answers unknown for %s", async (_name, presented, where) => {
    const ref = fresh();
    const { pats } = store();
    const { token } = await pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT);
    expect(await pats.lookup(where(ref), presented(token))).toEqual({ status: "unknown" });
  });

  it("finds a token KV holds that the authority never registered (issued before it existed)", async () => {
    const ref = fresh();
    const token = generatePatSecret();
    const digest = await patDigest(token);
    const record: PatRecord = { id: crypto.randomUUID(), name: "old", permissions: RULES, createdAt: "2029-01-01T00:00:00.000Z" };
    await env.CONFIG.put(patIndexKey(ref, record.id), JSON.stringify({ ...record, digest }));
    await env.CONFIG.put(
      patKey(ref, digest),
      JSON.stringify({ state: "active", projectId: ref.projectId, environment: ref.environment, ...record }),
    );
    const { pats } = store();
    expect(await pats.lookup(ref, token)).toEqual({ status: "active", record });
    expect(await pats.list(ref)).toEqual([record]);
  });

  it("fails closed (503) when KV cannot be read, instead of answering unknown", async () => {
    const ref = fresh();
    const { kv } = spyKv(env.CONFIG, { fail: true });
    const error = await rejection(store({ kv }).pats.lookup(ref, generatePatSecret()));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", reason: "store-unavailable" });
  });

  it("does not re-read KV for a token it looked up a moment ago (isolate copy)", async () => {
    const ref = fresh();
    const spy = spyKv();
    const { pats } = store({ kv: spy.kv });
    const unknown = generatePatSecret();
    expect(await pats.lookup(ref, unknown)).toEqual({ status: "unknown" });
    const reads = spy.reads();
    expect(await pats.lookup(ref, unknown)).toEqual({ status: "unknown" });
    expect(spy.reads()).toBe(reads);
  });
});

describe("patStore: expiry", () => {
  it("lets KV drop an expiring token's records seven days after expiresAt", async () => {
    const ref = fresh();
    const expiresAt = "2031-01-01T00:00:00.000Z";
    const { token, record } = await store().pats.create(ref, { name: "x", permissions: [], expiresAt }, TEST_AUDIT);
    const expiration = Date.parse(expiresAt) / 1000 + 7 * 86_400;
    expect(await keysUnder(patIndexKey(ref, record.id))).toEqual([{ name: patIndexKey(ref, record.id), expiration }]);
    expect(await keysUnder(patKey(ref, await patDigest(token)))).toEqual([{ name: patKey(ref, await patDigest(token)), expiration }]);
  });

  it.each([
    ["without expiresAt", undefined],
    ["expiring after 2038 (beyond KV's 32-bit expiration)", "2040-01-01T00:00:00.000Z"],
  ])("keeps the records of a token %s without a KV expiration", async (_name, expiresAt) => {
    const ref = fresh();
    const { record } = await store().pats.create(ref, { name: "x", permissions: [], ...(expiresAt ? { expiresAt } : {}) }, TEST_AUDIT);
    expect(await keysUnder(patIndexKey(ref, record.id))).toEqual([{ name: patIndexKey(ref, record.id) }]);
  });

  it("still finds an expired token (the caller's clock decides), and the principal refuses it from expiresAt on", async () => {
    const ref = fresh();
    const expiresAt = "2031-01-01T00:00:00.000Z";
    const { token } = await store().pats.create(ref, { name: "x", permissions: RULES, expiresAt }, TEST_AUDIT);
    const after = store({ now: () => Date.parse(expiresAt) + 1 }).pats;
    const found = await after.lookup(ref, token);
    expect(found.status).toBe("active");
    const record = (found as { record: PatRecord }).record;

    expect(patPrincipal(record, Date.parse(expiresAt) - 1)).toMatchObject({ kind: "pat", tokenId: record.id, rules: RULES });
    for (const at of [Date.parse(expiresAt), Date.parse(expiresAt) + 1]) {
      const error = (() => {
        try {
          patPrincipal(record, at);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", extensions: { reason: "expired" } });
    }
  });

  it("still lists an expired token, so an operator can see and revoke it", async () => {
    const ref = fresh();
    const { record } = await store().pats.create(ref, { name: "x", permissions: [], expiresAt: "2030-06-01T12:00:01.000Z" }, TEST_AUDIT);
    expect(await store({ now: () => NOW + 60_000 }).pats.list(ref)).toEqual([record]);
  });
});

describe("patStore: revocation", () => {
  it("refuses the token at once, drops it from the list, keeps a tombstone and removes the index", async () => {
    const ref = fresh();
    const { pats, settled } = store();
    const { token, record } = await pats.create(ref, { name: "x", permissions: RULES }, TEST_AUDIT);
    expect(await pats.lookup(ref, token)).toMatchObject({ status: "active" });

    expect(await pats.revoke(ref, record.id, TEST_AUDIT)).toBe(true);
    expect(await pats.lookup(ref, token)).toEqual({ status: "revoked", id: record.id });
    expect(await pats.list(ref)).toEqual([]);
    expect(await pats.get(ref, record.id)).toBeNull();

    await settled();
    const digest = await patDigest(token);
    expect(await env.CONFIG.get<StoredPat>(patKey(ref, digest), "json")).toEqual({
      state: "revoked",
      id: record.id,
      revokedAt: "2030-06-01T12:00:00.000Z",
    });
    const [tombstone] = await keysUnder(patKey(ref, digest));
    // Kept for 30 days, so the token answers `revoked` rather than `unknown-token` meanwhile.
    expect(tombstone!.expiration! - Date.now() / 1000).toBeGreaterThan(29 * 86_400);
    expect(tombstone!.expiration! - Date.now() / 1000).toBeLessThanOrEqual(30 * 86_400 + 5);
    expect(await keysUnder(patIndexPrefix(ref))).toEqual([]);
  });

  it("is seen by another isolate's handle, which never looked the token up before", async () => {
    const ref = fresh();
    const { pats, settled } = store();
    const { token, record } = await pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT);
    await pats.revoke(ref, record.id, TEST_AUDIT);
    // The location's copy of the authority's view is written in the background (waitUntil).
    await settled();
    const elsewhere = store({ authority: new Authority(env.AUTHORITY) }).pats;
    expect(await elsewhere.lookup(ref, token)).toEqual({ status: "revoked", id: record.id });
  });

  it("answers false for an unknown id, a second revocation, and an id of another project", async () => {
    const ref = fresh();
    const { pats, settled } = store();
    expect(await pats.revoke(ref, crypto.randomUUID(), TEST_AUDIT)).toBe(false);
    const { record } = await pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT);
    expect(await pats.revoke(fresh(), record.id, TEST_AUDIT)).toBe(false);
    expect(await pats.revoke(ref, record.id, TEST_AUDIT)).toBe(true);
    await settled();
    expect(await pats.revoke(ref, record.id, TEST_AUDIT)).toBe(false);
  });

  it("revokes a token KV holds that the authority never registered, by the digest in KV's index", async () => {
    const ref = fresh();
    const token = generatePatSecret();
    const digest = await patDigest(token);
    const record: PatRecord = { id: crypto.randomUUID(), name: "old", permissions: [], createdAt: "2029-01-01T00:00:00.000Z" };
    await env.CONFIG.put(patIndexKey(ref, record.id), JSON.stringify({ ...record, digest }));
    await env.CONFIG.put(
      patKey(ref, digest),
      JSON.stringify({ state: "active", projectId: ref.projectId, environment: ref.environment, ...record }),
    );
    const { pats } = store();
    expect(await pats.revoke(ref, record.id, TEST_AUDIT)).toBe(true);
    expect(await store({ authority: new Authority(env.AUTHORITY) }).pats.lookup(ref, token)).toEqual({ status: "revoked", id: record.id });
  });

  it("leaves the project's other tokens alone", async () => {
    const ref = fresh();
    const { pats } = store();
    const a = await pats.create(ref, { name: "a", permissions: [] }, TEST_AUDIT);
    const b = await pats.create(ref, { name: "b", permissions: [] }, TEST_AUDIT);
    await pats.revoke(ref, a.record.id, TEST_AUDIT);
    expect(await pats.lookup(ref, b.token)).toEqual({ status: "active", record: b.record });
    expect(await pats.list(ref)).toEqual([b.record]);
  });
});

describe("patStore: list and get", () => {
  it("lists the environment's tokens oldest first, without secrets or digests", async () => {
    const ref = fresh();
    let clock = NOW;
    const { pats } = store({ now: () => clock });
    const created: { token: string; record: PatRecord }[] = [];
    for (const name of ["first", "second", "third"]) {
      created.push(await pats.create(ref, { name, permissions: RULES }, TEST_AUDIT));
      clock += 1_000;
    }
    const listed = await pats.list(ref);
    expect(listed.map((r) => r.name)).toEqual(["first", "second", "third"]);
    expect(listed).toEqual(created.map((c) => c.record));
    const text = JSON.stringify(listed);
    for (const { token } of created) {
      expect(text).not.toContain(token.slice(4));
      expect(text).not.toContain(await patDigest(token));
    }
  });

  it("keeps environments and projects apart", async () => {
    const ref = fresh();
    const { pats } = store();
    const { record } = await pats.create(ref, { name: "x", permissions: [] }, TEST_AUDIT);
    expect(await pats.list({ ...ref, environment: "staging" })).toEqual([]);
    expect(await pats.list({ ...ref, projectId: `${ref.projectId}x` })).toEqual([]);
    expect(await pats.get({ ...ref, environment: "staging" }, record.id)).toBeNull();
  });

  it("gets a token by id without its secret, and null for an unknown id", async () => {
    const ref = fresh();
    const { pats } = store();
    const { record } = await pats.create(ref, { name: "x", permissions: RULES, defaultStage: "DRAFT" }, TEST_AUDIT);
    expect(await pats.get(ref, record.id)).toEqual(record);
    expect(await pats.get(ref, crypto.randomUUID())).toBeNull();
  });
});
