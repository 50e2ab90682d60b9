import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KvPersistedQueryRegistry, readPersistedQuery, resolvePersistedQuery } from "../../src/cache/apq";
import { sha256Hex } from "../../src/platform/hash";
import { PersistedQueryHashMismatchError, PersistedQueryNotFoundError } from "../../src/errors";
import type { KVLike } from "../../src/cache/apq";

const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;

class CountingKv implements KVLike {
  gets = 0;
  puts = 0;
  constructor(readonly inner: KVLike) {}
  get(key: string, type: "text") {
    this.gets++;
    return this.inner.get(key, type);
  }
  put(key: string, value: string, options?: { expirationTtl?: number }) {
    this.puts++;
    return this.inner.put(key, value, options);
  }
}

const pq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe("APQ", () => {
  it("sha256Hex matches Apollo's hash of the query text", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("unknown hash without query → PERSISTED_QUERY_NOT_FOUND (status 200)", async () => {
    const registry = new KvPersistedQueryRegistry(kv);
    const hash = await sha256Hex(`{ unknown_${crypto.randomUUID().replace(/-/g, "")} }`);
    const error = await resolvePersistedQuery({ extensions: pq(hash) }, registry).catch((e) => e);
    expect(error).toBeInstanceOf(PersistedQueryNotFoundError);
    expect(error).toMatchObject({ code: "PERSISTED_QUERY_NOT_FOUND", status: 200 });
  });

  it("hash that does not match the query → 400 PERSISTED_QUERY_SHA_MISMATCH and nothing stored", async () => {
    const counting = new CountingKv(kv);
    const registry = new KvPersistedQueryRegistry(counting);
    const wrong = await sha256Hex("{ something { else } }");
    const error = await resolvePersistedQuery({ query: "{ posts { id } }", extensions: pq(wrong) }, registry).catch((e) => e);
    expect(error).toBeInstanceOf(PersistedQueryHashMismatchError);
    expect(error).toMatchObject({ code: "PERSISTED_QUERY_SHA_MISMATCH", status: 400 });
    expect(counting.puts).toBe(0);
    await expect(resolvePersistedQuery({ extensions: pq(wrong) }, registry)).rejects.toMatchObject({ code: "PERSISTED_QUERY_NOT_FOUND" });
  });

  it("register then resolve by hash only, in this isolate and another (via KV)", async () => {
    const query = `{ posts { id } } # ${crypto.randomUUID()}`;
    const hash = await sha256Hex(query);
    const counting = new CountingKv(kv);
    const registry = new KvPersistedQueryRegistry(counting);
    const first = await resolvePersistedQuery({ query, extensions: pq(hash.toUpperCase()) }, registry);
    expect(first).toEqual({ query, hash, register: true });
    await registry.put(first.hash!, first.query);
    await registry.put(first.hash!, first.query); // re-registration: no second KV write
    expect(counting.puts).toBe(1);

    const gets = counting.gets;
    expect(await resolvePersistedQuery({ extensions: pq(hash) }, registry)).toEqual({ query, hash, register: false });
    expect(counting.gets).toBe(gets); // served from the isolate LRU

    const otherIsolate = new KvPersistedQueryRegistry(kv);
    expect((await resolvePersistedQuery({ extensions: pq(hash) }, otherIsolate)).query).toBe(query);
  });

  it("without persistedQuery the query passes through", async () => {
    const registry = new KvPersistedQueryRegistry(kv);
    expect(await resolvePersistedQuery({ query: "{ a }", extensions: { tracing: true } }, registry)).toEqual({
      query: "{ a }",
      register: false,
    });
    await expect(resolvePersistedQuery({}, registry)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it.each<[unknown]>([
    [{ persistedQuery: { version: 2, sha256Hash: "a".repeat(64) } }],
    [{ persistedQuery: { version: 1, sha256Hash: "xyz" } }],
    [{ persistedQuery: "x" }],
  ])("malformed persistedQuery %j → BAD_REQUEST", (extensions) => {
    expect(() => readPersistedQuery(extensions)).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});
