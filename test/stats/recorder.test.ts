import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HOUR_MS, MINUTE_MS, type HourBucket } from "../../src/stats/buckets";
import type { MinuteDelta } from "../../src/stats/analytics-engine";
import { StatsRecorder } from "../../src/stats/recorder";
import type { StatsStore } from "../../src/stats/buckets";
import { KvStatsStore } from "../../src/stats/store";
import { mergeStats } from "../../src/stats/summary";
import type { ProjectRef } from "../../src/projects/types";

const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;
/** 2026-01-01T10:00:00Z: minutes and hours below are counted from here. */
const T0 = Date.UTC(2026, 0, 1, 10);

/** The real KV store, counting its writes and able to fail them on demand. */
class CountingStore implements StatsStore {
  puts: Array<{ ref: ProjectRef; isolateId: string; bucket: HourBucket }> = [];
  failNext = 0;
  readonly inner = new KvStatsStore(kv);
  async put(ref: ProjectRef, isolateId: string, bucket: HourBucket) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("KV write refused");
    }
    this.puts.push({ ref, isolateId, bucket: structuredClone(bucket) });
    return this.inner.put(ref, isolateId, bucket);
  }
  list(ref: ProjectRef, sinceHour: number) {
    return this.inner.list(ref, sinceHour);
  }
}

const project = () => `stats-${crypto.randomUUID().slice(0, 8)}`;

describe("StatsRecorder", () => {
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

  it("counts in memory and writes at most once per flush interval (5 s by default), through waitUntil", async () => {
    let now = T0;
    const store = new CountingStore();
    const p = project();
    const stats = new StatsRecorder(store, { now: () => now, isolateId: "iso-a" });
    const ctx = createExecutionContext();
    const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);

    for (let i = 0; i < 100; i++) stats.record(p, "master", i % 4 === 0 ? "misses" : "hits", waitUntil);
    now += 4_999;
    stats.record(p, "master", "hits", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(store.puts).toHaveLength(0); // 101 requests, no storage write

    now += 1;
    stats.record(p, "master", "stale", waitUntil);
    stats.record(p, "master", "bypasses", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(store.puts).toHaveLength(1); // one write for the interval

    stats.record(p, "master", "originErrors", waitUntil);
    await waitOnExecutionContext(ctx);
    expect(store.puts).toHaveLength(1);

    // A second isolate's flushed totals merge with this isolate's live counts.
    const other = new StatsRecorder(store, { isolateId: "iso-b", now: () => now });
    other.record(p, "master", "hits", undefined, 10);
    await other.flush();
    expect(await stats.read(p, "master")).toEqual({
      hits: 86,
      misses: 25,
      stale: 1,
      bypasses: 1,
      originErrors: 1,
      requests: 113,
      hitRatio: 86 / 112,
    });
    expect((await stats.read(`${p}-x`, "master")).requests).toBe(0); // another project is separate
  });

  it("writes totals, not increments: flushing twice never double counts", async () => {
    const p = project();
    const a = new StatsRecorder(new KvStatsStore(kv), { isolateId: "iso-a", now: () => T0 });
    a.record(p, "master", "hits", undefined, 3);
    await a.flush();
    await a.flush();
    a.record(p, "master", "hits");
    await a.flush();
    const reader = new StatsRecorder(new KvStatsStore(kv), { isolateId: "reader", now: () => T0 });
    expect((await reader.read(p, "master")).hits).toBe(4);
  });

  it("keeps a counter per minute and per hour, and the refusals with their codes and refused touches", async () => {
    let now = T0 + 5 * MINUTE_MS + 1_000;
    const p = project();
    const stats = new StatsRecorder(new KvStatsStore(kv), { isolateId: "iso", now: () => now });
    stats.record(p, "master", "hits");
    stats.record(p, "master", "hits");
    now += MINUTE_MS;
    stats.record(p, "master", "misses");
    stats.refuse(p, "master", { status: 401, code: "UNAUTHENTICATED", reason: "revoked" });
    const touch = { action: "read", model: "Post", stage: "DRAFT", locale: "en" };
    stats.refuse(p, "master", { status: 403, code: "FORBIDDEN", failedActions: [touch] });
    stats.refuse(p, "master", { status: 403, code: "FORBIDDEN", failedActions: [touch, { ...touch, locale: "de" }] });
    now += HOUR_MS;
    stats.record(p, "master", "stale");

    const [first, second] = await stats.buckets(p, "master");
    expect(first).toEqual({
      hour: T0,
      //        hits misses stale bypasses originErrors 401 403
      minutes: { "5": [2, 0, 0, 0, 0, 0, 0], "6": [0, 1, 0, 0, 0, 1, 2] },
      refusals: { "401 UNAUTHENTICATED revoked": 1, "403 FORBIDDEN": 2 },
      failedActions: { "read Post DRAFT en": 2, "read Post DRAFT de": 1 },
    });
    expect(second?.hour).toBe(T0 + HOUR_MS);
    expect(second?.minutes["6"]).toEqual([0, 0, 1, 0, 0, 0, 0]);
    // /stats counts the cache-step outcomes only; refusals are not requests the cache answered.
    expect(await stats.read(p, "master")).toEqual({
      hits: 2,
      misses: 1,
      stale: 1,
      bypasses: 0,
      originErrors: 0,
      requests: 4,
      hitRatio: 2 / 4,
    });
  });

  it("lets a stored past hour go from memory and still reads it; a day later it is out of the window", async () => {
    let now = T0 + 30 * MINUTE_MS;
    const store = new CountingStore();
    const p = project();
    const stats = new StatsRecorder(store, { isolateId: "iso", now: () => now });
    stats.record(p, "master", "hits", undefined, 7);
    now += HOUR_MS;
    stats.record(p, "master", "misses");
    await stats.flush();
    expect(store.puts.map((w) => w.bucket.hour).sort()).toEqual([T0, T0 + HOUR_MS]);
    expect(stats.local(p, "master")).toEqual({ hits: 0, misses: 1, stale: 0, bypasses: 0, originErrors: 0 });
    expect((await stats.read(p, "master")).hits).toBe(7);
    now = T0 + 24 * HOUR_MS;
    expect(await stats.read(p, "master")).toMatchObject({ hits: 0, misses: 1 });
  });

  it("keeps a bucket whose write failed and writes it at the next flush", async () => {
    const store = new CountingStore();
    const p = project();
    const stats = new StatsRecorder(store, { isolateId: "iso", now: () => T0 });
    stats.record(p, "master", "hits", undefined, 2);
    store.failNext = 1;
    await expect(stats.flush()).rejects.toThrow("KV write refused");
    await stats.flush();
    expect(store.puts).toHaveLength(1);
    const reader = new StatsRecorder(store, { isolateId: "reader", now: () => T0 });
    expect((await reader.read(p, "master")).hits).toBe(2);
  });

  it("hands the sink what was counted since the previous flush, per minute", async () => {
    let now = T0;
    const written: Array<{ ref: ProjectRef; deltas: MinuteDelta[] }> = [];
    const p = project();
    const stats = new StatsRecorder(new KvStatsStore(kv), {
      isolateId: "iso",
      now: () => now,
      sink: { write: (ref, deltas) => written.push({ ref, deltas: [...deltas] }) },
    });
    stats.record(p, "master", "hits", undefined, 3);
    await stats.flush();
    stats.record(p, "master", "hits");
    now += MINUTE_MS;
    stats.refuse(p, "master", { status: 403, code: "FORBIDDEN" });
    await stats.flush();
    await stats.flush(); // nothing new: nothing written
    expect(written.map((w) => w.deltas)).toEqual([
      [{ minute: T0, counts: [3, 0, 0, 0, 0, 0, 0] }],
      [
        { minute: T0, counts: [1, 0, 0, 0, 0, 0, 0] },
        { minute: T0 + MINUTE_MS, counts: [0, 0, 0, 0, 0, 0, 1] },
      ],
    ]);
    expect(written[0]!.ref).toEqual({ projectId: p, environment: "master" });
  });
});
