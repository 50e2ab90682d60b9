import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Authority, authorityFor } from "../../src/authority/client";
import type { AuthorityNamespace } from "../../src/authority/rpc";
import { AuthorityStatsStore } from "../../src/stats/authority-store";
import { emptyBucket } from "../../src/stats/buckets";
import { StatsRecorder } from "../../src/stats/recorder";
import { KvStatsStore, statsStoreFor } from "../../src/stats/store";

/**
 * The stats store of the gateway: the project's authority (its Durable Object), reached through
 * the real authority client and the real object in workerd.
 */
const kv = env.CONFIG;
const project = () => `stats-do-${crypto.randomUUID().slice(0, 8)}`;

// The first call to a Durable Object in the test pool loads the Worker's modules into it (seconds on
// a busy machine), longer than the client's call timeout: load them before timing anything.
beforeAll(async () => {
  await (env.AUTHORITY.get(env.AUTHORITY.idFromName("warm-up")) as unknown as { listStats(since: number): Promise<unknown> }).listStats(0);
}, 30_000);

/** The authority namespace as a location sees it, which a test can cut off (every call fails) or make hang. */
function cuttableNamespace() {
  const link = { down: false, hang: false, calls: 0 };
  const namespace: AuthorityNamespace = {
    idFromName: (name) => env.AUTHORITY.idFromName(name),
    get(id) {
      const stub = env.AUTHORITY.get(id) as unknown as Record<"putStats" | "listStats", (...a: unknown[]) => unknown>;
      const call =
        (method: "putStats" | "listStats") =>
        (...args: unknown[]) => {
          link.calls++;
          if (link.hang) return new Promise(() => undefined);
          if (link.down) return Promise.reject(new Error("authority unreachable"));
          return Reflect.apply(stub[method], stub, args);
        };
      return { putStats: call("putStats"), listStats: call("listStats") };
    },
  };
  return { link, authority: new Authority(namespace, { callTimeoutMs: 200 }) };
}

/** A waitUntil that keeps what it is given, to show what a request's background work does. */
function background() {
  const handed: Promise<unknown>[] = [];
  return {
    waitUntil: (p: Promise<unknown>) => void handed.push(p),
    settled: () => Promise.allSettled(handed),
    all: () => Promise.all(handed),
  };
}

describe("statsStoreFor: the authority when the binding is configured, else KV", () => {
  it.each<[string, () => unknown, unknown]>([
    ["with the authority", () => statsStoreFor(kv, authorityFor(env.AUTHORITY)), AuthorityStatsStore],
    ["without (null)", () => statsStoreFor(kv, null), KvStatsStore],
    ["without (not given)", () => statsStoreFor(kv), KvStatsStore],
  ])("%s", (_label, make, type) => {
    expect(make()).toBeInstanceOf(type as never);
  });
});

describe("AuthorityStatsStore", () => {
  it("sums every isolate's flushed totals at the object, never double counts a repeated flush, and writes nothing to KV", async () => {
    const p = project();
    const store = statsStoreFor(kv, authorityFor(env.AUTHORITY));
    const t0 = Date.now(); // one instant for every recorder, so the counts share one hour
    const a = new StatsRecorder(store, { isolateId: "iso-a", now: () => t0 });
    const b = new StatsRecorder(store, { isolateId: "iso-b", now: () => t0 });
    a.record(p, "master", "hits", undefined, 5);
    a.record(p, "master", "misses", undefined, 1);
    b.record(p, "master", "hits", undefined, 2);
    b.refuse(p, "master", {
      status: 403,
      code: "FORBIDDEN",
      failedActions: [{ action: "read", model: "Post", stage: "DRAFT", locale: "en" }],
    });
    await Promise.all([a.flush(), b.flush(), a.flush()]);
    await a.flush();

    const reader = new StatsRecorder(store, { isolateId: "reader", now: () => t0 });
    expect(await reader.read(p, "master")).toEqual({
      hits: 7,
      misses: 1,
      stale: 0,
      bypasses: 0,
      originErrors: 0,
      requests: 8,
      hitRatio: 7 / 8,
    });
    const [hour] = await reader.buckets(p, "master");
    expect(hour?.refusals).toEqual({ "403 FORBIDDEN": 1 });
    expect(hour?.failedActions).toEqual({ "read Post DRAFT en": 1 });
    expect((await store.list({ projectId: p, environment: "master" }, 0)).map((s) => s.isolateId).sort()).toEqual(["iso-a", "iso-b"]);
    expect((await kv.list({ prefix: `stats:v2:${p}:` })).keys).toEqual([]);
  });

  it("keeps projects and environments apart (one object each)", async () => {
    const p = project();
    const store = statsStoreFor(kv, authorityFor(env.AUTHORITY));
    const recorder = new StatsRecorder(store, { isolateId: "iso" });
    recorder.record(p, "master", "hits", undefined, 3);
    recorder.record(p, "staging", "hits", undefined, 4);
    await recorder.flush();
    const reader = new StatsRecorder(store, { isolateId: "reader" });
    expect([
      (await reader.read(p, "master")).hits,
      (await reader.read(p, "staging")).hits,
      (await reader.read(`${p}x`, "master")).hits,
    ]).toEqual([3, 4, 0]);
  });

  it("ignores what the object stored that is not a bucket of the hours asked for", async () => {
    const rows = [
      { isolateId: "a", bucket: JSON.stringify({ ...emptyBucket(7_200_000), minutes: { "1": [1, 0, 0, 0, 0, 0, 0] } }) },
      { isolateId: "b", bucket: "not json" },
      { isolateId: "c", bucket: JSON.stringify({ ...emptyBucket(0), minutes: { "1": [1, 0, 0, 0, 0, 0, 0] } }) },
    ];
    const store = new AuthorityStatsStore({ putStats: async () => true, listStats: async () => rows });
    expect((await store.list({ projectId: "p", environment: "master" }, 3_600_000)).map((s) => s.isolateId)).toEqual(["a"]);
  });

  it.each<[string, "down" | "hang"]>([
    ["unreachable", "down"],
    ["hanging (bounded by the call timeout)", "hang"],
  ])(
    "while the object is %s: requests count on, the flush from waitUntil fails quietly, and the next flush writes the totals",
    async (_label, fault) => {
      const p = project();
      const { link, authority } = cuttableNamespace();
      let now = Date.now();
      const recorder = new StatsRecorder(statsStoreFor(kv, authority), { isolateId: "iso", now: () => now });
      link[fault] = true;
      const work = background();
      recorder.record(p, "master", "hits", work.waitUntil, 4);
      now += 5_000;
      recorder.record(p, "master", "misses", work.waitUntil); // the interval passed: a flush is handed to waitUntil
      await expect(work.all()).resolves.toEqual([undefined]); // quiet: nothing rejects in the background
      expect(link.calls).toBe(1);
      await expect(recorder.read(p, "master")).rejects.toMatchObject({
        status: 503,
        code: "SERVICE_UNAVAILABLE",
        extensions: { reason: "authority-unavailable" },
      });

      link[fault] = false;
      now += 5_000;
      recorder.record(p, "master", "hits", work.waitUntil);
      await work.settled();
      const reader = new StatsRecorder(statsStoreFor(kv, authority), { isolateId: "reader" });
      expect(await reader.read(p, "master")).toMatchObject({ hits: 5, misses: 1, requests: 6 });
    },
  );
});
