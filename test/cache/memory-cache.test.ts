import { describe, expect, it } from "vitest";
import { cacheKey } from "../../src/cache/key";
import { WorkersEdgeCache, type EdgeCache } from "../../src/cache/edge-cache";
import { createEntry, type CacheEntry } from "../../src/cache/entry";
import { LayeredCache, MemoryCache } from "../../src/cache/memory-cache";

const enc = (s: string) => new TextEncoder().encode(s);
const T0 = 1_700_000_000_000;

async function entry(body: string, storedAt = T0): Promise<CacheEntry> {
  return createEntry({ body: enc(body), headers: { "content-type": "application/json" }, storedAt });
}

class CountingEdge implements EdgeCache {
  matches = 0;
  puts = 0;
  constructor(readonly inner: EdgeCache) {}
  match(url: string) {
    this.matches++;
    return this.inner.match(url);
  }
  put(url: string, e: CacheEntry, ttl: number) {
    this.puts++;
    return this.inner.put(url, e, ttl);
  }
  delete(url: string) {
    return this.inner.delete(url);
  }
}

describe("MemoryCache", () => {
  it("peeks without changing anything: no recency update, an expired entry is neither returned nor removed", async () => {
    let now = T0;
    const memory = new MemoryCache({ now: () => now, maxEntries: 2 });
    await memory.put("https://k/a", await entry('{"data":"a"}'), 10);
    await memory.put("https://k/b", await entry('{"data":"b"}'), 10);
    expect(memory.peekSync("https://k/a")?.body).toEqual(enc('{"data":"a"}'));
    // "a" was only peeked, so it is still the least recently used and goes first.
    await memory.put("https://k/c", await entry('{"data":"c"}'), 10);
    expect(memory.peekSync("https://k/a")).toBeUndefined();
    expect(memory.peekSync("https://k/b")).toBeDefined();
    now = T0 + 10_000;
    expect(memory.peekSync("https://k/b")).toBeUndefined();
    expect(memory.size).toBe(2);
  });

  it("expires entries ttl seconds after storedAt", async () => {
    let now = T0;
    const memory = new MemoryCache({ now: () => now });
    await memory.put("https://k/1", await entry('{"data":1}'), 10);
    now = T0 + 9_999;
    expect(await memory.match("https://k/1")).toBeDefined();
    now = T0 + 10_000;
    expect(await memory.match("https://k/1")).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it("is bounded by bytes and keeps oversize entries out", async () => {
    const memory = new MemoryCache({ now: () => T0, maxBytes: 2_000, maxEntryBytes: 800 });
    for (let i = 0; i < 10; i++) await memory.put(`https://k/${i}`, await entry(`{"data":"${"x".repeat(300)}"}`), 60);
    expect(memory.bytes).toBeLessThanOrEqual(2_000);
    expect(memory.size).toBeLessThan(10);
    expect(await memory.match("https://k/9")).toBeDefined();
    expect(await memory.match("https://k/0")).toBeUndefined();
    expect(memory.putSync("https://k/big", await entry(`{"data":"${"x".repeat(1000)}"}`), 60)).toBe(false);
  });
});

describe("LayeredCache over the real caches.default", () => {
  it("round-trips through the Cache API and promotes hits into memory", async () => {
    const now = () => Date.now();
    const { url } = await cacheKey({
      projectId: "memtest",
      environment: "master",
      stage: "PUBLISHED",
      locales: ["en"],
      query: `{ posts { id } } # ${crypto.randomUUID()}`,
      permissionFingerprint: "fp",
    });
    const edge = new CountingEdge(new WorkersEdgeCache());
    const stored = await entry('{"data":{"posts":[]}}', now());

    // Writer isolate: memory + Cache API.
    const writer = new LayeredCache(new MemoryCache({ now }), edge);
    await writer.put(url, stored, 120);
    expect(edge.puts).toBe(1);
    expect(await writer.match(url)).toBe(stored); // served from memory: no Cache API read
    expect(edge.matches).toBe(0);

    // Another isolate (empty memory) finds it in the Cache API, then serves it from memory.
    const reader = new LayeredCache(new MemoryCache({ now }), edge);
    const fromEdge = await reader.match(url);
    expect(fromEdge).toMatchObject({ etag: stored.etag, storedAt: stored.storedAt, status: 200, headers: stored.headers });
    expect(new TextDecoder().decode(fromEdge!.body)).toBe('{"data":{"posts":[]}}');
    expect(edge.matches).toBe(1);
    await reader.match(url);
    expect(edge.matches).toBe(1);

    // The raw Cache API object carries its storage lifetime.
    const raw = await caches.default.match(url);
    expect(raw?.headers.get("cache-control")).toBe("public, max-age=120");
    await raw?.body?.cancel();

    expect(await reader.delete(url)).toBe(true);
    expect(await new WorkersEdgeCache().match(url)).toBeUndefined();
  });

  it("never stores with a zero lifetime", async () => {
    const edge = new WorkersEdgeCache();
    const url = `https://cache.content-edge.internal/v1/zero/master/${crypto.randomUUID()}`;
    await edge.put(url, await entry('{"data":1}', Date.now()), 0);
    expect(await edge.match(url)).toBeUndefined();
  });
});
