import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AnswerStore, DEFAULT_STORE_LIMITS, type StoreLimits } from "../../src/tier/store";
import { tierEntrySize, type TierEntry } from "../../src/tier/wire";

/** An AnswerStore with `limits` over the SQLite database of a fresh AnswerTier object, and a hand-moved clock. */
async function withStore(limits: Partial<StoreLimits>, body: (store: AnswerStore, clock: { t: number }) => void) {
  const stub = env.TIER!.get(env.TIER!.idFromName(`store-test-${crypto.randomUUID()}`));
  await runInDurableObject(stub, (_instance, state) => {
    const clock = { t: 1_000_000 };
    body(new AnswerStore(state.storage.sql, () => clock.t, { ...DEFAULT_STORE_LIMITS, ...limits }), clock);
  });
}

function entry(text: string, overrides: Partial<TierEntry> = {}): TierEntry {
  return {
    body: new TextEncoder().encode(text),
    status: 200,
    headers: { "content-type": "application/json" },
    storedAt: 1_000_000,
    etag: '"e"',
    snapshot: 1,
    dependencies: ["L|PUBLISHED|Post"],
    ...overrides,
  };
}

const text = (e: TierEntry | undefined) => (e ? new TextDecoder().decode(e.body) : undefined);

describe("AnswerStore: the tier's bounded SQLite store", () => {
  it("stores and returns an entry with everything a location needs to judge it", async () => {
    await withStore({}, (store) => {
      expect(store.put("k", entry('{"data":1}', { snapshot: 7, dependencies: ["E|PUBLISHED|Post|p1"] }), 60)).toBe(true);
      const got = store.get("k")!;
      expect([text(got), got.snapshot, got.dependencies, got.storedAt, got.headers]).toEqual([
        '{"data":1}',
        7,
        ["E|PUBLISHED|Post|p1"],
        1_000_000,
        { "content-type": "application/json" },
      ]);
      expect(store.get("other")).toBeUndefined();
    });
  });

  it.each([
    { name: "larger than the entry bound", wire: entry("x".repeat(2_000)), ttl: 60 },
    { name: "not a 200", wire: entry("{}", { status: 500 }), ttl: 60 },
    { name: "no storage lifetime", wire: entry("{}"), ttl: 0 },
  ])("refuses an entry $name", async ({ wire, ttl }) => {
    await withStore({ maxEntryBytes: 1_024 }, (store) => {
      expect(store.put("k", wire, ttl)).toBe(false);
      expect(store.get("k")).toBeUndefined();
      expect(store.usage).toEqual({ entries: 0, bytes: 0 });
    });
  });

  it("never replaces a newer answer with an older one (a slower location's write)", async () => {
    await withStore({}, (store) => {
      store.put("k", entry("new", { snapshot: 5 }), 60);
      expect(store.put("k", entry("old", { snapshot: 4 }), 60)).toBe(false);
      expect(store.put("k", entry("older-same-snapshot", { snapshot: 5, storedAt: 999_000 }), 60)).toBe(false);
      expect(text(store.get("k"))).toBe("new");
      expect(store.put("k", entry("newer", { snapshot: 6 }), 60)).toBe(true);
      expect(text(store.get("k"))).toBe("newer");
      expect(store.usage.entries).toBe(1);
    });
  });

  it("an entry past its storage lifetime is gone", async () => {
    await withStore({}, (store, clock) => {
      store.put("k", entry("{}"), 60);
      clock.t += 60_000;
      expect(store.get("k")).toBeUndefined();
      expect(store.usage.entries).toBe(0);
    });
  });

  it.each([
    { bound: "entries", limits: { maxEntries: 3 } },
    { bound: "bytes", limits: { maxBytes: 3 * tierEntrySize(entry("aaaa")) + 1 } },
  ])("bounded by $bound: the least recently used go first", async ({ limits }) => {
    await withStore({ ...limits, touchMs: 0 }, (store, clock) => {
      for (const key of ["a", "b", "c"]) {
        store.put(key, entry("aaaa"), 3600);
        clock.t += 1_000;
      }
      store.get("a"); // a is used again: b is now the oldest
      clock.t += 1_000;
      store.put("d", entry("aaaa"), 3600);
      expect(["a", "b", "c", "d"].map((k) => store.get(k) !== undefined)).toEqual([true, false, true, true]);
      expect(store.usage.entries).toBe(3);
    });
  });
});
