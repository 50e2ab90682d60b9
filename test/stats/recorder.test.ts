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

/** An operation's label: a document hash and its name. */
const OP = `${"c".repeat(64)} Posts`;

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
    stats.answer(p, "master", "hits", 0, OP);
    stats.answer(p, "master", "hits", 0.1, OP);
    now += MINUTE_MS;
    stats.answer(p, "master", "misses", 100, OP);
    stats.origin(p, "master", 60);
    stats.refuse(p, "master", { status: 401, code: "UNAUTHENTICATED", reason: "revoked" });
    const touch = { action: "read", model: "Post", stage: "DRAFT", locale: "en" };
    stats.refuse(p, "master", { status: 403, code: "FORBIDDEN", failedActions: [touch] });
    stats.refuse(p, "master", { status: 403, code: "FORBIDDEN", failedActions: [touch, { ...touch, locale: "de" }] });
    now += HOUR_MS;
    stats.answer(p, "master", "stale", 2, undefined);
    stats.record(p, "master", "v2Requests");

    const [first, second] = await stats.buckets(p, "master");
    expect(first).toEqual({
      hour: T0,
      //        hits misses stale bypasses originErrors 401 403 v2Requests mutations
      minutes: { "5": [2, 0, 0, 0, 0, 0, 0, 0, 0], "6": [0, 1, 0, 0, 0, 1, 2, 0, 0] },
      refusals: { "401 UNAUTHENTICATED revoked": 1, "403 FORBIDDEN": 2 },
      failedActions: { "read Post DRAFT en": 2, "read Post DRAFT de": 1 },
      // [hits, misses, origin] histograms: 0 and 0.1 ms in bucket 0, 100 ms in 33, 60 ms in 31.
      latency: { "5": [{ "0": 2 }, {}, {}], "6": [{}, { "33": 1 }, { "31": 1 }] },
      // [requests, misses]: the MISS is one of the operation's three requests.
      operations: { [OP]: [3, 1] },
    });
    expect(second?.hour).toBe(T0 + HOUR_MS);
    expect(second?.minutes["6"]).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(second?.latency["6"]).toEqual([{ "12": 1 }, {}, {}]); // a stale serve is answered from a stored entry
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
      [{ minute: T0, counts: [3, 0, 0, 0, 0, 0, 0, 0, 0], latency: [] }],
      [
        { minute: T0, counts: [1, 0, 0, 0, 0, 0, 0, 0, 0], latency: [] },
        { minute: T0 + MINUTE_MS, counts: [0, 0, 0, 0, 0, 0, 1, 0, 0], latency: [] },
      ],
    ]);
    expect(written[0]!.ref).toEqual({ projectId: p, environment: "master" });
  });

  it("hands the sink the durations counted since the previous flush, bucket by bucket", async () => {
    const written: MinuteDelta[][] = [];
    const p = project();
    const stats = new StatsRecorder(new KvStatsStore(kv), {
      isolateId: "iso",
      now: () => T0,
      sink: { write: (_ref, d) => written.push([...d]) },
    });
    stats.answer(p, "master", "misses", 100, undefined);
    stats.origin(p, "master", 60);
    await stats.flush();
    stats.answer(p, "master", "misses", 100, undefined);
    stats.answer(p, "master", "hits", 0, undefined);
    await stats.flush();
    stats.origin(p, "master", 60); // a background refresh: a duration with no answer counted
    await stats.flush();
    expect(written).toEqual([
      [{ minute: T0, counts: [0, 1, 0, 0, 0, 0, 0, 0, 0], latency: [{}, { "33": 1 }, { "31": 1 }] }],
      [{ minute: T0, counts: [1, 1, 0, 0, 0, 0, 0, 0, 0], latency: [{ "0": 1 }, { "33": 1 }, {}] }],
      [{ minute: T0, counts: [0, 0, 0, 0, 0, 0, 0, 0, 0], latency: [{}, {}, { "31": 1 }] }],
    ]);
  });

  it("counts a fast-path hit with one lookup: the counter, its duration and its operation, in the hour it happens", async () => {
    let now = T0 + 59 * MINUTE_MS;
    const p = project();
    const stats = new StatsRecorder(new KvStatsStore(kv), { isolateId: "iso", now: () => now });
    const hit = stats.hitCounter(p, "master", OP);
    hit(0);
    hit(2);
    now += MINUTE_MS; // the next hour: a new bucket, and the operation's cell in it
    hit(0);
    const [first, second] = await stats.buckets(p, "master");
    expect([first?.minutes["59"]?.[0], first?.latency["59"], first?.operations]).toEqual([
      2,
      [{ "0": 1, "12": 1 }, {}, {}],
      { [OP]: [2, 0] },
    ]);
    expect([second?.minutes["0"]?.[0], second?.latency["0"], second?.operations]).toEqual([1, [{ "0": 1 }, {}, {}], { [OP]: [1, 0] }]);
  });
});
