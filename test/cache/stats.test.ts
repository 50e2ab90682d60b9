import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { StatsRecorder, mergeStats, type KVListLike } from "../../src/cache/stats";

const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;

class CountingKv implements KVListLike {
  puts = 0;
  constructor(readonly inner: KVNamespace) {}
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }) {
    this.puts++;
    return this.inner.put(key, value, options);
  }
  list(options: { prefix: string; cursor?: string | null }) {
    return this.inner.list(options);
  }
}

describe("stats", () => {
  it("mergeStats arithmetic and hit ratio = hits / (hits + misses + stale)", () => {
    const s = mergeStats([
      { hits: 3, misses: 1, stale: 0, bypasses: 2, originErrors: 0 },
      { hits: 1, misses: 0, stale: 1, bypasses: 0, originErrors: 1 },
      null,
      { hits: -4, misses: Number.NaN } as never,
    ]);
    expect(s).toEqual({ hits: 4, misses: 1, stale: 1, bypasses: 2, originErrors: 1, requests: 8, hitRatio: 4 / 6 });
    expect(mergeStats([{ bypasses: 3 }]).hitRatio).toBeNull();
  });

  it("counts in memory and flushes at most once per interval through waitUntil", async () => {
    let now = 1_700_000_000_000;
    const counting = new CountingKv(kv);
    const p = `stats-${crypto.randomUUID()}`;
    const stats = new StatsRecorder(counting, { flushIntervalMs: 10_000, now: () => now, isolateId: "iso-a" });
    const ctx = createExecutionContext();
    const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);

    for (let i = 0; i < 100; i++) stats.record(p, "master", i % 4 === 0 ? "misses" : "hits", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(counting.puts).toBe(0); // 100 requests, no KV write

    now += 10_000;
    stats.record(p, "master", "stale", waitUntil);
    stats.record(p, "master", "bypasses", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(counting.puts).toBe(1); // one flush for the interval

    stats.record(p, "master", "originErrors", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(counting.puts).toBe(1);

    // A second isolate's flushed totals merge with this isolate's live counts.
    const other = new StatsRecorder(kv, { isolateId: "iso-b", now: () => now });
    other.record(p, "master", "hits", undefined, 10);
    await other.flush();
    const summary = await stats.read(p, "master");
    expect(summary).toEqual({ hits: 85, misses: 25, stale: 1, bypasses: 1, originErrors: 1, requests: 112, hitRatio: 85 / 111 });
    // Another project is separate.
    expect((await stats.read(`${p}-x`, "master")).requests).toBe(0);
  });

  it("flushing twice writes totals, not increments (no double counting)", async () => {
    const p = `stats-${crypto.randomUUID()}`;
    const a = new StatsRecorder(kv, { isolateId: "iso-a" });
    a.record(p, "master", "hits", undefined, 3);
    await a.flush();
    await a.flush();
    a.record(p, "master", "hits");
    await a.flush();
    const reader = new StatsRecorder(kv, { isolateId: "reader" });
    expect((await reader.read(p, "master")).hits).toBe(4);
  });
});
