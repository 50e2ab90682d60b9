import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KvVersionStore, membersFor, type KVLike } from "../../src/cache/versions";

const kv = (env as unknown as { CONFIG: KVNamespace }).CONFIG;

class CountingKv implements KVLike {
  gets = 0;
  puts = 0;
  failPuts = 0;
  constructor(readonly inner: KVLike) {}
  get(key: string, type: "text") {
    this.gets++;
    return this.inner.get(key, type);
  }
  async put(key: string, value: string, options?: { expirationTtl?: number }) {
    this.puts++;
    if (this.failPuts > 0) {
      this.failPuts--;
      throw new Error("KV PUT failed: 429 Too Many Requests");
    }
    return this.inner.put(key, value, options);
  }
}

const project = () => `p-${crypto.randomUUID()}`;

describe("KvVersionStore", () => {
  it("vectors cover model, stage, cross-stage model and environment counters", () => {
    expect(membersFor(["PUBLISHED"], ["Post", "Author"])).toEqual([
      "*/*", "*/Author", "*/Post", "PUBLISHED/*", "PUBLISHED/Author", "PUBLISHED/Post",
    ]);
  });

  it("starts at 0 and a bump changes only the bumped model and stage", async () => {
    const p = project();
    const store = new KvVersionStore(kv, { now: () => 1_700_000_000_000 });
    const published0 = await store.get(p, "master", "PUBLISHED", ["Post", "Author"]);
    const draft0 = await store.get(p, "master", "DRAFT", ["Post", "Author"]);
    expect(Object.values(published0).every((v) => v === 0)).toBe(true);

    await store.bump(p, "master", ["DRAFT"], ["Post"]);
    const published1 = await store.get(p, "master", "PUBLISHED", ["Post", "Author"]);
    const draft1 = await store.get(p, "master", "DRAFT", ["Post", "Author"]);
    expect(published1).toEqual(published0); // a draft change leaves PUBLISHED alone
    expect(draft1["DRAFT/Post"]).toBeGreaterThan(0);
    expect({ ...draft1, "DRAFT/Post": 0 }).toEqual(draft0);
  });

  it("isolates projects and environments", async () => {
    const p = project();
    const store = new KvVersionStore(kv);
    await store.bump(p, "master", ["PUBLISHED"], ["Post"]);
    expect((await store.get(p, "staging", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]).toBe(0);
    expect((await store.get(project(), "master", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]).toBe(0);
  });

  it.each<[string, readonly string[] | "*", readonly string[] | "*", string[], string[]]>([
    ["model in all stages (delete)", "*", ["Post"], ["*/Post"], ["*/*", "DRAFT/*", "PUBLISHED/*", "PUBLISHED/Post", "DRAFT/Post", "*/Author"]],
    ["every model of a stage", ["PUBLISHED"], "*", ["PUBLISHED/*"], ["*/*", "DRAFT/*", "*/Post"]],
    ["everything (empty purge)", "*", "*", ["*/*"], ["DRAFT/*", "PUBLISHED/*", "*/Post"]],
  ])("bump %s", async (_name, stages, models, changed, unchanged) => {
    const p = project();
    const store = new KvVersionStore(kv);
    const read = async () => ({
      ...(await store.get(p, "master", "PUBLISHED", ["Post", "Author"])),
      ...(await store.get(p, "master", "DRAFT", ["Post", "Author"])),
    });
    const before = await read();
    await store.bump(p, "master", stages, models);
    const after = await read();
    for (const m of changed) expect(after[m], m).toBeGreaterThan(before[m]!);
    for (const m of unchanged) expect(after[m], m).toBe(before[m]);
  });

  it("the bumping isolate sees its bump at once, even before KV has the write", async () => {
    const p = project();
    const counting = new CountingKv(kv);
    const store = new KvVersionStore(counting, { localTtlMs: 60_000 });
    const before = await store.get(p, "master", "PUBLISHED", ["Post"]);
    const pending = store.bump(p, "master", ["PUBLISHED"], ["Post"]);
    const after = await store.get(p, "master", "PUBLISHED", ["Post"]); // synchronous local update
    expect(after["PUBLISHED/Post"]).toBeGreaterThan(before["PUBLISHED/Post"]!);
    await pending;
  });

  it("another isolate sees the bump through KV once its local TTL has passed", async () => {
    const p = project();
    let now = 1_700_000_000_000;
    const a = new KvVersionStore(kv, { now: () => now, localTtlMs: 1_000 });
    const b = new KvVersionStore(kv, { now: () => now, localTtlMs: 1_000 });
    const before = await b.get(p, "master", "PUBLISHED", ["Post"]);
    await a.bump(p, "master", ["PUBLISHED"], ["Post"]);
    expect(await b.get(p, "master", "PUBLISHED", ["Post"])).toEqual(before); // within b's TTL
    now += 1_000;
    expect((await b.get(p, "master", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]).toBeGreaterThan(0);
  });

  it("hit path: repeated reads within the TTL cost no KV read and never a KV write", async () => {
    const p = project();
    const counting = new CountingKv(kv);
    const store = new KvVersionStore(counting, { localTtlMs: 60_000 });
    await store.get(p, "master", "PUBLISHED", ["Post"]);
    const gets = counting.gets;
    for (let i = 0; i < 10; i++) await store.get(p, "master", "PUBLISHED", ["Post"]);
    expect(counting.gets).toBe(gets);
    expect(counting.puts).toBe(0);
  });

  it("concurrent bumps never cancel out, and versions never go backwards", async () => {
    const p = project();
    const store = new KvVersionStore(kv, { now: () => 1_700_000_000_000, random: () => 0, sleep: async () => {} }); // same clock, same random
    const v0 = (await store.get(p, "master", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]!;
    await Promise.all([store.bump(p, "master", ["PUBLISHED"], ["Post"]), store.bump(p, "master", ["PUBLISHED"], ["Post"])]);
    const v2 = (await store.get(p, "master", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]!;
    expect(v0).toBe(0);
    expect(v2).toBe(1_700_000_000_000 * 1000 + 1); // the second bump moved past the first despite identical clock/random
    // A stale KV replica value never overwrites what this isolate knows.
    await kv.put(`ver:v1:${encodeURIComponent(p)}:master:PUBLISHED:Post`, "5");
    const later = new KvVersionStore(kv, { localTtlMs: 0 });
    await later.bump(p, "master", ["PUBLISHED"], ["Post"]);
    await kv.put(`ver:v1:${encodeURIComponent(p)}:master:PUBLISHED:Post`, "5");
    expect((await later.get(p, "master", "PUBLISHED", ["Post"]))["PUBLISHED/Post"]).toBeGreaterThan(5);
  });

  it("retries a rejected KV write", async () => {
    const p = project();
    const counting = new CountingKv(kv);
    counting.failPuts = 1;
    const sleeps: number[] = [];
    const store = new KvVersionStore(counting, { sleep: async (ms) => void sleeps.push(ms) });
    await store.bump(p, "master", ["DRAFT"], ["Post"]);
    expect(counting.puts).toBe(2);
    expect(sleeps.length).toBe(1);
    const fresh = new KvVersionStore(kv);
    expect((await fresh.get(p, "master", "DRAFT", ["Post"]))["DRAFT/Post"]).toBeGreaterThan(0);
  });

  it("reads several stages at once for stage-switching subtrees", async () => {
    const p = project();
    const store = new KvVersionStore(kv);
    const v = await store.get(p, "master", ["DRAFT", "PUBLISHED"], ["Post"]);
    expect(Object.keys(v).sort()).toEqual(["*/*", "*/Post", "DRAFT/*", "DRAFT/Post", "PUBLISHED/*", "PUBLISHED/Post"]);
  });
});
